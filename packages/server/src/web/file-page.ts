/**
 * File description pages (`File:Name`) in the skin, as MediaWiki's ImagePage shows them: the file
 * (a thumbnail that fits the page, linking to the original; a player for audio and video; a link
 * for anything else), "Original file (W × H pixels, file size: …, MIME type: …)", the description
 * rendered from wikitext, the file history with every version, the file's log, and the forms the
 * viewer's rights allow: revert to an old version, delete, and restore a deleted file.
 */
import type { Services } from '../api/services.js';
import type { FileVersion } from '../files/types.js';
import { FileUrls } from '../files/urls.js';
import type { Title } from '../title/title.js';
import { foreignFileView } from './foreign-file-page.js';
import { commentHtml, dimensions, fileText, formatDate, formatSize, logLine, userLink } from './format.js';
import { type Html, html } from './html.js';
import type { Viewer } from './layout.js';
import { mediaKind, picture, pictureImg, smallThumb, versionUrl } from './media.js';
import { renderWikitext } from './wikitext.js';

/** The box the file is shown in ($wgImageLimits' default, 800 × 600). */
const VIEW_BOX = { width: 800, height: 600 };
const HISTORY_THUMB = 120;
const LOG_LINES = 50;

/** What a page view answers: the status, the `<h1>` and the content. */
export interface PageView {
  status: number;
  title: string;
  body: Html;
  /** Other origins its images come from (a shared repository's), for its Content-Security-Policy. */
  imgOrigins?: string[];
}

/** What rendering a page needs: the services, who looks, and the CSRF token (asked for once, if needed). */
export interface ViewContext {
  services: Services;
  viewer: Viewer;
  csrfToken(): Promise<string>;
}

export const canRevert = (v: Viewer) => ['edit', 'upload', 'reupload'].every((r) => v.rights.has(r));
export const canDelete = (v: Viewer) => v.rights.has('delete');
export const canUndelete = (v: Viewer) => v.rights.has('undelete');

/** `index.php?title=…&action=…`: where the page's forms post. */
export const actionUrl = (ctx: ViewContext, t: Title, action: string): string =>
  new FileUrls(ctx.services.config).pageAction(t.prefixedDbKey, `action=${action}`, false);

/** MediaWiki's default comment of a revert (filerevert-defaultcomment). */
export const revertComment = (v: FileVersion): string => {
  const [time, date] = formatDate(v.timestamp).split(', ');
  return `Reverted to version as of ${time}, ${date}`;
};

/** The small form of the history's "revert" (action=filerevert through the API). */
export async function revertForm(
  ctx: ViewContext,
  t: Title,
  v: FileVersion,
  label = 'revert',
): Promise<Html> {
  return html`<form class="mw-inline-form" method="post" action="${actionUrl(ctx, t, 'revert')}">
<input type="hidden" name="wpEditToken" value="${await ctx.csrfToken()}">
<input type="hidden" name="oldimage" value="${v.archiveName}">
<input type="hidden" name="wpComment" value="${revertComment(v)}">
<button type="submit">${label}</button></form>`;
}

/** The delete form (action=delete through the API), with a reason. */
export async function deleteForm(ctx: ViewContext, t: Title): Promise<Html> {
  return html`<form class="mw-form" method="post" action="${actionUrl(ctx, t, 'delete')}">
<input type="hidden" name="wpEditToken" value="${await ctx.csrfToken()}">
<p><label for="wpReason">Reason</label>
<input id="wpReason" name="wpReason" maxlength="500" autocomplete="off"></p>
<p><button type="submit" class="mw-destructive">Delete</button></p>
</form>`;
}

/** The restore form (action=undelete through the API), with a reason. */
export async function undeleteForm(ctx: ViewContext, t: Title): Promise<Html> {
  return html`<form class="mw-form" method="post" action="${actionUrl(ctx, t, 'undelete')}">
<input type="hidden" name="wpEditToken" value="${await ctx.csrfToken()}">
<p><label for="wpComment">Reason</label>
<input id="wpComment" name="wpComment" maxlength="500" autocomplete="off"></p>
<p><button type="submit" class="primary">Restore</button></p>
</form>`;
}

/** The file itself: a picture in a link to the original, a player, or a link. */
function fileView(ctx: ViewContext, cur: FileVersion): Html {
  const config = ctx.services.config;
  const url = versionUrl(config, cur);
  const name = `File:${fileText(cur.name)}`;
  const kind = mediaKind(cur);
  if (kind === 'audio')
    return html`<audio controls preload="metadata" src="${url}"><a href="${url}">${name}</a></audio>`;
  if (kind === 'video') {
    const size = cur.width && cur.height ? html` width="${cur.width}" height="${cur.height}"` : '';
    return html`<video controls preload="metadata" src="${url}"${size}><a href="${url}">${name}</a></video>`;
  }
  const p = kind === 'image' ? picture(config, cur, VIEW_BOX) : null;
  if (!p) return html`<a href="${url}" class="internal">${name}</a>`;
  const preview = p.scaled
    ? html`<p class="mw-filepage-resolutioninfo">Size of this preview: ${p.width} × ${p.height} pixels.</p>`
    : '';
  return html`<a href="${url}" class="image">${pictureImg(p, name)}</a>${preview}`;
}

