import type { ApiContext } from '../context.js';
import { helpUrl } from '../module.js';
import * as facts from './siteinfo/core-facts.js';
import { general } from './siteinfo/general.js';
import { defineQueryModule } from './submodule.js';
import { siteNamespaceAliases, siteNamespaces } from './titles.js';

const PROPS = [
  'dbrepllag',
  'defaultoptions',
  'extensions',
  'extensiontags',
  'fileextensions',
  'functionhooks',
  'general',
  'interwikimap',
  'languages',
  'languagevariants',
  'libraries',
  'magicwords',
  'namespacealiases',
  'namespaces',
  'protocols',
  'restrictions',
  'rightsinfo',
  'showhooks',
  'skins',
  'specialpagealiases',
  'statistics',
  'uploaddialog',
  'usergroups',
  'variables',
] as const;

/** meta=siteinfo */
export const metaSiteinfo = defineQueryModule({
  name: 'siteinfo',
  kind: 'meta',
  prefix: 'si',
  doc: { classname: 'ApiQuerySiteinfo', helpurls: [helpUrl('Siteinfo')] },
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
          q.query.usergroups = await userGroups(ctx, p.numberingroup);
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
          // A single database server: MediaWiki reports no host and a lag of -1.
          q.query.dbrepllag = [{ host: '', lag: -1 }];
          break;
        case 'protocols':
          q.query.protocols = facts.protocols();
          break;
        case 'defaultoptions':
          q.query.defaultoptions = facts.defaultOptions();
          break;
        case 'uploaddialog':
          q.query.uploaddialog = facts.uploadDialog(ctx);
          break;
        case 'magicwords':
          q.query.magicwords = facts.magicWords(ctx);
          break;
        case 'specialpagealiases':
          q.query.specialpagealiases = facts.specialPageAliases();
          break;
        case 'interwikimap':
          q.query.interwikimap = facts.interwikiMap(ctx, p.filteriw);
          break;
        case 'languages':
          q.query.languages = facts.languages(ctx);
          break;
        case 'languagevariants':
          q.query.languagevariants = facts.languageVariants();
          break;
        case 'skins':
          q.query.skins = facts.skins(ctx);
          break;
        case 'extensiontags':
          q.query.extensiontags = facts.extensionTags();
          break;
        case 'functionhooks':
          q.query.functionhooks = facts.functionHooks();
          break;
        case 'variables':
          q.query.variables = facts.variables();
          break;
        default:
          // extensions, libraries, showhooks: no extensions, PHP libraries or hooks here.
          q.query[prop] = [];
      }
    }
  },
});

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

/** The groups and their rights; with `numberingroup`, how many users each explicit group has. */
async function userGroups(ctx: ApiContext, withNumbers: boolean): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const users = withNumbers ? (await ctx.services.statistics.counts()).users : 0;
  for (const [name, rights] of Object.entries(ctx.services.permissions)) {
    const g: Record<string, unknown> = { name };
    if (withNumbers && name === 'user') g.number = users;
    else if (withNumbers && name !== '*' && name !== 'autoconfirmed')
      g.number = await ctx.services.statistics.membersOf(name);
    g.rights = Object.entries(rights)
      .filter(([, v]) => v)
      .map(([r]) => r);
    out.push(g);
  }
  return out;
}
