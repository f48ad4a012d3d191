/**
 * Content-based MIME type detection following MediaWiki 1.39's MimeAnalyzer::guessMimeType:
 * a fixed list of magic numbers, WebM/Matroska, WebP, MS compound files, PHP, well-formed XML (by
 * root element), shebang scripts, ZIP-based formats (by the end-of-central-directory record in the
 * last bytes), STL, the image formats PHP's getimagesize() knows, DjVu, and finally what libmagic
 * (`finfo`) would say — binary signatures via the `file-type` package, then text: HTML, XML, SVG or
 * plain text. The answer goes through MediaWiki's alias table once, so an unrecognised binary is
 * `unknown/unknown` and a BMP is `image/x-bmp`, as MediaWiki stores them.
 */
import { fileTypeFromBuffer } from 'file-type';
import {
  canonicalMime,
  findMediaType,
  isMatchingExtension,
  isRecognizableExtension,
  mimeForExtension,
} from './map.js';
import { XmlChecker } from './xml.js';

/** Bytes of the file MediaWiki looks at for magic numbers. */
const HEAD_BYTES = 1024;
/** Largest ZIP end-of-central-directory record, i.e. how much of the file's end is examined. */
export const TAIL_BYTES = 65558;

export interface DetectOptions {
  /** The file's extension (without dot). When given, the result is improved with it (MWFileProps 'mime'). */
  extHint?: string | null;
  /** Total file size; defaults to `head.length` (i.e. `head` is the whole file). */
  size?: number;
  /** The last min(size, 65558) bytes, for ZIP and STL detection of files larger than `head`. */
  tail?: Uint8Array | null;
}

/** Root elements of XML documents with a type of their own (`$wgXMLMimeTypes`). */
const XML_TYPES: Readonly<Record<string, string>> = {
  'http://www.w3.org/2000/svg:svg': 'image/svg+xml',
  svg: 'image/svg+xml',
  'http://www.lysator.liu.se/~alla/dia/:diagram': 'application/x-dia-diagram',
  'http://www.w3.org/1999/xhtml:html': 'text/html',
  html: 'text/html',
};

const MAGIC: ReadonlyArray<readonly [string, string]> = [
  ['MThd', 'audio/midi'],
  ['OggS', 'application/ogg'],
  ['ID3', 'audio/mpeg'],
  ['\xff\xfb', 'audio/mpeg'],
  ['\xff\xf3', 'audio/mpeg'],
  ['\xff\xe3', 'audio/mpeg'],
  ['\x01\x00\x09\x00', 'application/x-msmetafile'],
  ['\xd7\xcd\xc6\x9a', 'application/x-msmetafile'],
  ['%PDF', 'application/pdf'],
  ['gimp xcf', 'image/x-xcf'],
  ['MZ', 'application/octet-stream'],
  ['\xca\xfe\xba\xbe', 'application/octet-stream'],
  ['\x7fELF', 'application/octet-stream'],
];

const startsWith = (b: Uint8Array, sig: string, at = 0): boolean => {
  if (b.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig.charCodeAt(i)) return false;
  return true;
};
const latin1 = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

/**
 * MIME type of a file from its content, as MediaWiki's guessMimeType() reports it (aliases
 * resolved once): the `file-mime` file property. `head` holds the first bytes (up to 1 MiB).
 */
export async function guessMime(
  head: Uint8Array,
  opts: Omit<DetectOptions, 'extHint'> = {},
): Promise<string> {
  return canonicalMime(await rawGuess(head, opts));
}

/**
 * MIME type of a file from its content and, when `extHint` is given, its extension — the `mime`
 * file property MediaWiki stores (improveTypeFromExtension applied). Never null: where MediaWiki
 * would have no type at all this answers `unknown/unknown`.
 */
export async function detectMime(head: Uint8Array, opts: DetectOptions = {}): Promise<string> {
  const guessed = await guessMime(head, opts);
  if (opts.extHint === undefined || opts.extHint === null) return guessed;
  return improveMimeFromExtension(guessed, opts.extHint) ?? 'unknown/unknown';
}

/**
 * MimeAnalyzer::improveTypeFromExtension: trust the extension for undetectable content, pick the
 * right Office Open XML type, and refine `text/plain` for textual extensions (csv, json…).
 * Null when the content is unknown and the extension maps to nothing.
 */
