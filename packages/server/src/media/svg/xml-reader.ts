/**
 * libxml's XMLReader over the parsed nodes, and xmlNodeDump of copied subtrees (for `innerXml`).
 */
import {
  CDATA,
  COMMENT,
  ELEMENT,
  END_ELEMENT,
  type NsDecl,
  type Parsed,
  PI,
  TEXT,
  WHITESPACE,
  type XNode,
} from './parse.js';

// ---------------------------------------------------------------------------------------------
// XMLReader emulation

/**
 * XMLReader over the parsed nodes, including how libxml's reader runs into errors: it feeds the
 * parser 4 bytes and then 512-byte chunks, and before moving past a node it often wants the next
 * one parsed too. A parse error stops the reader as soon as a chunk containing it is fed, so
 * nodes shortly before an error (or before the end of a truncated document) are never seen.
 */
export class Reader {
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
