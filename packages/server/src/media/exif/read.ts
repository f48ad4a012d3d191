/*
 * Exif the way MediaWiki sees it: PHP's exif_read_data() (sections IFD0, EXIF and GPS, PHP's tag
 * names and value formats) followed by MediaWiki's Exif class (tag whitelist, type validation and
 * the collapsing of GPS, charset-prefixed and byte-array fields).
 *
 * Written by hand on purpose, not with exifr: MediaWiki's metadata (imageinfo `metadata`,
 * `commonmetadata`, extmetadata) prints rationals as PHP gives them ("28/10", "1/60", and drops
 * "x/0" in validation), keeps PHP's tag names (GPSProcessingMode, ISOSpeedRatings) and stops
 * reading a directory where PHP's parser stops; exifr divides rationals into numbers and recovers
 * from structure errors differently, so its facts differ from what clients of MediaWiki read.
 */
import { GPS_NAMES, IFD_NAMES, MW_TAGS } from './tags.js';

/** A PHP value as exif_read_data() returns it: int/float, byte string, list of those, or null. */
export type RawValue = number | Buffer | null | Array<number | Buffer>;
export type RawSection = Map<string, RawValue>;
export interface RawExif {
  IFD0: RawSection;
  EXIF: RawSection;
  GPS: RawSection;
}

/** Bytes of a TIFF structure; offsets are relative to its byte-order mark. */
export interface TiffBytes {
  size: number;
  read(offset: number, length: number): Promise<Buffer>;
}

const FORMAT_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];
const TAG_EXIF_IFD = 0x8769;
const TAG_GPS_IFD = 0x8825;
const TAG_INTEROP_IFD = 0xa005;
const TAG_SUB_IFD = 0x014a;
const MAX_NESTING = 150;
const isPointer = (tag: number) => tag === TAG_EXIF_IFD || tag === TAG_GPS_IFD || tag === TAG_INTEROP_IFD;
const subSectionOf = (tag: number): SectionName =>
  tag === TAG_EXIF_IFD ? 'EXIF' : tag === TAG_GPS_IFD ? 'GPS' : 'INTEROP';
const MAX_IFDS = 1000;

type SectionName = keyof RawExif | 'INTEROP';

/**
 * exif_read_data( $file, '', true ) for one TIFF structure (the Exif APP1 segment of a JPEG, or a
 * TIFF file): the IFD0, EXIF and GPS sections with PHP's names and value formats. Values are read
 * only for tags MediaWiki keeps; structure errors stop an IFD where PHP stops it.
 */
