import { EXIF_VERSION, filterExif, type RawExif, readRawExif } from './exif/index.js';
import { BrokenFile, type HandlerResult } from './handler.js';
import { type PhpArray, php, phpList } from './items.js';
import { isCleanUtf8, phpTrimBytes, utf8, windows1252 } from './php.js';
import { RandomReader, SequentialReader } from './reader.js';
import type { MediaSource } from './types.js';

/** JpegMetadataExtractor::MAX_JPEG_SEGMENTS. */
const MAX_JPEG_SEGMENTS = 200;
const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

interface Segments {
  sof?: { bits: number; height: number; width: number };
  com: string[];
  byteOrder?: 'LE' | 'BE';
}

export interface JpegOptions {
  /**
   * Swap width and height for EXIF orientations 6 and 8 (MediaWiki does when it can rotate,
   * i.e. with a scaler such as ImageMagick; a wiki without a scaler reports them unswapped).
   */
  autoRotate?: boolean;
}

/**
 * JpegHandler::getSizeAndMetadata: the SOF size, comments and Exif (as PHP's exif extension and
 * MediaWiki's Exif class produce it), plus MEDIAWIKI_EXIF_VERSION. Reads only up to the start of
 * the compressed data. XMP and IPTC blocks are not interpreted.
 */
export async function jpegHandler(src: MediaSource, opts: JpegOptions = {}): Promise<HandlerResult> {
  let seg: Segments;
  try {
    seg = await splitSegments(src);
  } catch (e) {
    if (!(e instanceof BrokenFile)) throw e;
    return { width: 0, height: 0, bits: 0, metadata: php([['_error', '-1']]) };
  }
  const raw = await phpExifFromJpeg(src);
  const exif = raw ? filterExif(raw, seg.byteOrder ?? 'BE') : new Map();

  // BitmapMetadataHandler::getMetadataArray(): exif first, then native (comments).
  const meta: PhpArray = new Map(exif);
  if (seg.com.length > 0 && !meta.has('JPEGFileComment')) meta.set('JPEGFileComment', phpList(seg.com));
  meta.set('MEDIAWIKI_EXIF_VERSION', EXIF_VERSION);

  let width = seg.sof?.width ?? 0;
  let height = seg.sof?.height ?? 0;
  if (opts.autoRotate !== false && rotationOf(meta.get('Orientation')) % 180 === 90) {
    [width, height] = [height, width];
  }
  return { width, height, bits: seg.sof?.bits ?? 0, metadata: meta };
}

/** ExifBitmapHandler::getRotationForExifFromOrientation (flips are ignored, as MediaWiki does). */
export function rotationOf(orientation: unknown): 0 | 90 | 180 | 270 {
  const o = typeof orientation === 'string' ? Number(orientation) : orientation;
  if (o === 8) return 90;
  if (o === 3) return 180;
  if (o === 6) return 270;
  return 0;
}

