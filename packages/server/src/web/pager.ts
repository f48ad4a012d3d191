/**
 * Paging of the lists (MediaWiki's IndexPager): `limit` rows a page, `offset` the position of the
 * row a page continues after (the sort value and a tie-breaker), `dir=prev` to go back from it.
 * Links to the previous and next pages keep the list's other parameters.
 */
import { type Html, html } from './html.js';
import type { WebUrls } from './layout.js';

export const LIMITS = [20, 50, 100, 250, 500];
const DEFAULT_LIMIT = 50;

/** `limit` of the request, within 1–500 (50 when absent or not a number). */
export function limitParam(form: Map<string, string>): number {
  const v = Number(form.get('limit'));
  return Number.isInteger(v) && v > 0 ? Math.min(v, 500) : DEFAULT_LIMIT;
}

export interface Paged<T> {
  rows: T[];
  /** `offset` of the previous and of the next page (null: there is none). */
  prev: string | null;
  next: string | null;
}

/**
 * One page. `fetch(backward, offset, n)` gives up to `n` rows strictly after `offset` (null: from
 * the start) in the list's order, or against it when `backward`; `key` is a row's `offset`.
 */
export async function keysetPage<T>(o: {
  offset: string | null;
  backward: boolean;
  limit: number;
  fetch(backward: boolean, offset: string | null, n: number): Promise<T[]>;
  key(row: T): string;
}): Promise<Paged<T>> {
  const backward = o.backward && o.offset !== null;
  const got = await o.fetch(backward, o.offset, o.limit + 1);
  const more = got.length > o.limit;
  const rows = got.slice(0, o.limit);
  if (backward) {
    rows.reverse();
    return {
      rows,
      prev: more && rows.length ? o.key(rows[0]!) : null,
      next: rows.length ? o.key(rows[rows.length - 1]!) : o.offset,
    };
  }
  return {
    rows,
    prev: o.offset !== null && rows.length ? o.key(rows[0]!) : null,
    next: more && rows.length ? o.key(rows[rows.length - 1]!) : null,
  };
}

/** The previous/next links of a list page, each a link or plain text when there is no such page. */
export function pagerLinks(
  urls: WebUrls,
  page: string,
  query: Record<string, string>,
  paged: Paged<unknown>,
  labels: { prev: string; next: string },
): Html {
  const link = (offset: string | null, rel: 'prev' | 'next', label: string) =>
    offset === null
      ? html`<span class="mw-pager-disabled">${label}</span>`
      : html`<a rel="${rel}" href="${urls.page(page, { ...query, offset, ...(rel === 'prev' ? { dir: 'prev' } : {}) })}">${label}</a>`;
  return html`<nav class="mw-pager" aria-label="Pages">${link(paged.prev, 'prev', labels.prev)} | ${link(paged.next, 'next', labels.next)}</nav>`;
}

/** A `<select>` of page sizes. */
export function limitSelect(id: string, limit: number): Html {
  const options = [...new Set([...LIMITS, limit])].sort((a, b) => a - b);
  return html`<select id="${id}" name="limit">${options.map((n) => html`<option value="${n}"${n === limit ? html` selected` : ''}>${n}</option>`)}</select>`;
}
