/**
 * UploadBase::checkXMLEncodingMissmatch, which MediaWiki runs on SVGs: an XML declaration must name an
 * encoding from MediaWiki's safe list, in every form the file could be read in.
 */
import { decodeUnicodeStrict } from '../../mime/charset.js';

const SAFE_XML_ENCODINGS = new Set([
  'UTF-8',
  'US-ASCII',
  'ISO-8859-1',
  'ISO-8859-2',
  'UTF-16',
  'UTF-32',
  'WINDOWS-1250',
  'WINDOWS-1251',
  'WINDOWS-1252',
  'WINDOWS-1253',
  'WINDOWS-1254',
  'WINDOWS-1255',
  'WINDOWS-1256',
  'WINDOWS-1257',
  'WINDOWS-1258',
]);

function unsafeDeclaration(text: string): boolean | null {
  const start = /<\?xml\b/i.exec(text);
  if (!start) return null;
  const close = text.indexOf('?>', start.index + 5);
  if (close < 0) return true; // a declaration that never ends
  const decl = text.slice(start.index + 5, close);
  const enc = /encoding[ \t\n\r]*=[ \t\n\r]*['"]([\s\S]*?)['"]/i.exec(decl);
  return enc ? !SAFE_XML_ENCODINGS.has(enc[1]!.toUpperCase()) : false;
}

/**
 * UploadBase::checkXMLEncodingMissmatch on the first `$wgSVGMetadataCutoff` bytes of a file: true
 * when the XML declaration names an encoding outside MediaWiki's safe list, never ends, or the
 * file is EBCDIC — also when the declaration only appears after decoding as UTF-16/UTF-32.
 */
export function xmlEncodingMismatch(prefix: Uint8Array): boolean {
  const raw = Buffer.from(prefix.buffer, prefix.byteOffset, prefix.byteLength).toString('latin1');
  const direct = unsafeDeclaration(raw);
  if (direct) return true;
  if (direct === null && raw.startsWith('\x4c\x6f\xa7\x94')) return true;
  for (const enc of ['UTF-16', 'UTF-16BE', 'UTF-32', 'UTF-32BE'] as const) {
    const str = decodeUnicodeStrict(prefix, enc);
    if (str && unsafeDeclaration(str)) return true;
  }
  return false;
}
