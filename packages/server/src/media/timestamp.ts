/**
 * wfTimestamp( TS_EXIF, $input ) for the date strings found in image metadata: recognises the
 * input formats of MediaWiki's ConvertibleTimestamp and renders "YYYY:MM:DD HH:MM:SS" (UTC), or
 * false. Out-of-range fields roll over the way PHP's DateTime::createFromFormat() does, and a
 * day-of-week name moves the date forward to that weekday, as PHP does.
 */

interface Parts {
  Y?: number;
  y?: number;
  m?: number;
  M?: string;
  d?: number;
  D?: string;
  H?: number;
  i?: number;
  s?: number;
  U?: number;
  O?: string;
}

const FORMATS: Array<{ name: string; re: RegExp }> = [
  { name: 'TS_MW', re: /^(?<Y>\d{4})(?<m>\d\d)(?<d>\d\d)(?<H>\d\d)(?<i>\d\d)(?<s>\d\d)$/ },
  {
    name: 'TS_ISO_8601',
    re: /^(?<Y>\d{4})-(?<m>\d{2})-(?<d>\d{2})[T ](?<H>\d{2}):(?<i>\d{2}):(?<s>\d{2})(?:[.,]\d{1,6})?(?<O>Z|[+-]\d{2}(?::?\d{2})?)?\n?$/,
  },
  {
    name: 'TS_ISO_8601_BASIC',
    re: /^(?<Y>\d{4})(?<m>\d{2})(?<d>\d{2})T(?<H>\d{2})(?<i>\d{2})(?<s>\d{2})(?:[.,]\d{1,6})?(?<O>Z|[+-]\d{2}(?::?\d{2})?)?\n?$/,
  },
  { name: 'TS_UNIX', re: /^(?<U>-?\d{1,13})$/ },
  { name: 'TS_UNIX_MICRO', re: /^(?<U>-?\d{1,13})\.\d{1,6}$/ },
  {
    name: 'TS_ORACLE',
    re: /^(?<d>\d{2})-(?<m>\d{2})-(?<Y>\d{4}) (?<H>\d{2}):(?<i>\d{2}):(?<s>\d{2})\.\d{6}\n?$/,
  },
  {
    name: 'TS_POSTGRES',
    re: /^(?<Y>\d{4})-(?<m>\d\d)-(?<d>\d\d) (?<H>\d\d):(?<i>\d\d):(?<s>\d\d)(?:\.\d{1,6})?(?<O>[+\- ]\d\d)\n?$/,
  },
  {
    name: 'old TS_POSTGRES',
    re: /^(?<Y>\d{4})-(?<m>\d\d)-(?<d>\d\d) (?<H>\d\d):(?<i>\d\d):(?<s>\d\d)(?:\.\d{1,6})? GMT\n?$/,
  },
  { name: 'TS_EXIF', re: /^(?<Y>\d{4}):(?<m>\d\d):(?<d>\d\d) (?<H>\d\d):(?<i>\d\d):(?<s>\d\d)$/ },
  {
    name: 'TS_RFC2822',
    re: /^[ \t\r\n]*(?:(?<D>[A-Z][a-z]{2}),[ \t\r\n]*)?(?<d>\d\d?)[ \t\r\n]+(?<M>[A-Z][a-z]{2})[ \t\r\n]+(?<Y>\d{2,})[ \t\r\n]+(?<H>\d\d)[ \t\r\n]*:[ \t\r\n]*(?<i>\d\d)[ \t\r\n]*:[ \t\r\n]*(?<s>\d\d)(?:[ \t\r\n]+(?<O>[+-]\d{4}|UT|GMT|[ECMP][SD]T|[A-IK-Za-ik-z]))?(?:[ \t\r\n]*;|$)/,
  },
  {
    name: 'TS_RFC850',
    re: /^(?<D>[A-Z][a-z]{5,8}), (?<d>\d\d)-(?<M>[A-Z][a-z]{2})-(?<y>\d{2}) (?<H>\d\d):(?<i>\d\d):(?<s>\d\d)(?: (?<O>[+-]\d{2}(?::?\d{2})?|[A-Z]{1,5}))?\n?$/,
  },
  {
    name: 'asctime',
    re: /^(?<D>[A-Z][a-z]{2}) (?<M>[A-Z][a-z]{2}) +(?<d>\d{1,2}) (?<H>\d\d):(?<i>\d\d):(?<s>\d\d) (?<Y>\d{4})\s*$/,
  },
];

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FULL_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const ZONES: Record<string, number> = {
  z: 0,
  utc: 0,
  gmt: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};

