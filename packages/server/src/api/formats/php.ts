/**
 * format=php: the answer as PHP's serialize() writes it (MediaWiki's ApiFormatPhp). Objects and lists
 * are PHP arrays; keys that are decimal integers become integer keys, as PHP stores them.
 */

const INT_KEY = /^(0|-?[1-9]\d{0,18})$/;

function key(k: string): string {
  if (INT_KEY.test(k) && Number.isSafeInteger(Number(k))) return `i:${k};`;
  return str(k);
}

const str = (s: string) => `s:${Buffer.byteLength(s, 'utf8')}:"${s}";`;

function num(n: number): string {
  if (Number.isInteger(n) && Number.isSafeInteger(n)) return `i:${n};`;
  if (Number.isNaN(n)) return 'd:NAN;';
  if (!Number.isFinite(n)) return n > 0 ? 'd:INF;' : 'd:-INF;';
  return `d:${String(n).replace('e+', 'E+').replace('e-', 'E-')};`;
}

/** PHP's serialize() of a JSON-like value. */
export function phpSerialize(v: unknown): string {
  if (v === null || v === undefined) return 'N;';
  if (typeof v === 'boolean') return `b:${v ? 1 : 0};`;
  if (typeof v === 'number') return num(v);
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return `a:${v.length}:{${v.map((x, i) => `i:${i};${phpSerialize(x)}`).join('')}}`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `a:${entries.length}:{${entries.map(([k, x]) => key(k) + phpSerialize(x)).join('')}}`;
  }
  return str(String(v));
}
