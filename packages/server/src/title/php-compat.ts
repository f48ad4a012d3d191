/** Small PHP semantics the title and upload-name rules depend on. */

/** Characters PHP's trim() removes by default. */
const PHP_TRIM_CHARS = ' \t\n\r\0\x0B';

/** PHP trim() with its default character list. */
export function phpTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && PHP_TRIM_CHARS.includes(s[start]!)) start++;
  while (end > start && PHP_TRIM_CHARS.includes(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/** Length of a string in UTF-8 bytes (what PHP's strlen() counts). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

// PHP 8 numeric strings: optional leading and trailing whitespace, a sign, digits with an optional
// fraction (or just a fraction), an optional exponent.
const NUMERIC = /^[ \t\n\r\v\f]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\r\v\f]*$/;

/** True when PHP 8 treats the string as numeric (is_numeric). */
export function isNumericString(s: string): boolean {
  return NUMERIC.test(s);
}

/** PHP 8's loose `==` between two strings: numeric strings compare as numbers. */
export function phpLooseEquals(a: string, b: string): boolean {
  if (a === b) return true;
  if (isNumericString(a) && isNumericString(b)) return Number(a.trim()) === Number(b.trim());
  return false;
}
