/**
 * Rendering a planned thumbnail with libvips (sharp). The caller has already checked the file's
 * pixel area against the limits from its stored header facts (thumbPlan); every decoder here is
 * additionally given `limitInputPixels`, so a file whose real header disagrees is refused by libvips
 * before it allocates anything. How many renders run at once is the caller's business.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decodeBmp } from '../bmp-decode.js';
import { rotationOf } from '../jpeg.js';
import { frameCount, handlerFor, metadataValue } from '../props.js';
import { svgForRender } from '../svg/index.js';
import type { HandlerMetadata } from '../types.js';
import { THUMB_DEFAULTS, type ThumbConfig } from './names.js';
import { imageAreaLimit, thumbnailErrorText, tooBigAreaText } from './plan.js';
import { loadSharp } from './sharp.js';

/** The bytes to render from: a stream of them and, when the storage has one, a local file. */
export interface RenderInput {
  size: number;
  open(): Readable;
  path?: string | null;
}

/** Limits and facts for renderThumbnail. */
export interface RenderOptions extends ThumbConfig {
  /** EXIF orientation of a JPEG (rotation is applied as MediaWiki does: 3, 6 and 8 only). */
  orientation?: number;
  /** From mediaProps(): GIF frame count and EXIF orientation are taken from it when given. */
  handlerMetadata?: HandlerMetadata;
  /** Largest SVG file to render, in bytes. Default 32 MiB. */
  maxSvgBytes?: number;
  /** Files up to this size are read into memory; larger ones are spooled to a temp file. Default 32 MiB. */
  maxInMemoryBytes?: number;
  /** Seconds before an image operation is abandoned. Default 60. */
  timeoutSeconds?: number;
}

/**
 * A thumbnail that cannot be made. `message` is the text MediaWiki would show (imageinfo
 * `thumberror`, thumb.php's error page); `httpStatus` what the thumbnail URL answers: 400 when the
 * file or the request is at fault, 503 when trying again later may work.
 */
export class ThumbnailError extends Error {
  constructor(
    message: string,
    readonly httpStatus = 400,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ThumbnailError';
  }
}

const MIB = 1024 * 1024;

const unreadable = (cause: unknown) =>
  new ThumbnailError(thumbnailErrorText('The file could not be read'), 503, { cause });

async function readAll(src: RenderInput, max: number): Promise<Buffer> {
  const tooLarge = () => new ThumbnailError(thumbnailErrorText('File is too large to render'));
  if (src.size > max) throw tooLarge();
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for await (const c of src.open()) {
      const b = Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array);
      n += b.length;
      if (n > max) throw tooLarge();
      parts.push(b);
    }
  } catch (e) {
    throw e instanceof ThumbnailError ? e : unreadable(e);
  }
  return Buffer.concat(parts);
}

