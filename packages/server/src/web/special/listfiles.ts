/**
 * Special:ListFiles: the current files as a table (date, name, thumbnail, size, user, description),
 * sorted by date, name or size (MediaWiki's `sort=img_timestamp|img_name|img_size` with `asc=1` or
 * `desc=1`; the header links switch it), paged (`limit`, `offset`, `dir=prev`), and only one user's
 * uploads with `user=` (or `Special:ListFiles/Name`).
 */
import type { FileSort } from '../../files/listing.js';
import type { FileVersion } from '../../files/types.js';
import { toIsoTimestamp, toMwTimestamp } from '../../util/timestamp.js';
import { commentHtml, dateHtml, fileLink, fileText, formatSize, userLink } from '../format.js';
import { type Html, html } from '../html.js';
import { WebUrls } from '../layout.js';
import { smallThumb } from '../media.js';
import { keysetPage, limitParam, limitSelect, pagerLinks } from '../pager.js';
import type { SpecialPage } from './types.js';

const THUMB = 180;

const SORTS: Record<string, FileSort> = {
  img_timestamp: 'timestamp',
  img_name: 'name',
  img_size: 'size',
};
const FIELD: Record<FileSort, string> = { timestamp: 'img_timestamp', name: 'img_name', size: 'img_size' };
/** The direction a column sorts in when chosen. */
const FIRST_DIRECTION: Record<FileSort, 'asc' | 'desc'> = { timestamp: 'desc', name: 'asc', size: 'desc' };

/** A row's `offset`: the sort value (14-digit time, size) and the name, or the name alone. */
function offsetOf(sort: FileSort, v: FileVersion): string {
  if (sort === 'name') return v.name;
  return `${sort === 'timestamp' ? toMwTimestamp(v.timestamp) : v.size}|${v.name}`;
}

function parseOffset(sort: FileSort, offset: string): { value: string | number; name: string } | null {
  if (sort === 'name') return { value: offset, name: offset };
  const bar = offset.indexOf('|');
  if (bar < 0) return null;
  const [value, name] = [offset.slice(0, bar), offset.slice(bar + 1)];
  if (sort === 'timestamp') return /^\d{14}$/.test(value) ? { value: toIsoTimestamp(value), name } : null;
  return /^\d{1,15}$/.test(value) ? { value: Number(value), name } : null;
}

export const listFiles: SpecialPage = {
  name: 'ListFiles',
  async run(ctx) {
    const { services, form } = ctx;
    const config = services.config;
    const urls = new WebUrls(config);
    const sortParam = form.get('sort') ?? '';
    const sort = Object.hasOwn(SORTS, sortParam) ? SORTS[sortParam]! : 'timestamp';
    const direction: 'asc' | 'desc' = form.get('asc')
      ? 'asc'
      : form.get('desc')
        ? 'desc'
        : FIRST_DIRECTION[sort];
    const limit = limitParam(form);
    const userParam = (form.get('user') ?? ctx.subpage ?? '').trim();
    const user = userParam ? await services.users.byName(userParam) : null;
    const offset = form.get('offset') || null;
    const after = offset === null ? null : parseOffset(sort, offset);

    const paged =
      userParam && !user
        ? { rows: [] as FileVersion[], prev: null, next: null }
        : await keysetPage({
            offset: after ? offset : null,
            backward: form.get('dir') === 'prev',
            limit,
            key: (v: FileVersion) => offsetOf(sort, v),
            fetch: (backward, at, n) =>
              services.listing.page({
                sort,
                ascending: (direction === 'asc') !== backward,
                limit: n,
                ...(at !== null && after ? { after } : {}),
                ...(user ? { userId: user.id } : {}),
              }),
          });

    // The list's parameters, kept by every link (offsets and sort links replace their own).
    const base: Record<string, string> = {
      ...(user ? { user: user.name } : userParam ? { user: userParam } : {}),
      ...(form.has('limit') ? { limit: String(limit) } : {}),
    };
    const sortQuery = { sort: FIELD[sort], [direction]: '1' };
    const header = (label: string, column: FileSort | null): Html => {
      if (!column) return html`<th scope="col">${label}</th>`;
      const current = column === sort;
      const next = current ? (direction === 'asc' ? 'desc' : 'asc') : FIRST_DIRECTION[column];
      const href = urls.page('Special:ListFiles', { ...base, sort: FIELD[column], [next]: '1' });
      const aria = current ? html` aria-sort="${direction === 'asc' ? 'ascending' : 'descending'}"` : '';
      return html`<th scope="col"${aria}><a href="${href}">${label}</a></th>`;
    };
    const rows = paged.rows.map(
      (v) => html`<tr>
<td>${dateHtml(v.timestamp)}</td>
<td>${fileLink(config, v.name, fileText(v.name))}</td>
<td>${smallThumb(config, v, THUMB, `File:${fileText(v.name)}`)}</td>
<td>${formatSize(v.size)}</td>
<td>${userLink(config, v.userText)}</td>
<td>${commentHtml(config, v.description, `File:${v.name}`)}</td>
</tr>`,
    );
    const notice =
      userParam && !user
        ? html`<div class="mw-message-box mw-message-box-warning"><p>User account "${userParam}" is not registered.</p></div>`
        : '';
    const pager = pagerLinks(urls, 'Special:ListFiles', { ...base, ...sortQuery }, paged, {
      prev: 'Previous page',
      next: 'Next page',
    });
    const body = html`<p>This special page shows all uploaded files.</p>
<form class="mw-form mw-listfiles-form" method="get" action="${urls.page('Special:ListFiles')}">
<fieldset><legend>File list</legend>
<input type="hidden" name="sort" value="${FIELD[sort]}">
<input type="hidden" name="${direction}" value="1">
<p><label for="mw-listfiles-user">Username</label>
<input id="mw-listfiles-user" name="user" value="${userParam}" autocomplete="off"></p>
<p><label for="mw-listfiles-limit">Number of files per page</label>
${limitSelect('mw-listfiles-limit', limit)}</p>
<p><button type="submit">Go</button></p>
</fieldset>
</form>
${notice}
${
  paged.rows.length
    ? html`${pager}
<div class="mw-scroll"><table class="wikitable mw-listfiles">
<thead><tr>${header('Date', 'timestamp')}${header('Name', 'name')}${header('Thumbnail', null)}${header('Size', 'size')}${header('User', null)}${header('Description', null)}</tr></thead>
<tbody>
${rows}
</tbody>
</table></div>
${pager}`
    : html`<p>No files found.</p>`
}`;
    return { kind: 'page', title: 'File list', body };
  },
};
