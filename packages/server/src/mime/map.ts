/**
 * MIME type ↔ file extension ↔ media type lookups, as MediaWiki 1.39's MimeAnalyzer does them with
 * its built-in map (the data, and why it is ours, in mime-map-data.ts).
 *
 * Order matters: the first extension listed for a MIME type is its canonical extension, and the
 * first MIME type listing an extension is that extension's MIME type.
 */
import {
  MEDIA_TYPES,
  type MediaType,
  MIME_EXTENSIONS,
  MIME_TYPE_ALIASES,
  RECOGNIZABLE_EXTENSIONS,
} from './mime-map-data.js';

export type { MediaType } from './mime-map-data.js';

const mimeToExts = new Map<string, string[]>();
const extToMimes = new Map<string, string[]>();
for (const [mime, exts] of MIME_EXTENSIONS) {
  const list = exts.split(' ');
  mimeToExts.set(mime, list);
  for (const ext of list) {
    const m = extToMimes.get(ext);
    if (m) m.push(mime);
    else extToMimes.set(ext, [mime]);
  }
}
const mediaTypeLists: Array<[MediaType, Set<string>]> = MEDIA_TYPES.map(([t, l]) => [
  t,
  new Set(l.split(' ')),
]);

/** Lower-cases ASCII letters only (PHP's strtolower). */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** The canonical form of a MIME type alias (`image/bmp` → `image/x-bmp`), or the type itself. */
export function canonicalMime(mime: string): string {
  return Object.hasOwn(MIME_TYPE_ALIASES, mime) ? MIME_TYPE_ALIASES[mime]! : mime;
}

/** File extensions registered for a MIME type (aliases resolved when the type has none itself). */
export function extensionsForMime(mime: string): string[] {
  let m = asciiLower(mime);
  if (!mimeToExts.has(m) && Object.hasOwn(MIME_TYPE_ALIASES, m)) m = MIME_TYPE_ALIASES[m]!;
  return [...(mimeToExts.get(m) ?? [])];
}

/** The canonical (first) extension for a MIME type, or null (MimeAnalyzer::getExtensionFromMimeTypeOrNull). */
export function canonicalExtensionForMime(mime: string): string | null {
  return extensionsForMime(mime)[0] ?? null;
}

/** All MIME types that list an extension, in map order (MimeAnalyzer::getMimeTypesFromExtension). */
export function mimesForExtension(ext: string): string[] {
  return [...(extToMimes.get(asciiLower(ext)) ?? [])];
}

/** The MIME type of an extension, or null when unknown (MimeAnalyzer::getMimeTypeFromExtensionOrNull). */
export function mimeForExtension(ext: string): string | null {
  return extToMimes.get(asciiLower(ext))?.[0] ?? null;
}

/** True/false when the MIME type is known (extension listed or not), null when the type is unknown. */
export function isMatchingExtension(ext: string, mime: string): boolean | null {
  const exts = extensionsForMime(mime);
  if (exts.length === 0) return null;
  return exts.includes(asciiLower(ext));
}

/** Extensions whose type MediaWiki expects to detect from content (MimeAnalyzer::isRecognizableExtension). */
export function isRecognizableExtension(ext: string): boolean {
  return RECOGNIZABLE_EXTENSIONS.has(asciiLower(ext));
}

/**
 * Media type for a MIME type or, when the argument starts with a dot, for an extension
 * (MimeAnalyzer::findMediaType).
 */
export function findMediaType(extOrMime: string): MediaType {
  let candidates: string[];
  if (extOrMime.startsWith('.')) {
    candidates = mimesForExtension(extOrMime.slice(1));
    if (candidates.length === 0) return 'UNKNOWN';
  } else {
    candidates = [canonicalMime(extOrMime)];
  }
  for (const mime of candidates) {
    for (const [type, set] of mediaTypeLists) if (set.has(mime)) return type;
  }
  return 'UNKNOWN';
}

/**
 * Media type of a file of the given MIME type (MimeAnalyzer::getMediaType). For `application/ogg`
 * the first bytes of the file (`head`), when given, decide between AUDIO, VIDEO and MULTIMEDIA.
 */
export function mediaTypeForMime(mime: string | null | undefined, head?: Uint8Array): MediaType {
  if (!mime) return 'UNKNOWN';
  if (mime === 'application/ogg' && head) {
    const s = asciiLower(Buffer.from(head.subarray(0, 256)).toString('latin1')).replaceAll(
      'ffmpeg2theora',
      '',
    );
    if (s.includes('theora')) return 'VIDEO';
    if (s.includes('vorbis') || s.includes('flac') || s.includes('speex') || s.includes('opus'))
      return 'AUDIO';
    return 'MULTIMEDIA';
  }
  const type = findMediaType(mime);
  if (type !== 'UNKNOWN') return type;
  const slash = mime.indexOf('/');
  return slash >= 0 ? findMediaType(mime.slice(0, slash)) : 'UNKNOWN';
}

const SQUISH: Readonly<Record<string, string>> = {
  htm: 'html',
  jpeg: 'jpg',
  mpeg: 'mpg',
  tiff: 'tif',
  ogv: 'ogg',
};

/**
 * File::normalizeExtension: lower-case, with the synonyms htm→html, jpeg→jpg, mpeg→mpg, tiff→tif,
 * ogv→ogg. Like MediaWiki, anything that is not plain `[0-9a-z]+` after lower-casing becomes ''.
 */
export function normalizeExtension(ext: string): string {
  const lower = asciiLower(ext);
  if (Object.hasOwn(SQUISH, lower)) return SQUISH[lower]!;
  return /^[0-9a-z]+$/.test(lower) ? lower : '';
}
