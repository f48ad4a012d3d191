/**
 * A minimal HTML view of a page: for files the image (or a thumbnail of it), the file history and
 * the upload log, then the page text (escaped, not rendered).
 */
import type { Config } from '../config.js';
import { formatComment } from './imageinfo.js';
import type { LogEvents } from './logs.js';
import type { PageStore } from './pages.js';
import { type FileRepo, NS_FILE } from './repo.js';
import { planThumbnail, thumbFileOf, thumbNameFor } from './thumb-plan.js';
import type { FileVersion } from './types.js';
import { FileUrls, wikiTitleParser } from './urls.js';

/** What rendering a page reads. */
export interface PageServices {
  config: Config;
  files: FileRepo;
  pages: PageStore;
  logs: LogEvents;
}

export interface RenderedPage {
  status: number;
  html: string;
}

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' })[c]!,
  );

const fmtBytes = (n: number) =>
  n < 1024
    ? `${n} bytes`
    : n < 1024 * 1024
      ? `${(n / 1024).toFixed(0)} KB`
      : `${(n / 1024 / 1024).toFixed(1)} MB`;

function layout(config: Config, title: string, body: string): string {
  return (
    `<!DOCTYPE html>\n<html lang="${esc(config.lang)}"><head><meta charset="UTF-8">` +
    `<title>${esc(title)} - ${esc(config.siteName)}</title>` +
    '<style>body{font-family:sans-serif;margin:1em 2em}table{border-collapse:collapse}td,th{border:1px solid #aaa;padding:.3em}</style>' +
    `</head><body><h1 id="firstHeading">${esc(title)}</h1>\n${body}\n</body></html>\n`
  );
}

/** An image (thumbnail when the file is larger than `max`) or a plain link to the file. */
function preview(config: Config, urls: FileUrls, v: FileVersion, max: number): string {
  const href = v.archiveName ? urls.archive(v.name, v.archiveName, false) : urls.file(v.name, false);
  const file = thumbFileOf(v);
  const plan = planThumbnail(config.thumbnails, file, { width: Math.min(max, v.width) || max, height: max });
  if (plan.kind === 'icon' || plan.kind === 'error')
    return `<a href="${esc(href)}">${esc(v.name.replace(/_/g, ' '))}</a>`;
  let src = href;
  let w = v.width;
  let h = v.height;
  if (plan.kind === 'thumb') {
    const name = thumbNameFor(config.thumbnails, file, plan);
    src = v.archiveName
      ? urls.archiveThumb(v.name, v.archiveName, name, false)
      : urls.thumb(v.name, name, false);
    w = plan.width;
    h = plan.height;
  }
  return `<a href="${esc(href)}"><img alt="${esc(v.name.replace(/_/g, ' '))}" src="${esc(src)}" width="${w}" height="${h}" decoding="async"></a>`;
}

/**
 * Render the page named `ns`/`dbKey`. Missing pages (and file pages without page or file) give 404
 * with MediaWiki's "There is currently no text in this page." notice.
 */
export async function renderPage(services: PageServices, ns: number, dbKey: string): Promise<RenderedPage> {
  const { config, files } = services;
  const urls = new FileUrls(config);
  const t = wikiTitleParser(config).makeTitle(ns, dbKey);
  const page = await services.pages.byTitle(ns, dbKey);
  const text = page ? await services.pages.textOf(page) : null;
  const parts: string[] = [];
  let found = page !== null;
  if (ns === NS_FILE) {
    const cur = await files.current(dbKey);
    if (cur) {
      found = true;
      const history = [cur, ...(await files.history(dbKey))];
      parts.push(`<div class="fullImageLink" id="file">${preview(config, urls, cur, 800)}</div>`);
      parts.push(
        `<div class="fullMedia"><p><a href="${esc(urls.file(cur.name, false))}" class="internal">Original file</a> ` +
          `(${cur.width && cur.height ? `${cur.width} × ${cur.height} pixels, ` : ''}file size: ${fmtBytes(cur.size)}, MIME type: ${esc(cur.mime)})</p></div>`,
      );
      const rows = history.map((v, i) => {
        const href = v.archiveName ? urls.archive(v.name, v.archiveName, false) : urls.file(v.name, false);
        return (
          `<tr><td>${i === 0 ? 'current' : ''}</td><td><a href="${esc(href)}">${esc(v.timestamp)}</a></td>` +
          `<td>${preview(config, urls, v, 120)}</td><td>${v.width && v.height ? `${v.width} × ${v.height} ` : ''}(${fmtBytes(v.size)})</td>` +
          `<td>${esc(v.userText)}</td><td>${formatComment(config, v.description, t.prefixedDbKey)}</td></tr>`
        );
      });
      parts.push(
        '<h2 id="filehistory">File history</h2>\n<table class="wikitable filehistory"><tr><th></th><th>Date/Time</th>' +
          `<th>Thumbnail</th><th>Dimensions</th><th>User</th><th>Comment</th></tr>\n${rows.join('\n')}\n</table>`,
      );
    }
    const log = await services.logs.fileLog(dbKey, 50);
    if (log.length) {
      const items = log.map(
        (l) =>
          `<li>${esc(l.timestamp)} ${esc(l.user_text)} ${esc(l.type)}/${esc(l.action)}` +
          `${l.comment ? ` <span class="comment">(${formatComment(config, l.comment, t.prefixedDbKey)})</span>` : ''}</li>`,
      );
      parts.push(
        `<h2 id="filelog">Upload and deletion log</h2>\n<ul class="mw-logevent-loglines">${items.join('')}</ul>`,
      );
    }
  }
  if (text !== null) {
    parts.unshift(`<div id="mw-content-text"><pre class="mw-page-text">${esc(text)}</pre></div>`);
  } else {
    parts.unshift('<div class="noarticletext"><p>There is currently no text in this page.</p></div>');
  }
  return { status: found ? 200 : 404, html: layout(config, t.prefixedText, parts.join('\n')) };
}

/** The plain text of a page (`action=raw`), or null when it does not exist. */
export function rawPageText(
  services: Pick<PageServices, 'pages'>,
  ns: number,
  dbKey: string,
): Promise<string | null> {
  return services.pages.latestText(ns, dbKey);
}
