/**
 * What old Internet Explorer versions (5, 6, 7 and the strict/"no HTML" variants of 7) would make
 * of a file's first bytes, whatever type the server sends: MediaWiki's IEContentAnalyzer, used by
 * `$wgVerifyMimeTypeIE` to refuse files IE would run as HTML, scriptlets or programs.
 */

type Format = 'ambiguous' | 'text' | 'binary' | 'html' | 'unknown';
type Version = 'ie05' | 'ie06' | 'ie07' | 'ie07.strict' | 'ie07.nohtml';

const VERSIONS: readonly Version[] = ['ie05', 'ie06', 'ie07', 'ie07.strict', 'ie07.nohtml'];

const BASE_FORMATS: ReadonlyArray<readonly [Format, readonly string[]]> = [
  ['ambiguous', ['text/plain', 'application/octet-stream', 'application/x-netcdf']],
  [
    'text',
    [
      'text/richtext',
      'image/x-bitmap',
      'application/postscript',
      'application/base64',
      'application/macbinhex40',
      'application/x-cdf',
      'text/scriptlet',
    ],
  ],
  [
    'binary',
    [
      'application/pdf',
      'audio/x-aiff',
      'audio/basic',
      'audio/wav',
      'image/gif',
      'image/pjpeg',
      'image/jpeg',
      'image/tiff',
      'image/x-png',
      'image/png',
      'image/bmp',
      'image/x-jg',
      'image/x-art',
      'image/x-emf',
      'image/x-wmf',
      'video/avi',
      'video/x-msvideo',
      'video/mpeg',
      'application/x-compressed',
      'application/x-zip-compressed',
      'application/x-gzip-compressed',
      'application/java',
      'application/x-msdownload',
    ],
  ],
  ['html', ['text/html']],
];

/** IE 7 also treats XML as text. */
const IE7_TEXT = ['text/xml', 'application/xml'];

/** IE's private type names → the usual ones. */
const TRANSLATE: Readonly<Record<string, string>> = {
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'image/x-wmf': 'application/x-msmetafile',
  'image/bmp': 'image/x-bmp',
  'application/x-zip-compressed': 'application/zip',
  'application/x-compressed': 'application/x-compress',
  'application/x-gzip-compressed': 'application/x-gzip',
  'audio/mid': 'audio/midi',
};

const isIe7 = (v: Version) => v >= 'ie07';

function dataFormat(version: Version, type: string): Format {
  if (type === '' || type === '(null)') return 'ambiguous';
  for (const [format, list] of BASE_FORMATS) {
    if (list.includes(type)) return format;
    if (format === 'text' && isIe7(version) && IE7_TEXT.includes(type)) return format;
  }
  return 'unknown';
}

const HTML_TAGS = ['html', 'head', 'title', 'body', 'script', 'a href', 'pre', 'img', 'plaintext', 'table'];
const RDF_URL = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const RDF_PURL = 'http://purl.org/rss/1.0/';

interface Sample {
  found: Set<string>;
  ctrl: number;
  high: number;
  low: number;
  ff: number;
}

/** ASCII case-insensitive prefix test at `at` (C's strncasecmp), without making strings: it runs per byte. */
function ciStarts(s: string, at: number, prefix: string): boolean {
  if (at + prefix.length > s.length) return false;
  for (let k = 0; k < prefix.length; k++) {
    const a = s.charCodeAt(at + k);
    const b = prefix.charCodeAt(k);
    if (a !== b && (a | 0x20) !== (b | 0x20)) return false;
    // Only letters compare case-insensitively ('@' and '`' differ by the same bit).
    if (a !== b && !((a | 0x20) >= 0x61 && (a | 0x20) <= 0x7a)) return false;
  }
  return true;
}

