/**
 * What the file pages, the file lists and the logs print alike, in MediaWiki's English: dates
 * (`12:34, 5 May 2026`, UTC), sizes (Language::formatSize), user links, comments, log lines.
 */
import type { Config } from '../config.js';
import { formatComment } from '../files/comments.js';
import { type LogEntry, logParamsOf } from '../files/logs.js';
import { wikiTitleParser } from '../files/urls.js';
import { MONTHS } from '../util/timestamp.js';
import { type Html, html, raw } from './html.js';
import { WebUrls } from './layout.js';

/** MediaWiki's default date format (`H:i, j F Y`), in UTC. */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** A `<time>` element with the date as text. */
export const dateHtml = (iso: string): Html => html`<time datetime="${iso}">${formatDate(iso)}</time>`;

/** Language::formatSize: bytes, KB, MB (two decimals from MB on), … */
export function formatSize(bytes: number): string {
  const units = ['KB', 'MB', 'GB', 'TB', 'PB'];
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let size = bytes;
  let i = -1;
  while (size >= 1024 && i < units.length - 1) {
    size /= 1024;
    i++;
  }
  const n = i === 0 ? Math.round(size) : Math.round(size * 100) / 100;
  return `${n.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${units[i]}`;
}

/** `W × H pixels` (nothing for files without dimensions). */
export const dimensions = (v: { width: number; height: number }): string =>
  v.width && v.height
    ? `${v.width.toLocaleString('en-US')} × ${v.height.toLocaleString('en-US')} pixels`
    : '';

/** The name of a file page's title without the namespace: `A b.png`. */
export const fileText = (dbKey: string): string => dbKey.replace(/_/g, ' ');

/** A link to a user page. */
export function userLink(config: Config, name: string): Html {
  return html`<a href="${new WebUrls(config).page(`User:${name}`)}" class="mw-userlink">${name}</a>`;
}

/** A link to a file's description page. */
export function fileLink(config: Config, dbKey: string, text = `File:${fileText(dbKey)}`): Html {
  return html`<a href="${new WebUrls(config).page(`File:${dbKey}`)}">${text}</a>`;
}

/** An upload or edit summary as Linker::formatComment renders it (escaped text and links). */
export function commentHtml(config: Config, comment: string, self?: string): Html {
  // formatComment escapes the text and builds its links itself.
  return comment ? raw(formatComment(config, comment, self)) : html``;
}

/** The comment of a log line or a list row: `(…)`, nothing when empty. */
export function commentBlock(config: Config, comment: string, self?: string): Html {
  return comment ? html` <span class="comment">(${commentHtml(config, comment, self)})</span>` : html``;
}

/** The log types and their names (`log-name-*`, `uploadlogpage`, `dellogpage`). */
export const LOG_TYPES: Record<string, string> = {
  upload: 'Upload log',
  delete: 'Deletion log',
  create: 'Page creation log',
  protect: 'Protection log',
  move: 'Move log',
  tag: 'Tag log',
  managetags: 'Tag management log',
};

/** The action of a log entry in words (`logentry-<type>-<action>`), with links. */
function actionText(e: LogEntry, target: Html): Html {
  const key = `${e.type}/${e.action}`;
  switch (key) {
    case 'upload/upload':
      return html`uploaded ${target}`;
    case 'upload/overwrite':
      return html`uploaded a new version of ${target}`;
    case 'upload/revert':
      return html`reverted ${target} to an old version`;
    case 'delete/delete':
      return html`deleted page ${target}`;
    case 'delete/restore': {
      const count = logParamsOf(e).count as { revisions?: number; files?: number } | undefined;
      const parts: string[] = [];
      if (count?.revisions)
        parts.push(`${count.revisions} ${count.revisions === 1 ? 'revision' : 'revisions'}`);
      if (count?.files) parts.push(`${count.files} ${count.files === 1 ? 'file' : 'files'}`);
      return parts.length
        ? html`undeleted page ${target} (${parts.join(' and ')})`
        : html`undeleted page ${target}`;
    }
    case 'delete/revision':
      return html`changed visibility of revisions on page ${target}`;
    case 'create/create':
      return html`created page ${target}`;
    case 'protect/protect':
      return html`protected ${target}`;
    case 'protect/modify':
      return html`changed protection settings for ${target}`;
    case 'protect/unprotect':
      return html`removed protection from ${target}`;
    default:
      return html`performed ${key} on ${target}`;
  }
}

/** One log entry as MediaWiki's log lines show it: date, user, what was done, comment. */
export function logLine(config: Config, e: LogEntry): Html {
  const t = wikiTitleParser(config).makeTitle(e.namespace, e.title);
  const target = html`<a href="${new WebUrls(config).page(t.prefixedText)}">${t.prefixedText}</a>`;
  return html`<li data-mw-logid="${e.id}" data-mw-logaction="${e.type}/${e.action}">${dateHtml(e.timestamp)} ${userLink(config, e.user_text)} ${actionText(e, target)}${commentBlock(config, e.comment, t.prefixedDbKey)}</li>`;
}
