/**
 * The page `File:Name` of a file that only a shared repository has, as MediaWiki's ImagePage shows
 * a ForeignAPIFile: the picture (the repository's own thumbnail or original), "Original file (…)",
 * MediaWiki's shared-upload notice with a link to the file's home, the description fetched from
 * there (`fetchDescription`, made safe like any rendered wikitext), and its one version.
 */
import type { Services } from '../api/services.js';
import type { ForeignFile } from '../upload/foreign/group.js';
import { fileText, formatDate, formatSize } from './format.js';
import { type Html, html, raw } from './html.js';
import { sanitizeHtml } from './sanitize.js';

/** The box the file is shown in ($wgImageLimits' default, 800 × 600), as for local files. */
const VIEW_BOX = { width: 800, height: 600 };
const HISTORY_THUMB = 120;

export interface ForeignView {
  body: Html;
  /** Origins the page's images come from (for its Content-Security-Policy). */
  imgOrigins: string[];
}

const originOf = (url: string | undefined): string[] => {
  try {
    return url ? [new URL(url).origin] : [];
  } catch {
    return [];
  }
};

/** A picture of the file that fits `box`: the repository's thumbnail, or the original when it fits. */
async function foreignPicture(
  services: Services,
  f: ForeignFile,
  box: { width: number; height: number },
): Promise<{ src: string; width: number; height: number } | null> {
  const { width = 0, height = 0, url, mime = '' } = f.info;
  if (!width || !height || !url || !mime.startsWith('image/')) return null;
  const scale = Math.min(box.width / width, box.height / height, 1);
  if (scale === 1 && mime !== 'image/svg+xml') return { src: url, width, height };
  const repo = services.foreign.byName(f.repo);
  const t = await repo?.thumb(f.name, Math.max(1, Math.round(width * scale)), null);
  if (!t?.thumburl || !t.thumbwidth || !t.thumbheight) return null;
  return { src: t.thumburl, width: t.thumbwidth, height: t.thumbheight };
}

/** The content of the file page of a foreign file. */
export async function foreignFileView(services: Services, f: ForeignFile): Promise<ForeignView> {
  const repo = services.foreign.byName(f.repo);
  const i = f.info;
  const name = `File:${fileText(f.name)}`;
  const [big, small, description] = await Promise.all([
    foreignPicture(services, f, VIEW_BOX),
    foreignPicture(services, f, { width: HISTORY_THUMB, height: HISTORY_THUMB }),
    repo ? repo.description(f.name) : null,
  ]);
  const url = i.url ?? '';
  const picture = big
    ? html`<a href="${url}" class="image"><img alt="${name}" src="${big.src}" width="${big.width}" height="${big.height}" decoding="async"></a>`
    : html`<a href="${url}" class="internal">${name}</a>`;
  const dims =
    i.width && i.height
      ? `${i.width.toLocaleString('en-US')} × ${i.height.toLocaleString('en-US')} pixels, `
      : '';
  const where = repo?.s.displayName ?? 'a shared repository';
  const home = i.descriptionurl ?? '';
  const notice = description
    ? html`This file is from ${where} and may be used by other projects.
The description on its <a rel="nofollow" class="external text" href="${home}">file description page</a> there is shown below.`
    : html`This file is from ${where} and may be used by other projects.
Please see the <a rel="nofollow" class="external text" href="${home}">file description page</a> for further information.`;
  const desc = description
    ? html`<div id="shared-image-desc">${raw(sanitizeHtml(description, { resolve: () => null }).render(null))}</div>`
    : '';
  const when = i.timestamp ? formatDate(i.timestamp) : '';
  const thumb = small
    ? html`<img alt="Thumbnail for version as of ${when}" src="${small.src}" width="${small.width}" height="${small.height}" decoding="async" loading="lazy">`
    : html`<span class="mw-muted">No thumbnail</span>`;
  const user = typeof i.user === 'string' ? `${f.repo}>${i.user}` : '';
  const body = html`<div class="fullImageLink" id="file">${picture}</div>
<div class="fullMedia"><p><a href="${url}" class="internal">Original file</a> <span class="fileInfo">(${dims}file size: ${formatSize(i.size ?? 0)}, MIME type: ${i.mime ?? ''})</span></p></div>
<div class="sharedUploadNotice"><p>${notice}</p></div>
${desc}
<h2 id="filehistory">File history</h2>
<p>Click on a date/time to view the file as it appeared at that time.</p>
<div class="mw-scroll"><table class="wikitable filehistory">
<thead><tr><th scope="col">Date/Time</th><th scope="col">Thumbnail</th><th scope="col">Dimensions</th><th scope="col">User</th><th scope="col">Comment</th></tr></thead>
<tbody>
<tr class="filehistory-selected">
<td><a href="${url}">${when}</a> <strong class="filehistory-current">(current)</strong></td>
<td>${thumb}</td>
<td>${i.width && i.height ? `${i.width} × ${i.height} ` : ''}(${formatSize(i.size ?? 0)})</td>
<td>${user}</td>
<td>${i.comment ?? ''}</td>
</tr>
</tbody>
</table></div>`;
  const imgOrigins = [...new Set([...originOf(big?.src), ...originOf(small?.src)])];
  return { body, imgOrigins };
}
