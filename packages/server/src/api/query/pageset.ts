import { canonicalUserName } from '../../auth/users.js';
import { MwError } from '../../errors.js';
import { type PageRow, pageKey } from '../../files/pages.js';
import { toIsoTimestamp } from '../../util/timestamp.js';
import type { ApiContext } from '../context.js';
import { parseTitle, titleFromDb } from './titles.js';

/** One page of a query (existing, missing, invalid or special). */
export interface QueryPage {
  ns: number;
  /** Title in text form with namespace prefix (`File:A b.png`). */
  title: string;
  dbKey: string;
  pageId: number | null;
  /** Set for titles that cannot exist (e.g. `File:` with nothing after it). */
  invalidReason?: string;
  /** Special and Media pages (negative namespaces): never in the database. */
  special?: boolean;
  /** The page row, for existing pages. */
  row?: PageRowLite;
  /** Extra fields submodules add (imageinfo, revisions…). */
  data: Record<string, unknown>;
}

export interface PageRowLite {
  id: number;
  latest_rev_id: number;
  touched: string;
  length: number;
  is_new: number;
}

/** The pages named by `titles=` / `pageids=`, with MediaWiki's `normalized` bookkeeping. */
export class PageSet {
  readonly pages: QueryPage[] = [];
  readonly normalized: { from: string; to: string }[] = [];
  readonly badPageIds: number[] = [];

