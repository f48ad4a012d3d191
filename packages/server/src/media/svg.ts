import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { HandlerResult } from './handler.js';
import { type PhpArray, php, phpKey } from './items.js';
import { phpFloatval, phpIntval, phpRound, phpTrim } from './php.js';
import type { MediaSource } from './types.js';

/** $wgSVGMetadataCutoff: only this many bytes of a larger SVG are read for metadata. */
export const SVG_METADATA_CUTOFF = 262144;
const NS_SVG = 'http://www.w3.org/2000/svg';
const DEFAULT_SIZE = 512;
const LANG_PREFIX_MATCH = 1;
const LANG_FULL_MATCH = 2;
/** Cap on characters produced by entity expansion in one document (libxml2 has its own limits). */
const ENTITY_BUDGET = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Decoding

/** The charset of an XML document: BOM, UTF-16 sniffing, then the XML declaration; default UTF-8. */
function sniffEncoding(b: Buffer): { label: string; skip: number } {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { label: 'utf-8', skip: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { label: 'utf-16le', skip: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { label: 'utf-16be', skip: 2 };
  if (b[0] === 0x3c && b[1] === 0x00 && b[2] === 0x3f && b[3] === 0x00) return { label: 'utf-16le', skip: 0 };
  if (b[0] === 0x00 && b[1] === 0x3c && b[2] === 0x00 && b[3] === 0x3f) return { label: 'utf-16be', skip: 0 };
  const decl = /^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(
    b.subarray(0, 200).toString('latin1'),
  );
  if (decl) {
    const label = decl[1]!.toLowerCase();
    try {
      new TextDecoder(label);
      return { label, skip: 0 };
    } catch {
      return { label: 'utf-8', skip: 0 };
    }
  }
  return { label: 'utf-8', skip: 0 };
}

/** Length of the longest prefix of `b` that is valid UTF-8 (a parser stops at the first bad byte). */
function validUtf8Prefix(b: Buffer): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      min = 0x10000;
    } else return i;
    if (i + len > n) return i;
    let cp = c & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const t = b[i + k]!;
      if ((t & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (t & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return n;
}

/** A decoded XML document and what is needed to map positions back to input bytes. */
interface DecodedXml {
  text: string;
  /** Whether the document declared an encoding (libxml's doc->encoding). */
  declaredEncoding: boolean;
  /** Input size in bytes. */
  size: number;
  /** Bytes before the text (a byte-order mark). */
  skip: number;
  /** Bytes per UTF-16 code unit of the text: 0 for UTF-8, 2 for UTF-16, 1 for single-byte charsets. */
  unitBytes: number;
  /** Byte offset of the first undecodable byte (the parser stops there), or Infinity. */
  errorAt: number;
}

/** XML bytes → text. */
export function decodeXml(b: Buffer): DecodedXml {
  const { label, skip } = sniffEncoding(b);
  let body = b.subarray(skip);
  let errorAt = Number.POSITIVE_INFINITY;
  if (label === 'utf-8') {
    const ok = validUtf8Prefix(body);
    if (ok < body.length) errorAt = skip + ok;
    body = body.subarray(0, ok);
  }
  const text = new TextDecoder(label, { ignoreBOM: true }).decode(body);
  const unitBytes = label === 'utf-8' ? 0 : label.startsWith('utf-16') ? 2 : 1;
  return {
    text,
    declaredEncoding: /^<\?xml[^>]*?encoding\s*=/.test(text.slice(0, 200)),
    size: b.length,
    skip,
    unitBytes,
    errorAt,
  };
}

// ---------------------------------------------------------------------------------------------
// Parsing into XMLReader-like nodes

const ELEMENT: number = 1;
const TEXT: number = 3;
const CDATA = 4;
const PI = 7;
const COMMENT = 8;
const WHITESPACE = 13;
const END_ELEMENT: number = 15;

interface NsDecl {
  prefix: string | null;
  uri: string;
}
interface Attr {
  qname: string;
  prefix: string;
  uri: string;
  value: string;
}
interface XNode {
  type: number;
  depth: number;
  /** Qualified name for elements, '#text' etc. otherwise. */
  name: string;
  local: string;
  prefix: string;
  ns: string;
  value: string;
  isEmpty: boolean;
  attrs: Attr[];
  nsDefs: NsDecl[];
  /** For an element start: index of its END_ELEMENT (or itself when empty; -1 if never closed). */
  end: number;
  /** Input byte offset by which the parser has seen all of this node (when libxml creates it). */
  tokEnd: number;
}

/** The parse of a document prefix as the reader sees it. */
interface Parsed {
  nodes: XNode[];
  /** Input bytes given to the parser. */
  size: number;
  /** Byte offset where parsing fails (size: fails at the end, the document is incomplete). */
  errorAt: number;
}

/** Internal general entities of a DOCTYPE with literal values (external and parameter entities are ignored). */
function internalEntities(doctype: string): Map<string, string> {
  const out = new Map<string, string>();
  const subset = /\[([\s\S]*)\]/.exec(doctype)?.[1];
  if (!subset) return out;
  const re = /<!ENTITY\s+([^\s%"'<>]+)\s+(?:"([^"]*)"|'([^']*)')\s*>/g;
  for (let m = re.exec(subset); m; m = re.exec(subset)) {
    if (out.size >= 256) break;
    const raw = m[2] ?? m[3] ?? '';
    if (raw.includes('<')) continue;
    const value = raw.replace(
      /&#x([0-9a-fA-F]+);|&#([0-9]+);/g,
      (_, h: string | undefined, d: string | undefined) => {
        const cp = h !== undefined ? Number.parseInt(h, 16) : Number.parseInt(d!, 10);
        return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
      },
    );
    if (!out.has(m[1]!)) out.set(m[1]!, value);
  }
  // One level of references between entities (to entities that reference nothing), bounded.
  const plain = new Map([...out].filter(([, v]) => !/&[A-Za-z_]/.test(v)));
  for (const [k, v] of out) {
    if (plain.has(k)) continue;
    const expanded = v.replace(/&([A-Za-z_][\w.-]*);/g, (all, n: string) => plain.get(n) ?? all);
    if (expanded.length <= 4096) out.set(k, expanded);
    else out.delete(k);
  }
  return out;
}

class StopParsing extends Error {}

const isBlank = (s: string) => /^[ \t\n\r]*$/.test(s);

/**
 * Parse (bounded input) into the node sequence libxml's XMLReader would report, stopping at the
 * first well-formedness error like libxml does. Entities declared in the internal subset are
 * expanded (Illustrator uses them for namespaces); nothing external is ever loaded.
 */
function parseNodes(doc: DecodedXml): Parsed {
  const { text } = doc;
  const nodes: XNode[] = [];
  const open: number[] = [];
  let rootDone = false;
  let externalDtd = false;
  let budget = ENTITY_BUDGET;
  let errorAt = Number.POSITIVE_INFINITY;
  const parser = new SaxesParser({ xmlns: true, position: true });
  const p = parser as unknown as { parseEntity(e: string): string };
  const origParseEntity = p.parseEntity.bind(parser);
  p.parseEntity = (e: string) => {
    const r = origParseEntity(e);
    budget -= r.length;
    if (budget < 0) throw new StopParsing('entity expansion budget exceeded');
    return r;
  };
  // Character positions → input byte offsets (positions only grow).
  let lastChar = 0;
  let lastByte = doc.skip;
  const byteAt = (pos: number): number => {
    if (pos < lastChar) return lastByte;
    const slice = text.slice(lastChar, pos);
    lastByte += doc.unitBytes === 0 ? Buffer.byteLength(slice, 'utf8') : slice.length * doc.unitBytes;
    lastChar = pos;
    return lastByte;
  };
  const depth = () => open.length;
  const node = (type: number, name: string, value: string): XNode => ({
    type,
    depth: depth(),
    name,
    local: name,
    prefix: '',
    ns: '',
    value,
    isEmpty: false,
    attrs: [],
    nsDefs: [],
    end: -1,
    tokEnd: byteAt(parser.position),
  });
  const leaf = (type: number, name: string, value: string) => {
    if (open.length === 0) return;
    nodes.push(node(type, name, value));
  };
  parser.on('error', (err) => {
    const msg = err.message;
    if (/namespace|prefix|xmlns/i.test(msg)) return;
    if (externalDtd && /undefined entity/.test(msg)) return;
    throw new StopParsing(msg);
  });
  parser.on('doctype', (dt) => {
    externalDtd = /^\s*\S+\s+(PUBLIC|SYSTEM)\b/.test(dt);
    for (const [k, v] of internalEntities(dt)) {
      if (!(k in parser.ENTITIES)) parser.ENTITIES[k] = v;
    }
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (rootDone) throw new StopParsing('done');
    const attrs: Attr[] = [];
    const nsDefs: NsDecl[] = [];
    for (const a of Object.values(tag.attributes)) {
      if (a.name === 'xmlns') nsDefs.push({ prefix: null, uri: a.value });
      else if (a.prefix === 'xmlns') nsDefs.push({ prefix: a.local, uri: a.value });
      else attrs.push({ qname: a.name, prefix: a.prefix, uri: a.uri ?? '', value: a.value });
    }
    const n = node(ELEMENT, tag.name, '');
    n.local = tag.local;
    n.prefix = tag.prefix;
    n.ns = tag.uri ?? '';
    n.isEmpty = tag.isSelfClosing;
    n.attrs = attrs;
    n.nsDefs = nsDefs;
    nodes.push(n);
    const idx = nodes.length - 1;
    if (tag.isSelfClosing) {
      n.end = idx;
      if (open.length === 0) rootDone = true;
    } else {
      open.push(idx);
    }
  });
  parser.on('closetag', (tag: SaxesTagNS) => {
    if (tag.isSelfClosing) return;
    const start = open.pop();
    if (start === undefined) return;
    const s0 = nodes[start]!;
    nodes.push({
      ...s0,
      type: END_ELEMENT,
      attrs: [],
      nsDefs: [],
      value: '',
      end: start,
      depth: depth(),
      tokEnd: byteAt(parser.position),
    });
    s0.end = nodes.length - 1;
    if (open.length === 0) rootDone = true;
  });
  parser.on('text', (t) => leaf(isBlank(t) ? WHITESPACE : TEXT, '#text', t));
  parser.on('cdata', (t) => leaf(CDATA, '#cdata-section', t));
  parser.on('comment', (t) => leaf(COMMENT, '#comment', t));
  parser.on('processinginstruction', (pi) => leaf(PI, pi.target, pi.body));
  try {
    // Feed in slices so a document that ends early stops cheaply.
    for (let i = 0; i < text.length && !rootDone; i += 65536) parser.write(text.slice(i, i + 65536));
  } catch (e) {
    if (!(e instanceof StopParsing)) throw e;
    if (!rootDone) errorAt = byteAt(parser.position);
  }
  if (!rootDone) errorAt = Math.min(errorAt, doc.errorAt, doc.size);
  return { nodes, size: doc.size, errorAt };
}

// ---------------------------------------------------------------------------------------------
// XMLReader emulation

/**
 * XMLReader over the parsed nodes, including how libxml's reader runs into errors: it feeds the
 * parser 4 bytes and then 512-byte chunks, and before moving past a node it often wants the next
 * one parsed too. A parse error stops the reader as soon as a chunk containing it is fed, so
 * nodes shortly before an error (or before the end of a truncated document) are never seen.
 */
class Reader {
  i = -1;
  private dead = false;
  private started = false;
  /** Input bytes fed to the parser so far. */
  private x = 0;
  /** Number of nodes the parser has created (a prefix of `nodes`). */
  private made = 0;
  /** Open elements in the parser. */
  private readonly open: number[] = [];
  private readonly parent: number[] = [];
  private readonly nodes: XNode[];

  constructor(private readonly parsed: Parsed) {
    this.nodes = parsed.nodes;
    const st: number[] = [];
    for (let k = 0; k < this.nodes.length; k++) {
      const n = this.nodes[k]!;
      if (n.type === END_ELEMENT) {
        st.pop();
        this.parent.push(st.length ? st[st.length - 1]! : -1);
        continue;
      }
      this.parent.push(st.length ? st[st.length - 1]! : -1);
      if (n.type === ELEMENT && !n.isEmpty) st.push(k);
    }
  }

  private created(j: number): boolean {
    return j >= 0 && j < this.made;
  }

  private push(): 'ok' | 'eof' | 'error' {
    const size = this.parsed.size;
    if (this.x >= size) return 'eof';
    const next = this.x < 4 ? Math.min(4, size) : Math.min(size, this.x + 512);
    if (this.parsed.errorAt < next || (next === size && this.parsed.errorAt <= size)) {
      this.dead = true;
      return 'error';
    }
    this.x = next;
    while (this.made < this.nodes.length && this.nodes[this.made]!.tokEnd <= next) {
      const n = this.nodes[this.made]!;
      if (n.type === ELEMENT && !n.isEmpty) this.open.push(this.made);
      else if (n.type === END_ELEMENT) this.open.pop();
      this.made++;
    }
    return 'ok';
  }

  /** Feed the parser until `done()` holds; false if the parser fails first. */
  private feedUntil(done: () => boolean): boolean {
    while (!done()) {
      const r = this.push();
      if (r === 'error') return false;
      if (r === 'eof') return true;
    }
    return true;
  }

  /** Index of the next sibling of the tree node at `i` (-1 if none in the document). */
  private nextSibling(i: number): number {
    const n = this.nodes[i]!;
    const k = n.type === ELEMENT && !n.isEmpty ? (n.end < 0 ? this.nodes.length : n.end + 1) : i + 1;
    const m = this.nodes[k];
    return m && m.type !== END_ELEMENT && m.depth === n.depth ? k : -1;
  }

  get node(): XNode | undefined {
    return this.dead ? undefined : this.nodes[this.i];
  }
  type(): number {
    return this.node?.type ?? 0;
  }
  localName(): string {
    return this.node?.local ?? '';
  }
  ns(): string {
    const n = this.node;
    return n && (n.type === ELEMENT || n.type === END_ELEMENT) ? n.ns : '';
  }
  depth(): number {
    return this.node?.depth ?? 0;
  }
  attr(name: string): string | null {
    const n = this.node;
    if (!n || n.type !== ELEMENT) return null;
    const a = n.attrs.find((x) => x.qname === name);
    return a ? a.value : null;
  }

  read(): boolean {
    if (this.dead) return false;
    if (!this.started) {
      this.started = true;
      if (!this.feedUntil(() => this.created(0)) || !this.created(0)) return this.fail();
      this.i = 0;
      return true;
    }
    const i = this.i;
    const n = this.nodes[i]!;
    const tree = n.type === END_ELEMENT ? n.end : i;
    const parentIdx = this.parent[tree] ?? -1;
    const sib = this.nextSibling(tree);
    const oldDepth = this.open.length;
    for (;;) {
      if (sib >= 0 && this.created(sib)) break;
      if (this.open.length !== oldDepth) break;
      let leafish =
        n.type === END_ELEMENT || n.type !== ELEMENT || n.isEmpty || n.end === i + 1 || !this.created(i + 1);
      if (!leafish) {
        const c = this.nodes[i + 1]!;
        const cs = this.nextSibling(i + 1);
        leafish = (c.type === TEXT || c.type === WHITESPACE) && !(cs >= 0 && this.created(cs));
      }
      if (!leafish) break;
      const cur = this.open.length ? this.open[this.open.length - 1]! : -1;
      if (!(cur === -1 || cur === tree || cur === parentIdx)) break;
      const r = this.push();
      if (r === 'error') return this.fail();
      if (r === 'eof') break;
    }
    const j = i + 1;
    if (j >= this.nodes.length) return this.fail();
    if (!this.feedUntil(() => this.created(j)) || !this.created(j)) return this.fail();
    this.i = j;
    const m = this.nodes[j]!;
    if (m.type === TEXT || m.type === WHITESPACE || m.type === CDATA) {
      let succ = j + 1;
      while (succ < this.nodes.length && this.nodes[succ]!.type === END_ELEMENT) succ++;
      const pEnd = this.nodes[this.parent[j] ?? -1]?.end ?? -1;
      const ok = this.feedUntil(
        () => (succ < this.nodes.length && this.created(succ)) || (pEnd >= 0 && this.created(pEnd)),
      );
      if (!ok) return this.fail();
    }
    return true;
  }

  private fail(): false {
    this.dead = true;
    return false;
  }

  next(): boolean {
    const n = this.node;
    if (n && n.type === ELEMENT && !n.isEmpty) {
      const start = this.i;
      while (this.i !== n.end || this.i === start) {
        if (!this.read()) return false;
      }
    }
    return this.read();
  }

  /** XMLReader::readInnerXml() of the current element ('' if the parser fails first). */
  innerXml(declaredEncoding: boolean): string {
    const n = this.node;
    if (!n || n.type !== ELEMENT || n.isEmpty) return '';
    let succ = n.end < 0 ? this.nodes.length : n.end + 1;
    while (succ < this.nodes.length && this.nodes[succ]!.type === END_ELEMENT) succ++;
    const ok = this.feedUntil(
      () => (succ < this.nodes.length && this.created(succ)) || this.open.length < n.depth,
    );
    if (!ok) {
      this.dead = true;
      return '';
    }
    const end = Math.min(n.end < 0 ? this.nodes.length : n.end, this.made);
    return serializeChildren(this.nodes, this.i, end, declaredEncoding);
  }
}

// libxml's xmlNodeDump of copies of the children (xmlDocCopyNode reconciles namespaces onto each
// copied child when they were declared outside it).
function escText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' })[c]!);
}
function escAttr(s: string, declaredEncoding: boolean): string {
  let out = s.replace(
    /[&<>"\n\r\t]/g,
    (c) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\n': '&#10;', '\r': '&#13;', '\t': '&#9;' })[
        c
      ]!,
  );
  if (!declaredEncoding) {
    out = out.replace(/[^\x00-\x7f]/gu, (c) => `&#x${c.codePointAt(0)!.toString(16).toUpperCase()};`);
  }
  return out;
}

function serializeChildren(nodes: XNode[], start: number, end: number, enc: boolean): string {
  let out = '';
  const baseDepth = nodes[start]!.depth + 1;
  for (let i = start + 1; i < end; i++) {
    const c = nodes[i]!;
    if (c.depth !== baseDepth) continue;
    if (c.type === ELEMENT) {
      const stop = c.end < 0 ? end : c.end;
      out += serializeCopy(nodes, i, stop, enc);
      i = c.isEmpty ? i : stop;
    } else if (c.type === TEXT || c.type === WHITESPACE) out += escText(c.value);
    else if (c.type === CDATA) out += `<![CDATA[${c.value}]]>`;
    else if (c.type === COMMENT) out += `<!--${c.value}-->`;
    else if (c.type === PI) out += c.value ? `<?${c.name} ${c.value}?>` : `<?${c.name}?>`;
  }
  return out;
}

/** Serialize the copy of the element at `top` (subtree up to index `stop`). */
function serializeCopy(nodes: XNode[], top: number, stop: number, enc: boolean): string {
  // Pass 1: namespaces the copy needs on its top element.
  const added: NsDecl[] = [];
  const topNode = nodes[top]!;
  const declared = (prefix: string | null, chain: XNode[], self: XNode, checkSelfNs: boolean): boolean => {
    if (prefix === 'xml') return true;
    if (self.nsDefs.some((d) => d.prefix === prefix)) return true;
    if (self === topNode && added.some((d) => d.prefix === prefix)) return true;
    if (checkSelfNs && self.ns && (self.prefix || null) === prefix) return true;
    for (let k = chain.length - 1; k >= 0; k--) {
      const a = chain[k]!;
      if (a.nsDefs.some((d) => d.prefix === prefix)) return true;
      if (a === topNode && added.some((d) => d.prefix === prefix)) return true;
      if (a.ns && (a.prefix || null) === prefix) return true;
    }
    return false;
  };
  const chain: XNode[] = [];
  for (let i = top; i <= stop && i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.type === END_ELEMENT) {
      chain.pop();
      continue;
    }
    if (n.type !== ELEMENT) continue;
    if (n.ns) {
      const prefix = n.prefix || null;
      if (!declared(prefix, chain, n, false)) added.push({ prefix, uri: n.ns });
    }
    for (const a of n.attrs) {
      if (!a.prefix || !a.uri) continue;
      if (!declared(a.prefix, chain, n, false)) added.push({ prefix: a.prefix, uri: a.uri });
    }
    if (!n.isEmpty) chain.push(n);
  }
  // Pass 2: write it out.
  let out = '';
  for (let i = top; i <= stop && i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.type === END_ELEMENT) {
      out += `</${n.name}>`;
      continue;
    }
    if (n.type === ELEMENT) {
      const defs = i === top ? [...n.nsDefs, ...added] : n.nsDefs;
      out += `<${n.name}`;
      for (const d of defs)
        out +=
          d.prefix === null
            ? ` xmlns="${escAttr(d.uri, enc)}"`
            : ` xmlns:${d.prefix}="${escAttr(d.uri, enc)}"`;
      for (const a of n.attrs) out += ` ${a.qname}="${escAttr(a.value, enc)}"`;
      const hasChildren = !n.isEmpty && n.end !== i + 1;
      if (!hasChildren) {
        out += '/>';
        if (!n.isEmpty) i = n.end < 0 ? stop : n.end;
      } else {
        out += '>';
      }
      continue;
    }
    if (n.type === TEXT || n.type === WHITESPACE) out += escText(n.value);
    else if (n.type === CDATA) out += `<![CDATA[${n.value}]]>`;
    else if (n.type === COMMENT) out += `<!--${n.value}-->`;
    else if (n.type === PI) out += n.value ? `<?${n.name} ${n.value}?>` : `<?${n.name}?>`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// SVGReader

const UNITS: Record<string, number> = {
  px: 1.0,
  pt: 1.25,
  pc: 15.0,
  mm: 3.543307,
  cm: 35.43307,
  in: 90.0,
  em: 16.0,
  ex: 12.0,
  '': 1.0,
};
const LENGTH =
  /^[ \t\n\v\f\r]*([-+]?\d*(?:\.\d+|\d+)(?:[Ee][-+]?\d+)?)[ \t\n\v\f\r]*(em|ex|px|pt|pc|cm|mm|in|%|)[ \t\n\v\f\r]*$/;

/** SVGReader::scaleSVGUnit: a length in pixels (90 dpi; percentages of `viewportSize`). */
export function scaleSVGUnit(length: string, viewportSize = 512): number {
  const m = LENGTH.exec(length);
  if (m) {
    const v = Number.parseFloat(m[1]!);
    return m[2] === '%' ? v * 0.01 * viewportSize : v * UNITS[m[2]!]!;
  }
  return phpFloatval(length);
}

/** PHP truthiness of an attribute value ('' and '0' are false). */
const truthy = (v: string | null): v is string => v !== null && v !== '' && v !== '0';

const BCP47 = (() => {
  const language = '[a-z]{2,8}|[a-z]{2,3}-[a-z]{3}';
  const script = '[a-z]{4}';
  const region = '(?:[a-z]{2}|[0-9]{3})';
  const variant = '(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3})';
  const extension = '[a-wy-z](?:-[a-z0-9]{2,8})+';
  const privateUse = 'x(?:-[a-z0-9]{1,8})+';
  const legacy =
    'en-GB-oed|i-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)|no-(?:bok|nyn)|sgn-(?:BE-(?:fr|nl)|CH-de)|zh-min-nan';
  const variantList = `${variant}(?:-${variant})*`;
  const extensionList = `${extension}(?:-${extension})*`;
  const langtag = `(?:(${language})(?:-${script})?(?:-${region})?(?:-${variantList})?(?:-${extensionList})?(?:-${privateUse})?)`;
  return new RegExp(`^(?:${langtag}|${privateUse}|${legacy})\\n?$`);
})();

/** LanguageCode::isWellFormedLanguageTag (strict mode). */
export function isWellFormedLanguageTag(code: string): boolean {
  return BCP47.test(code.replace(/[A-Z]+/g, (c) => c.toLowerCase()));
}

/** What SVGReader computes; `userWidth`/`userHeight` are the unrounded sizes in pixels. */
export interface SvgInfo {
  metadata: PhpArray;
  userWidth: number;
  userHeight: number;
}

class SvgError extends Error {}

function readSvg(doc: DecodedXml): SvgInfo {
  const declaredEncoding = doc.declaredEncoding;
  const r = new Reader(parseNodes(doc));
  const meta: PhpArray = php([
    ['width', DEFAULT_SIZE],
    ['height', DEFAULT_SIZE],
    ['originalWidth', '100%'],
    ['originalHeight', '100%'],
  ]);
  const languages = new Map<string, number>();
  const prefixes = new Map<string, number>();
  let userWidth = DEFAULT_SIZE;
  let userHeight = DEFAULT_SIZE;

  let keep = r.read();
  while (keep && r.type() !== ELEMENT) keep = r.read();
  if (r.localName() !== 'svg' || r.ns() !== NS_SVG) {
    throw new SvgError(`Expected <svg> tag, got ${r.localName()} in NS ${r.ns()}`);
  }

  // handleSVGAttribs()
  {
    const defaultWidth = DEFAULT_SIZE;
    let defaultHeight = DEFAULT_SIZE;
    let aspect = 1.0;
    let width: number | null = null;
    let height: number | null = null;
    const vb = r.attr('viewBox');
    if (truthy(vb)) {
      const parts = phpTrim(vb).split(/[ \t\n\v\f\r]*[ \t\n\v\f\r,][ \t\n\v\f\r]*/);
      if (parts.length === 4) {
        const vw = scaleSVGUnit(parts[2]!);
        const vh = scaleSVGUnit(parts[3]!);
        if (vw > 0 && vh > 0) {
          aspect = vw / vh;
          defaultHeight = defaultWidth / aspect;
        }
      }
    }
    const w = r.attr('width');
    if (truthy(w)) {
      width = scaleSVGUnit(w, defaultWidth);
      meta.set('originalWidth', w);
    }
    const h = r.attr('height');
    if (truthy(h)) {
      height = scaleSVGUnit(h, defaultHeight);
      meta.set('originalHeight', h);
    }
    if (width === null && height === null) {
      width = defaultWidth;
      height = width / aspect;
    } else if (width !== null && height === null) {
      height = width / aspect;
    } else if (height !== null && width === null) {
      width = height * aspect;
    }
    if (width! > 0 && height! > 0) {
      meta.set('width', phpIntval(phpRound(width!)));
      meta.set('height', phpIntval(phpRound(height!)));
      userWidth = width!;
      userHeight = height!;
    }
  }

  const readField = (name: string, field: string) => {
    if (r.type() !== ELEMENT) return;
    let k = r.read();
    while (k) {
      if (r.localName() === name && r.ns() === NS_SVG && r.type() === END_ELEMENT) break;
      if (r.type() === TEXT) meta.set(field, phpTrim(r.node!.value));
      k = r.read();
    }
  };
  const animateFilterAndLang = (name: string) => {
    if (r.type() !== ELEMENT) return;
    if (r.node!.isEmpty) return;
    const exitDepth = r.depth();
    let k = r.read();
    while (k) {
      if (r.localName() === name && r.depth() <= exitDepth && r.type() === END_ELEMENT) break;
      if (r.ns() === NS_SVG && r.type() === ELEMENT) {
        const sys = r.attr('systemLanguage');
        if (sys !== null && sys !== '') {
          for (const raw of sys.split(',')) {
            const item = phpTrim(raw);
            if (isWellFormedLanguageTag(item)) languages.set(item, LANG_FULL_MATCH);
            const dash = item.indexOf('-');
            if (dash > 0) {
              const p = item.slice(0, dash);
              if (isWellFormedLanguageTag(p)) prefixes.set(p, LANG_PREFIX_MATCH);
            }
          }
        }
        if (
          ['script', 'animate', 'set', 'animateMotion', 'animateColor', 'animateTransform'].includes(
            r.localName(),
          )
        ) {
          meta.set('animated', true);
        }
      }
      k = r.read();
    }
  };

  const exitDepth = r.depth();
  keep = r.read();
  while (keep) {
    const tag = r.localName();
    const type = r.type();
    const isSvg = r.ns() === NS_SVG;
    if (isSvg && tag === 'svg' && type === END_ELEMENT && r.depth() <= exitDepth) break;
    if (isSvg && tag === 'title') readField(tag, 'title');
    else if (isSvg && tag === 'desc') readField(tag, 'description');
    else if (isSvg && tag === 'metadata' && type === ELEMENT) {
      meta.set('metadata', phpTrim(r.innerXml(declaredEncoding)));
      r.next();
    } else if (isSvg && tag === 'script') meta.set('animated', true);
    else if (tag !== '#text') animateFilterAndLang(tag);
    keep = r.next();
  }

  const translations: PhpArray = new Map();
  for (const [k, v] of languages) translations.set(phpKey(k), v);
  for (const [k, v] of prefixes) if (!translations.has(phpKey(k))) translations.set(phpKey(k), v);
  meta.set('translations', translations);
  return { metadata: meta, userWidth, userHeight };
}

/** The first bytes MediaWiki reads of an SVG for metadata. */
export function svgMetadataBytes(src: MediaSource): Buffer {
  return src.head.subarray(0, Math.min(src.size, SVG_METADATA_CUTOFF, src.head.length));
}

/** SVGReader on bytes (already cut to the metadata cutoff). Throws SvgError for a non-SVG root. */
export function readSvgInfo(bytes: Buffer): SvgInfo {
  return readSvg(decodeXml(bytes));
}

/** SvgHandler::getSizeAndMetadata. */
export function svgHandler(src: MediaSource): HandlerResult {
  const meta: PhpArray = php([['version', 2]]);
  try {
    const info = readSvgInfo(svgMetadataBytes(src));
    for (const [k, v] of info.metadata) meta.set(k, v);
  } catch (e) {
    if (!(e instanceof SvgError)) throw e;
    meta.set(
      'error',
      php([
        ['message', e.message],
        ['code', 0],
      ]),
    );
  }
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  return { width: num(meta.get('width')), height: num(meta.get('height')), bits: 0, metadata: meta };
}

// ---------------------------------------------------------------------------------------------
// Rendering support

/**
 * The document with its root <svg> start tag rewritten to render at exactly `width`×`height`
 * pixels (a viewBox is added from the original size when there is none), as UTF-8 without an
 * encoding declaration. Used so the rasteriser never allocates the declared size, however large.
 */
export function svgForRender(bytes: Buffer, width: number, height: number): Buffer {
  const { text } = decodeXml(bytes);
  const parser = new SaxesParser({ xmlns: true, position: true });
  let tagStart = -1;
  let tagEnd = -1;
  let root: SaxesTagNS | null = null;
  parser.on('error', (err) => {
    if (/namespace|prefix|xmlns|undefined entity/i.test(err.message)) return;
    throw new StopParsing(err.message);
  });
  parser.on('doctype', (dt) => {
    for (const [k, v] of internalEntities(dt)) if (!(k in parser.ENTITIES)) parser.ENTITIES[k] = v;
  });
  parser.on('opentagstart', () => {
    if (tagStart < 0) tagStart = text.lastIndexOf('<', parser.position - 1);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    root = tag;
    tagEnd = parser.position;
    throw new StopParsing('root');
  });
  try {
    for (let i = 0; i < text.length && !root; i += 65536) parser.write(text.slice(i, i + 65536));
  } catch (e) {
    if (!(e instanceof StopParsing)) throw e;
  }
  const tag = root as SaxesTagNS | null;
  if (!tag || tagStart < 0) throw new Error('SVG has no root element');
  const info = readSvg(
    decodeXml(Buffer.from(`${text.slice(0, Math.min(text.length, tagEnd))}</${tag.name}>`, 'utf8')),
  );
  const esc = (s: string) => s.replace(/[&<"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '"': '&quot;' })[c]!);
  let attrs = '';
  let hasViewBox = false;
  for (const a of Object.values(tag.attributes)) {
    if (a.name === 'width' || a.name === 'height') continue;
    if (a.name === 'viewBox' && truthy(a.value)) hasViewBox = true;
    attrs += ` ${a.name}="${esc(a.value)}"`;
  }
  if (!hasViewBox) attrs += ` viewBox="0 0 ${info.userWidth} ${info.userHeight}"`;
  attrs += ` width="${width}" height="${height}"`;
  const newTag = `<${tag.name}${attrs}${tag.isSelfClosing ? '/>' : '>'}`;
  const prolog = text.slice(0, tagStart).replace(/^\s*<\?xml[^?]*\?>/, '');
  return Buffer.from(prolog + newTag + text.slice(tagEnd), 'utf8');
}
