import type { Readable } from 'node:stream';

/**
 * The bytes of a file, as the media layer reads them. Only `size`, `head` and `open` are required;
 * the optional members let a storage backend avoid re-reading bytes it can seek to or already has
 * on a local disk.
 */
export interface MediaSource {
  /** Size of the whole file in bytes. */
  size: number;
  /** The first min(size, 1 MiB) bytes. */
  head: Buffer;
  /** A stream of the whole file; may be called more than once. */
  open(): Readable;
  /** A stream of the file starting at byte `offset` (optional; avoids reading and discarding). */
  openFrom?(offset: number): Readable;
  /** A local filesystem path of the file (optional; lets the image library read it directly). */
  path?: string;
}

/** A scalar that can appear in MediaWiki's metadata arrays. */
export type MetadataScalar = string | number | boolean | null;

/**
 * One entry of MediaWiki's imageinfo `metadata`/`commonmetadata` arrays: a PHP array key and its
 * value. Nested PHP arrays become nested lists of items (ApiQueryImageInfo::processMetaData), so
 * the order of items is the order of the PHP array. List keys are numbers (`{"name":0,…}`).
 */
export interface MetadataItem {
  name: string | number;
  value: MetadataScalar | MetadataItem[];
}

/**
 * What a media handler stores for a file version (MediaWiki's img_metadata plus the handler
 * name). Everything the API shows about the file's content can be recomputed from it.
 */
export interface HandlerMetadata {
  /** The handler that produced the metadata: png, gif, jpeg, tiff, webp, bmp, svg or none. */
  handler: HandlerName;
  /** The metadata array in its latest version, as `metadata` prints it. */
  metadata: MetadataItem[];
}

export type HandlerName = 'png' | 'gif' | 'jpeg' | 'tiff' | 'webp' | 'bmp' | 'svg' | 'none';

/** What MediaWiki's media handler computes for a file (MWFileProps + handler metadata). */
export interface MediaProps {
  width: number;
  height: number;
  /** img_bits: PNG bit depth, JPEG sample precision, GIF bits per pixel of the last frame, else 0. */
  bitdepth: number;
  /** Page count of multi-page formats (none of the core handlers here are paged). */
  pagecount?: number;
  /** Play length in seconds (animated GIF/PNG), present only when non-zero, as imageinfo shows it. */
  duration?: number;
  /** imageinfo `metadata` (latest version, as the upload answer shows it). */
  metadata: MetadataItem[];
  /** imageinfo `commonmetadata`. */
  commonmetadata: MetadataItem[];
  /** What to store with the file version to recompute the above without the file. */
  handlerMetadata: HandlerMetadata;
}
