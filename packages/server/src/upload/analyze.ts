/**
 * What the upload pipeline asks about a file and its name, wired to the building blocks: file
 * names (src/title), MIME detection (src/mime), content verification (./verify) and media
 * properties (src/media). Only configuration is mapped here; the rules live in those modules.
 */
import type { Readable } from 'node:stream';
import type { Config } from '../config.js';
import type { FileProps } from '../files/types.js';
import { mediaProps as handlerProps } from '../media/props.js';
import { canonicalExtensionForMime, guessMime } from '../mime/index.js';
import { type UploadNameOptions, uploadTitle } from '../title/upload-name.js';
import { DEFAULT_VERIFY_OPTIONS, type VerifyOptions, type VerifyResult, verifyFile } from './verify/index.js';

/** The bytes of an upload, as the analysis steps see them. */
export interface ContentSource {
  size: number;
  /** The first bytes (up to 1 MiB). */
  head: Buffer;
  /** The last bytes (up to 65558), when known: spares a read of the whole file for ZIP detection. */
  tail?: Buffer;
  open(): Readable;
  /** The content from a byte offset on (lets parsers skip large parts without reading them). */
  openFrom?(offset: number): Readable;
}

export interface NameCheck {
  /** DB key of the target (`A_b.png`). */
  dbKey: string;
  /** Final extension as typed (`PNG`). */
  finalExt: string;
  /** Name warnings: badfilename, filetype-unwanted-type. */
  warnings: Record<string, unknown>;
}

export function nameOptions(cfg: Config): UploadNameOptions {
  const up = cfg.uploads;
  return {
    fileExtensions: up.fileExtensions.map((e) => e.toLowerCase()),
    prohibitedExtensions: up.prohibitedExtensions.map((e) => e.toLowerCase()),
    checkFileExtensions: up.checkFileExtensions,
    strictFileExtensions: up.strictFileExtensions,
    illegalFileChars: up.illegalFileChars,
    canonicalExtensionForMime,
  };
}

export function verifyOptions(cfg: Config): VerifyOptions {
  const up = cfg.uploads;
  return {
    ...DEFAULT_VERIFY_OPTIONS,
    verifyMimeType: up.verifyMimeType,
    verifyMimeTypeIE: up.verifyMimeTypeIE,
    disableScriptChecks: up.disableScriptChecks,
    mimeTypeExclusions: up.mimeTypeExclusions.length
      ? up.mimeTypeExclusions.map((m) => m.toLowerCase())
      : DEFAULT_VERIFY_OPTIONS.mimeTypeExclusions,
  };
}

/** Upload file name → title (MediaWiki's UploadBase::getTitle). Throws the name errors. */
export async function checkName(
  desired: string,
  cfg: Config,
  mime: () => Promise<string>,
): Promise<NameCheck> {
  const r = await uploadTitle(desired, nameOptions(cfg), mime);
  return { dbKey: r.title.dbKey, finalExt: r.finalExtension, warnings: { ...r.warnings } };
}

/** MIME type of the content alone (what MediaWiki uses to give an extension-less name one). */
export function detectMime(src: ContentSource): Promise<string> {
  return guessMime(src.head, { size: src.size, ...(src.tail ? { tail: src.tail } : {}) });
}

/** Content checks (MediaWiki's verifyFile / verifyPartialFile). */
export function verifyContent(
  src: ContentSource,
  finalExt: string | null,
  cfg: Config,
  partial = false,
): Promise<VerifyResult> {
  return verifyFile(src, finalExt, { ...verifyOptions(cfg), partial });
}

/** Media properties (dimensions, bit depth, handler metadata) of a verified upload. */
export async function mediaProps(src: ContentSource, v: VerifyResult): Promise<FileProps> {
  const p = await handlerProps(src, v.mime);
  return {
    mime: v.mime,
    mediaType: v.mediaType,
    width: p.width,
    height: p.height,
    bits: p.bitdepth,
    metadata: p.handlerMetadata,
  };
}
