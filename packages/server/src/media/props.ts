import { bmpHandler } from './bmp.js';
import { gifHandler } from './gif.js';
import type { HandlerResult } from './handler.js';
import { fromItems, type PhpArray, type PhpValue, toItems } from './items.js';
import { jpegHandler } from './jpeg.js';
import { phpFloatval } from './php.js';
import { pngHandler } from './png.js';
import { svgHandler } from './svg/index.js';
import { tiffHandler } from './tiff.js';
import type { HandlerMetadata, HandlerName, MediaProps, MediaSource, MetadataItem } from './types.js';
import { webpHandler } from './webp.js';

export type { HandlerMetadata, HandlerName, MediaProps, MediaSource, MetadataItem } from './types.js';

/** MediaWiki's core handler map (MediaHandlerFactory), plus image/bmp for detectors that use it. */
const HANDLERS: Record<string, HandlerName> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/tiff': 'tiff',
  'image/webp': 'webp',
  'image/x-ms-bmp': 'bmp',
  'image/x-bmp': 'bmp',
  'image/bmp': 'bmp',
  'image/svg+xml': 'svg',
  'image/svg': 'svg',
};

/** The media handler MediaWiki uses for a MIME type ('none' if it has none). */
export function handlerFor(mime: string): HandlerName {
  return HANDLERS[mime.toLowerCase()] ?? 'none';
}

export interface MediaPropsOptions {
  /**
   * Report JPEG/TIFF width and height after EXIF rotation (orientations 6 and 8 swap them), as
   * MediaWiki does when it has a scaler that can rotate. Default true, matching the thumbnails
   * renderThumbnail() makes; false reproduces a wiki without any image scaler.
   */
  autoRotate?: boolean;
}

/**
 * What MediaWiki's media handler for `mime` computes for a file: size, bit depth, duration and the
 * imageinfo metadata arrays. Dimensions come from headers; PNG and GIF files are walked chunk by
 * chunk to their end (as MediaWiki does) with bounded memory; nothing is decoded.
 */
export async function mediaProps(
  src: MediaSource,
  mime: string,
  opts: MediaPropsOptions = {},
): Promise<MediaProps> {
  const handler = handlerFor(mime);
  let r: HandlerResult;
  switch (handler) {
    case 'png':
      r = await pngHandler(src);
      break;
    case 'gif':
      r = await gifHandler(src);
      break;
    case 'jpeg':
      r = await jpegHandler(src, opts);
      break;
    case 'tiff':
      r = await tiffHandler(src, opts);
      break;
    case 'webp':
      r = await webpHandler(src);
      break;
    case 'bmp':
      r = bmpHandler(src);
      break;
    case 'svg':
      r = svgHandler(src);
      break;
    default:
      r = { width: 0, height: 0, bits: 0, metadata: new Map() };
  }
  const handlerMetadata: HandlerMetadata = { handler, metadata: toItems(r.metadata) };
  const props: MediaProps = {
    width: r.width,
    height: r.height,
    bitdepth: r.bits,
    metadata: handlerMetadata.metadata,
    commonmetadata: commonMetadata(handlerMetadata),
    handlerMetadata,
  };
  const duration = mediaDuration(handlerMetadata);
  if (duration) props.duration = duration;
  return props;
}

/** True for a stored value that looks like HandlerMetadata. */
export function isHandlerMetadata(v: unknown): v is HandlerMetadata {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as HandlerMetadata).handler === 'string' &&
    Array.isArray((v as HandlerMetadata).metadata)
  );
}

/**
 * imageinfo `metadata` for a stored file: `version` is the metadataversion parameter ('latest' in
 * the upload answer; prop=imageinfo defaults to '1', which flattens Exif arrays and reports
 * MEDIAWIKI_EXIF_VERSION 1 for JPEG/TIFF). An empty list prints as `"metadata": null` in MediaWiki.
 */
