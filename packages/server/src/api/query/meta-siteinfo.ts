import { GENERATOR } from '../../version.js';
import type { ApiContext } from '../context.js';
import { defineQueryModule } from './submodule.js';
import { siteNamespaceAliases, siteNamespaces } from './titles.js';

const PROPS = [
  'general',
  'namespaces',
  'namespacealiases',
  'specialpagealiases',
  'magicwords',
  'interwikimap',
  'dbrepllag',
  'statistics',
  'usergroups',
  'libraries',
  'extensions',
  'fileextensions',
  'rightsinfo',
  'restrictions',
  'languages',
  'skins',
  'extensiontags',
  'functionhooks',
  'showhooks',
  'defaultoptions',
  'uploaddialog',
  'protocols',
] as const;

/** meta=siteinfo */
export const metaSiteinfo = defineQueryModule({
  name: 'siteinfo',
  kind: 'meta',
  prefix: 'si',
  params: {
    prop: { type: 'multi', values: PROPS, default: 'general' },
    filteriw: { type: 'enum', values: ['local', '!local'] },
    showalldb: { type: 'boolean' },
    numberingroup: { type: 'boolean' },
    inlanguagecode: { type: 'string' },
  },
  async execute(q, p) {
    const { ctx } = q;
    for (const prop of p.prop) {
      switch (prop) {
        case 'general':
          q.query.general = general(ctx);
          break;
        case 'namespaces':
          q.query.namespaces = siteNamespaces(ctx);
          break;
        case 'namespacealiases':
          q.query.namespacealiases = siteNamespaceAliases(ctx);
          break;
        case 'fileextensions':
          q.query.fileextensions = ctx.config.uploads.fileExtensions.map((ext) => ({ ext }));
          break;
        case 'statistics':
          q.query.statistics = await statistics(ctx);
          break;
        case 'usergroups':
          q.query.usergroups = Object.entries(ctx.services.permissions).map(([name, rights]) => ({
            name,
            rights: Object.entries(rights)
              .filter(([, v]) => v)
              .map(([r]) => r),
          }));
          break;
        case 'rightsinfo':
          q.query.rightsinfo = { url: '', text: '' };
          break;
        case 'restrictions':
          q.query.restrictions = {
            types: ['create', 'edit', 'move', 'upload'],
            levels: ['', 'autoconfirmed', 'sysop'],
            cascadinglevels: ['sysop'],
            semiprotectedlevels: ['autoconfirmed'],
          };
          break;
        case 'dbrepllag':
          q.query.dbrepllag = [{ host: '', lag: 0 }];
          break;
        case 'protocols':
          q.query.protocols = ['http://', 'https://'];
          break;
        case 'defaultoptions':
          q.query.defaultoptions = { watchdefault: 0, watchuploads: 1, watchcreations: 1 };
          break;
        case 'uploaddialog':
          q.query.uploaddialog = {
            fields: { description: true, date: false, categories: false },
            licensemessages: {},
            comment: { local: '', foreign: '' },
            format: {},
          };
          break;
        default:
          q.query[prop] = [];
      }
    }
  },
});

function general(ctx: ApiContext): Record<string, unknown> {
  const c = ctx.config;
  const host = new URL(c.server).hostname;
  const g: Record<string, unknown> = {
    mainpage: 'Main Page',
    base: `${c.server}${c.scriptPath}/index.php/Main_Page`,
    sitename: c.siteName,
    logo: `${c.server}${c.scriptPath}/resources/assets/change-your-logo.svg`,
    generator: GENERATOR,
    phpversion: '',
    phpsapi: '',
    dbtype: ctx.services.dialect,
    dbversion: '',
    langconversion: '',
    linkconversion: '',
    titleconversion: '',
    linkprefixcharset: '',
    linkprefix: '',
    linktrail: '/^([a-z]+)(.*)$/sD',
    legaltitlechars: ' %!"$&\'()*,\\-.\\/0-9:;=?@A-Z\\\\^_`a-z~\\x80-\\xFF+',
    invalidusernamechars: '@:>',
    fixarabicunicode: '',
    fixmalayalamunicode: '',
    case: 'first-letter',
    lang: c.lang,
    fallback: [],
    fallback8bitEncoding: 'windows-1252',
    writeapi: '',
    maxarticlesize: 2097152,
    timezone: 'UTC',
    timeoffset: 0,
    articlepath: `${c.scriptPath}/index.php/$1`,
    scriptpath: c.scriptPath,
    script: `${c.scriptPath}/index.php`,
    variantarticlepath: false,
    server: c.server,
    servername: host,
    wikiid: c.wikiId,
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    uploadsenabled: c.uploads.enabled ? '' : undefined,
    maxuploadsize: c.uploads.maxUploadSize,
    minuploadchunksize: c.uploads.minChunkSize,
    galleryoptions: {
      imagesPerRow: 0,
      imageWidth: 120,
      imageHeight: 120,
      captionLength: '',
      showBytes: '',
      showDimensions: '',
      mode: 'traditional',
    },
    thumblimits: [120, 150, 180, 200, 250, 300],
    imagelimits: [
      { width: 320, height: 240 },
      { width: 640, height: 480 },
      { width: 800, height: 600 },
      { width: 1024, height: 768 },
      { width: 1280, height: 1024 },
      { width: 2560, height: 2048 },
    ],
    favicon: `${c.server}/favicon.ico`,
    centralidlookupprovider: 'local',
    allcentralidlookupproviders: ['local'],
    interwikimagic: '',
    magiclinks: [],
    categorycollation: 'uppercase',
    nofollowlinks: '',
    nofollownsexceptions: [],
    nofollowdomainexceptions: ['mediawiki.org'],
  };
  if (ctx.fv === 2) {
    // formatversion=2 prints flags as booleans.
    for (const k of Object.keys(g)) if (g[k] === '') g[k] = true;
    for (const k of [
      'langconversion',
      'linkconversion',
      'titleconversion',
      'fixarabicunicode',
      'fixmalayalamunicode',
      'interwikimagic',
      'nofollowlinks',
    ]) {
      if (k in g) g[k] = true;
    }
    g.linkprefixcharset = '';
    g.linkprefix = '';
    (g.galleryoptions as Record<string, unknown>).captionLength = true;
    (g.galleryoptions as Record<string, unknown>).showBytes = true;
    (g.galleryoptions as Record<string, unknown>).showDimensions = true;
  }
  if (!c.uploads.enabled) delete g.uploadsenabled;
  return g;
}

async function statistics(ctx: ApiContext): Promise<Record<string, number>> {
  const n = await ctx.services.statistics.counts();
  return {
    pages: n.pages,
    articles: n.pages,
    edits: n.edits,
    images: n.images,
    users: n.users,
    activeusers: 0,
    admins: n.admins,
    jobs: n.jobs,
  };
}
