import type { MetadataItem, MetadataScalar } from './types.js';

/** A PHP array (ordered map; integer-like keys are integers). */
export type PhpArray = Map<string | number, PhpValue>;
export type PhpValue = MetadataScalar | PhpArray;

/** The key PHP would use for a string: canonical decimal integers become integers. */
export function phpKey(k: string | number): string | number {
  if (typeof k === 'number') return k;
  if (/^(0|-?[1-9]\d*)$/.test(k)) {
    const n = Number(k);
    if (Number.isSafeInteger(n)) return n;
  }
  return k;
}

/** PHP array from [key, value] pairs. */
export function php(entries: Array<[string | number, PhpValue]> = []): PhpArray {
  const m: PhpArray = new Map();
  for (const [k, v] of entries) m.set(phpKey(k), v);
  return m;
}

/** PHP list (keys 0..n-1). */
export function phpList(values: PhpValue[]): PhpArray {
  return new Map(values.map((v, i) => [i, v]));
}

/**
 * A string as the API prints it (UtfNormal\Validator::cleanUp via Language::normalize): C0 controls
 * other than tab/LF/CR and U+FFFE/U+FFFF become U+FFFD, and the text is NFC-normalised.
 */
export function apiString(s: string): string {
  return s
    .replace(
      /[\x00-\x08\x0b\x0c\x0e-\x1f\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '\uFFFD',
    )
    .normalize('NFC');
}

/** ApiQueryImageInfo::processMetaData(): PHP array → list of {name, value} (strings API-cleaned). */
export function toItems(a: PhpArray): MetadataItem[] {
  const out: MetadataItem[] = [];
  for (const [name, v] of a) {
    out.push({
      name: typeof name === 'string' ? apiString(name) : name,
      value: v instanceof Map ? toItems(v) : typeof v === 'string' ? apiString(v) : v,
    });
  }
  return out;
}

/** Inverse of toItems (item lists are always PHP arrays). */
export function fromItems(items: readonly MetadataItem[]): PhpArray {
  const m: PhpArray = new Map();
  for (const it of items) m.set(it.name, Array.isArray(it.value) ? fromItems(it.value) : it.value);
  return m;
}

/** ASCII-only strtolower (PHP 8.2). */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (c) => c.toLowerCase());
}
