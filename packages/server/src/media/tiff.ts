import { EXIF_VERSION, filterExif, readRawExif } from './exif/index.js';
import type { HandlerResult } from './handler.js';
import { php } from './items.js';
import { rotationOf } from './jpeg.js';
import { RandomReader } from './reader.js';
import type { MediaSource } from './types.js';

/**
 * TiffHandler::getSizeAndMetadata: the Exif of the first IFD (as PHP's exif extension reads a
 * TIFF file) filtered by MediaWiki's Exif class; width and height are its ImageWidth/ImageLength.
 * A TIFF whose Exif cannot be read is a broken file (width and height 0).
 */
export async function tiffHandler(
  src: MediaSource,
  opts: { autoRotate?: boolean } = {},
): Promise<HandlerResult> {
  const broken = { width: 0, height: 0, bits: 0, metadata: php([['_error', '-1']]) };
  const bom = src.head.toString('latin1', 0, 2);
  if (bom !== 'II' && bom !== 'MM') return broken;
  const rr = new RandomReader(src);
  const r = await readRawExif({ size: src.size, read: (o, l) => rr.readAt(o, l) }, true);
  if (!r?.ok) return broken;
  const meta = filterExif(r.exif, bom === 'II' ? 'LE' : 'BE');
  if (meta.size === 0) return broken;
  meta.set('MEDIAWIKI_EXIF_VERSION', EXIF_VERSION);
  const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) || 0 : 0);
  let width = num(meta.get('ImageWidth'));
  let height = num(meta.get('ImageLength'));
  if (opts.autoRotate !== false && rotationOf(meta.get('Orientation')) % 180 === 90) {
    [width, height] = [height, width];
  }
  return { width, height, bits: 0, metadata: meta };
}
