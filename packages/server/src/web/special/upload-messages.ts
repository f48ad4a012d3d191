/**
 * MediaWiki 1.39's interface messages as Special:Upload shows them: the little wikitext they hold
 * (links, lists, PLURAL, `<strong>`) rendered to HTML, parameters always as escaped text, and the
 * sizes in Language::formatSize's words.
 */
import { MESSAGES } from '../../api/messages/index.js';
import { escapeHtml, Html, html, raw } from '../html.js';
import type { WebUrls } from '../layout.js';

/** A message parameter: text (escaped, never parsed) or HTML made by code. */
export type Param = string | number | Html;

export interface MessageContext {
  urls: WebUrls;
  siteName: string;
}

/** Special page aliases the messages link to, by canonical name (as MediaWiki resolves them). */
const ALIASES: Record<string, string> = { 'Special:FileList': 'Special:ListFiles' };

const OPEN = '\u0001';
const CLOSE = '\u0002';
const TOKEN = /\u0001(\d+)\u0002/g;
/** Tags the messages use, kept as markup (everything else in a message is text). */
const TAGS = /&lt;(\/?)(strong|em|code|b|i|br|p|ul|li|ol|span|div)&gt;/g;

/** The plain text of a message (`upload-tryagain`), for labels and titles. */
export function text(key: string): string {
  return MESSAGES[key] ?? `⧼${key}⧽`;
}

/** Language::formatSize: bytes, KB, MB, GB…, two decimals from MB on. */
export function formatSize(bytes: number): string {
  const units = ['size-bytes', 'size-kilobytes', 'size-megabytes', 'size-gigabytes', 'size-terabytes'];
  let size = bytes;
  let i = 0;
  while (size >= 1024 && i < units.length - 1) {
    size /= 1024;
    i++;
  }
  const rounded = i > 1 ? Math.round(size * 100) / 100 : Math.round(size);
  const num = rounded.toLocaleString('en-US', { maximumFractionDigits: 2 });
  if (i === 0) return `${num} ${rounded === 1 ? 'byte' : 'bytes'}`;
  return (MESSAGES[units[i]!] ?? '$1').replace('$1', num);
}

/** Language::commaList. */
export const commaList = (items: readonly string[]): string => items.join(', ');

function plural(n: number, forms: string[]): string {
  return (n === 1 ? forms[0] : (forms[1] ?? forms[0])) ?? '';
}

/**
 * A message as HTML. `block`: paragraphs as `<p>` (parseAsBlock); otherwise a single paragraph
 * loses its `<p>` (parse).
 */
export function message(c: MessageContext, key: string, params: Param[] = [], block = false): Html {
  const values: Param[] = [];
  const token = (v: Param) => {
    values.push(v);
    return `${OPEN}${values.length - 1}${CLOSE}`;
  };
  const param = (n: string): Param => params[Number(n) - 1] ?? `$${n}`;
  const plainOf = (v: Param) => (v instanceof Html ? v.text.replace(/<[^>]*>/g, '') : String(v));

  let t = text(key)
    .replace(/\{\{PLURAL:\$(\d+)\|([^}]*)\}\}/g, (_m, n: string, forms: string) =>
      plural(Number(plainOf(param(n)).replace(/,/g, '')), forms.split('|')),
    )
    .replace(/\{\{GENDER:[^|}]*\|([^|}]*)[^}]*\}\}/g, '$1')
    .replace(/\{\{SITENAME\}\}/g, () => token(c.siteName))
    .replace(/\{\{ns:(file|image)\}\}/gi, 'File')
    .replace(/\{\{ns:media\}\}/gi, 'Media')
    .replace(/\{\{ns:project\}\}/gi, () => token(c.siteName))
    .replace(/<nowiki>([\s\S]*?)<\/nowiki>/g, (_m, s: string) => token(s))
    .replace(/\$(\d+)/g, (_m, n: string) => token(param(n)));

  // Links: [[Target|label]], [[:File:X]] (a link), [[File:X|thumb]] (an image: left out).
  t = t.replace(/\[\[([^\]|]+)(?:\|([^\]]*))?\]\]/g, (_m, target: string, label: string | undefined) => {
    const resolved = target.replace(TOKEN, (_x, i: string) => plainOf(values[Number(i)]!)).trim();
    const colon = resolved.startsWith(':');
    const title = colon ? resolved.slice(1) : resolved;
    if (!colon && /^(file|image):/i.test(title)) return '';
    const href = c.urls.page(ALIASES[title] ?? title);
    const shown = label ?? (colon ? target.trim().slice(1) : target.trim());
    return token(raw(`<a href="${escapeHtml(href)}">`)) + shown + token(raw('</a>'));
  });

  // Everything left is text, but for the few tags messages use.
  let out = escapeHtml(t)
    .replace(TAGS, '<$1$2>')
    .replace(/&amp;(#\d+|[a-z]+);/g, '&$1;')
    .replace(/'''(.+?)'''/g, '<b>$1</b>')
    .replace(/''(.+?)''/g, '<i>$1</i>');
  out = blocks(out, block);
  return raw(
    out.replace(TOKEN, (_m, i: string) => {
      const v = values[Number(i)]!;
      return v instanceof Html ? v.text : escapeHtml(String(v));
    }),
  );
}

/** Lines into paragraphs and `*` lists, as the parser does for messages. */
function blocks(s: string, block: boolean): string {
  const out: string[] = [];
  let para: string[] = [];
  let list: string[] = [];
  const flushPara = () => {
    if (para.length) out.push(`<p>${para.join('\n')}</p>`);
    para = [];
  };
  const flushList = () => {
    if (list.length) out.push(`<ul>${list.map((l) => `<li>${l}</li>`).join('')}</ul>`);
    list = [];
  };
  for (const line of s.split('\n')) {
    if (line.startsWith('*')) {
      flushPara();
      list.push(line.replace(/^\*\s*/, ''));
    } else if (line.trim() === '') {
      flushList();
      flushPara();
    } else {
      flushList();
      para.push(line);
    }
  }
  flushList();
  flushPara();
  if (!block && out.length === 1 && out[0]!.startsWith('<p>')) return out[0]!.slice(3, -4);
  return out.join('\n');
}

/** A message box (errors: `role="alert"`, so it is read out when the page comes back). */
export const errorBox = (content: Html): Html =>
  html`<div class="mw-message-box mw-message-box-error" role="alert">${content}</div>`;