export function improveMimeFromExtension(mime: string, ext: string): string | null {
  let out: string | null = mime;
  if (mime === 'unknown/unknown') {
    if (!isRecognizableExtension(ext)) out = mimeForExtension(ext);
  } else if (mime === 'application/x-opc+zip') {
    out = isMatchingExtension(ext, mime) ? mimeForExtension(ext) : 'application/zip';
  } else if (mime === 'text/plain' && findMediaType(`.${ext}`) === 'TEXT') {
    out = mimeForExtension(ext);
  }
  return out === null ? null : canonicalMime(out);
}

async function rawGuess(head: Uint8Array, opts: Omit<DetectOptions, 'extHint'>): Promise<string> {
  const size = opts.size ?? head.length;
  const h = head.subarray(0, HEAD_BYTES);
  const whole = size <= head.length;
  const tail = opts.tail ?? (whole ? head.subarray(Math.max(0, size - TAIL_BYTES), size) : null);
  if (size === 0) return 'application/x-empty';

  for (const [sig, mime] of MAGIC) if (startsWith(h, sig)) return mime;

  if (startsWith(h, '\x1a\x45\xdf\xa3')) return ebmlType(h);
  if (startsWith(h, 'RIFF') && startsWith(h, 'WEBPVP8', 8)) return 'image/webp';
  if (startsWith(h, '\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1')) return compoundFileType(head);

  const hs = latin1(h);
  if (
    hs.includes('<?php') ||
    hs.includes('<\x00?\x00p\x00h\x00p') ||
    hs.includes('<\x00?\x00 ') ||
    hs.includes('<\x00?\x00\n') ||
    hs.includes('<\x00?\x00\t') ||
    hs.includes('<\x00?\x00=')
  ) {
    return 'application/x-php';
  }

  const xml = xmlType(head, whole);
  if (xml) return xml;

  const script = shebangType(h);
  if (script) return script;

  if (tail) {
    const zip = zipType(h, tail);
    if (zip) return zip;
  } else if (startsWith(h, 'PK\x03\x04')) {
    return detectZipType(h);
  }

  if (
    size >= 15 &&
    /^solid /i.test(hs) &&
    tail &&
    /(?:\r\n|[\n\r\v\f\x85])endsolid [^\n]*\n?$/i.test(latin1(tail))
  ) {
    return 'application/sla';
  }
  if (size > 84 && h.length >= 84) {
    const triangles = Buffer.from(h.buffer, h.byteOffset, h.byteLength).readUInt32LE(80);
    if (size === 84 + triangles * 50) return 'application/sla';
  }

  const image = imageSizeType(h);
  if (image) return image;

  if (startsWith(h, 'AT&TFORM') && (startsWith(h, 'DJVU', 12) || startsWith(h, 'DJVM', 12))) {
    return 'image/vnd.djvu';
  }

  return await libmagicType(head);
}

function ebmlType(h: Uint8Array): string {
  const s = latin1(h);
  const doctype = s.indexOf('\x42\x82');
  if (doctype > 0) {
    const data = s.slice(doctype + 3, doctype + 11);
    if (data.startsWith('matroska')) return 'video/x-matroska';
    if (data.startsWith('webm')) return s.indexOf('\x86\x85V_VP') > 0 ? 'video/webm' : 'audio/webm';
  }
  return 'unknown/unknown';
}

/** Root entry class IDs of the Office binary formats. */
const CFB_CLSIDS: Readonly<Record<string, string>> = {
  '00020810-0000-0000-C000-000000000046': 'application/vnd.ms-excel',
  '00020820-0000-0000-C000-000000000046': 'application/vnd.ms-excel',
  '00020906-0000-0000-C000-000000000046': 'application/msword',
  '64818D10-4F9B-11CF-86EA-00AA00B929E8': 'application/vnd.ms-powerpoint',
};

/** MS compound file (OLE2): the document type from the root directory entry's class ID. */
function compoundFileType(head: Uint8Array): string {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length < 512 || b.readUInt16LE(28) !== 0xfffe) return 'unknown/unknown';
  const shift = b.readUInt16LE(30);
  if (shift !== 9 && shift !== 12) return 'unknown/unknown';
  const sectorSize = 1 << shift;
  const dirSector = b.readUInt32LE(48);
  const at = (dirSector + 1) * sectorSize;
  if (dirSector >= 0xfffffffa || at + 128 > b.length || b[at + 66] !== 5) return 'unknown/unknown';
  const c = b.subarray(at + 80, at + 96);
  const hex = (x: Buffer) => x.toString('hex').toUpperCase();
  const clsid =
    `${hex(Buffer.from(c.subarray(0, 4)).reverse())}-${hex(Buffer.from(c.subarray(4, 6)).reverse())}-` +
    `${hex(Buffer.from(c.subarray(6, 8)).reverse())}-${hex(c.subarray(8, 10))}-${hex(c.subarray(10, 16))}`;
  return CFB_CLSIDS[clsid] ?? 'unknown/unknown';
}

