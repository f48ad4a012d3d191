/**
 * HTML from the wikitext renderer made safe for the page: parsed again with an HTML parser and
 * rebuilt from an allow-list of tags, attributes and class names, every text and attribute value
 * escaped anew. Whatever the renderer lets through — `<script>`, event handlers, `style`,
 * `javascript:` URLs, forms, frames — cannot reach the page: tags outside the list are dropped
 * (their text kept, except for script-like elements, whose content goes too), links are rebuilt from
 * their target (pages of this wiki, interwiki links, external links with allowed schemes only).
 */
import { Parser } from 'htmlparser2';
import { escapeHtml } from './html.js';

const words = (s: string) => s.split(/\s+/).filter(Boolean);

/** Elements dropped with everything inside them. */
const DROP_WITH_CONTENT = new Set(
  words(`script style noscript template iframe frame frameset object embed applet svg math textarea
    select title head xmp noembed noframes plaintext canvas audio video button`),
);

/** Elements kept, with the attributes each may have besides the common ones (class, title, dir, lang). */
const ALLOWED: Record<string, readonly string[]> = {
  ...Object.fromEntries(
    words(`p div span br hr wbr b i u s strike del ins em strong small big sub sup code kbd samp var tt
      cite q abbr dfn mark bdi bdo center blockquote pre ul dl dt dd table caption thead tbody tfoot tr a`).map(
      (t) => [t, []],
    ),
  ),
  ...Object.fromEntries(words('h1 h2 h3 h4 h5 h6').map((t) => [t, ['id']])),
  ol: ['start', 'reversed'],
  li: ['value'],
  th: ['colspan', 'rowspan', 'scope'],
  td: ['colspan', 'rowspan'],
};

const VOID = new Set(['br', 'hr', 'wbr']);

/** Class names the stylesheet knows and wikitext may use; any other is dropped. */
const CLASSES = new Set(
  words(`wikitable mw-heading mw-heading1 mw-heading2 mw-heading3 mw-heading4 mw-heading5 mw-heading6
    external free extiw new redirectText catlinks`),
);

/** URL schemes of external links ($wgUrlProtocols). */
const SCHEMES = new Set(
  words(`http: https: ftp: ftps: sftp: mailto: irc: ircs: news: nntp: git: svn: ssh: tel: sip: sips:
    sms: xmpp: geo: magnet: matrix: urn: bitcoin: gopher: telnet: mms: worldwind: redis:`),
);

/** A link to a page of this wiki, or to another wiki. */
export type LinkTarget =
  | { kind: 'page'; href: string; prefixedDbKey: string; prefixedText: string; ns: number }
  | { kind: 'interwiki'; href: string; prefixedText: string };

export interface SanitizeOptions {
  /** The page a `/wiki/…` path or link title names (null: not a valid title). */
  resolve(titleText: string, fragment: string): LinkTarget | null;
  /** Markers in the text standing for source text (templates): the text to show instead. */
  placeholders?: { pattern: RegExp; source(index: number): string };
}

/** Markup of a sanitized fragment, finished once it is known which linked pages exist. */
export class SafeFragment {
  constructor(
    private readonly parts: readonly (string | ((known: ReadonlySet<string>) => string))[],
    /** Prefixed DB keys of the pages it links to. */
    readonly pages: ReadonlySet<string>,
  ) {}

  /** The HTML; links to pages not in `known` are red links (`class="new"`). */
  render(known: ReadonlySet<string> | null): string {
    return this.parts.map((p) => (typeof p === 'string' ? p : p(known ?? new Set(this.pages)))).join('');
  }
}

interface Open {
  name: string;
  /** Whether its tags are written (allowed), and whether its content is dropped. */
  emitted: boolean;
  dropping: boolean;
  /** For links: whether any text was written inside, and what to write if none. */
  link?: { wroteText: boolean; fallback: string };
}

function decodePath(path: string): string | null {
  try {
    return decodeURIComponent(path.replace(/\+/g, '%2B'));
  } catch {
    return null;
  }
}

