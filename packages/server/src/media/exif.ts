import { type PhpArray, type PhpValue, php, phpList } from './items.js';
import { isCleanUtf8, phpTrim, utf8, windows1252 } from './php.js';

/**
 * Exif reading the way MediaWiki sees it: PHP's exif_read_data() (sections IFD0, EXIF and GPS,
 * PHP's tag names and value formats) followed by MediaWiki's Exif class (tag whitelist, type
 * validation and the collapsing of GPS, charset-prefixed and byte-array fields).
 */

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

// PHP's tag_table_IFD names for the tags MediaWiki keeps (used for both IFD0 and EXIF sections).
const IFD_NAMES: Record<number, string> = {
  256: 'ImageWidth',
  257: 'ImageLength',
  258: 'BitsPerSample',
  259: 'Compression',
  262: 'PhotometricInterpretation',
  270: 'ImageDescription',
  271: 'Make',
  272: 'Model',
  273: 'StripOffsets',
  274: 'Orientation',
  277: 'SamplesPerPixel',
  278: 'RowsPerStrip',
  279: 'StripByteCounts',
  282: 'XResolution',
  283: 'YResolution',
  284: 'PlanarConfiguration',
  296: 'ResolutionUnit',
  301: 'TransferFunction',
  305: 'Software',
  306: 'DateTime',
  315: 'Artist',
  318: 'WhitePoint',
  319: 'PrimaryChromaticities',
  513: 'JPEGInterchangeFormat',
  514: 'JPEGInterchangeFormatLength',
  529: 'YCbCrCoefficients',
  530: 'YCbCrSubSampling',
  531: 'YCbCrPositioning',
  532: 'ReferenceBlackWhite',
  33422: 'CFAPattern',
  33432: 'Copyright',
  33434: 'ExposureTime',
  33437: 'FNumber',
  34850: 'ExposureProgram',
  34855: 'ISOSpeedRatings',
  34856: 'OECF',
  36864: 'ExifVersion',
  36867: 'DateTimeOriginal',
  36868: 'DateTimeDigitized',
  37121: 'ComponentsConfiguration',
  37122: 'CompressedBitsPerPixel',
  37377: 'ShutterSpeedValue',
  37378: 'ApertureValue',
  37379: 'BrightnessValue',
  37380: 'ExposureBiasValue',
  37381: 'MaxApertureValue',
  37382: 'SubjectDistance',
  37383: 'MeteringMode',
  37384: 'LightSource',
  37385: 'Flash',
  37386: 'FocalLength',
  37387: 'FlashEnergy',
  37388: 'SpatialFrequencyResponse',
  37390: 'FocalPlaneXResolution',
  37391: 'FocalPlaneYResolution',
  37392: 'FocalPlaneResolutionUnit',
  37396: 'SubjectLocation',
  37397: 'ExposureIndex',
  37399: 'SensingMethod',
  37500: 'MakerNote',
  37510: 'UserComment',
  37520: 'SubSecTime',
  37521: 'SubSecTimeOriginal',
  37522: 'SubSecTimeDigitized',
  40960: 'FlashPixVersion',
  40961: 'ColorSpace',
  40964: 'RelatedSoundFile',
  41483: 'FlashEnergy',
  41484: 'SpatialFrequencyResponse',
  41486: 'FocalPlaneXResolution',
  41487: 'FocalPlaneYResolution',
  41488: 'FocalPlaneResolutionUnit',
  41492: 'SubjectLocation',
  41493: 'ExposureIndex',
  41495: 'SensingMethod',
  41728: 'FileSource',
  41729: 'SceneType',
  41730: 'CFAPattern',
  41985: 'CustomRendered',
  41986: 'ExposureMode',
  41987: 'WhiteBalance',
  41988: 'DigitalZoomRatio',
  41989: 'FocalLengthIn35mmFilm',
  41990: 'SceneCaptureType',
  41991: 'GainControl',
  41992: 'Contrast',
  41993: 'Saturation',
  41994: 'Sharpness',
  41995: 'DeviceSettingDescription',
  41996: 'SubjectDistanceRange',
  42016: 'ImageUniqueID',
};

// PHP's tag_table_GPS (0x1B is "GPSProcessingMode" there, so MediaWiki never sees GPSProcessingMethod).
const GPS_NAMES = [
  'GPSVersion',
  'GPSLatitudeRef',
  'GPSLatitude',
  'GPSLongitudeRef',
  'GPSLongitude',
  'GPSAltitudeRef',
  'GPSAltitude',
  'GPSTimeStamp',
  'GPSSatellites',
  'GPSStatus',
  'GPSMeasureMode',
  'GPSDOP',
  'GPSSpeedRef',
  'GPSSpeed',
  'GPSTrackRef',
  'GPSTrack',
  'GPSImgDirectionRef',
  'GPSImgDirection',
  'GPSMapDatum',
  'GPSDestLatitudeRef',
  'GPSDestLatitude',
  'GPSDestLongitudeRef',
  'GPSDestLongitude',
  'GPSDestBearingRef',
  'GPSDestBearing',
  'GPSDestDistanceRef',
  'GPSDestDistance',
  'GPSProcessingMode',
  'GPSAreaInformation',
  'GPSDateStamp',
  'GPSDifferential',
];

