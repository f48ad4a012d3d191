import type { ApiContext } from '../context.js';
import { parseTitle } from './titles.js';

/** One page of a query (existing, missing or invalid). */
export interface QueryPage {
  ns: number;
  /** Title in text form with namespace prefix (`File:A b.png`). */
  title: string;
  dbKey: string;
  pageId: number | null;
  /** Set for titles that cannot exist (e.g. `File:` with nothing after it). */
  invalidReason?: string;
  /** Extra fields submodules add (imageinfo, revisions…). */
  data: Record<string, unknown>;
}

/** The pages named by `titles=` / `pageids=`, with MediaWiki's `normalized` bookkeeping. */
export class PageSet {
  readonly pages: QueryPage[] = [];
  readonly normalized: { from: string; to: string }[] = [];
  readonly badPageIds: number[] = [];

  static async fromParams(ctx: ApiContext, titles: string[], pageIds: number[]): Promise<PageSet> {
    const set = new PageSet();
    const db = ctx.services.db;
    const seen = new Set<string>();
    for (const raw of titles) {
      const t = parseTitle(raw);
      if ('invalid' in t) {
        set.pages.push({ ns: 0, title: raw, dbKey: raw, pageId: null, invalidReason: t.invalid, data: {} });
        continue;
      }
      if (t.prefixedText !== raw) set.normalized.push({ from: raw, to: t.prefixedText });
      const key = `${t.ns}:${t.dbKey}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const row = await db
        .selectFrom('pages')
        .select('id')
        .where('namespace', '=', t.ns)
        .where('title', '=', t.dbKey)
        .executeTakeFirst();
      set.pages.push({ ns: t.ns, title: t.prefixedText, dbKey: t.dbKey, pageId: row?.id ?? null, data: {} });
    }
    for (const id of pageIds) {
      const row = await db.selectFrom('pages').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) {
        set.badPageIds.push(id);
        continue;
      }
      const t = parseTitle(row.title, row.namespace);
      if ('invalid' in t) continue;
      const key = `${t.ns}:${t.dbKey}`;
      if (seen.has(key)) continue;
      seen.add(key);
      set.pages.push({ ns: t.ns, title: t.prefixedText, dbKey: t.dbKey, pageId: row.id, data: {} });
    }
    return set;
  }

  /** The `pages` value: keyed by page id in formatversion 1 (negative ids for missing), a list in 2. */
  render(ctx: ApiContext): unknown {
    let missingId = -1;
    const entries: [string, Record<string, unknown>][] = [];
    for (const p of this.pages) {
      const o: Record<string, unknown> = {};
      let key: string;
      if (p.invalidReason) {
        key = String(missingId--);
        o.title = p.title;
        ctx.flag(o, 'invalid', true);
        o.invalidreason = p.invalidReason;
      } else if (p.pageId === null) {
        key = String(missingId--);
        o.ns = p.ns;
        o.title = p.title;
        ctx.flag(o, 'missing', true);
      } else {
        key = String(p.pageId);
        o.pageid = p.pageId;
        o.ns = p.ns;
        o.title = p.title;
      }
      Object.assign(o, p.data);
      entries.push([key, o]);
    }
    for (const id of this.badPageIds) {
      const o: Record<string, unknown> = { pageid: id };
      ctx.flag(o, 'missing', true);
      entries.push([String(id), o]);
    }
    if (ctx.fv === 2) return entries.map(([, o]) => o);
    return Object.fromEntries(entries);
  }
}
