/**
 * MIME types the way MediaWiki 1.39 sees them: detection from content, the extension ↔ MIME type
 * tables, media types, and what old Internet Explorer would sniff.
 */
export { decodeUnicodeStrict, XmlTextDecoder } from './charset.js';
export {
  classifyText,
  type DetectOptions,
  detectMime,
  detectZipType,
  guessMime,
  improveMimeFromExtension,
  TAIL_BYTES,
} from './detect.js';
export { ieMimeTypes } from './ie.js';
export {
  asciiLower,
  canonicalExtensionForMime,
  canonicalMime,
  extensionsForMime,
  findMediaType,
  isMatchingExtension,
  isRecognizableExtension,
  type MediaType,
  mediaTypeForMime,
  mimeForExtension,
  mimesForExtension,
  normalizeExtension,
} from './map.js';
export {
  parseDoctype,
  parseSafeInternalSubset,
  XmlChecker,
  type XmlCheckHandlers,
  type XmlCheckOptions,
  type XmlCheckResult,
  type XmlDoctype,
} from './xml.js';