export async function readRawExif(
  src: TiffBytes,
  tiffFile = false,
  file?: { bytes: TiffBytes; displacement: number },
): Promise<{ ok: boolean; exif: RawExif } | null> {
  const head = await src.read(0, 8);
  if (head.length < 8) return null;
  const bom = head.toString('latin1', 0, 2);
  let le: boolean;
  if (bom === 'II') le = true;
  else if (bom === 'MM') le = false;
  else return null;
  const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const i16 = (b: Buffer, o: number) => (le ? b.readInt16LE(o) : b.readInt16BE(o));
  const i32 = (b: Buffer, o: number) => (le ? b.readInt32LE(o) : b.readInt32BE(o));
  const ifd0 = u32(head, 4);
  if (u16(head, 2) !== 0x2a) return null;
  if (!tiffFile && (ifd0 < 8 || ifd0 > src.size)) return null;

  const out: RawExif = { IFD0: new Map(), EXIF: new Map(), GPS: new Map() };
  const contains = (off: number, len: number) => off >= 0 && len >= 0 && off + len <= src.size;
  let ifdCount = 0;

  const decode = (format: number, count: number, v: Buffer): RawValue => {
    if (format === 2) {
      const nul = v.indexOf(0);
      return Buffer.from(nul >= 0 ? v.subarray(0, nul) : v);
    }
    if (format === 1 || format === 6 || format === 7 || format === 13) {
      return count === 0 ? null : Buffer.from(v.subarray(0, count));
    }
    if (count === 0) return null;
    const size = FORMAT_SIZE[format]!;
    const one = (o: number): number | Buffer => {
      switch (format) {
        case 3:
          return u16(v, o);
        case 4:
          return u32(v, o) | 0;
        case 5:
          return Buffer.from(`${u32(v, o)}/${u32(v, o + 4)}`, 'latin1');
        case 8:
          return i16(v, o);
        case 9:
          return i32(v, o);
        case 10:
          return Buffer.from(`${i32(v, o)}/${i32(v, o + 4)}`, 'latin1');
        case 11:
          return le ? v.readFloatLE(o) : v.readFloatBE(o);
        default:
          return le ? v.readDoubleLE(o) : v.readDoubleBE(o);
      }
    };
    if (count === 1) return one(0);
    const list: Array<number | Buffer> = [];
    for (let i = 0; i < count; i++) list.push(one(i * size));
    return list;
  };

  /** One directory entry (exif_process_IFD_TAG); false stops the directory. */
  const processTag = async (
    dir: Buffer,
    o: number,
    section: SectionName,
    depth: number,
  ): Promise<boolean> => {
    const tag = u16(dir, o);
    let format = u16(dir, o + 2);
    const count = u32(dir, o + 4);
    if (format === 0 || format > 13) format = 1;
    const byteCount = count * FORMAT_SIZE[format]!;
    if (byteCount > 0x7fffffff) return false;
    let valueOffset = -1;
    let outside: Buffer | null = null;
    if (byteCount > 4) {
      valueOffset = u32(dir, o + 8);
      if (!contains(valueOffset, byteCount)) {
        // PHP reads a value outside the Exif block from the file (it checks the offset against the
        // file size, without the block's position).
        if (!file || byteCount > file.bytes.size || valueOffset > file.bytes.size - byteCount) return false;
        const got = await file.bytes.read(file.displacement + valueOffset, byteCount);
        if (got.length !== byteCount) return false;
        outside = got;
      }
    }
    const valueBytes = async () =>
      outside ??
      (valueOffset < 0 ? dir.subarray(o + 8, o + 8 + byteCount) : await src.read(valueOffset, byteCount));
    if (!tiffFile && (section === 'IFD0' || section === 'EXIF') && isPointer(tag)) {
      const v = await valueBytes();
      if (v.length < 4) return false;
      const sub = u32(v, 0);
      if (!contains(sub, 0)) return false;
      return await processJpegIfd(sub, subSectionOf(tag), depth + 1);
    }
    if (section === 'INTEROP') return true;
    const name = section === 'GPS' ? GPS_NAMES[tag] : IFD_NAMES[tag];
    if (!name || !(name in MW_TAGS[section])) return true;
    out[section].set(name, decode(format, count, await valueBytes()));
    return true;
  };

  // exif_process_IFD_in_JPEG: offsets within the Exif segment; a failing sub-directory stops its parent.
  const processJpegIfd = async (start: number, section: SectionName, depth: number): Promise<boolean> => {
    if (depth > MAX_NESTING || ++ifdCount > MAX_IFDS) return false;
    if (!contains(start, 2)) return false;
    const n = u16(await src.read(start, 2), 0);
    if (!contains(start + 2, n * 12)) return false;
    const dir = await src.read(start + 2, n * 12);
    for (let e = 0; e < n; e++) {
      if (!(await processTag(dir, e * 12, section, depth))) return false;
    }
    return true;
  };

  // exif_process_IFD_in_TIFF: the directory and the values packed right after it must lie in the
  // file; sub-directories are followed but their failure does not affect the parent.
  let nesting = 0;
  const processTiffIfd = async (start: number, section: SectionName): Promise<boolean> => {
    if (nesting > MAX_NESTING || ++ifdCount > MAX_IFDS) return false;
    const size = src.size;
    if (!(size >= 2 && size - 2 >= start)) return false;
    const n = u16(await src.read(start, 2), 0);
    const dirSize = 2 + 12 * n + 4;
    if (!(size >= dirSize && size - dirSize >= start)) return false;
    const dir = await src.read(start + 2, 12 * n);
    let ifdSize = dirSize;
    for (let e = 0; e < n; e++) {
      const o = e * 12;
      let type = u16(dir, o + 2);
      if (type > 13) type = 1;
      const len = u32(dir, o + 4) * FORMAT_SIZE[type]!;
      if (len > 4) {
        const off = u32(dir, o + 8);
        if (off + len > start + ifdSize && off === start + ifdSize) ifdSize = off + len - start;
      }
    }
    if (ifdSize > dirSize && (size < ifdSize || start > size - ifdSize)) return false;
    for (let e = 0; e < n; e++) {
      const o = e * 12;
      const tag = u16(dir, o);
      if (isPointer(tag) || tag === TAG_SUB_IFD) {
        nesting++;
        if (tag !== TAG_SUB_IFD) await processTiffIfd(u32(dir, o + 8), subSectionOf(tag));
        continue;
      }
      if (!(await processTag(dir, o, section, 0))) return false;
    }
    return true;
  };

  const ok = tiffFile ? await processTiffIfd(ifd0, 'IFD0') : await processJpegIfd(ifd0, 'IFD0', 0);
  return { ok, exif: out };
}

// ---------------------------------------------------------------------------------------------
