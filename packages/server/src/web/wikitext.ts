/**
 * Page text (file descriptions) rendered from wikitext by wikiparser-node, configured for this wiki
 * (its namespaces, interwiki prefixes, MediaWiki 1.39 core's extension tags, `/wiki/$1` links), then
 * made safe by sanitize.ts. Templates are not expanded — this wiki keeps no template pages to
 * expand them from — but shown as their source (`{{Information|…}}`); parser functions and magic
 * words are evaluated by the library.
 */
import { randomBytes } from 'node:crypto';
import type { Config as ParserConfig, default as WikiParser } from 'wikiparser-node';
import type { Config } from '../config.js';
import type { PageStore } from '../files/pages.js';
import { wfUrlencode, wikiTitleParser } from '../files/urls.js';
import { DEFAULT_INTERWIKI_MAP } from '../title/interwiki.js';
import { NS_FILE, NS_MEDIA } from '../title/namespaces.js';
import { type Html, html, raw } from './html.js';
import { WebUrls } from './layout.js';
import { type LinkTarget, sanitizeHtml } from './sanitize.js';

/** Longer texts are shown as they are (preformatted) rather than parsed. */
const MAX_PARSED_LENGTH = 256 * 1024;

/** Link targets looked up for red links, at most. */
const MAX_LOOKUPS = 200;

/** MediaWiki 1.39 core's extension tags (no extensions are installed here). */
const CORE_TAGS = ['pre', 'nowiki', 'gallery', 'indicator', 'langconvert'];

const INTERWIKI = new Map(DEFAULT_INTERWIKI_MAP.map((e) => [e.prefix.toLowerCase(), e.url]));

const configs = new WeakMap<object, ParserConfig>();

let parser: Promise<typeof WikiParser> | undefined;
/** The parser, loaded on the first page shown (API-only servers never need it). */
function loadParser(): Promise<typeof WikiParser> {
  parser ??= import('wikiparser-node').then((m) => m.default);
  return parser;
}

/** The parser's configuration for this wiki: its namespace names and aliases, interwiki prefixes. */
function parserConfig(Parser: typeof WikiParser, config: Config): ParserConfig {
  let c = configs.get(config);
  if (c) return c;
  const base = Parser.getConfig();
  const ns = wikiTitleParser(config).namespaces;
  const namespaces: Record<string, string> = {};
  const nsid: Record<string, number> = {};
  for (const id of ns.ids) {
    const local = ns.text(id) ?? '';
    namespaces[String(id)] = local;
    nsid[local.toLowerCase()] = id;
    const canonical = ns.canonicalName(id);
    if (canonical !== undefined) nsid[canonical.replace(/_/g, ' ').toLowerCase()] = id;
  }
  for (const a of ns.aliases()) nsid[a.name.replace(/_/g, ' ').toLowerCase()] = a.id;
  c = Parser.getConfig({
    ...base,
    ext: [...CORE_TAGS],
    namespaces,
    nsid,
    interwiki: [...INTERWIKI.keys()],
    articlePath: '/wiki/$1',
    variants: [],
  });
  configs.set(config, c);
  return c;
}

interface Marked {
  /** The text with markers (random, so no text can forge one) in place of the templates. */
  text: string;
  sources: string[];
  /** Finds the markers; the first group is the source's number. */
  pattern: RegExp;
}

/** Replace the outermost templates (and module invocations) by markers; their sources by number. */
function markTemplates(Parser: typeof WikiParser, text: string, page: string, pc: ParserConfig): Marked {
  const root = Parser.parse(text, page, false, undefined, pc);
  const src = String(root);
  const found = [
    ...root.querySelectorAll('template'),
    ...root.querySelectorAll('magic-word').filter((t) => t.name === 'invoke'),
  ]
    .map((t) => ({ start: t.getAbsoluteIndex(), end: t.getAbsoluteIndex() + String(t).length }))
    .sort((a, b) => a.start - b.start);
  const nonce = randomBytes(6).toString('hex');
  const sources: string[] = [];
  let out = '';
  let at = 0;
  for (const t of found) {
    if (t.start < at) continue; // inside one replaced already
    out += src.slice(at, t.start);
    out += `MWUPTPL${nonce}N${sources.length}X`;
    sources.push(src.slice(t.start, t.end));
    at = t.end;
  }
  out += src.slice(at);
  return { text: out, sources, pattern: new RegExp(`MWUPTPL${nonce}N(\\d+)X`, 'g') };
}

/** Wikitext as safe HTML, in `<div class="mw-parser-output">`. `page` is the page it belongs to. */
export async function renderWikitext(
  services: { config: Config; pages: Pick<PageStore, 'existing'> },
  text: string,
  page: string,
): Promise<Html> {
  const { config } = services;
  if (text.length > MAX_PARSED_LENGTH) return html`<pre class="mw-page-text">${text}</pre>`;
  const urls = new WebUrls(config);
  const titles = wikiTitleParser(config);
  let rendered: string;
  let marked: Marked;
  try {
    const Parser = await loadParser();
    const pc = parserConfig(Parser, config);
    marked = markTemplates(Parser, text, page, pc);
    rendered = Parser.parse(marked.text, page, false, undefined, pc).toHtml();
  } catch {
    return html`<pre class="mw-page-text">${text}</pre>`;
  }
  const resolve = (titleText: string, fragment: string): LinkTarget | null => {
    const t = titles.newFromText(titleText);
    if (!t) return null;
    if (t.isExternal) {
      const url = INTERWIKI.get(t.interwiki);
      if (!url) return null;
      const rest = t.prefixedDbKey.slice(t.interwiki.length + 1);
      return { kind: 'interwiki', href: url.replace('$1', wfUrlencode(rest)), prefixedText: t.prefixedText };
    }
    const target = t.ns === NS_MEDIA ? titles.makeTitle(NS_FILE, t.dbKey) : t;
    const frag = fragment || t.fragment;
    return {
      kind: 'page',
      href: urls.page(target.prefixedText) + (frag ? `#${encodeURIComponent(frag.replace(/ /g, '_'))}` : ''),
      prefixedDbKey: target.prefixedDbKey,
      prefixedText: target.prefixedText,
      ns: target.ns,
    };
  };
  const { sources, pattern } = marked;
  const safe = sanitizeHtml(rendered, {
    resolve,
    placeholders: { pattern, source: (n) => sources[n] ?? '' },
  });
  const targets = [...safe.pages].slice(0, MAX_LOOKUPS);
  const known = new Set(await services.pages.existing(config, targets));
  // Beyond the lookups, links are shown as existing.
  for (const p of [...safe.pages].slice(MAX_LOOKUPS)) known.add(p);
  return raw(`<div class="mw-parser-output">${safe.render(known)}</div>`);
}
