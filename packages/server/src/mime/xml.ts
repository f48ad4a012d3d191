/**
 * Streaming XML well-formedness checker with element callbacks, in the spirit of MediaWiki's
 * XmlTypeCheck (which runs libxml2's XMLReader with entity substitution on and the entity loader off).
 *
 * Built on saxes. Entities are never expanded beyond what the document's internal subset may
 * safely declare: the internal subset must pass MediaWiki's "safe DTD" rule (only short, flat entity
 * declarations, comments and one graphviz ATTLIST), otherwise the document counts as malformed, so
 * entity bombs, parameter entities and external entities are all refused. libxml2's default limits
 * are applied as well: nesting deeper than 256 elements, or a single token (text run, attribute
 * value, name, comment…) longer than 10,000,000 characters, makes the document malformed. Memory use
 * is therefore bounded whatever the input, and time is linear in its size.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { CharsetError, XmlTextDecoder } from './charset.js';

/** A parsed `<!DOCTYPE …>` declaration. */
export interface XmlDoctype {
  name: string;
  /** Kind of external identifier, when there is one. */
  type?: 'PUBLIC' | 'SYSTEM';
  publicId?: string;
  systemId?: string;
  /** The raw internal subset, when there is one. */
  internal?: string;
}

/** Callbacks of an {@link XmlChecker}. Names are `namespaceURI:localName`, or the raw name without a namespace. */
export interface XmlCheckHandlers<F> {
  /** An element start. The returned value is kept while the element is open and handed to `close`. */
  open?(name: string, attrs: ReadonlyArray<readonly [string, string]>): F;
  /** An element end, in document order of the ends. `data` is its trimmed direct text, if asked for. */
  close?(frame: F, name: string, data: string): void;
  /** Whether `close` needs the element's text (collected only then, to keep memory flat). */
  wantsData?(name: string): boolean;
  /** A processing instruction (the XML declaration is not one). */
  pi?(target: string, body: string): void;
  /** The document type declaration, once it has passed the safety rules. */
  doctype?(doctype: XmlDoctype): void;
}

export interface XmlCheckOptions {
  /** Stop at the first element start (to learn the root element from a file's first bytes). */
  stopAtRoot?: boolean;
  /** Deepest allowed element nesting. Default 256 (libxml2's default limit). */
  maxDepth?: number;
  /** Longest allowed single token in characters. Default 10,000,000 (libxml2's XML_MAX_TEXT_LENGTH). */
  maxTokenLength?: number;
}

export interface XmlCheckResult {
  /** Whether the document is well-formed (with stopAtRoot: whether it was so far). */
  wellFormed: boolean;
  /** Expanded name of the root element, '' when none was seen. */
  rootElement: string;
  /** Why the document is not well-formed (for logs and tests). */
  reason?: string;
}

const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const SLICE = 65536;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

class Stop {
  constructor(readonly reason: string | null) {}
}

/**
 * MediaWiki's rule for a "safe" internal DTD subset: nothing but entity declarations whose value is
 * either a single entity/character reference or at most 255 characters without `%` or `&` (except
 * `&amp;` and the quote entity), comments, and the graphviz `xmlns:xlink` ATTLIST. Returns the
 * declared entities (name → literal value), or null when the subset is not safe.
 */
export function parseSafeInternalSubset(subset: string): Map<string, string> | null {
  const entities = new Map<string, string>();
  const n = subset.length;
  const isWs = (c: string | undefined) =>
    c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
  const GRAPHVIZ = '<!ATTLIST svg xmlns:xlink CDATA #FIXED "http://www.w3.org/1999/xlink">';
  let i = 0;
  for (;;) {
    while (i < n && isWs(subset[i])) i++;
    if (i >= n) return entities;
    if (subset.startsWith('<!--', i)) {
      const end = subset.indexOf('--', i + 4);
      if (end < 0 || subset[end + 2] !== '>') return null;
      i = end + 3;
    } else if (subset.startsWith(GRAPHVIZ, i)) {
      i += GRAPHVIZ.length;
    } else if (subset.startsWith('<!ENTITY', i) && isWs(subset[i + 8])) {
      i += 8;
      while (i < n && isWs(subset[i])) i++;
      const nameStart = i;
      while (i < n && !isWs(subset[i])) i++;
      const name = subset.slice(nameStart, i);
      if (!name) return null;
      while (i < n && isWs(subset[i])) i++;
      const quote = subset[i];
      if (quote !== '"' && quote !== "'") return null;
      const valueStart = ++i;
      const close = subset.indexOf(quote, valueStart);
      if (close < 0) return null;
      const value = subset.slice(valueStart, close);
      if (!isSafeEntityValue(value, quote)) return null;
      i = close + 1;
      while (i < n && isWs(subset[i])) i++;
      if (subset[i] !== '>') return null;
      i++;
      if (!entities.has(name)) entities.set(name, value);
    } else {
      return null;
    }
  }
}