/** Offset in minutes east of UTC, or null if PHP would not understand the zone. */
function zoneOffset(o: string): number | null {
  const m = /^([+-])(\d\d)(?::?(\d\d))?$/.exec(o);
  if (m) {
    const v = Number(m[2]) * 60 + Number(m[3] ?? 0);
    return m[1] === '-' ? -v : v;
  }
  const z = ZONES[o.toLowerCase()];
  return z === undefined ? null : z;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** Format a UTC millisecond time as TS_EXIF. */
export function formatExif(ms: number): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const ys = y < 0 ? `-${String(-y).padStart(4, '0')}` : String(y).padStart(4, '0');
  return `${ys}:${two(d.getUTCMonth() + 1)}:${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

function utcMs(Y: number, m: number, d: number, H: number, i: number, s: number): number {
  const date = new Date(0);
  date.setUTCFullYear(Y, m - 1, d);
  date.setUTCHours(H, i, s, 0);
  return date.getTime();
}

/** wfTimestamp( TS_EXIF, $ts ): the EXIF form of a date string, or false if it is not one. */
export function toExifTimestamp(ts: string, nowYear = new Date().getUTCFullYear()): string | false {
  if (!ts || ts === '0') return false;
  for (const { name, re } of FORMATS) {
    const g = re.exec(ts)?.groups;
    if (!g) continue;
    const p: Parts = {};
    for (const [k, v] of Object.entries(g)) {
      if (v === undefined || v === '') continue;
      if (k === 'M' || k === 'D' || k === 'O') p[k] = v;
      else p[k as 'Y'] = Number(v);
    }
    if (p.y !== undefined) {
      const pivot = nowYear + 50;
      let Y = pivot - (pivot % 100) + p.y;
      if (Y > pivot) Y -= 100;
      p.Y = Y;
    }
    if (name === 'TS_RFC2822') {
      if (p.Y !== undefined && p.Y < 1000) p.Y += p.Y < 50 ? 2000 : 1900;
      if (p.O === 'UT') p.O = 'UTC';
      if (p.O !== undefined && p.O.length === 1) p.O = '+0000';
    }
    if (name === 'TS_POSTGRES' && p.O?.startsWith(' ')) p.O = `+${p.O.slice(1)}`;
    return build(p);
  }
  return false;
}

function build(p: Parts): string | false {
  if (p.U !== undefined) return formatExif(p.U * 1000);
  if (p.Y === undefined || p.Y > 9999) return false;
  let month = p.m ?? 1;
  if (p.M !== undefined) {
    const idx = MONTHS.indexOf(p.M.toLowerCase());
    if (idx < 0) return false;
    month = idx + 1;
  }
  let ms = utcMs(p.Y, month, p.d ?? 1, p.H ?? 0, p.i ?? 0, p.s ?? 0);
  if (p.D !== undefined) {
    const dl = p.D.toLowerCase();
    let want = DAYS.indexOf(dl);
    if (want < 0) want = FULL_DAYS.indexOf(dl);
    if (want < 0) return false;
    const have = new Date(ms).getUTCDay();
    ms += ((want - have + 7) % 7) * 86400000;
  }
  if (p.O !== undefined) {
    const off = zoneOffset(p.O);
    if (off === null) return false;
    ms -= off * 60000;
  }
  return formatExif(ms);
}
