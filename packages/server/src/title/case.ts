/**
 * Case mapping the way MediaWiki 1.39 on PHP 8.2 does it (Language::ucfirst / Language::lc for
 * English). PHP's mbstring uses full Unicode case mapping (ß → SS, ŉ → ʼN), as JavaScript does, but
 * from an older Unicode version: letters that gained case pairs in Unicode 16 and later stay
 * unchanged there. Those are listed here so titles come out the same on any Node version.
 */

type CodePointRange = number | readonly [number, number];

/** Code points JavaScript upper-cases but PHP 8.2's mb_strtoupper leaves alone. */
const NO_UPPER: readonly CodePointRange[] = [
  0x19b,
  0x264,
  0x1c8a,
  0xa7cd,
  0xa7cf,
  0xa7d3,
  0xa7d5,
  0xa7db,
  [0x10d70, 0x10d85],
  [0x16ebb, 0x16ed3],
];

/** Code points JavaScript lower-cases but PHP 8.2's mb_strtolower leaves alone. */
const NO_LOWER: readonly CodePointRange[] = [
  0x1c89,
  [0xa7cb, 0xa7cc],
  0xa7ce,
  0xa7d2,
  0xa7d4,
  0xa7da,
  0xa7dc,
  [0x10d50, 0x10d65],
  [0x16ea0, 0x16eb8],
];

function inRanges(cp: number, ranges: readonly CodePointRange[]): boolean {
  for (const r of ranges) {
    if (typeof r === 'number' ? r === cp : cp >= r[0] && cp <= r[1]) return true;
  }
  return false;
}

/** Upper-case one code point (given as a string) as PHP 8.2's mb_strtoupper does. */
export function upperChar(ch: string): string {
  const cp = ch.codePointAt(0);
  if (cp === undefined || inRanges(cp, NO_UPPER)) return ch;
  return ch.toUpperCase();
}

/** Lower-case one code point (given as a string) as PHP 8.2's mb_strtolower does. */
export function lowerChar(ch: string): string {
  const cp = ch.codePointAt(0);
  if (cp === undefined || inRanges(cp, NO_LOWER)) return ch;
  return ch.toLowerCase();
}

/**
 * Language::ucfirst: upper-case the first character. ASCII is handled byte-wise (only a-z change);
 * otherwise the first code point is upper-cased with full case mapping, unless `overrides`
 * ($wgOverrideUcfirstCharacters) says otherwise.
 */
export function ucfirst(s: string, overrides?: Readonly<Record<string, string>>): string {
  if (s === '') return s;
  const c = s.charCodeAt(0);
  if (c < 96) return s;
  if (c < 128) return c >= 97 && c <= 122 ? String.fromCharCode(c - 32) + s.slice(1) : s;
  const cp = s.codePointAt(0)!;
  const len = cp > 0xffff ? 2 : 1;
  const first = s.slice(0, len);
  const mapped = overrides?.[first] ?? upperChar(first);
  return mapped === first ? s : mapped + s.slice(len);
}

/** Language::lc: lower-case the whole string (code point by code point, no contextual rules). */
export function lc(s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) out += lowerChar(ch);
  return out;
}

/** PHP 8's strtolower: ASCII letters only, independent of locale. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}