/** The type of a well-formed XML document by its root element (whole file), or by the root seen in `head`. */
function xmlType(head: Uint8Array, whole: boolean): string | null {
  let i = 0;
  if (startsWith(head, '\xef\xbb\xbf')) i = 3;
  const wide =
    startsWith(head, '\xfe\xff') ||
    startsWith(head, '\xff\xfe') ||
    startsWith(head, '\x00\x00\xfe\xff') ||
    startsWith(head, '\x00<') ||
    startsWith(head, '<\x00') ||
    startsWith(head, '\x00\x00\x00<');
  if (!wide) {
    while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d))
      i++;
    if (head[i] !== 0x3c) return null;
  }
  const checker = new XmlChecker({}, { stopAtRoot: !whole });
  for (let off = 0; off < head.length && !checker.done; off += 65536) {
    checker.write(head.subarray(off, off + 65536));
  }
  const r = checker.end();
  if (!r.wellFormed || !r.rootElement) return null;
  return XML_TYPES[r.rootElement] ?? 'application/xml';
}

function shebangType(h: Uint8Array): string | null {
  let text: string;
  if (startsWith(h, '#!') || startsWith(h, '\xef\xbb\xbf#!')) {
    text = latin1(h);
  } else if (startsWith(h, '\xfe\xff\x00#\x00!') || startsWith(h, '\xff\xfe#\x00!')) {
    const le = h[0] === 0xff;
    const chars: string[] = [];
    for (let i = 2; i + 1 < h.length; i += 2) {
      const cu = le ? h[i]! | (h[i + 1]! << 8) : (h[i]! << 8) | h[i + 1]!;
      chars.push(cu < 128 ? String.fromCharCode(cu) : '?');
    }
    text = chars.join('');
  } else {
    return null;
  }
  const m = /\/?([^ \t\n\v\f\r]+\/)([A-Za-z0-9_]+)/.exec(text);
  return m ? `application/x-${m[2]}` : null;
}

/** A ZIP archive is recognised by its end-of-central-directory record ending the file. */
function zipType(h: Uint8Array, tail: Uint8Array): string | null {
  const t = latin1(tail);
  const pos = t.indexOf('PK\x05\x06');
  if (pos < 0 || pos > t.length - 22) return null;
  // MediaWiki reads the comment length big-endian.
  const commentLength = (tail[pos + 20]! << 8) | tail[pos + 21]!;
  if (pos + 22 + commentLength !== t.length) return null;
  return detectZipType(h);
}

const OPENDOC =
  /^mimetype(application\/vnd\.oasis\.opendocument\.(?:base|chart-template|chart|formula-template|formula|graphics-template|graphics|image-template|image|presentation-template|presentation|spreadsheet-template|spreadsheet|text-template|text-master|text-web|text))/;

/** MimeAnalyzer::detectZipType: OpenDocument, Office Open XML (`application/x-opc+zip`) or plain ZIP. */
export function detectZipType(h: Uint8Array): string {
  const rest = latin1(h.subarray(30));
  const od = OPENDOC.exec(rest);
  if (od) return od[1]!;
  if (/^\[Content_Types\].xml/.test(rest)) return 'application/x-opc+zip';
  return 'application/zip';
}

/** The formats PHP's getimagesize() recognises, with the MIME types it reports. */
function imageSizeType(h: Uint8Array): string | null {
  if (startsWith(h, 'GIF')) return 'image/gif';
  if (startsWith(h, '\xff\xd8\xff')) return 'image/jpeg';
  if (startsWith(h, '\x89PNG\x0d\x0a\x1a\x0a')) return 'image/png';
  if (startsWith(h, 'FWS') || startsWith(h, 'CWS')) return 'application/x-shockwave-flash';
  if (startsWith(h, '8BPS')) return 'image/psd';
  if (startsWith(h, 'BM')) return 'image/bmp';
  if (startsWith(h, '\xff\x4f\xff')) return 'application/octet-stream';
  if (startsWith(h, 'RIFF') && startsWith(h, 'WEBP', 8)) return 'image/webp';
  if (startsWith(h, '\x00\x00\x00\x0cjP  \x0d\x0a\x87\x0a')) return 'image/jp2';
  if (startsWith(h, 'FORM') && (startsWith(h, 'ILBM', 8) || startsWith(h, 'PBM ', 8))) return 'image/iff';
  if (startsWith(h, 'II\x2a\x00') || startsWith(h, 'MM\x00\x2a')) return 'image/tiff';
  if (startsWith(h, '\x00\x00\x01\x00')) return 'image/vnd.microsoft.icon';
  if (startsWith(h, 'ftyp', 4) && (startsWith(h, 'avif', 8) || startsWith(h, 'avis', 8))) return 'image/avif';
  if (isWbmp(h)) return 'image/vnd.wap.wbmp';
  return null;
}

