/**
 * The parts of MediaWiki's Sanitizer and UtfNormal that title handling needs: decoding character
 * references (`&eacute;`, `&#257;`, `&#x3017;`) and cleaning text up to valid NFC.
 */
import { decodeHTMLStrict } from 'entities';

// Sanitizer::CHAR_REFS_REGEX: a named reference, a decimal one, a hexadecimal one, or a bare "&".
const CHAR_REFS = /&([A-Za-z0-9\u0080-\u{10FFFF}]+;)|&#([0-9]+);|&#[xX]([0-9A-Fa-f]+);|(&)/gu;

/**
 * Non-standard names MediaWiki accepts for `&rlm;` (Hebrew and Arabic spellings): Sanitizer's
 * MW_ENTITY_ALIASES, the one place where MediaWiki's entity list differs from HTML5's.
 */
const ENTITY_ALIASES: Readonly<Record<string, string>> = { רלמ: 'rlm', رلم: 'rlm' };

/**
 * An HTML5 named character reference (name without "&" and ";", which must end with ";" in the
 * standard's table) → its text, or undefined for an unknown name. MediaWiki decodes with the same
 * table (remex-html's HTMLData::$namedEntityTranslations, names with the semicolon only).
 */
function namedCharacterReference(name: string): string | undefined {
  // Every name in the table is ASCII letters and digits; anything else must not reach the decoder.
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) return undefined;
  const ref = `&${name};`;
  const text = decodeHTMLStrict(ref);
  return text === ref ? undefined : text;
}

/** Code points a character reference may produce (Sanitizer::validateCodepoint). */
function validCodepoint(cp: number): boolean {
  return (
    cp === 0x09 ||
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

const decodeChar = (cp: number) => (validCodepoint(cp) ? String.fromCodePoint(cp) : '\ufffd');

/**
 * Decode character references; returns the text and how many `&` sequences were seen (MediaWiki
 * normalises the result only when there was at least one).
 */
export function decodeCharReferencesCounted(text: string): { text: string; count: number } {
  if (!text.includes('&')) return { text, count: 0 };
  let count = 0;
  const out = text.replace(CHAR_REFS, (m, named?: string, dec?: string, hex?: string) => {
    count++;
    if (named) {
      const bare = named.slice(0, -1);
      const name = ENTITY_ALIASES[bare] ?? bare;
      return namedCharacterReference(name) ?? `&${name};`;
    }
    if (dec) return decodeChar(Number(dec));
    if (hex) return decodeChar(Number.parseInt(hex, 16));
    return m;
  });
  return { text: out, count };
}

/** Sanitizer::decodeCharReferences: named (HTML5) and numeric references → characters. */
export function decodeCharReferences(text: string): string {
  return decodeCharReferencesCounted(text).text;
}

/**
 * Sanitizer::decodeCharReferencesAndNormalize, as Title::newFromText uses it: decode references and,
 * if there were any, clean the result up (NFC, forbidden characters → U+FFFD).
 */
export function decodeCharReferencesAndNormalize(text: string): string {
  const r = decodeCharReferencesCounted(text);
  return r.count ? cleanUpText(r.text) : r.text;
}

/**
 * UtfNormal\Validator::cleanUp: C0 controls other than tab, LF and CR, U+FFFE, U+FFFF and unpaired
 * surrogates (invalid UTF-8 in PHP) become U+FFFD; the result is NFC.
 */
export function cleanUpText(text: string): string {
  return text
    .replace(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      '\ufffd',
    )
    .normalize('NFC');
}
