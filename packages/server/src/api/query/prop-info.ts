import { NS_FILE } from '../../files/repo.js';
import { FileUrls } from '../../files/urls.js';
import { isoNow } from '../../util/timestamp.js';
import type { ApiContext } from '../context.js';
import { helpUrl } from '../module.js';
import type { QueryPage } from './pageset.js';
import { defineQueryModule } from './submodule.js';
import { titleFromDb, titleParser } from './titles.js';

const PROPS = [
  'protection',
  'talkid',
  'watched',
  'watchers',
  'visitingwatchers',
  'notificationtimestamp',
  'subjectid',
  'associatedpage',
  'url',
  'readable',
  'preload',
  'displaytitle',
  'varianttitles',
  'linkclasses',
] as const;

const RTL_LANGS = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'ks', 'ps', 'sd', 'ug', 'ur', 'yi']);

/** The content model MediaWiki gives a page by its title. */
export function contentModelOf(ns: number, dbKey: string): string {
  if (ns === 8 || ns === 2) {
    if (ns === 2 && !dbKey.includes('/')) return 'wikitext';
    if (dbKey.endsWith('.js')) return 'javascript';
    if (dbKey.endsWith('.css')) return 'css';
    if (dbKey.endsWith('.json')) return 'json';
  }
  return 'wikitext';
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Which rights an action needs, for `intestactions`. */
const ACTION_RIGHTS: Record<string, string> = {
  read: 'read',
  edit: 'edit',
  create: 'createpage',
  move: 'move',
  delete: 'delete',
  undelete: 'undelete',
  upload: 'upload',
  reupload: 'reupload',
  protect: 'protect',
};

/** prop=info */
export const propInfo = defineQueryModule({
  name: 'info',
  kind: 'prop',
  prefix: 'in',
  doc: { classname: 'ApiQueryInfo', helpurls: [helpUrl('Info')] },
  params: {
    prop: { type: 'multi', values: PROPS, doc: { deprecatedvalues: ['readable'] } },
    linkcontext: { type: 'string', default: 'Main Page', doc: { type: 'title', mustExist: false } },
    testactions: { type: 'multi', freeValues: true },
    testactionsdetail: { type: 'enum', values: ['boolean', 'full', 'quick'], default: 'boolean' },
    continue: { type: 'string' },
  },
  async execute(q, p) {
    const { ctx } = q;
    const props = new Set(p.prop);
    const { watchlist } = ctx.services;
    const urls = new FileUrls(ctx.config);
    const user = ctx.user;
    const canWatchlist = user !== null && ctx.can('viewmywatchlist');
    const now = isoNow();
    const lang = ctx.config.lang;
    for (const page of q.pages.real) {
      const o = page.data;
      const exists = page.pageId !== null && page.row !== undefined;
      o.contentmodel = contentModelOf(page.ns, page.dbKey);
      o.pagelanguage = lang;
      o.pagelanguagehtmlcode = lang;
      o.pagelanguagedir = RTL_LANGS.has(lang) ? 'rtl' : 'ltr';
      if (exists) {
        const row = page.row!;
        o.touched = row.touched;
        o.lastrevid = row.latest_rev_id;
        o.length = Number(row.length);
        if (Number(row.is_new)) ctx.flag(o, 'new', true);
      }
      if (props.has('protection')) {
        o.protection = (await ctx.services.protections.of(page.ns, page.dbKey, now)).map((pr) => ({
          type: pr.type,
          level: pr.level,
          expiry: pr.expiry ?? 'infinity',
        }));
        o.restrictiontypes = exists
          ? page.ns === NS_FILE
            ? ['edit', 'move', 'upload']
            : ['edit', 'move']
          : ['create'];
      }
      if (props.has('watched') && canWatchlist) {
        const w = await watchlist.entry(user!.id, page.ns, page.dbKey, now);
        ctx.flag(o, 'watched', w !== null);
        if (w !== null && w.expiry !== null && ctx.config.watchlistExpiry) o.watchlistexpiry = w.expiry;
      }
      if ((props.has('watchers') || props.has('visitingwatchers')) && ctx.can('unwatchedpages')) {
        const n = await watchlist.watchers(page.ns, page.dbKey);
        if (props.has('watchers')) o.watchers = n;
        if (props.has('visitingwatchers')) o.visitingwatchers = n;
      }
      if (props.has('notificationtimestamp') && canWatchlist) o.notificationtimestamp = '';
      const related = page.ns >= 0 ? await relatedPage(ctx, page) : null;
      if (props.has('talkid') && related && page.ns % 2 === 0 && related.id !== null) o.talkid = related.id;
      if (props.has('subjectid') && related && page.ns % 2 === 1 && related.id !== null)
        o.subjectid = related.id;
      if (props.has('associatedpage') && related) o.associatedpage = related.title;
      if (props.has('url')) {
        const pdk = titleFromDb(page.ns, page.dbKey, ctx.config).prefixedDbKey;
        o.fullurl = urls.page(pdk);
        o.editurl = urls.pageAction(pdk, 'action=edit');
        o.canonicalurl = urls.page(pdk);
      }
      if (props.has('readable')) ctx.flag(o, 'readable', ctx.can('read'));
      if (props.has('preload')) o.preload = '';
      if (props.has('displaytitle')) o.displaytitle = escapeHtml(page.title);
      if (props.has('varianttitles')) o.varianttitles = { [lang]: page.title };
      if (props.has('linkclasses')) o.linkclasses = [];
      if (p.testactions.length) {
        const actions: Record<string, unknown> = {};
        for (const a of p.testactions) {
          const right = ACTION_RIGHTS[a];
          const allowed =
            right !== undefined &&
            ctx.can(right) &&
            (a !== 'create' || !exists) &&
            (a !== 'edit' || exists || ctx.can('createpage'));
          actions[a] =
            p.testactionsdetail === 'boolean'
              ? allowed
              : allowed
                ? []
                : [{ code: 'permissiondenied', text: 'Permission denied.' }];
        }
        o.actions = actions;
      }
    }
  },
});

/** The talk page of a subject page or the subject page of a talk page: its title and id (null if missing). */
async function relatedPage(
  ctx: ApiContext,
  page: QueryPage,
): Promise<{ title: string; id: number | null } | null> {
  const namespaces = titleParser(ctx.config).namespaces;
  const ns = namespaces.isTalk(page.ns) ? namespaces.subject(page.ns) : namespaces.talk(page.ns);
  if (ns === undefined || !namespaces.exists(ns)) return null;
  const t = titleFromDb(ns, page.dbKey, ctx.config);
  const r = await ctx.services.pages.byTitle(ns, page.dbKey);
  return { title: t.prefixedText, id: r?.id ?? null };
}