/** Parse `input` and rebuild it from the allow-list. */
export function sanitizeHtml(input: string, o: SanitizeOptions): SafeFragment {
  const parts: (string | ((known: ReadonlySet<string>) => string))[] = [];
  const pages = new Set<string>();
  const stack: Open[] = [];
  let text = '';
  const dropping = () => stack.some((e) => e.dropping);
  const inLink = () => stack.some((e) => e.link && e.emitted);

  const withSources = (s: string) =>
    o.placeholders
      ? s.replace(o.placeholders.pattern, (_m, n: string) => o.placeholders!.source(Number(n)))
      : s;

  const flush = () => {
    if (!text) return;
    const t = text;
    text = '';
    if (dropping()) return;
    const link = [...stack].reverse().find((e) => e.link && e.emitted)?.link;
    if (link && t.trim()) link.wroteText = true;
    if (!o.placeholders) {
      parts.push(escapeHtml(t));
      return;
    }
    let last = 0;
    for (const m of t.matchAll(o.placeholders.pattern)) {
      parts.push(escapeHtml(t.slice(last, m.index)));
      parts.push(`<code class="mw-template">${escapeHtml(o.placeholders.source(Number(m[1])))}</code>`);
      last = m.index + m[0].length;
    }
    parts.push(escapeHtml(t.slice(last)));
  };

  const commonAttributes = (attrs: Record<string, string>, extra: string[] = []): string => {
    let out = '';
    const classes = (attrs.class ?? '')
      .split(/\s+/)
      .filter((c) => CLASSES.has(c))
      .concat(extra);
    if (classes.length) out += ` class="${escapeHtml([...new Set(classes)].join(' '))}"`;
    if (attrs.title) out += ` title="${escapeHtml(withSources(attrs.title))}"`;
    if (attrs.dir && /^(ltr|rtl|auto)$/.test(attrs.dir)) out += ` dir="${attrs.dir}"`;
    if (attrs.lang && /^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/.test(attrs.lang)) out += ` lang="${attrs.lang}"`;
    return out;
  };

  const openLink = (attrs: Record<string, string>): Open => {
    const href = attrs.href ?? '';
    const isInterwiki = (attrs.class ?? '').split(/\s+/).includes('extiw');
    const external = (attrs.class ?? '').split(/\s+/).includes('external');
    let target: LinkTarget | null = null;
    if (isInterwiki && attrs.title) target = o.resolve(withSources(attrs.title), '');
    else if (href.startsWith('/wiki/')) {
      const [pathAndQuery, ...frag] = href.slice('/wiki/'.length).split('#');
      const path = decodePath(pathAndQuery!.split('?', 1)[0]!);
      const fragment = decodePath(frag.join('#')) ?? '';
      if (path !== null) target = o.resolve(withSources(path), fragment);
    }
    const closed: Open = { name: 'a', emitted: false, dropping: false };
    if (target?.kind === 'page') {
      pages.add(target.prefixedDbKey);
      const t = target;
      const plain = { ...attrs, title: t.prefixedText };
      parts.push((known) =>
        t.ns >= 0 && !known.has(t.prefixedDbKey)
          ? `<a href="${escapeHtml(t.href)}"${commonAttributes({ ...plain, title: `${t.prefixedText} (page does not exist)` }, ['new'])}>`
          : `<a href="${escapeHtml(t.href)}"${commonAttributes(plain)}>`,
      );
      return {
        name: 'a',
        emitted: true,
        dropping: false,
        link: { wroteText: false, fallback: t.prefixedText },
      };
    }
    if (target?.kind === 'interwiki') {
      parts.push(
        `<a href="${escapeHtml(target.href)}" class="extiw" title="${escapeHtml(target.prefixedText)}">`,
      );
      return {
        name: 'a',
        emitted: true,
        dropping: false,
        link: { wroteText: false, fallback: target.prefixedText },
      };
    }
    if (href.startsWith('#')) {
      parts.push(`<a href="${escapeHtml(href)}"${commonAttributes(attrs)}>`);
      return { name: 'a', emitted: true, dropping: false, link: { wroteText: false, fallback: href } };
    }
    if (!external || href.startsWith('/')) return closed;
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      return closed;
    }
    if (!SCHEMES.has(url.protocol)) return closed;
    const cls = (attrs.class ?? '').split(/\s+/).includes('free') ? 'external free' : 'external';
    parts.push(`<a rel="nofollow noopener" class="${cls}" href="${escapeHtml(url.href)}">`);
    return { name: 'a', emitted: true, dropping: false, link: { wroteText: false, fallback: url.href } };
  };

  const parser = new Parser(
    {
      onopentag(name, attrs) {
        flush();
        if (dropping() || DROP_WITH_CONTENT.has(name)) {
          stack.push({ name, emitted: false, dropping: true });
          return;
        }
        const allowed = Object.hasOwn(ALLOWED, name) ? ALLOWED[name] : undefined;
        if (!allowed) {
          stack.push({ name, emitted: false, dropping: false });
          return;
        }
        if (name === 'a') {
          stack.push(inLink() ? { name, emitted: false, dropping: false } : openLink(attrs));
          return;
        }
        let out = `<${name}${commonAttributes(attrs)}`;
        for (const a of allowed) {
          const v = attrs[a];
          if (v === undefined) continue;
          if (a === 'id') out += ` id="${escapeHtml(withSources(v))}"`;
          else if (a === 'reversed') out += ' reversed';
          else if (a === 'scope' && /^(row|col|rowgroup|colgroup)$/.test(v)) out += ` scope="${v}"`;
          else if (/^\d{1,4}$/.test(v)) out += ` ${a}="${v}"`;
        }
        parts.push(`${out}>`);
        stack.push({ name, emitted: !VOID.has(name), dropping: false });
      },
      ontext(data) {
        text += data;
      },
      onclosetag(name) {
        flush();
        const i = stack.map((e) => e.name).lastIndexOf(name);
        if (i < 0) return;
        for (const e of stack.splice(i).reverse()) {
          if (!e.emitted) continue;
          if (e.link && !e.link.wroteText) parts.push(escapeHtml(e.link.fallback));
          parts.push(`</${e.name}>`);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: false },
  );
  parser.end(input);
  flush();
  for (const e of stack.reverse()) if (e.emitted) parts.push(`</${e.name}>`);
  return new SafeFragment(parts, pages);
}
