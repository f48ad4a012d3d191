/**
 * Parsing an SVG document (bounded input) into the node sequence libxml's XMLReader reports.
 */

import { decodeXML } from 'entities';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { DecodedXml } from './decode.js';

/** Cap on characters produced by entity expansion in one document (libxml2 has its own limits). */
const ENTITY_BUDGET = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Parsing into XMLReader-like nodes

export const ELEMENT: number = 1;
export const TEXT: number = 3;
export const CDATA = 4;
export const PI = 7;
export const COMMENT = 8;
export const WHITESPACE = 13;
export const END_ELEMENT: number = 15;

export interface NsDecl {
  prefix: string | null;
  uri: string;
}
export interface Attr {
  qname: string;
  prefix: string;
  uri: string;
  value: string;
}
export interface XNode {
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
export interface Parsed {
  nodes: XNode[];
  /** Input bytes given to the parser. */
  size: number;
  /** Byte offset where parsing fails (size: fails at the end, the document is incomplete). */
  errorAt: number;
}

/** Internal general entities of a DOCTYPE with literal values (external and parameter entities are ignored). */
export function internalEntities(doctype: string): Map<string, string> {
  const out = new Map<string, string>();
  const subset = /\[([\s\S]*)\]/.exec(doctype)?.[1];
  if (!subset) return out;
  const re = /<!ENTITY\s+([^\s%"'<>]+)\s+(?:"([^"]*)"|'([^']*)')\s*>/g;
  for (let m = re.exec(subset); m; m = re.exec(subset)) {
    if (out.size >= 256) break;
    const raw = m[2] ?? m[3] ?? '';
    if (raw.includes('<')) continue;
    // Character references are replaced when the entity is declared; references to other
    // entities are left for later (XML 1.0 §4.5).
    const value = raw.replace(/&#(?:x[0-9a-fA-F]+|[0-9]+);/g, (ref) => decodeXML(ref));
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

export class StopParsing extends Error {}

const isBlank = (s: string) => /^[ \t\n\r]*$/.test(s);

/**
 * Parse (bounded input) into the node sequence libxml's XMLReader would report, stopping at the
 * first well-formedness error like libxml does. Entities declared in the internal subset are
 * expanded (Illustrator uses them for namespaces); nothing external is ever loaded.
 */
export function parseNodes(doc: DecodedXml): Parsed {
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