function isSafeEntityValue(value: string, quote: string): boolean {
  if (/^&[^"%&;]{1,64};$/.test(value)) return true;
  const other = quote === '"' ? '&quot;' : '&apos;';
  let units = 0;
  for (let j = 0; j < value.length; units++) {
    if (units >= 255) return false;
    const c = value[j]!;
    if (c === '%') return false;
    if (c === '&') {
      if (value.startsWith('&amp;', j)) j += 5;
      else if (value.startsWith(other, j)) j += other.length;
      else return false;
    } else j++;
  }
  return true;
}

const DOCTYPE_RE =
  /^\s*([^\s[]+)\s*(?:(PUBLIC)\s*(?:"([^"]*)"|'([^']*)')\s*(?:"([^"]*)"|'([^']*)')|(SYSTEM)\s*(?:"([^"]*)"|'([^']*)'))?\s*(?:\[([\s\S]*)\])?\s*$/;

/** Parse the text between `<!DOCTYPE` and `>`; null when it is not a well-formed declaration. */
export function parseDoctype(text: string): XmlDoctype | null {
  const m = DOCTYPE_RE.exec(text);
  if (!m) return null;
  const dt: XmlDoctype = { name: m[1]! };
  if (m[2]) {
    dt.type = 'PUBLIC';
    dt.publicId = m[3] ?? m[4] ?? '';
    dt.systemId = m[5] ?? m[6] ?? '';
  } else if (m[7]) {
    dt.type = 'SYSTEM';
    dt.systemId = m[8] ?? m[9] ?? '';
  }
  if (m[10] !== undefined) dt.internal = m[10];
  return dt;
}

/**
 * The text each declared entity stands for where it is used; null marks one whose replacement
 * text would be parsed as markup (or a bare `&`), which is refused instead of expanded.
 */
function resolveEntities(decls: Map<string, string>): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const resolve = (name: string, seen: Set<string>): string | null => {
    if (out.has(name)) return out.get(name)!;
    const raw = decls.get(name);
    if (raw === undefined) return Object.hasOwn(PREDEFINED, name) ? PREDEFINED[name]! : null;
    if (seen.has(name)) return null;
    seen.add(name);
    let text: string | null;
    const alias = /^&([^"%&;]{1,64});$/.exec(raw);
    if (alias?.[1]?.startsWith('#')) {
      const ref = alias[1];
      const cp = /^#x[0-9a-fA-F]{1,6}$/.test(ref)
        ? Number.parseInt(ref.slice(2), 16)
        : /^#[0-9]{1,7}$/.test(ref)
          ? Number.parseInt(ref.slice(1), 10)
          : Number.NaN;
      const ok =
        cp === 9 ||
        cp === 10 ||
        cp === 13 ||
        (cp >= 0x20 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff));
      text = ok && cp !== 0x3c && cp !== 0x26 ? String.fromCodePoint(cp) : null;
    } else if (alias) {
      text = resolve(alias[1]!, seen);
    } else {
      text = raw.includes('<') ? null : raw.replace(/&(amp|quot|apos);/g, (_, e: string) => PREDEFINED[e]!);
    }
    out.set(name, text);
    return text;
  };
  for (const name of decls.keys()) resolve(name, new Set());
  return out;
}

/** Incremental checker: feed bytes with {@link write}, then call {@link end}. */
export class XmlChecker<F = unknown> {
  private readonly parser = new SaxesParser({ xmlns: true, position: false });
  private readonly decoder = new XmlTextDecoder();
  private readonly stack: Array<{ frame: F; data: string[] | null; dataLength: number }> = [];
  private readonly maxDepth: number;
  private readonly maxToken: number;
  /** Characters handed to the parser at a time (token lengths are checked between slices). */
  private readonly slice: number;
  /** Characters written so far, and the position of the last event (bounds any token's length). */
  private fed = 0;
  private lastEventAt = 0;
  private root = '';
  private rootClosed = false;
  private externalSubset = false;
  private entities = new Map<string, string | null>();
  private failure: string | null = null;
  private finished = false;

  constructor(
    private readonly handlers: XmlCheckHandlers<F> = {},
    private readonly opts: XmlCheckOptions = {},
  ) {
    this.maxDepth = opts.maxDepth ?? 256;
    this.maxToken = opts.maxTokenLength ?? 10_000_000;
    this.slice = Math.max(256, Math.min(SLICE, this.maxToken >> 2));
    const p = this.parser;
    const touch = () => {
      this.lastEventAt = p.position;
    };
    p.on('error', (err) => this.onError(err.message));
    // Entity lookups go through the declarations of the internal subset (never anything else).
    p.ENTITIES = new Proxy({} as Record<string, string>, {
      get: (_target, name) => {
        if (typeof name !== 'string') return undefined;
        if (this.entities.has(name)) {
          const v = this.entities.get(name);
          if (v === null || v === undefined) throw new Stop(`entity ${name} cannot be used`);
          return v;
        }
        if (Object.hasOwn(PREDEFINED, name)) return PREDEFINED[name];
        // With an external subset (never loaded), an unknown entity is skipped rather than an error.
        return this.externalSubset ? '' : undefined;
      },
    });
    p.on('doctype', (text) => {
      touch();
      this.onDoctype(text);
    });
    p.on('processinginstruction', (pi) => {
      touch();
      this.handlers.pi?.(pi.target, pi.body);
    });
    p.on('comment', touch);
    p.on('xmldecl', touch);
    p.on('cdata', (text) => {
      touch();
      this.addData(text);
    });
    p.on('opentag', (tag) => {
      touch();
      this.onOpen(tag);
    });
    p.on('closetag', (tag) => {
      touch();
      this.onClose(tag);
    });
  }

  /** Whether the checker needs no more input (it stopped early, or failed). */
  get done(): boolean {
    return this.finished;
  }

  /** Feed the next bytes of the document. */
  write(chunk: Uint8Array): void {
    if (this.finished) return;
    let text: string;
    try {
      text = this.decoder.write(chunk);
    } catch (e) {
      this.stop(e instanceof CharsetError ? e.message : String(e));
      return;
    }
    this.feed(text);
  }

  /** Finish the document and return the verdict. */
  end(): XmlCheckResult {
    if (!this.finished) {
      try {
        this.feed(this.decoder.end());
      } catch (e) {
        this.stop(e instanceof CharsetError ? e.message : String(e));
      }
    }
    if (!this.finished) {
      try {
        this.parser.close();
        if (!this.root) this.failure ??= 'no root element';
      } catch (e) {
        if (!(e instanceof Stop)) throw e;
        // Like XMLReader, an error after the root element has closed only ends the document.
        if (!this.rootClosed) this.failure ??= e.reason;
      }
      this.finished = true;
    }
    const result: XmlCheckResult = { wellFormed: this.failure === null, rootElement: this.root };
    if (this.failure !== null) result.reason = this.failure;
    return result;
  }

  private feed(text: string): void {
    const step = this.slice;
    for (let i = 0; i < text.length && !this.finished; i += step) {
      const slice = text.length <= step ? text : text.slice(i, i + step);
      try {
        this.parser.write(slice);
      } catch (e) {
        if (e instanceof Stop) {
          this.stop(e.reason);
          return;
        }
        throw e;
      }
      this.fed += slice.length;
      if (this.fed - this.lastEventAt > this.maxToken) this.stop('token too long');
    }
  }

  private stop(reason: string | null): void {
    if (this.finished) return;
    this.finished = true;
    if (reason !== null && !this.rootClosed) this.failure ??= reason;
  }

  private onError(message: string): void {
    // libxml2 reports namespace problems as recoverable errors; the element is then seen with
    // its raw prefixed name.
    if (/prefix|namespace|^duplicate attribute: \{/.test(message)) return;
    throw new Stop(message);
  }

  private onDoctype(text: string): void {
    const dt = parseDoctype(text);
    if (!dt) throw new Stop('malformed doctype');
    let decls = new Map<string, string>();
    if (dt.internal !== undefined) {
      const parsed = parseSafeInternalSubset(dt.internal);
      if (!parsed) throw new Stop('unsafe internal subset');
      decls = parsed;
    }
    this.externalSubset = dt.type !== undefined;
    this.entities = resolveEntities(decls);
    this.handlers.doctype?.(dt);
  }

  private onOpen(tag: SaxesTagNS): void {
    if (this.stack.length >= this.maxDepth) throw new Stop('document nested too deeply');
    const name = expand(tag.name, tag.uri, tag.local);
    if (!this.root) this.root = name;
    if (this.opts.stopAtRoot) throw new Stop(null);
    const attrs: Array<readonly [string, string]> = [];
    for (const a of Object.values(tag.attributes)) {
      if (a.uri === XMLNS_NS) continue;
      attrs.push([expand(a.name, a.uri, a.local), a.value]);
    }
    const frame = this.handlers.open ? this.handlers.open(name, attrs) : (undefined as F);
    const wants = this.handlers.wantsData?.(name) ?? false;
    this.stack.push({ frame, data: wants ? [] : null, dataLength: 0 });
    this.syncText();
  }

  private onClose(tag: SaxesTagNS): void {
    const top = this.stack.pop();
    if (!top) return;
    if (this.stack.length === 0) this.rootClosed = true;
    this.syncText();
    this.handlers.close?.(top.frame, expand(tag.name, tag.uri, tag.local), top.data ? top.data.join('') : '');
  }

  private syncText(): void {
    const top = this.stack[this.stack.length - 1];
    if (top?.data) this.parser.on('text', (t) => this.addData(t));
    else this.parser.off('text');
  }

  private addData(text: string): void {
    const top = this.stack[this.stack.length - 1];
    if (!top?.data) return;
    const t = text.trim();
    if (!t) return;
    top.dataLength += t.length;
    if (top.dataLength > this.maxToken) throw new Stop('element text too long');
    top.data.push(t);
  }
}

function expand(qname: string, uri: string | undefined, local: string | undefined): string {
  return uri ? `${uri}:${local ?? qname}` : qname;
}
