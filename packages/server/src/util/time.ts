/** ISO 8601 timestamp with second precision, as the API prints them: 2026-11-25T04:09:30Z */
export function isoNow(ms = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** 14-digit MediaWiki timestamp (YYYYMMDDHHMMSS) of an ISO timestamp. */
export function mwTimestamp(iso: string): string {
  return iso.replace(/[-:TZ]/g, '').slice(0, 14);
}

/** ISO timestamp one second later (for archive names that must not collide). */
export function plusSeconds(iso: string, s: number): string {
  return isoNow(Date.parse(iso) + s * 1000);
}