export function metadataForVersion(hm: HandlerMetadata, version: string | number = 'latest'): MetadataItem[] {
  if (hm.handler !== 'jpeg' && hm.handler !== 'tiff') return hm.metadata;
  const v =
    typeof version === 'number'
      ? Math.trunc(version)
      : Math.trunc(phpFloatval(String(version).split(';', 1)[0]!));
  if (v !== 1) return hm.metadata;
  const meta = fromItems(hm.metadata);
  const ver = meta.get('MEDIAWIKI_EXIF_VERSION');
  if (ver !== 2 && ver !== '2') return hm.metadata;
  for (const [k, val] of meta) if (val instanceof Map) meta.set(k, flattenArray(val));
  meta.set('MEDIAWIKI_EXIF_VERSION', 1);
  return toItems(meta);
}

/** PHP's string conversion of a scalar (implode()). */
function phpString(v: PhpValue): string {
  if (v instanceof Map) return 'Array';
  if (v === true) return '1';
  if (v === false || v === null) return '';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NAN' : v > 0 ? 'INF' : '-INF';
    const s = v.toPrecision(14).replace(/\.?0+(e|$)/, '$1');
    return s.includes('e') ? s.replace(/e([+-])(\d)$/, 'E$10$2').replace('e', 'E') : s;
  }
  return v;
}

/** FormatMetadata::flattenArrayReal( $vals, 'ul', true ) for list-like values. */
function flattenArray(vals: PhpArray): PhpValue {
  const a: PhpArray = new Map(vals);
  let type = 'ul';
  if (a.has('_type')) {
    type = phpString(a.get('_type')!);
    a.delete('_type');
  }
  if (a.size === 1 && type !== 'lang' && a.has(0) && a.get(0) !== null) return a.get(0)!;
  if (a.size === 0) return '';
  const items = [...a.values()].map(phpString);
  if (type === 'ol') return `\n#${items.join('\n#')}`;
  return `\n*${items.join('\n*')}`;
}

/** imageinfo `commonmetadata` (the handler's getCommonMetaArray()). */
export function commonMetadata(hm: HandlerMetadata): MetadataItem[] {
  const meta = fromItems(hm.metadata);
  switch (hm.handler) {
    case 'png':
    case 'gif': {
      const inner = meta.get('metadata');
      if (!(inner instanceof Map)) return [];
      const out: PhpArray = new Map(inner);
      out.delete(hm.handler === 'png' ? '_MW_PNG_VERSION' : '_MW_GIF_VERSION');
      return toItems(out);
    }
    case 'jpeg':
    case 'tiff': {
      if (meta.size === 0) return [];
      meta.delete('MEDIAWIKI_EXIF_VERSION');
      return toItems(meta);
    }
    case 'svg': {
      if (meta.get('version') !== 2 || meta.has('error')) return [];
      const out: PhpArray = new Map();
      for (const [name, v] of meta) {
        const tag = String(name).toLowerCase();
        if (tag === 'description') out.set('ImageDescription', v);
        else if (tag === 'title') out.set('ObjectName', v);
      }
      return toItems(out);
    }
    default:
      return [];
  }
}

/** The handler's getLength(): the play time of animated PNG/GIF, else 0. */
export function mediaDuration(hm: HandlerMetadata): number {
  if (hm.handler !== 'png' && hm.handler !== 'gif') return 0;
  const d = hm.metadata.find((i) => i.name === 'duration')?.value;
  return typeof d === 'number' && d ? d : 0;
}

/** Number of frames of an animated GIF/PNG (0 or 1 for still images). */
export function frameCount(hm: HandlerMetadata): number {
  const f = hm.metadata.find((i) => i.name === 'frameCount')?.value;
  return typeof f === 'number' ? f : 0;
}

/** A metadata value by name (top level). */
export function metadataValue(hm: HandlerMetadata, name: string): MetadataItem['value'] | undefined {
  return hm.metadata.find((i) => i.name === name)?.value;
}