/** The HTML/XML/RSS/XBM/BinHex tag search and character statistics of IE's sampler. */
function sampleData(version: Version, chunk: string): Sample {
  const found = new Set<string>();
  const s: Sample = { found, ctrl: 0, high: 0, low: 0, ff: 0 };
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) continue;
    if (c === 0x0c) {
      s.ff++;
      continue;
    }
    if (c === 0x09) {
      s.low++;
      continue;
    }
    if (c < 32) {
      s.ctrl++;
      continue;
    }
    if (c >= 128) {
      s.high++;
      continue;
    }
    s.low++;
    if (c === 0x3c) {
      const at = i + 1;
      if (ciStarts(chunk, at, '?XML')) {
        const next = chunk[i + 5];
        if (next === ':' || next === ' ' || next === '\t') found.add('xml');
      }
      if (ciStarts(chunk, at, 'SCRIPTLET')) {
        found.add('scriptlet');
        break;
      }
      for (const tag of HTML_TAGS) if (ciStarts(chunk, at, tag)) found.add('html');
      if (!isIe7(version)) {
        if (ciStarts(chunk, at, 'CHANNEL')) found.add('cdf');
      } else {
        if (ciStarts(chunk, at, 'RSS')) {
          found.add('rss');
          break;
        }
        if (ciStarts(chunk, at, 'rdf:RDF')) found.add('rdf-tag');
        if (ciStarts(chunk, at, 'FEED')) {
          found.add('atom');
          break;
        }
      }
      continue;
    }
    if (ciStarts(chunk, i, RDF_URL)) {
      found.add('rdf-url');
      if (found.has('rdf-tag') && found.has('rdf-purl')) break;
      continue;
    }
    if (ciStarts(chunk, i, RDF_PURL)) {
      if (found.has('rdf-tag') && found.has('rdf-url')) break;
      continue;
    }
    if (ciStarts(chunk, i, '#define')) {
      found.add('xbm1');
      continue;
    }
    if (c === 0x5f) {
      if (found.has('xbm2')) {
        if (ciStarts(chunk, i, '_bits')) {
          found.add('xbm');
          break;
        }
      } else if (found.has('xbm1') && ciStarts(chunk, i, '_width')) {
        found.add('xbm2');
      }
    }
    if (chunk.startsWith('converted with BinHex', i)) found.add('binhex');
  }
  return s;
}

function textHeaderType(c: string): string | null {
  if (c.startsWith('%PDF')) return 'application/pdf';
  if (c.startsWith('%!')) return 'application/postscript';
  if (c.startsWith('{\\rtf')) return 'text/richtext';
  if (c.startsWith('begin')) return 'application/base64';
  return null;
}

function binaryHeaderType(c: string): string | null {
  const c4 = c.slice(0, 4);
  const c5 = c.slice(0, 5).toUpperCase();
  if (c5 === 'GIF87' || c5 === 'GIF89') return 'image/gif';
  if (c.startsWith('\xff\xd8')) return 'image/pjpeg';
  if (c.startsWith('BM') && c.slice(6, 8) === '\0\0' && c.slice(8, 10) === '\0\0') return 'image/bmp';
  if (c4 === 'RIFF' && c.slice(8, 12) === 'WAVE') return 'audio/wav';
  if (c4 === '.sd\0' || c4 === '.snd' || c4 === '\0ds.' || c4 === 'dns.') return 'audio/basic';
  if (c.startsWith('MM\0')) return 'image/tiff';
  if (c.startsWith('MZ')) return 'application/x-msdownload';
  if (c.startsWith('\x89PNG\x0d\x0a\x1a\x0a')) return 'image/x-png';
  if (c.length >= 5) {
    const b2 = c.charCodeAt(2);
    if (b2 >= 3 && b2 <= 31 && c.charCodeAt(4) === 0 && c.startsWith('JG')) return 'image/x-jg';
  }
  if (c4 === 'MROF') return 'audio/x-aiff';
  const c48 = c.slice(8, 12);
  if (c4 === 'FORM' && (c48 === 'AIFF' || c48 === 'AIFC')) return 'audio/x-aiff';
  if (c4 === 'RIFF' && c48 === 'AVI ') return 'video/avi';
  if (c4 === '\x00\x00\x01\xb3' || c4 === '\x00\x00\x01\xba') return 'video/mpeg';
  if (c4 === '\x01\x00\x00\x00' && c.slice(40, 44) === ' EMF') return 'image/x-emf';
  if (c4 === '\xd7\xcd\xc6\x9a') return 'image/x-wmf';
  if (c4 === '\xca\xfe\xba\xbe') return 'application/java';
  if (c.startsWith('PK')) return 'application/x-zip-compressed';
  if (c.startsWith('\x1f\x9d')) return 'application/x-compressed';
  if (c.startsWith('\x1f\x8b')) return 'application/x-gzip-compressed';
  if (c.startsWith('MThd\0')) return 'audio/mid';
  if (c4 === '%PDF') return 'application/pdf';
  return null;
}

