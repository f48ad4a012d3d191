/**
 * meta=filerepoinfo: the file repositories of the wiki, as ApiQueryFileRepoInfo lists them — every
 * foreign repository first (with what its own `meta=siteinfo` says), then the local one. The
 * values of `friprop` are the keys the repositories have, so they depend on the configuration.
 */
import type { Config } from '../../config.js';
import { FileUrls } from '../../files/urls.js';
import { foreignRepoSettings, repoInfoKeys } from '../../upload/foreign/group.js';
import { helpUrl } from '../module.js';
import { defineQueryModule } from './submodule.js';

const LOCAL_PROPS = [
  'name',
  'displayname',
  'rootUrl',
  'local',
  'url',
  'thumbUrl',
  'initialCapital',
  'scriptDirUrl',
  'favicon',
] as const;

const propsCache = new WeakMap<Config, readonly string[]>();

/** ApiQueryFileRepoInfo::getProps: every key of every repository, and canUpload. */
function repoInfoProps(config: Config): readonly string[] {
  let props = propsCache.get(config);
  if (!props) {
    const foreign = foreignRepoSettings(config).flatMap(repoInfoKeys);
    props = [...new Set([...foreign, ...LOCAL_PROPS, 'canUpload'])].sort();
    propsCache.set(config, props);
  }
  return props;
}

export const metaFilerepoinfo = defineQueryModule({
  name: 'filerepoinfo',
  kind: 'meta',
  prefix: 'fri',
  doc: { classname: 'ApiQueryFileRepoInfo', helpurls: [helpUrl('Filerepoinfo')] },
  params: {
    prop: { type: 'multi', freeValues: true, doc: { valuesFor: repoInfoProps } },
  },
  async execute(q, p) {
    const { ctx } = q;
    const c = ctx.config;
    const known = repoInfoProps(c);
    let asked: string[] = ctx.rawParams.has('friprop') ? p.prop : [...known];
    const bad = asked.filter((x) => !known.includes(x));
    if (bad.length) {
      const raw = ctx.rawParams.get('friprop') ?? '';
      ctx.warn(
        'filerepoinfo',
        'unrecognizedvalues',
        bad.length === 1
          ? `Unrecognized value for parameter "friprop": ${bad[0]}`
          : `Unrecognized values for parameter "friprop": ${bad.join(', ')}`,
        { values: bad },
        {
          key: 'paramvalidator-unrecognizedvalues',
          params: [
            { plaintext: 'friprop' },
            { plaintext: raw },
            { list: bad.map((b) => ({ plaintext: b })), type: 'comma' },
            { num: bad.length },
          ],
        },
      );
      asked = asked.filter((x) => known.includes(x));
    }
    const props = new Set(asked);
    const repos: Record<string, unknown>[] = [];
    const pick = (info: Record<string, unknown>) => {
      const repo: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(info)) {
        if (!props.has(k)) continue;
        if (typeof v === 'boolean') ctx.flag(repo, k, v);
        else repo[k] = v;
      }
      repos.push(repo);
    };
    const foreign = ctx.services.foreign.repos;
    // The foreign siteinfo is asked for only when one of its keys is wanted.
    const withSite = ['articlepath', 'server', 'favicon'].some((k) => props.has(k));
    const infos = await Promise.all(foreign.map((r) => r.info(withSite)));
    for (const info of infos) pick({ ...info, canUpload: false });
    const root = new FileUrls(c).uploadPath;
    pick({
      name: 'local',
      displayname: c.siteName,
      rootUrl: root,
      local: true,
      url: root,
      thumbUrl: `${root}/thumb`,
      initialCapital: true,
      scriptDirUrl: c.scriptPath,
      favicon: `${c.server}/favicon.ico`,
      canUpload: c.uploads.enabled,
    });
    q.query.repos = repos;
  },
});