function historyTable(ctx: ViewContext, t: Title, versions: FileVersion[], forms: Html[] | null): Html {
  const config = ctx.services.config;
  const rows = versions.map((v, i) => {
    const dims = dimensions(v).replace(' pixels', '');
    return html`<tr${i === 0 ? html` class="filehistory-selected"` : ''}>
<td><a href="${versionUrl(config, v)}">${formatDate(v.timestamp)}</a>${i === 0 ? html` <strong class="filehistory-current">(current)</strong>` : ''}</td>
<td>${smallThumb(config, v, HISTORY_THUMB, `Thumbnail for version as of ${formatDate(v.timestamp)}`)}</td>
<td>${dims ? `${dims} ` : ''}(${formatSize(v.size)})</td>
<td>${userLink(config, v.userText)}</td>
<td>${commentHtml(config, v.description, t.prefixedDbKey)}</td>${forms ? html`\n<td>${forms[i]}</td>` : ''}
</tr>`;
  });
  return html`<div class="mw-scroll"><table class="wikitable filehistory">
<thead><tr><th scope="col">Date/Time</th><th scope="col">Thumbnail</th><th scope="col">Dimensions</th><th scope="col">User</th><th scope="col">Comment</th>${forms ? html`<th scope="col">Action</th>` : ''}</tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
}

/** The page `File:…`: 404 when there is neither a file nor a page. */
export async function filePage(ctx: ViewContext, t: Title): Promise<PageView> {
  const { services, viewer } = ctx;
  const { config, files } = services;
  const [cur, page] = await Promise.all([files.current(t.dbKey), services.pages.byTitle(t.ns, t.dbKey)]);
  const text = page ? await services.pages.textOf(page) : null;
  // No local file: a shared repository's file of that name is shown instead (RepoGroup::findFile).
  const shared = !cur && services.foreign.any ? await services.foreign.findFile(t.dbKey) : null;
  if (shared) {
    const v = await foreignFileView(services, shared);
    const local =
      text !== null
        ? html`<div id="mw-imagepage-content">${await renderWikitext(services, text, t.prefixedText)}</div>`
        : '';
    return { status: 200, title: t.prefixedText, body: html`${v.body}${local}`, imgOrigins: v.imgOrigins };
  }
  const parts: Html[] = [];
  if (cur) {
    const info = dimensions(cur);
    parts.push(html`<div class="fullImageLink" id="file">${fileView(ctx, cur)}</div>
<div class="fullMedia"><p><a href="${versionUrl(config, cur)}" class="internal">Original file</a> <span class="fileInfo">(${info ? `${info}, ` : ''}file size: ${formatSize(cur.size)}, MIME type: ${cur.mime})</span></p></div>`);
  }
  if (text !== null) {
    parts.push(
      html`<div id="mw-imagepage-content">${await renderWikitext(services, text, t.prefixedText)}</div>`,
    );
  } else if (!cur) {
    parts.push(html`<div class="noarticletext"><p>There is currently no text in this page.</p></div>`);
  }
  if (cur) {
    const versions = [cur, ...(await files.history(t.dbKey))];
    const forms = canRevert(viewer)
      ? await Promise.all(versions.map((v, i) => (i === 0 ? html`` : revertForm(ctx, t, v))))
      : null;
    parts.push(html`<h2 id="filehistory">File history</h2>
<p>Click on a date/time to view the file as it appeared at that time.</p>
${historyTable(ctx, t, versions, forms)}`);
  }
  const archived = cur ? [] : await services.archive.ids(t.dbKey);
  if (archived.length) {
    parts.push(
      html`<div class="mw-message-box mw-message-box-warning"><p>This file has been deleted. The deletion log for the file is provided below for reference.</p></div>`,
    );
    if (canUndelete(viewer)) {
      parts.push(html`<h2 id="undelete">Restore this file</h2>
<p>${archived.length} deleted ${archived.length === 1 ? 'version' : 'versions'} can be restored.</p>
${await undeleteForm(ctx, t)}`);
    }
  }
  const log = await services.logs.fileLog(t.dbKey, LOG_LINES);
  if (log.length) {
    parts.push(html`<h2 id="filelog">Upload and deletion log</h2>
<ul class="mw-logevent-loglines">${log.map((e) => logLine(config, e))}</ul>`);
  }
  if ((cur || page) && canDelete(viewer)) {
    parts.push(html`<h2 id="filedelete">Delete this file</h2>
${await deleteForm(ctx, t)}`);
  }
  return { status: cur || page ? 200 : 404, title: t.prefixedText, body: html`${parts}` };
}