function typeForVersion(version: Version, chunk: string, proposed: string): string {
  const semi = proposed.indexOf(';');
  if (semi >= 0) proposed = proposed.slice(0, semi);
  const proposedFormat = dataFormat(version, proposed);
  if (
    proposedFormat === 'unknown' &&
    proposed !== 'multipart/mixed' &&
    proposed !== 'multipart/x-mixed-replace'
  ) {
    return proposed;
  }
  if (chunk === '') return proposed;
  chunk = chunk.slice(0, 255);

  const { found, ctrl, high, low, ff } = sampleData(version, chunk);
  const binaryType = binaryHeaderType(chunk);
  const textType = textHeaderType(chunk);

  if (proposed === 'text/html' && found.has('html')) return 'text/html';
  if (proposed === 'image/gif' && binaryType === 'image/gif') return 'image/gif';
  if ((proposed === 'image/pjpeg' || proposed === 'image/jpeg') && binaryType === 'image/pjpeg')
    return proposed;
  if (
    isIe7(version) &&
    (proposed === 'image/x-png' || proposed === 'image/png') &&
    binaryType === 'image/x-png'
  ) {
    return proposed;
  }
  if (found.has('cdf')) return 'application/x-cdf';
  if (found.has('rss')) return 'application/rss+xml';
  if (found.has('rdf-tag') && found.has('rdf-url') && found.has('rdf-purl')) return 'application/rss+xml';
  if (found.has('atom')) return 'application/atom+xml';
  if (found.has('xml')) {
    if (!version.includes('strict')) return 'text/xml';
    if (proposed === 'text/html' || proposed === 'text/xml') return 'text/xml';
  }
  if (found.has('html')) {
    if (!version.includes('nohtml')) return 'text/html';
    if (proposed === 'text/plain') return 'text/html';
  }
  if (found.has('xbm')) return 'image/x-bitmap';
  if (found.has('binhex')) return 'application/macbinhex40';
  if (found.has('scriptlet')) {
    if (!version.includes('strict')) return 'text/scriptlet';
    if (proposed === 'text/plain' || proposed === 'text/scriptlet') return 'text/scriptlet';
  }

  let kindOfBinary: boolean;
  let type: string;
  if (ctrl !== 0 && ff + low < (ctrl + high) * 16) {
    kindOfBinary = true;
    type = binaryType ?? textType ?? 'application/octet-stream';
  } else {
    kindOfBinary = false;
    type = textType ?? binaryType ?? 'text/plain';
  }
  if (dataFormat(version, type) !== 'ambiguous') return type;
  if (proposedFormat !== 'ambiguous') {
    if (proposedFormat === 'text' && !kindOfBinary) return proposed;
    if (proposedFormat === 'binary' && kindOfBinary) return proposed;
    if (proposedFormat === 'html') return proposed;
  }
  // IE would consult the registry by file extension here; uploads are sniffed without a name.
  return type;
}

/**
 * The MIME types the analysed IE versions would detect for a file starting with `chunk` (the first
 * 256 bytes; only 255 are used) when served as `proposed`, translated to common names.
 */
export function ieMimeTypes(chunk: Uint8Array, proposed: string): string[] {
  const s = Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, 256)).toString('latin1');
  return VERSIONS.map((v) => {
    const t = typeForVersion(v, s, proposed);
    return TRANSLATE[t] ?? t;
  });
}