// MediaWiki's Exif::$mExifTags: expected type and count per section.
const BYTE = 1;
const ASCII = 2;
const SHORT = 3;
const LONG = 4;
const RATIONAL = 5;
const SHORT_OR_LONG = 6;
const UNDEFINED = 7;
const SLONG = 9;
const SRATIONAL = 10;
const IGNORE = -1;
type TagType = number | [number, number];

const MW_TAGS: Record<keyof RawExif, Record<string, TagType>> = {
  IFD0: {
    ImageWidth: SHORT_OR_LONG,
    ImageLength: SHORT_OR_LONG,
    BitsPerSample: [SHORT, 3],
    Compression: SHORT,
    PhotometricInterpretation: SHORT,
    Orientation: SHORT,
    SamplesPerPixel: SHORT,
    PlanarConfiguration: SHORT,
    YCbCrSubSampling: [SHORT, 2],
    YCbCrPositioning: SHORT,
    XResolution: RATIONAL,
    YResolution: RATIONAL,
    ResolutionUnit: SHORT,
    StripOffsets: SHORT_OR_LONG,
    RowsPerStrip: SHORT_OR_LONG,
    StripByteCounts: SHORT_OR_LONG,
    JPEGInterchangeFormat: SHORT_OR_LONG,
    JPEGInterchangeFormatLength: SHORT_OR_LONG,
    TransferFunction: IGNORE,
    WhitePoint: [RATIONAL, 2],
    PrimaryChromaticities: [RATIONAL, 6],
    YCbCrCoefficients: [RATIONAL, 3],
    ReferenceBlackWhite: [RATIONAL, 6],
    DateTime: ASCII,
    ImageDescription: ASCII,
    Make: ASCII,
    Model: ASCII,
    Software: ASCII,
    Artist: ASCII,
    Copyright: ASCII,
  },
  EXIF: {
    ExifVersion: UNDEFINED,
    FlashPixVersion: UNDEFINED,
    ColorSpace: SHORT,
    ComponentsConfiguration: UNDEFINED,
    CompressedBitsPerPixel: RATIONAL,
    PixelYDimension: SHORT_OR_LONG,
    PixelXDimension: SHORT_OR_LONG,
    MakerNote: IGNORE,
    UserComment: UNDEFINED,
    RelatedSoundFile: ASCII,
    DateTimeOriginal: ASCII,
    DateTimeDigitized: ASCII,
    SubSecTime: ASCII,
    SubSecTimeOriginal: ASCII,
    SubSecTimeDigitized: ASCII,
    ExposureTime: RATIONAL,
    FNumber: RATIONAL,
    ExposureProgram: SHORT,
    SpectralSensitivity: ASCII,
    ISOSpeedRatings: SHORT,
    OECF: IGNORE,
    ShutterSpeedValue: SRATIONAL,
    ApertureValue: RATIONAL,
    BrightnessValue: SRATIONAL,
    ExposureBiasValue: SRATIONAL,
    MaxApertureValue: RATIONAL,
    SubjectDistance: RATIONAL,
    MeteringMode: SHORT,
    LightSource: SHORT,
    Flash: SHORT,
    FocalLength: RATIONAL,
    SubjectArea: [SHORT, 4],
    FlashEnergy: RATIONAL,
    SpatialFrequencyResponse: IGNORE,
    FocalPlaneXResolution: RATIONAL,
    FocalPlaneYResolution: RATIONAL,
    FocalPlaneResolutionUnit: SHORT,
    SubjectLocation: [SHORT, 2],
    ExposureIndex: RATIONAL,
    SensingMethod: SHORT,
    FileSource: UNDEFINED,
    SceneType: UNDEFINED,
    CFAPattern: IGNORE,
    CustomRendered: SHORT,
    ExposureMode: SHORT,
    WhiteBalance: SHORT,
    DigitalZoomRatio: RATIONAL,
    FocalLengthIn35mmFilm: SHORT,
    SceneCaptureType: SHORT,
    GainControl: SHORT,
    Contrast: SHORT,
    Saturation: SHORT,
    Sharpness: SHORT,
    DeviceSettingDescription: IGNORE,
    SubjectDistanceRange: SHORT,
    ImageUniqueID: ASCII,
  },
  GPS: {
    GPSVersion: UNDEFINED,
    GPSLatitudeRef: ASCII,
    GPSLatitude: [RATIONAL, 3],
    GPSLongitudeRef: ASCII,
    GPSLongitude: [RATIONAL, 3],
    GPSAltitudeRef: UNDEFINED,
    GPSAltitude: RATIONAL,
    GPSTimeStamp: [RATIONAL, 3],
    GPSSatellites: ASCII,
    GPSStatus: ASCII,
    GPSMeasureMode: ASCII,
    GPSDOP: RATIONAL,
    GPSSpeedRef: ASCII,
    GPSSpeed: RATIONAL,
    GPSTrackRef: ASCII,
    GPSTrack: RATIONAL,
    GPSImgDirectionRef: ASCII,
    GPSImgDirection: RATIONAL,
    GPSMapDatum: ASCII,
    GPSDestLatitudeRef: ASCII,
    GPSDestLatitude: [RATIONAL, 3],
    GPSDestLongitudeRef: ASCII,
    GPSDestLongitude: [RATIONAL, 3],
    GPSDestBearingRef: ASCII,
    GPSDestBearing: RATIONAL,
    GPSDestDistanceRef: ASCII,
    GPSDestDistance: RATIONAL,
    GPSProcessingMethod: UNDEFINED,
    GPSAreaInformation: UNDEFINED,
    GPSDateStamp: ASCII,
    GPSDifferential: SHORT,
  },
};

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
// Exif::validate()