/** An input sharp can read: the file's path, its bytes, or a temporary copy for large streams. */
async function withInput<T>(
  src: RenderInput,
  maxInMemory: number,
  fn: (input: string | Buffer) => Promise<T>,
): Promise<T> {
  if (src.path) return fn(src.path);
  if (src.size <= maxInMemory) return fn(await readAll(src, maxInMemory));
  const tmp = join(tmpdir(), `mwup-thumb-${randomBytes(8).toString('hex')}`);
  try {
    await pipeline(src.open(), createWriteStream(tmp)).catch((e: unknown) => {
      throw unreadable(e);
    });
    return await fn(tmp);
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

/** Never enlarge a bitmap: a request above the source size gives the source size. */
function clampToSource(width: number, height: number, srcWidth: number, srcHeight: number): [number, number] {
  if (srcWidth > 0 && srcHeight > 0 && width >= srcWidth) return [srcWidth, srcHeight];
  return [width, height];
}

/**
 * Render a thumbnail of exactly `width`×`height` pixels (the plan's physical size) with libvips:
 * PNG → PNG (first frame of APNG), JPEG → JPEG (quality 80, rotated per EXIF 3/6/8), GIF → GIF
 * (animated while width × height × frames stays within $wgMaxAnimatedGifArea, else the first
 * frame), WebP/BMP/SVG → PNG, TIFF → the configured thumbnail type (JPEG by default here).
 * Bitmaps are never enlarged. SVGs are rasterised at the target size with no external resources.
 * Every failure is a ThumbnailError.
 */
export async function renderThumbnail(
  src: RenderInput,
  mime: string,
  width: number,
  height: number,
  opts: RenderOptions = {},
): Promise<{ body: Buffer; mime: string }> {
  const maxOut = opts.maxThumbnailArea ?? THUMB_DEFAULTS.maxThumbnailArea;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ThumbnailError(thumbnailErrorText('Invalid thumbnail parameters'));
  }
  if (width * height > maxOut) throw new ThumbnailError(thumbnailErrorText('Invalid thumbnail parameters'));
  const sharp = await loadSharp();
  const handler = handlerFor(mime);
  const areaLimit = imageAreaLimit(mime, opts);
  // The second guard: libvips refuses inputs over the limit from their real header.
  const inputLimit = areaLimit === null ? 0x3fff * 0x3fff : Math.max(areaLimit, 1);
  const timeout = { seconds: opts.timeoutSeconds ?? 60 };
  const inMem = opts.maxInMemoryBytes ?? 32 * MIB;
  const hm = opts.handlerMetadata;

  try {
    switch (handler) {
      case 'svg': {
        const bytes = await readAll(src, opts.maxSvgBytes ?? 32 * MIB);
        const doc = svgForRender(bytes, width, height);
        const body = await sharp(doc, { limitInputPixels: width * height + 1, density: 72 })
          .resize(width, height, { fit: 'fill' })
          .png()
          .timeout(timeout)
          .toBuffer();
        return { body, mime: 'image/png' };
      }
      case 'jpeg': {
        const orientation =
          opts.orientation ?? (hm ? Number(metadataValue(hm, 'Orientation') ?? 0) || undefined : undefined);
        const rot = rotationOf(orientation);
        // MediaWiki's rotation: the angle the image needs counter-clockwise → clockwise degrees.
        const cw = rot === 0 ? 0 : 360 - rot;
        return await withInput(src, inMem, async (input) => {
          const swap = cw === 90 || cw === 270;
          const meta = await sharp(input, { limitInputPixels: inputLimit }).metadata();
          const [sw, sh] = swap ? [meta.height ?? 0, meta.width ?? 0] : [meta.width ?? 0, meta.height ?? 0];
          const [w, h] = clampToSource(width, height, sw, sh);
          const img = sharp(input, { limitInputPixels: inputLimit, sequentialRead: true, failOn: 'none' });
          if (cw) img.rotate(cw);
          const body = await img
            .resize(w, h, { fit: 'fill' })
            .jpeg({ quality: 80 })
            .timeout(timeout)
            .toBuffer();
          return { body, mime: 'image/jpeg' };
        });
      }
      case 'gif': {
        return await withInput(src, inMem, async (input) => {
          const meta = await sharp(input, { limitInputPixels: inputLimit }).metadata();
          const frames = Math.max(1, hm ? frameCount(hm) : (meta.pages ?? 1));
          const sw = meta.width ?? 0;
          const sh = meta.pageHeight ?? meta.height ?? 0;
          const animate =
            frames > 1 &&
            (meta.pages ?? 1) > 1 &&
            sw * sh * frames <= (opts.maxAnimatedGifArea ?? THUMB_DEFAULTS.maxAnimatedGifArea);
          const [w, h] = clampToSource(width, height, sw, sh);
          const body = await sharp(input, {
            animated: animate,
            limitInputPixels: animate ? inputLimit * frames : inputLimit,
            sequentialRead: true,
          })
            .resize(w, h, { fit: 'fill' })
            .gif()
            .timeout(timeout)
            .toBuffer();
          return { body, mime: 'image/gif' };
        });
      }
      case 'bmp': {
        const bytes = await readAll(src, Math.max(inMem, 64 * MIB));
        const raw = decodeBmp(bytes, inputLimit);
        const [w, h] = clampToSource(width, height, raw.width, raw.height);
        const body = await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 4 } })
          .resize(w, h, { fit: 'fill' })
          .png()
          .timeout(timeout)
          .toBuffer();
        return { body, mime: 'image/png' };
      }
      case 'png':
      case 'webp':
      case 'tiff': {
        const out = handler === 'tiff' ? (opts.tiffThumbnailType?.[1] ?? 'image/jpeg') : 'image/png';
        return await withInput(src, inMem, async (input) => {
          const meta = await sharp(input, { limitInputPixels: inputLimit }).metadata();
          const [w, h] = clampToSource(width, height, meta.width ?? 0, meta.pageHeight ?? meta.height ?? 0);
          let img = sharp(input, {
            limitInputPixels: inputLimit,
            sequentialRead: true,
            failOn: 'none',
          }).resize(w, h, { fit: 'fill' });
          img = out === 'image/jpeg' ? img.jpeg({ quality: 80 }) : img.png();
          return { body: await img.timeout(timeout).toBuffer(), mime: out };
        });
      }
      default:
        throw new ThumbnailError(thumbnailErrorText('No handler for this file type'));
    }
  } catch (e) {
    if (e instanceof ThumbnailError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    if (/pixel limit|exceeds limit|too large/i.test(msg))
      throw new ThumbnailError(tooBigAreaText(inputLimit), 400, { cause: e });
    if (/timeout/i.test(msg)) {
      throw new ThumbnailError(thumbnailErrorText('Rendering took too long'), 503, { cause: e });
    }
    // The decoder's own words stay in the log (they may name local paths).
    throw new ThumbnailError(thumbnailErrorText('The file could not be decoded'), 400, { cause: e });
  }
}