/** PHP's (very permissive) WBMP test: a zero type byte, a header, then non-zero width and height ≤ 2048. */
function isWbmp(h: Uint8Array): boolean {
  let i = 0;
  const next = () => (i < h.length ? h[i++]! : -1);
  if (next() !== 0) return false;
  let c: number;
  do {
    c = next();
    if (c < 0) return false;
  } while (c & 0x80);
  const dim = (): number => {
    let v = 0;
    do {
      c = next();
      if (c < 0) return 0;
      v = (v << 7) | (c & 0x7f);
      if (v > 2048) return 0;
    } while (c & 0x80);
    return v;
  };
  return dim() > 0 && dim() > 0;
}

/** libmagic names for what `file-type` reports differently. */
const FILE_TYPE_NAMES: Readonly<Record<string, string>> = {
  'application/rtf': 'text/rtf',
  'application/x-rar-compressed': 'application/x-rar',
  'application/vnd.rar': 'application/x-rar',
  'application/x-sqlite3': 'application/vnd.sqlite3',
  'font/ttf': 'font/sfnt',
};

/** What libmagic would report: a binary signature, else a text classification, else octet-stream. */
async function libmagicType(head: Uint8Array): Promise<string> {
  // Text behind a byte order mark is text, even where FF FE could pass for an MPEG frame header.
  if (startsWith(head, '\xff\xfe') || startsWith(head, '\xfe\xff') || startsWith(head, '\xef\xbb\xbf')) {
    const text = classifyText(head);
    if (text) return text;
  }
  const ft = await fileTypeFromBuffer(head).catch(() => undefined);
  if (ft && ft.mime !== 'application/xml') return FILE_TYPE_NAMES[ft.mime] ?? ft.mime;
  return classifyText(head) ?? 'application/octet-stream';
}

/** Bytes libmagic never accepts in text. */
const isBinaryByte = (c: number): boolean =>
  c <= 0x06 || (c >= 0x0e && c <= 0x1a) || (c >= 0x1c && c <= 0x1f) || c === 0x7f;

const HTML_PATTERNS =
  /<!doctype[ \t\n\r]+html|<(?:head|title|html|script|style|table)[ >]|<a[ \t\n\r]+href=/i;

/**
 * libmagic's view of text: null for binary data, else text/html, text/xml, image/svg+xml or
 * text/plain (UTF-16 text needs a byte order mark).
 */
export function classifyText(head: Uint8Array): string | null {
  let text: string;
  if (startsWith(head, '\xff\xfe') || startsWith(head, '\xfe\xff')) {
    const le = head[0] === 0xff;
    const chars: string[] = [];
    for (let i = 2; i + 1 < head.length; i += 2) {
      const cu = le ? head[i]! | (head[i + 1]! << 8) : (head[i]! << 8) | head[i + 1]!;
      if (cu < 0x80 && isBinaryByte(cu)) return null;
      if (i < 8192) chars.push(String.fromCharCode(cu));
    }
    text = chars.join('');
  } else {
    for (let i = 0; i < head.length; i++) if (isBinaryByte(head[i]!)) return null;
    text = latin1(head.subarray(0, 4096 + 64));
    if (text.startsWith('\xef\xbb\xbf')) text = text.slice(3);
  }
  if (/^<\?xml[ \t\n\r]+version[ \t\n\r]*=/.test(text)) {
    const body = text.slice(19, 19 + 4096 + 16);
    if (body.includes('<svg')) return 'image/svg+xml';
    if (/<!doctype[ \t\n\r]+html|<html/i.test(body)) return 'text/html';
    return 'text/xml';
  }
  if (text.startsWith('<svg') || /^<!doctype[ \t\n\r]+svg/i.test(text)) return 'image/svg+xml';
  if (HTML_PATTERNS.test(text.slice(0, 4096 + 16))) return 'text/html';
  return 'text/plain';
}