/** JpegMetadataExtractor::segmentSplitter (the parts MediaWiki uses without XMP/IPTC support). */
async function splitSegments(src: MediaSource): Promise<Segments> {
  const fh = new SequentialReader(src);
  const segs: Segments = { com: [] };
  const marker = async (): Promise<Buffer> => {
    const sb = await fh.read(2);
    if (sb.length !== 2) throw new BrokenFile('unpack');
    const size = sb.readUInt16BE(0);
    if (size < 2) throw new BrokenFile('invalid marker size in jpeg');
    if (size === 2) return Buffer.alloc(0);
    const b = Buffer.from(await fh.read(size - 2));
    if (b.length !== size - 2) throw new BrokenFile('Segment shorter than expected');
    return b;
  };
  try {
    const soi = await fh.read(2);
    if (soi.length !== 2 || soi[0] !== 0xff || soi[1] !== 0xd8) throw new BrokenFile('Not a jpeg, no SOI');
    let count = 0;
    while (!fh.eof) {
      let b = await fh.read(1);
      if (++count > MAX_JPEG_SEGMENTS) throw new BrokenFile('Too many jpeg segments. Aborting');
      while (b[0] !== 0xff && !fh.eof) b = await fh.read(1);
      b = await fh.read(1);
      while (b[0] === 0xff && !fh.eof) b = await fh.read(1);
      const m = b.length === 1 ? b[0]! : -1;
      if (m === 0xfe) {
        const raw = phpTrimBytes(await marker());
        if (isCleanUtf8(raw)) {
          segs.com.push(utf8(raw));
        } else {
          const conv = windows1252(raw, true) as string;
          if (isCleanUtf8(Buffer.from(conv, 'utf8'))) segs.com.push(conv);
        }
      } else if (m === 0xe1) {
        const t = await marker();
        if (t.subarray(0, 6).equals(Buffer.from('Exif\0\0', 'latin1'))) {
          const bom = t.toString('latin1', 6, 8);
          if (bom === 'MM') segs.byteOrder = 'BE';
          else if (bom === 'II') segs.byteOrder = 'LE';
        }
      } else if (m === 0xd9 || m === 0xda) {
        return segs;
      } else if (m >= 0 && SOF_MARKERS.has(m)) {
        const t = await marker();
        if (t.length < 6) throw new BrokenFile('unpack failed');
        segs.sof = { bits: t[0]!, height: t.readUInt16BE(1), width: t.readUInt16BE(3) };
      } else {
        const sb = await fh.read(2);
        if (sb.length !== 2) throw new BrokenFile('unpack');
        const size = sb.readUInt16BE(0);
        if (size < 2) throw new BrokenFile('invalid marker size in jpeg');
        fh.seekForward(size - 2);
      }
    }
    throw new BrokenFile('Reached end of jpeg file unexpectedly');
  } finally {
    fh.close();
  }
}

/**
 * PHP's exif_read_data() on a JPEG: scans the segments up to SOS (failing on structure errors
 * the way PHP does, which discards all Exif), reading the first APP1 with a valid TIFF header.
 */
async function phpExifFromJpeg(src: MediaSource): Promise<RawExif | null> {
  const fh = new SequentialReader(src);
  try {
    const soi = await fh.read(2);
    if (soi.length !== 2 || soi[0] !== 0xff || soi[1] !== 0xd8) return null;
    const M_COM = 0xfe;
    const M_PSEUDO = 0x123;
    let last = M_PSEUDO;
    let correction = 1;
    let found: RawExif | null = null;
    for (;;) {
      if (last === M_COM && correction) correction = 2;
      let m: number;
      do {
        const b = await fh.read(1);
        if (b.length === 0) return null;
        m = b[0]!;
        if (last === M_COM && correction > 0) {
          if (m !== 0xff) {
            m = 0xff;
            correction--;
          } else {
            last = M_PSEUDO;
          }
        }
      } while (m === 0xff);
      if (last === M_COM && correction) return found;
      const lb = await fh.read(2);
      if (lb.length < 2) return null;
      const itemlen = lb.readUInt16BE(0);
      if (itemlen < 2) return null;
      if (m === 0xda) {
        if (fh.pos + itemlen - 2 > src.size) return null;
        return found ?? emptyExif();
      }
      if (m === 0xe1 && !found) {
        const dataStart = fh.pos;
        const data = Buffer.from(await fh.read(itemlen - 2));
        if (data.length !== itemlen - 2) return null;
        if (data.length + 2 > 8 && data.subarray(0, 6).equals(Buffer.from('Exif\0\0', 'latin1'))) {
          const tiff = data.subarray(6);
          const rr = new RandomReader(src);
          const r = await readRawExif(
            { size: tiff.length, read: async (o, l) => tiff.subarray(o, Math.min(tiff.length, o + l)) },
            false,
            { bytes: { size: src.size, read: (o, l) => rr.readAt(o, l) }, displacement: dataStart + 6 },
          );
          if (r) found = r.exif;
        }
      } else {
        if (fh.pos + itemlen - 2 > src.size) return null;
        fh.seekForward(itemlen - 2);
        if (m === 0xd9) return found;
      }
      last = m;
    }
  } finally {
    fh.close();
  }
}

const emptyExif = (): RawExif => ({ IFD0: new Map(), EXIF: new Map(), GPS: new Map() });
