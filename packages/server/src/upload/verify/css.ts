/**
 * The CSS checks MediaWiki applies to SVG `<style>` elements and style-like attributes
 * (UploadBase::checkCssFragment after Sanitizer::normalizeCss). Every step runs in linear time.
 */

/** Named references that decode to ASCII (the only ones that can change what the checks see). */
const ASCII_ENTITIES: Readonly<Record<string, string>> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };

/** Sanitizer::validateCodepoint: the characters a numeric reference may produce. */
export function isValidCodepoint(cp: number): boolean {
  return (
    cp === 0x09 ||
    cp === 0x0a ||
    cp === 0x0d ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

const decodeNumeric = (cp: number): string => (isValidCodepoint(cp) ? String.fromCodePoint(cp) : '\ufffd');

/** Sanitizer::decodeCharReferences (numeric references, and the named ones that matter here). */
export function decodeCharReferences(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(
    /&([A-Za-z0-9\u0080-\uffff]+);|&#([0-9]+);|&#[xX]([0-9A-Fa-f]+);/g,
    (m, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
      if (name !== undefined) return Object.hasOwn(ASCII_ENTITIES, name) ? ASCII_ENTITIES[name]! : m;
      const digits = (dec ?? hex)!.replace(/^0+/, '');
      if (digits.length > 8) return '\ufffd';
      return decodeNumeric(Number.parseInt(digits || '0', dec !== undefined ? 10 : 16));
    },
  );
}

/** Sanitizer::normalizeCss: decode references and CSS escapes, replace comments with spaces. */
export function normalizeCss(value: string): string {
  value = decodeCharReferences(value);
  value = value.replace(
    /\\(?:(\n|\r\n|\r|\f)|([0-9A-Fa-f]{1,6})[\x20\t\r\n\f]?|([^\n])|())/gu,
    (_m, nl: string | undefined, hex: string | undefined, ch: string | undefined) => {
      if (nl !== undefined) return '';
      let c: string;
      if (hex !== undefined) {
        const cp = Number.parseInt(hex, 16);
        c = cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? '\ufffd' : String.fromCodePoint(cp);
      } else if (ch !== undefined) {
        c = ch;
      } else {
        c = '\\';
      }
      if (c === '\n' || c === '"' || c === "'" || c === '\\') return `\\${c.charCodeAt(0).toString(16)} `;
      return c;
    },
  );
  // A value that is nothing but one comment is left alone.
  if (!/^[ \t\n\r\f\v]*\/\*[^*/]*\*\/[ \t\n\r\f\v]*$/.test(value)) {
    value = replaceComments(value);
    const open = value.indexOf('/*');
    if (open >= 0) value = value.slice(0, open);
  }
  return value;
}

/** StringUtils::delimiterReplace('/*', '*\/', ' ', …): each complete comment becomes one space. */
function replaceComments(s: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const start = s.indexOf('/*', i);
    if (start < 0) break;
    const end = s.indexOf('*/', start + 2);
    if (end < 0) break;
    out += `${s.slice(i, start)} `;
    i = end + 2;
  }
  return out + s.slice(i);
}

const lowerAscii = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/** Remove `url` from the last `src:url("data:;base64,` of each `@font-face {…}` block (embedded fonts are allowed). */
function allowEmbeddedFonts(v: string): string {
  const SRC = 'src:url("data:;base64,';
  if (!v.includes(SRC)) return v;
  const srcs: number[] = [];
  for (let p = v.indexOf(SRC); p >= 0; p = v.indexOf(SRC, p + 1)) srcs.push(p);
  /** Index of the last entry of `srcs` that is ≤ limit, or -1. */
  const lastAtOrBefore = (limit: number): number => {
    let lo = 0;
    let hi = srcs.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (srcs[mid]! <= limit) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  const face = /@font-face[ \t\n\r\f\v]*\{/g;
  let out = '';
  let copied = 0;
  let brace = -1;
  for (let m = face.exec(v); m; m = face.exec(v)) {
    const blockStart = m.index + m[0].length;
    if (brace < blockStart) {
      brace = v.indexOf('}', blockStart);
      if (brace < 0) brace = v.length;
    }
    const k = lastAtOrBefore(brace - SRC.length);
    const src = k >= 0 ? srcs[k]! : -1;
    if (src >= blockStart) {
      out += v.slice(copied, src + 4);
      copied = src + 7; // drop "url"
      face.lastIndex = src + SRC.length;
    } else {
      face.lastIndex = m.index + 1;
    }
  }
  return out + v.slice(copied);
}

const isCssSpace = (c: string | undefined) =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';

/**
 * UploadBase::checkCssFragment: true when CSS could pull in remote or executable content —
 * `@import`, `expression`, `-o-link`, `-o-link-source`, `-o-replace`, a `url(…)`, `image(…)` or
 * `image-set(…)` that is not a same-document `#fragment`, or control characters.
 * Each function call is judged on its own (MediaWiki's single greedy pattern can let
 * `url(http://…) url(#x)` through; this does not).
 */
export function checkCssFragment(value: string): boolean {
  let v = lowerAscii(value);
  if (v.includes('@import')) return true;
  v = allowEmbeddedFonts(v);
  if (/expression|-o-link[ \t\n\r\f\v]*:|-o-link-source[ \t\n\r\f\v]*:|-o-replace[ \t\n\r\f\v]*:/.test(v))
    return true;
  const fn = /(?:url|image|image-set)[ \t\n\r\f\v]*\(/g;
  const lastParen = v.lastIndexOf(')');
  for (let m = fn.exec(v); m; m = fn.exec(v)) {
    const open = m.index + m[0].length;
    if (v[open] === undefined || v[open] === '#') continue;
    if (lastParen <= open) continue;
    let j = open;
    while (isCssSpace(v[j])) j++;
    if (v[j] === '"' || v[j] === "'") j++;
    if (v[j] !== '#') return true;
  }
  return /[\x00-\x08\x0b\x0e-\x1f\x7f]/.test(v);
}
