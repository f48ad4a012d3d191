/** One field of imageinfo `extmetadata`. */
export interface ExtMetadataField {
  value: string;
  source: string;
  /** Present (as '') for fields not in MediaWiki's visible-fields list (message "metadata-fields"). */
  hidden?: '';
}

export interface ExtMetadataInput {
  /** The file version's timestamp: ISO 8601 (2026-11-25T04:05:06Z) or 14-digit MediaWiki form. */
  timestamp: string;
  /**
   * The file's title text without namespace, with spaces ("My file.png"); for stashed files
   * MediaWiki uses "<YYYYMMDDHHMMSS>!<temporary name>". Omit when there is no title.
   */
  objectName?: string | null;
}

/** Fields shown when the metadata table is collapsed (en "metadata-fields"); all others are hidden. */
export const VISIBLE_FIELDS: ReadonlySet<string> = new Set([
  'make',
  'model',
  'datetimeoriginal',
  'exposuretime',
  'fnumber',
  'isospeedratings',
  'focallength',
  'artist',
  'copyright',
  'imagedescription',
  'gpslatitude',
  'gpslongitude',
  'gpsaltitude',
]);

function isoTimestamp(ts: string): string {
  const mw = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/.exec(ts);
  if (mw) return `${mw[1]}-${mw[2]}-${mw[3]}T${mw[4]}:${mw[5]}:${mw[6]}Z`;
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * imageinfo `extmetadata` as MediaWiki 1.39 core builds it (FormatMetadata::fetchExtendedMetadata
 * without extensions): DateTime (the version's timestamp) and ObjectName (the title without its
 * extension), both from `mediawiki-metadata` and hidden. Embedded metadata is not merged into
 * extmetadata by core (that is the CommonsMetadata extension's job).
 */
export function formatExtMetadata(input: ExtMetadataInput): Record<string, ExtMetadataField> {
  const out: Record<string, ExtMetadataField> = {
    DateTime: { value: isoTimestamp(input.timestamp), source: 'mediawiki-metadata' },
  };
  if (input.objectName !== undefined && input.objectName !== null) {
    const text = input.objectName;
    const pos = text.lastIndexOf('.');
    out.ObjectName = { value: pos > 0 ? text.slice(0, pos) : text, source: 'mediawiki-metadata' };
  }
  for (const [key, field] of Object.entries(out)) {
    if (!VISIBLE_FIELDS.has(key.toLowerCase())) field.hidden = '';
  }
  return out;
}