  static async fromParams(ctx: ApiContext, titles: string[], pageIds: number[]): Promise<PageSet> {
    const set = new PageSet();
    const pages = ctx.services.pages;
    const seen = new Set<string>();
    const good: QueryPage[] = [];
    const missing: QueryPage[] = [];
    // The titles in order (invalid and special ones settled at once), then their pages in one
    // look-up per namespace.
    const slots: (QueryPage | { lookUp: { ns: number; title: string; dbKey: string } })[] = [];
    for (const raw of titles) {
      const t = parseTitle(raw, 0, ctx.config);
      if ('invalid' in t) {
        slots.push({ ns: 0, title: raw, dbKey: raw, pageId: null, invalidReason: t.invalid, data: {} });
        continue;
      }
      if (t.prefixedText !== raw) set.normalized.push({ from: raw, to: t.prefixedText });
      const key = `${t.ns}:${t.dbKey}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (t.ns < 0) {
        slots.push({
          ns: t.ns,
          title: t.prefixedText,
          dbKey: t.dbKey,
          pageId: null,
          special: true,
          data: {},
        });
        continue;
      }
      slots.push({ lookUp: { ns: t.ns, title: t.prefixedText, dbKey: t.dbKey } });
    }
    const lookUps = slots.flatMap((x) => ('lookUp' in x ? [x.lookUp] : []));
    const rows = lookUps.length > 0 ? await pages.byTitles(lookUps) : new Map<string, PageRow>();
    for (const x of slots) {
      if (!('lookUp' in x)) {
        missing.push(x);
        continue;
      }
      const row = rows.get(pageKey(x.lookUp.ns, x.lookUp.dbKey));
      const page: QueryPage = { ...x.lookUp, pageId: row?.id ?? null, data: {} };
      if (row) page.row = row;
      (row ? good : missing).push(page);
    }
    for (const id of pageIds) {
      const row = await pages.byId(id);
      if (!row) {
        if (!set.badPageIds.includes(id)) set.badPageIds.push(id);
        continue;
      }
      const t = titleFromDb(row.namespace, row.title, ctx.config);
      const key = `${t.ns}:${t.dbKey}`;
      if (seen.has(key)) continue;
      seen.add(key);
      good.push({ ns: t.ns, title: t.prefixedText, dbKey: t.dbKey, pageId: row.id, row, data: {} });
    }
    // MediaWiki lists missing, invalid and special titles first (negative ids), then existing pages.
    good.sort((a, b) => a.pageId! - b.pageId!);
    set.pages.push(...missing, ...good);
    return set;
  }

  /** Pages (existing or missing, not invalid or special) in a namespace. */
  inNamespace(ns: number): QueryPage[] {
    return this.pages.filter((p) => p.ns === ns && !p.invalidReason && !p.special);
  }

  /** Existing pages. */
  get existing(): QueryPage[] {
    return this.pages.filter((p) => p.pageId !== null);
  }

  /** Pages that can have properties (everything but invalid and special titles). */
  get real(): QueryPage[] {
    return this.pages.filter((p) => !p.invalidReason && !p.special);
  }

  /** The `normalized` value: MediaWiki adds `fromencoded` (false) in formatversion 2. */
  renderNormalized(ctx: ApiContext): Record<string, unknown>[] {
    return this.normalized.map((n) => {
      const o: Record<string, unknown> = {};
      ctx.flag(o, 'fromencoded', false);
      return { ...o, from: n.from, to: n.to };
    });
  }

  /** The `pages` value: keyed by page id in formatversion 1 (negative ids for missing), a list in 2. */
  render(ctx: ApiContext): unknown {
    let fakeId = -1;
    const entries: [string, Record<string, unknown>][] = [];
    for (const p of this.pages) {
      const o: Record<string, unknown> = {};
      let key: string;
      if (p.invalidReason) {
        key = String(fakeId--);
        o.title = p.title;
        o.invalidreason = p.invalidReason;
        ctx.flag(o, 'invalid', true);
      } else if (p.special) {
        key = String(fakeId--);
        o.ns = p.ns;
        o.title = p.title;
        ctx.flag(o, 'special', true);
      } else if (p.pageId === null) {
        key = String(fakeId--);
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

// ---------------------------------------------------------------------------------------------
// Helpers shared by the query submodules

/**
 * A `timestamp` parameter (ISO 8601, 14-digit, Unix seconds or `now`) as an ISO string;
 * `badtimestamp` otherwise.
 */
export function timestampParam(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  try {
    if (v === 'now') return toIsoTimestamp(Date.now());
    if (/^\d{1,13}$/.test(v) && v.length !== 14) return toIsoTimestamp(Number(v) * 1000);
    if (/^\d{14}$/.test(v)) {
      const iso = toIsoTimestamp(v);
      if (!Number.isNaN(Date.parse(iso))) return iso;
    } else {
      const iso = toIsoTimestamp(v);
      if (!Number.isNaN(Date.parse(iso))) return iso;
    }
  } catch {
    /* fall through */
  }
  throw new MwError('badtimestamp', `Invalid value "${value}" for timestamp parameter "${name}".`);
}

/** MediaWiki adds `limits: {module: N}` to the answer when a limit was given as `max`. */
export function noteMaxLimit(ctx: ApiContext, module: string, param: string, value: number): void {
  if (ctx.rawParams.get(param)?.trim() !== 'max') return;
  if (!ctx.result.limits) ctx.result.limits = {};
  (ctx.result.limits as Record<string, number>)[module] = value;
}

/** `badcontinue` for a continuation value that does not parse. */
export function badContinue(): MwError {
  return new MwError(
    'badcontinue',
    'Invalid continue param. You should pass the original value returned by the previous query.',
  );
}

/** Split a `a|b|…` continuation value into exactly `n` parts (`badcontinue` otherwise). */
export function continueParts(value: string, n: number): string[] {
  const parts = value.split('|');
  if (parts.length !== n) throw badContinue();
  return parts;
}

/** 14-digit timestamp of an ISO one (for continuation values). */
export function ts14(iso: string): string {
  return iso.replace(/[-:TZ]/g, '').slice(0, 14);
}

/** ISO timestamp of a 14-digit continuation part (`badcontinue` when malformed). */
export function isoFromTs14(v: string): string {
  if (!/^\d{14}$/.test(v)) throw badContinue();
  return toIsoTimestamp(v);
}

/** A `timestamp|id` continuation value (list=logevents, list=recentchanges) as an ISO time and an id. */
export function timeAndIdContinue(value: string): { timestamp: string; id: number } {
  const [ts, id] = continueParts(value, 2) as [string, string];
  const timestamp = isoFromTs14(ts);
  if (!/^\d+$/.test(id)) throw badContinue();
  return { timestamp, id: Number(id) };
}

/**
 * A `user` parameter as the log and recent changes store names: MediaWiki's canonical user name,
 * or the value as given (trimmed, spaces for underscores) for an address or other non-account.
 */
export function userParam(value: string): string {
  return canonicalUserName(value) ?? value.replace(/_/g, ' ').trim();
}
