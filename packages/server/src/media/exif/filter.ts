/** MediaWiki's Exif::validate(), makeFilteredData() and collapseData() over the raw sections. */
import { type PhpArray, type PhpValue, phpList } from '../items.js';
import { isCleanUtf8, phpTrim, utf8, windows1252 } from '../php.js';
import type { RawExif, RawValue } from './read.js';
import {
  ASCII,
  BYTE,
  LONG,
  MW_TAGS,
  RATIONAL,
  SHORT,
  SHORT_OR_LONG,
  SLONG,
  SRATIONAL,
  type TagType,
  UNDEFINED,
} from './tags.js';

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