/** PHP's numeric-string test (leading and trailing whitespace allowed). */
function numericString(s: string): number | null {
  if (!/^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$/.test(s)) return null;
  return Number(s.trim());
}

/** sprintf('%d', $in) == $in && $in >= 0 && $in <= $max. */
function isIntLike(v: number | Buffer, max: number): boolean {
  let n: number | null;
  if (typeof v === 'number') n = v;
  else n = numericString(v.toString('latin1'));
  return n !== null && Number.isInteger(n) && n >= 0 && n <= max;
}

function isAscii(v: number | Buffer): boolean {
  if (typeof v === 'number') return true;
  for (const c of v) if (c !== 0x0a && (c < 0x20 || c > 0x7e)) return false;
  return !/^\s*$/.test(v.toString('latin1'));
}

function isRational(v: number | Buffer, signed: boolean): boolean {
  if (typeof v === 'number') return false;
  const m = (signed ? /^(-?\d+)\/(\d+[1-9]|[1-9]\d*)$/ : /^(\d+)\/(\d+[1-9]|[1-9]\d*)$/).exec(
    v.toString('latin1'),
  );
  if (!m) return false;
  if (signed) return Math.abs(Number.parseInt(m[1]!, 10)) <= 4294967296;
  return isIntLike(Number(m[1]), 4294967296) && isIntLike(Number(m[2]), 4294967296);
}

