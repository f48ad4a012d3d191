/**
 * MediaWiki timestamps: the 14-digit form the database uses (TS_MW, `20261125040930`, UTC) and the
 * ISO 8601 form the API prints (TS_ISO_8601, `2026-11-25T04:09:30Z`).
 */

const TS14 = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Whether `s` is a 14-digit MediaWiki timestamp. */
export function isMwTimestamp(s: string): boolean {
  return TS14.test(s);
}

function fromDate(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new RangeError('Invalid date');
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    p(d.getUTCFullYear(), 4) +
    p(d.getUTCMonth() + 1) +
    p(d.getUTCDate()) +
    p(d.getUTCHours()) +
    p(d.getUTCMinutes()) +
    p(d.getUTCSeconds())
  );
}

/**
 * A 14-digit timestamp from an ISO 8601 string (fractions dropped, offsets applied, no offset = UTC),
 * a 14-digit string (returned as is), a Date, or milliseconds since the epoch.
 */
export function toMwTimestamp(input: string | Date | number): string {
  if (input instanceof Date) return fromDate(input);
  if (typeof input === 'number') return fromDate(new Date(Math.floor(input / 1000) * 1000));
  if (TS14.test(input)) return input;
  const m = ISO.exec(input);
  if (!m) throw new RangeError(`Not a timestamp: ${input}`);
  const [, y, mo, d, h, mi, s, zone] = m;
  if (!zone || zone === 'Z') return `${y}${mo}${d}${h}${mi}${s}`;
  return fromDate(
    new Date(
      `${y}-${mo}-${d}T${h}:${mi}:${s}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`,
    ),
  );
}

/** The ISO 8601 form (`2026-11-25T04:09:30Z`) of a 14-digit timestamp, ISO string, Date or epoch milliseconds. */
export function toIsoTimestamp(input: string | Date | number): string {
  const m = TS14.exec(toMwTimestamp(input))!;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
}

/** Milliseconds since the epoch of a 14-digit timestamp. */
export function mwTimestampToMillis(ts14: string): number {
  const m = TS14.exec(ts14);
  if (!m) throw new RangeError(`Not a 14-digit timestamp: ${ts14}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** The current time as a 14-digit timestamp (whole seconds). */
export function mwTimestampNow(nowMs: number = Date.now()): string {
  return toMwTimestamp(nowMs);
}

/** The ISO 8601 form of now (or of `ms`), whole seconds: what the database stores and the API prints. */
export function isoNow(ms = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The ISO timestamp `s` seconds after `iso` (archive names must not collide). */
export function plusSeconds(iso: string, s: number): string {
  return isoNow(Date.parse(iso) + s * 1000);
}

/** English month names, as MediaWiki writes dates (`12:34, 5 May 2026`). */
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;
