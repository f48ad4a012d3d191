/** imageinfo's metadata, commonmetadata and extmetadata of a file version or stashed upload. */
import { VISIBLE_FIELDS } from '../media/extmetadata.js';
import { commonMetadata, isHandlerMetadata, type MetadataItem, metadataForVersion } from '../media/props.js';

/** imageinfo `metadata`: the handler's array in the requested version; null when there is none. */
export function metadataArray(meta: unknown, version = 'latest'): MetadataItem[] | null {
  let items: MetadataItem[] | null = null;
  if (isHandlerMetadata(meta)) items = metadataForVersion(meta, version);
  else if (Array.isArray(meta)) items = meta as MetadataItem[];
  return items?.length ? items : null;
}

/** imageinfo `commonmetadata`. */
export function commonMetadataArray(meta: unknown): MetadataItem[] {
  return isHandlerMetadata(meta) ? commonMetadata(meta) : [];
}

function extValue(v: MetadataItem['value']): string {
  if (Array.isArray(v)) {
    const def = v.find((i) => i.name === 'x-default') ?? v.find((i) => i.name !== '_type');
    if (v.some((i) => i.name === '_type' && i.value === 'lang')) return def ? extValue(def.value) : '';
    return v
      .filter((i) => i.name !== '_type')
      .map((i) => extValue(i.value))
      .join(', ');
  }
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? '1' : '';
  return String(v);
}

/** imageinfo `extmetadata` (FormatMetadata::fetchExtendedMetadata, values unformatted). */
export function extMetadata(
  s: { titleText: string; timestamp: string },
  common: MetadataItem[],
  filter?: readonly string[],
) {
  const text = s.titleText.slice('File:'.length);
  const dot = text.lastIndexOf('.');
  const out: Record<string, { value: string; source: string; hidden?: string }> = {
    DateTime: { value: s.timestamp, source: 'mediawiki-metadata' },
    ObjectName: { value: dot > 0 ? text.slice(0, dot) : text, source: 'mediawiki-metadata' },
  };
  for (const item of common) {
    if (typeof item.name !== 'string' || !/^[A-Za-z]/.test(item.name)) continue;
    out[item.name] = { value: extValue(item.value), source: 'file-metadata' };
  }
  for (const [k, v] of Object.entries(out)) if (!VISIBLE_FIELDS.has(k.toLowerCase())) v.hidden = '';
  if (filter?.length) for (const k of Object.keys(out)) if (!filter.includes(k)) delete out[k];
  return out;
}