function validate(type: TagType, val: RawValue, recursive = false): boolean {
  let etype: number;
  let ecount = 1;
  if (Array.isArray(type)) {
    [etype, ecount] = type;
    if (recursive) ecount = 1;
  } else {
    etype = type;
  }
  if (Array.isArray(val)) {
    if (val.length !== ecount) return false;
    if (val.length > 1) return val.every((v) => validate(etype, v, true));
  }
  if (val === null) return true;
  const one = Array.isArray(val) ? val[0]! : val;
  switch (etype) {
    case BYTE:
      return isIntLike(one, 255);
    case ASCII:
      return isAscii(one);
    case SHORT:
      return isIntLike(one, 65536);
    case LONG:
      return isIntLike(one, 4294967296);
    case RATIONAL:
      return isRational(one, false);
    case SHORT_OR_LONG:
      return isIntLike(one, 65536) || isIntLike(one, 4294967296);
    case UNDEFINED:
      return true;
    case SLONG:
      return typeof one === 'number' ? Math.abs(one) <= 4294967296 : isIntLike(one, 4294967296);
    case SRATIONAL:
      return isRational(one, true);
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Exif::makeFilteredData() + collapseData()

type Filtered = Map<string, RawValue | number | string | PhpArray>;

const bytesOf = (v: unknown): Buffer =>
  Buffer.isBuffer(v) ? v : typeof v === 'number' ? Buffer.from(String(v), 'latin1') : Buffer.alloc(0);

function ratio(r: Buffer | number): number {
  const [num = '', den = ''] = bytesOf(r).toString('latin1').split('/', 2);
  return Math.trunc(Number.parseInt(num, 10) || 0) / Math.trunc(Number.parseInt(den, 10) || 0);
}

/**
 * MediaWiki's Exif::getFilteredData() for the raw sections: only whitelisted, valid tags, with GPS
 * coordinates as numbers, charset-prefixed comments decoded, and byte fields expanded.
 * `byteOrder` is the order of the Exif block ('LE'/'BE'); it matters for UTF-16 comments and
 * (in MediaWiki's peculiar way) for GPSVersionID.
 */
export function filterExif(raw: RawExif, byteOrder: 'LE' | 'BE'): PhpArray {
  const d: Filtered = new Map();
  for (const section of ['IFD0', 'EXIF', 'GPS'] as const) {
    for (const [tag, value] of raw[section]) {
      const type = MW_TAGS[section][tag];
      if (type === undefined) continue;
      if (validate(type, value)) d.set(tag, value);
    }
  }

  const gpsToNumber = (prop: string) => {
    const loc = d.get(prop);
    const dirV = d.get(`${prop}Ref`);
    const dir = Buffer.isBuffer(dirV) ? dirV.toString('latin1') : null;
    let res: number | false = false;
    if (loc !== undefined && loc !== null && dir !== null && ['N', 'S', 'E', 'W'].includes(dir)) {
      if (Array.isArray(loc) && loc.length === 3) {
        res = ratio(loc[0]!);
        res += ratio(loc[1]!) * (1 / 60);
        res += ratio(loc[2]!) * (1 / 3600);
      } else if (Buffer.isBuffer(loc)) {
        res = ratio(loc);
      }
      if (res && (dir === 'S' || dir === 'W')) res *= -1;
    }
    if (res !== false) d.set(prop, res);
    else d.delete(prop);
    d.delete(`${prop}Ref`);
  };
  gpsToNumber('GPSLatitude');
  gpsToNumber('GPSDestLatitude');
  gpsToNumber('GPSLongitude');
  gpsToNumber('GPSDestLongitude');

  const alt = d.get('GPSAltitude');
  if (alt !== undefined && alt !== null) {
    let a = ratio(alt as Buffer);
    d.set('GPSAltitude', a);
    const ref = d.get('GPSAltitudeRef');
    if (ref !== undefined && ref !== null) {
      const r = Buffer.isBuffer(ref) ? ref.toString('latin1') : null;
      if (r === '\x01') {
        a *= -1;
        d.set('GPSAltitude', a);
      } else if (r !== '\x00') {
        d.delete('GPSAltitude');
      }
    }
  }
  d.delete('GPSAltitudeRef');

  for (const prop of ['FileSource', 'SceneType']) {
    const v = d.get(prop);
    if (v !== undefined && v !== null) d.set(prop, bytesOf(v)[0] ?? 0);
  }

  for (const prop of ['UserComment', 'GPSProcessingMethod', 'GPSAreaInformation']) {
    const v = d.get(prop);
    if (v === undefined || v === null) continue;
    const b = bytesOf(v);
    if (b.length <= 8) {
      d.delete(prop);
      continue;
    }
    const code = b.subarray(0, 8).toString('latin1');
    const rest = b.subarray(8);
    let text: string;
    if (code === 'JIS\0\0\0\0\0') text = new TextDecoder('shift_jis').decode(rest);
    else if (code === 'UNICODE\0')
      text = new TextDecoder(byteOrder === 'LE' ? 'utf-16le' : 'utf-16be').decode(rest);
    else text = isCleanUtf8(rest) ? utf8(rest) : (windows1252(rest, true) as string);
    text = phpTrim(text);
    if (text.length === 0) d.delete(prop);
    else d.set(prop, text);
  }

  const cc = d.get('ComponentsConfiguration');
  if (cc !== undefined && cc !== null) {
    const arr: PhpArray = phpList([...bytesOf(cc)]);
    arr.set('_type', 'ol');
    d.set('ComponentsConfiguration', arr);
  }

  const gv = d.get('GPSVersion');
  if (gv !== undefined && gv !== null) {
    const s = [...bytesOf(gv)].join('.');
    d.set('GPSVersionID', byteOrder === 'LE' ? [...s].reverse().join('') : s);
    d.delete('GPSVersion');
  }

  const result: PhpArray = new Map();
  for (const [k, v] of d) result.set(k, toPhp(v));
  return result;
}

function toPhp(v: RawValue | number | string | PhpArray): PhpValue {
  if (v instanceof Map) return v;
  if (Buffer.isBuffer(v)) return utf8(v);
  if (Array.isArray(v)) return phpList(v.map((x) => (Buffer.isBuffer(x) ? utf8(x) : x)));
  return v;
}

/** MediaWiki's Exif::version(). */
export const EXIF_VERSION = 2;

/** An empty filtered result as PHP array (for callers that need one). */
export const noExif = (): PhpArray => php();
