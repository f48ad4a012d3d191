/**
 * Small emulations of PHP built-ins whose exact behaviour shows in MediaWiki's media metadata
 * (rounding, string-to-number conversion, trimming, charset conversion and UtfNormal's check).
 */

const TWO_64 = 2n ** 64n;
const TWO_63 = 2n ** 63n;

/** PHP's round($x) (precision 0): pre-rounds to 15 significant digits, then rounds half away from zero. */
export function phpRound(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  if (Math.abs(x) >= 1e15) return x;
  const pre = Number(x.toPrecision(15));
  const r = Math.round(Math.abs(pre));
  return pre < 0 ? -r : r;
}

/** PHP's round($x, $places) for small positive place counts. */
export function phpRoundTo(x: number, places: number): number {
  if (places <= 0) return phpRound(x);
  const f = 10 ** places;
  return phpRound(Number((x * f).toPrecision(15))) / f;
}

/** PHP's (int) cast of a float: truncation, 0 for NaN/INF, modular wrap-around outside int64. */
export function phpIntval(x: number): number {
  if (!Number.isFinite(x)) return 0;
  const t = Math.trunc(x);
  if (Math.abs(t) < 2 ** 63) return t;
  let b = BigInt(t) % TWO_64;
  if (b < 0n) b += TWO_64;
  if (b >= TWO_63) b -= TWO_64;
  return Number(b);
}

const LEADING_NUMBER = /^[ \t\n\r\v\f]*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)/;

/** PHP's floatval() of a string: the leading numeric part, 0 when there is none. */
export function phpFloatval(s: string): number {
  const m = LEADING_NUMBER.exec(s);
  return m ? Number.parseFloat(m[1]!) : 0;
}

/** PHP's trim() with the default character list " \t\n\r\0\x0B". */
export function phpTrim(s: string): string {
  return s.replace(/^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g, '');
}

/** phpTrim for byte strings. */
export function phpTrimBytes(b: Buffer): Buffer {
  const ws = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x00 || c === 0x0b;
  let s = 0;
  let e = b.length;
  while (s < e && ws(b[s]!)) s++;
  while (e > s && ws(b[e - 1]!)) e--;
  return b.subarray(s, e);
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Lenient = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * True if UtfNormal\Validator::quickIsNFCVerify() would leave these bytes unchanged: valid UTF-8
 * without the C0 controls XML forbids and without U+FFFE/U+FFFF.
 */
export function isCleanUtf8(b: Buffer): boolean {
  for (const c of b) {
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  let s: string;
  try {
    s = utf8Fatal.decode(b);
  } catch {
    return false;
  }
  return !/[\uFFFE\uFFFF]/.test(s);
}

/** Bytes as UTF-8 text (invalid sequences become U+FFFD). */
export function utf8(b: Buffer): string {
  return utf8Lenient.decode(b);
}

/** iconv('ISO-8859-1', 'UTF-8', $s). */
export function latin1(b: Buffer): string {
  return b.toString('latin1');
}

// Windows-1252 0x80-0x9F (0 = undefined in glibc's table); other bytes map like ISO-8859-1.
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,
  0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0, 0x017e, 0x0178,
];
const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/**
 * iconv('windows-1252', 'UTF-8' or 'UTF-8//IGNORE', $s) with glibc's table: the five undefined
 * bytes make the conversion fail (false), or are dropped with //IGNORE.
 */
export function windows1252(b: Buffer, ignore: boolean): string | false {
  let bytes = b;
  if (b.some((c) => CP1252_UNDEFINED.has(c))) {
    if (!ignore) return false;
    bytes = Buffer.from(b.filter((c) => !CP1252_UNDEFINED.has(c)));
  }
  let out = '';
  for (const c of bytes) out += String.fromCharCode(c >= 0x80 && c <= 0x9f ? CP1252_HIGH[c - 0x80]! : c);
  return out;
}

/** sprintf('%d', $x) == $x && in range, as Exif::isShort/isLong use it: a PHP int within [0, max]. */
export function isIntInRange(v: unknown, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}
