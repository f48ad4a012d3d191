import { MwError } from '../errors.js';

const INFINITE = new Set(['infinite', 'indefinite', 'infinity', 'never', '']);
const UNIT_SECONDS: Record<string, number> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86400,
  week: 604800,
  month: 2592000,
  year: 31536000,
};

/**
 * An expiry parameter (MediaWiki's ExpiryDef): relative (`1 month`), absolute, or infinite (null).
 * Returns an ISO 8601 timestamp; refuses what cannot be read (`badexpiry`) and the past
 * (`badexpiry-past`).
 */
export function parseExpiry(name: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  const t = value.trim().toLowerCase();
  if (INFINITE.has(t)) return null;
  const rel = /^(\d+)\s*(second|minute|hour|day|week|month|year)s?$/.exec(t);
  const ms = rel ? Date.now() + Number(rel[1]) * UNIT_SECONDS[rel[2]!]! * 1000 : Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new MwError('badexpiry', `Invalid value "${value}" for expiry parameter "${name}".`);
  }
  if (ms <= Date.now()) {
    throw new MwError('badexpiry-past', `Value "${value}" for expiry parameter "${name}" is in the past.`);
  }
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
