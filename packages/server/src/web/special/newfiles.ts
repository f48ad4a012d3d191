/**
 * Special:NewFiles: the newest files as a gallery of thumbnails, each with its name (a link to the
 * file page), who uploaded it and when; newest first, paged (`limit`, `offset`, `dir=prev`), and
 * only one user's uploads with `user=`.
 */
import type { FileVersion } from '../../files/types.js';
import { toIsoTimestamp, toMwTimestamp } from '../../util/timestamp.js';
import { dateHtml, fileLink, fileText, userLink } from '../format.js';
import { html } from '../html.js';
import { WebUrls } from '../layout.js';
import { picture, pictureImg } from '../media.js';
import { keysetPage, limitParam, limitSelect, pagerLinks } from '../pager.js';
import type { SpecialPage } from './types.js';

const BOX = { width: 120, height: 120 };

const offsetOf = (v: FileVersion) => `${toMwTimestamp(v.timestamp)}|${v.name}`;

function parseOffset(offset: string): { value: string; name: string } | null {
  const m = /^(\d{14})\|(.+)$/s.exec(offset);
  return m ? { value: toIsoTimestamp(m[1]!), name: m[2]! } : null;
}

export const newFiles: SpecialPage = {
  name: 'NewFiles',
  async run(ctx) {
    const { services, form } = ctx;
    const config = services.config;
    const urls = new WebUrls(config);
    const limit = limitParam(form);
    const userParam = (form.get('user') ?? ctx.subpage ?? '').trim();
    const user = userParam ? await services.users.byName(userParam) : null;
    const after = parseOffset(form.get('offset') ?? '');
    const paged =
      userParam && !user
        ? { rows: [] as FileVersion[], prev: null, next: null }
        : await keysetPage({
            offset: after ? form.get('offset')! : null,
            backward: form.get('dir') === 'prev',
            limit,
            key: offsetOf,
            fetch: (backward, at, n) =>
              services.listing.page({
                sort: 'timestamp',
                ascending: backward,
                limit: n,
                ...(at !== null && after ? { after } : {}),
                ...(user ? { userId: user.id } : {}),
              }),
          });
    const base: Record<string, string> = {
      ...(userParam ? { user: user?.name ?? userParam } : {}),
      ...(form.has('limit') ? { limit: String(limit) } : {}),
    };
    const items = paged.rows.map((v) => {
      const p = picture(config, v, BOX);
      const name = `File:${fileText(v.name)}`;
      const thumb = p
        ? html`<a href="${urls.page(`File:${v.name}`)}" class="image">${pictureImg(p, name, true)}</a>`
        : html`<span class="mw-muted">No thumbnail</span>`;
      return html`<li class="gallerybox">
<div class="thumb">${thumb}</div>
<div class="gallerytext">${fileLink(config, v.name, fileText(v.name))}<br>${userLink(config, v.userText)}<br>${dateHtml(v.timestamp)}</div>
</li>`;
    });
    const pager = pagerLinks(urls, 'Special:NewFiles', base, paged, {
      prev: `newer ${limit}`,
      next: `older ${limit}`,
    });
    const body = html`<p>This special page shows the last uploaded files.</p>
<form class="mw-form" method="get" action="${urls.page('Special:NewFiles')}">
<fieldset><legend>Filter</legend>
<p><label for="mw-newfiles-user">IP address or username</label>
<input id="mw-newfiles-user" name="user" value="${userParam}" autocomplete="off"></p>
<p><label for="mw-newfiles-limit">Number of files per page</label>
${limitSelect('mw-newfiles-limit', limit)}</p>
<p><button type="submit">Go</button></p>
</fieldset>
</form>
${
  items.length
    ? html`${pager}
<ul class="gallery mw-gallery-traditional">
${items}
</ul>
${pager}`
    : html`<p>No files to show.</p>`
}`;
    return { kind: 'page', title: 'Gallery of new files', body };
  },
};
