import type { HandlerResult } from './handler.js';
import type { MediaSource } from './types.js';

/**
 * BmpHandler::getSizeAndMetadata: width and height as unsigned 32-bit numbers from the header
 * (a top-down bitmap's negative height shows as a large number, as in MediaWiki); no metadata.
 */
export function bmpHandler(src: MediaSource): HandlerResult {
  const h = src.head;
  if (h.length < 26) return { width: 0, height: 0, bits: 0, metadata: new Map() };
  return { width: h.readUInt32LE(18), height: h.readUInt32LE(22), bits: 0, metadata: new Map() };
}
