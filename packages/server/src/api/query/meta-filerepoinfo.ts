/** meta=filerepoinfo: the file repositories of the wiki — here the one local repository. */
import { FileUrls } from '../../files/urls.js';
import { helpUrl } from '../module.js';
import { defineQueryModule } from './submodule.js';

const PROPS = [
  'name',
  'displayname',
  'rootUrl',
  'local',
  'url',
  'thumbUrl',
  'initialCapital',
  'scriptDirUrl',
  'favicon',
  'canUpload',
] as const;

export const metaFilerepoinfo = defineQueryModule({
  name: 'filerepoinfo',
  kind: 'meta',
  prefix: 'fri',
  doc: { classname: 'ApiQueryFileRepoInfo', helpurls: [helpUrl('Filerepoinfo')] },
  params: {
    prop: { type: 'multi', values: PROPS, default: [...PROPS].sort().join('|') },
  },
  async execute(q, p) {
    const { ctx } = q;
    const c = ctx.config;
    const root = new FileUrls(c).uploadPath;
    const props = new Set(p.prop);
    const repo: Record<string, unknown> = {};
    const values: Record<(typeof PROPS)[number], () => void> = {
      name: () => {
        repo.name = 'local';
      },
      displayname: () => {
        repo.displayname = c.siteName;
      },
      rootUrl: () => {
        repo.rootUrl = root;
      },
      local: () => ctx.flag(repo, 'local', true),
      url: () => {
        repo.url = root;
      },
      thumbUrl: () => {
        repo.thumbUrl = `${root}/thumb`;
      },
      initialCapital: () => ctx.flag(repo, 'initialCapital', true),
      scriptDirUrl: () => {
        repo.scriptDirUrl = c.scriptPath;
      },
      favicon: () => {
        repo.favicon = `${c.server}/favicon.ico`;
      },
      canUpload: () => ctx.flag(repo, 'canUpload', c.uploads.enabled),
    };
    for (const name of PROPS) if (props.has(name)) values[name]();
    q.query.repos = [repo];
  },
});
