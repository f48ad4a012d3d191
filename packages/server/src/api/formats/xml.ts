/**
 * format=xml: the answer as MediaWiki's ApiFormatXml writes it. It prints the formatversion 1 form of
 * the answer (XML has no formatversion): scalar members become attributes, objects and lists become
 * child elements, list items take the element names in xml-tags.ts, a `*` member is the element's
 * text, and flags are `""` attributes or absent.
 */
import { itemsCarryIndex, itemTag, keyValueList } from './xml-tags.js';

const escAttr = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#039;');
const escText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const NAME_START =
  'A-Za-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_CHAR = `${NAME_START}_\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
const VALID_NAME = new RegExp(`^[${NAME_START}][${NAME_CHAR}]*$`, 'u');
const INVALID_CHAR = new RegExp(`[^${NAME_CHAR}]`, 'gu');

/** A key as an XML name, escaped the way MediaWiki escapes it (`_` then `.HEX.` per bad character). */
export function xmlName(key: string): string {
  if (key === '') return '_';
  if (VALID_NAME.test(key)) return key;
  return `_${key.replace(/\./g, '.2E.').replace(INVALID_CHAR, (c) => `.${c.codePointAt(0)!.toString(16).toUpperCase()}.`)}`;
}

type Attrs = [string, string][];

function scalarText(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

function element(name: string, attrs: Attrs, content: string | null, indent: string): string {
  const a = attrs.map(([k, v]) => ` ${k}="${escAttr(v)}"`).join('');
  if (content === null || content === '') return `${indent}<${name}${a} />`;
  return `${indent}<${name}${a}>${escText(content)}</${name}>`;
}

const isIndexKey = (k: string) => /^-?\d+$/.test(k);

/**
 * One value as an element `name`. `indent` is null for compact output, else the current depth's
 * line break and spaces (xmlfm).
 */
function print(
  name: string,
  value: unknown,
  parent: string,
  depth: number | null,
  attrs: Attrs = [],
): string {
  const ind = depth === null ? '' : `\n${' '.repeat(depth)}`;
  const next = depth === null ? null : depth + 2;
  if (value === null || value === undefined || typeof value !== 'object') {
    return element(name, attrs, value === null || value === undefined ? null : scalarText(value), ind);
  }
  const kvp = Array.isArray(value) ? undefined : keyValueList(parent, name);
  if (kvp) {
    const [tag, keyAttr] = kvp;
    const items = Object.entries(value as Record<string, unknown>).map(([k, v]) =>
      print(tag, v, name, next, [[keyAttr, k]]),
    );
    const a = attrs.map(([k, v]) => ` ${k}="${escAttr(v)}"`).join('');
    return items.length
      ? `${ind}<${name}${a}>${items.join('')}${ind}</${name}>`
      : element(name, attrs, null, ind);
  }
  const own: Attrs = [...attrs];
  const children: string[] = [];
  let content: string | null = null;
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value as Record<string, unknown>);
  const list = Array.isArray(value) || (entries.length > 0 && entries.every(([k]) => isIndexKey(k)));
  const tag = itemTag(parent, name);
  // An object keyed by integers is a list when its keys could be 0…n-1 (MediaWiki then sorts it by
  // key and drops the keys), else an associative array whose items carry their key as `_idx`.
  let withIdx = itemsCarryIndex(name);
  if (list && !Array.isArray(value)) {
    const keys = entries.map(([k]) => Number(k));
    withIdx = Math.max(...keys) !== keys.length - 1;
    if (!withIdx) entries.sort(([a], [b]) => Number(a) - Number(b));
  }
  const indexed: string[] = [];
  for (const [k, v] of entries) {
    if (v === undefined) continue;
    if (k === '*' && !list) content = scalarText(v);
    else if (list) indexed.push(print(tag, v, name, next, withIdx ? [['_idx', k]] : []));
    else if (v !== null && typeof v === 'object') children.push(print(xmlName(k), v, name, next));
    else if (v === true) own.push([xmlName(k), '']);
    else if (v !== null && v !== false) own.push([xmlName(k), scalarText(v)]);
  }
  if (content !== null) {
    if (children.length || indexed.length) children.push(print(xmlName('*'), { '*': content }, name, next));
    else {
      own.push(['xml:space', 'preserve']);
      return element(name, own, content, ind);
    }
  }
  const inner = [...children, ...indexed];
  if (!inner.length) return element(name, own, null, ind);
  const a = own.map(([k, v]) => ` ${k}="${escAttr(v)}"`).join('');
  return `${ind}<${name}${a}>${inner.join('')}${ind}</${name}>`;
}

/** The whole answer as an XML document; `pretty` indents it as MediaWiki's xmlfm does. */
export function toXml(result: Record<string, unknown>, pretty: boolean): string {
  return `<?xml version="1.0"?>${print('api', result, '', pretty ? 0 : null)}`;
}
