/**
 * Actions on a set of pages (titles= / pageids=): action=watch and action=purge. Each page answers
 * in MediaWiki's order — invalid titles, special pages, missing pages, then existing ones.
 */
import { MwError } from '../../errors.js';
import type { ApiContext } from '../context.js';
import { defineModule, helpUrl } from '../module.js';
import type { ParamDefs } from '../params.js';
import { PageSet, type QueryPage } from '../query/pageset.js';

/** The page set parameters these modules take (no generator or revids here). */
const PAGE_SET = {
  continue: { type: 'string' },
  titles: { type: 'multi', freeValues: true },
  pageids: { type: 'multi', freeValues: true, integers: true },
  redirects: { type: 'boolean' },
  converttitles: { type: 'boolean' },
} satisfies ParamDefs;

async function pageSet(
  ctx: ApiContext,
  titles: string[],
  pageids: string[],
): Promise<{ pages: QueryPage[]; set: PageSet }> {
  const ids = pageids.map((v) => {
    if (!/^\d+$/.test(v))
      throw new MwError('badinteger', `Invalid value "${v}" for integer parameter "pageids".`);
    return Number(v);
  });
  const set = await PageSet.fromParams(ctx, titles, ids);
  const rank = (p: QueryPage) => (p.invalidReason ? 0 : p.special ? 1 : p.pageId === null ? 2 : 3);
  return { pages: [...set.pages].sort((a, b) => rank(a) - rank(b)), set };
}

/** The start of a page's entry: title and namespace, or why the title is invalid. */
function entry(ctx: ApiContext, p: QueryPage, nsFirst: boolean): Record<string, unknown> {
  if (p.invalidReason) {
    const o: Record<string, unknown> = { title: p.title, invalidreason: p.invalidReason };
    ctx.flag(o, 'invalid', true);
    return o;
  }
  return nsFirst ? { ns: p.ns, title: p.title } : { title: p.title, ns: p.ns };
}

export const watchModule = defineModule({
  name: 'watch',
  doc: { classname: 'ApiWatch', helpurls: [helpUrl('Watch')] },
  mustBePosted: true,
  writeMode: true,
  needsToken: 'watch',
  params: {
    title: { type: 'string', deprecated: true },
    unwatch: { type: 'boolean' },
    ...PAGE_SET,
  },
  async execute(ctx, p) {
    const user = ctx.user;
    if (!user || !ctx.can('editmywatchlist')) {
      throw new MwError('permissiondenied', "You don't have permission to edit your watchlist.");
    }
    const single = p.title !== undefined;
    const { pages } = await pageSet(ctx, single ? [p.title!] : p.titles, single ? [] : p.pageids);
    const out: Record<string, unknown>[] = [];
    for (const page of pages) {
      const o = entry(ctx, page, false);
      if (!page.invalidReason) {
        await ctx.services.watchlist.set(user.id, page.ns, page.dbKey, !p.unwatch, null);
        ctx.flag(o, p.unwatch ? 'unwatched' : 'watched', true);
        if (page.pageId === null) ctx.flag(o, 'missing', true);
      }
      out.push(o);
    }
    ctx.flag(ctx.result, 'batchcomplete', true);
    ctx.result.watch = single ? (out[0] ?? {}) : out;
  },
});

export const purgeModule = defineModule({
  name: 'purge',
  doc: { classname: 'ApiPurge', helpurls: [helpUrl('Purge')] },
  mustBePosted: true,
  writeMode: true,
  params: {
    forcelinkupdate: { type: 'boolean' },
    forcerecursivelinkupdate: { type: 'boolean' },
    ...PAGE_SET,
  },
  async execute(ctx, p) {
    const { pages, set } = await pageSet(ctx, p.titles, p.pageids);
    ctx.flag(ctx.result, 'batchcomplete', true);
    // Nothing is cached here: purging an existing page has nothing to throw away, and says so as MediaWiki does.
    ctx.result.purge = pages.map((page) => {
      const o = entry(ctx, page, true);
      if (page.invalidReason) return o;
      if (page.special) ctx.flag(o, 'special', true);
      if (page.pageId === null) ctx.flag(o, 'missing', true);
      else ctx.flag(o, 'purged', true);
      return o;
    });
    if (set.normalized.length) ctx.result.normalized = set.renderNormalized(ctx);
  },
});
