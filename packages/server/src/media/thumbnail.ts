import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import { decodeBmp } from './bmp-decode.js';
import { rotationOf } from './jpeg.js';
import { phpIntval, phpRound, phpRoundTo } from './php.js';
import { frameCount, handlerFor, metadataValue } from './props.js';
import { svgForRender } from './svg.js';
import type { HandlerMetadata, MediaSource } from './types.js';

// ---------------------------------------------------------------------------------------------
// Configuration

/** MediaWiki settings that shape thumbnails. */
export interface ThumbConfig {
  /** $wgMaxImageArea: larger non-JPEG images get a thumbnail error (false disables). Default 12.5 MP. */
  maxImageArea?: number | false;
  /** $wgMaxAnimatedGifArea: larger animated GIFs (width × height × frames) are thumbnailed as a still. */
  maxAnimatedGifArea?: number;
  /** $wgSVGMaxSize: the smaller side of an SVG rendering is capped at this. Default 5120. */
  svgMaxSize?: number;
  /**
   * $wgTiffThumbnailType, e.g. ['jpg', 'image/jpeg']. Default none: MediaWiki core then does not
   * render TIFF thumbnails and shows the file-type icon.
   */
  tiffThumbnailType?: readonly [string, string] | null;
}

const DEFAULTS = { maxImageArea: 12_500_000, maxAnimatedGifArea: 12_500_000, svgMaxSize: 5120 };

/** The facts about a file that thumbnail decisions depend on. */
export interface ThumbFile {
  /** File name (`My_file.png`); its extension and, for thumbFileName, the whole name matter. */
  name: string;
  mime: string;
  width: number;
  height: number;
  /** From mediaProps(); needed for animated WebP (not rendered) and GIF frame counts. */
  handlerMetadata?: HandlerMetadata;
}

/** Requested size, as iiurlwidth/iiurlheight give it (height -1 or absent = not constrained). */
export interface ThumbRequest {
  width?: number;
  height?: number;
}

/** The transform answers with the original file: thumburl is the file URL; thumbwidth/height its size. */
export interface OriginalPlan {
  kind: 'original';
  width: number;
  height: number;
}
/** A scaled thumbnail in the thumb zone. */
export interface ScaledPlan {
  kind: 'thumb';
  /** thumbwidth/thumbheight as imageinfo reports them (the requested "client" size). */
  width: number;
  height: number;
  /** The pixel size of the rendered thumbnail. */
  physicalWidth: number;
  physicalHeight: number;
  /** The handler's parameter string (`40px`), the prefix of the thumbnail's file name. */
  paramString: string;
  /** Extension and MIME type of the thumbnail (imageinfo thumbmime). */
  thumbExt: string;
  thumbMime: string;
}
/** No rendering: the file-type icon (MediaWiki's File::iconThumb), always reported as 120×120. */
export interface IconPlan {
  kind: 'icon';
  width: 120;
  height: 120;
  /** Path under the wiki's resource base path, e.g. `/resources/assets/file-type-icons/fileicon-pdf.png`. */
  iconPath: string;
}
/** A transform error (imageinfo `thumberror`). */
export interface ErrorPlan {
  kind: 'error';
  width: number;
  height: number;
  /** English text, e.g. "Error creating thumbnail: File with dimensions greater than 12.5 MP". */
  message: string;
  /** HTTP status for a thumbnail request (400 for the image-area limit, 500 otherwise). */
  httpStatus: number;
}
export type ThumbPlan = OriginalPlan | ScaledPlan | IconPlan | ErrorPlan;

// ---------------------------------------------------------------------------------------------
// Sizes

/** File::scaleHeight. */
export function scaleHeight(srcWidth: number, srcHeight: number, dstWidth: number): number {
  if (srcWidth === 0) return 0;
  return phpIntval(phpRound((srcHeight * dstWidth) / srcWidth));
}

/** MediaHandler::fitBoxWidth. */
export function fitBoxWidth(boxWidth: number, boxHeight: number, maxHeight: number): number {
  const ideal = (boxWidth * maxHeight) / boxHeight;
  const roundedUp = Math.ceil(ideal);
  if (phpRound((roundedUp * boxHeight) / boxWidth) > maxHeight) return Math.floor(ideal);
  return roundedUp;
}

interface Normalised {
  width: number;
  height: number;
  physicalWidth: number;
  physicalHeight: number;
}

/** ImageHandler::normaliseParams (with validateThumbParams); null when the parameters are invalid. */
function normalise(srcWidth: number, srcHeight: number, req: ThumbRequest): Normalised | null {
  if (req.width === undefined || req.width === null || Number.isNaN(req.width)) return null;
  let width = req.width;
  let height: number | undefined = req.height !== undefined && req.height !== -1 ? req.height : undefined;
  let physicalWidth: number | undefined;
  if (height !== undefined) {
    if (width * srcHeight > height * srcWidth) {
      width = fitBoxWidth(srcWidth, srcHeight, height);
      if (width === 0) width = 1;
      physicalWidth = width;
    } else {
      height = undefined;
    }
  }
  physicalWidth ??= width;
  let physicalHeight = scaleHeight(srcWidth, srcHeight, physicalWidth);
  height ??= physicalHeight;
  physicalWidth = phpIntval(physicalWidth);
  if (physicalWidth <= 0 || srcWidth <= 0) return null;
  physicalHeight = scaleHeight(srcWidth, srcHeight, physicalWidth);
  if (physicalHeight === 0) physicalHeight = 1;
  return { width, height, physicalWidth, physicalHeight };
}

/**
 * The width and height MediaWiki's scaling gives for a request (File::scaleHeight rounding,
 * height-constrained fitting when both are given). Bitmaps are never scaled up: the result is then
 * the source size. SVG (vector) may be scaled up, with the smaller side capped at $wgSVGMaxSize.
 * Returns null for invalid parameters.
 */
export function thumbDimensions(
  srcWidth: number,
  srcHeight: number,
  mime: string,
  req: ThumbRequest,
  cfg: ThumbConfig = {},
): { width: number; height: number } | null {
  const n = normalise(srcWidth, srcHeight, req);
  if (!n) return null;
  if (handlerFor(mime) === 'svg') {
    const c = svgClamp(srcWidth, srcHeight, n, cfg.svgMaxSize ?? DEFAULTS.svgMaxSize);
    return { width: c.physicalWidth, height: c.physicalHeight };
  }
  if (n.physicalWidth >= srcWidth) return { width: srcWidth, height: srcHeight };
  return { width: n.physicalWidth, height: n.physicalHeight };
}

function svgClamp(srcWidth: number, srcHeight: number, n: Normalised, max: number): Normalised {
  const out = { ...n };
  if (out.physicalWidth <= out.physicalHeight) {
    if (out.physicalWidth > max) {
      out.physicalWidth = max;
      out.physicalHeight = scaleHeight(srcWidth, srcHeight, max);
    }
  } else if (out.physicalHeight > max) {
    out.physicalWidth = scaleHeight(srcHeight, srcWidth, max);
    out.physicalHeight = max;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Names and types

/** File::normalizeExtension. */
export function normalizeExtension(ext: string): string {
  const lower = ext.toLowerCase();
  const squish: Record<string, string> = { htm: 'html', jpeg: 'jpg', mpeg: 'mpg', tiff: 'tif', ogv: 'ogg' };
  if (squish[lower]) return squish[lower]!;
  return /^[0-9a-z]+$/.test(lower) ? lower : '';
}

function extensionOf(name: string): string {
  const n = name.lastIndexOf('.');
  return normalizeExtension(n > 0 ? name.slice(n + 1) : '');
}

const MIME_EXTENSIONS: Record<string, string[]> = {
  'image/gif': ['gif'],
  'image/jpeg': ['jpeg', 'jpg', 'jpe', 'jps'],
  'image/png': ['png', 'apng'],
  'image/tiff': ['tiff', 'tif'],
  'image/webp': ['webp'],
};

/** The handler's getThumbType(): extension and MIME type of thumbnails (null: none rendered). */
export function thumbType(fileName: string, mime: string, cfg: ThumbConfig = {}): [string, string] | null {
  const h = handlerFor(mime);
  if (h === 'svg' || h === 'webp' || h === 'bmp') return ['png', 'image/png'];
  if (h === 'tiff')
    return cfg.tiffThumbnailType ? [cfg.tiffThumbnailType[0], cfg.tiffThumbnailType[1]] : null;
  if (h === 'none') return null;
  const ext = extensionOf(fileName);
  const known = MIME_EXTENSIONS[mime];
  if (known && (!ext || !known.includes(ext))) return [known[0]!, mime];
  return [ext, mime];
}

/** FileRepo::nameForThumb: names over 255 bytes become "thumbnail.<ext>". */
function nameForThumb(name: string): string {
  if (Buffer.byteLength(name) <= 255) return name;
  const i = name.lastIndexOf('.');
  const ext = i > 0 ? name.slice(i + 1).toLowerCase() : '';
  return ext === '' ? 'thumbnail' : `thumbnail.${ext}`;
}

/**
 * File::thumbName: the thumbnail's file name in the file's thumb directory, e.g.
 * `40px-Name.png`, `40px-Name.svg.png` (SVG, WebP and BMP thumbnails are PNGs), and with a TIFF
 * thumbnail type of jpg `40px-Name.tif.jpg`. `width` is the plan's paramString or a pixel width.
 */
export function thumbFileName(
  fileName: string,
  mime: string,
  width: number | string,
  cfg: ThumbConfig = {},
): string {
  const param = typeof width === 'number' ? `${width}px` : width;
  const ext = extensionOf(fileName);
  const tt = thumbType(fileName, mime, cfg);
  let name = `${param}-${nameForThumb(fileName)}`;
  if (tt && tt[0] !== ext) name += `.${tt[0]}`;
  return name;
}

const ICONS = new Set([
  'c',
  'cpp',
  'deb',
  'djvu',
  'dvi',
  'exe',
  'h',
  'html',
  'iso',
  'java',
  'mid',
  'mov',
  'mpga',
  'o',
  'ogg',
  'pdf',
  'ps',
  'psd',
  'rm',
  'rpm',
  'svg',
  'tar',
  'tex',
  'ttf',
  'txt',
  'xcf',
]);

/** File::iconThumb path (relative to $wgResourceBasePath). */
export function iconPath(fileName: string): string {
  const ext = extensionOf(fileName);
  return `/resources/assets/file-type-icons/${ICONS.has(ext) ? `fileicon-${ext}.png` : 'fileicon.png'}`;
}

/** Whether MediaWiki renders thumbnails of this file at all (File::canRender). */
export function canRender(file: ThumbFile, cfg: ThumbConfig = {}): boolean {
  const h = handlerFor(file.mime);
  if (h === 'none') return false;
  if (!file.width || !file.height) return false;
  if (h === 'tiff') return Boolean(cfg.tiffThumbnailType);
  if (h === 'webp' && file.handlerMetadata && metadataValue(file.handlerMetadata, 'animated') === true)
    return false;
  return true;
}

function formatArea(n: number): string {
  const units = ['', 'kilo', 'mega', 'giga', 'tera', 'peta', 'exa', 'zetta', 'yotta', 'ronna', 'quetta'];
  const msgs: Record<string, string> = {
    kilo: 'KP',
    mega: 'MP',
    giga: 'GP',
    tera: 'TP',
    peta: 'PP',
    exa: 'EP',
    zetta: 'ZP',
    yotta: 'YP',
    ronna: 'RP',
    quetta: 'QP',
  };
  let i = 0;
  let size = n;
  while (size >= 1000 && i < units.length - 1) {
    i++;
    size /= 1000;
  }
  const v = phpRoundTo(size, i > 1 ? 2 : 0);
  const num = v.toLocaleString('en-US', { maximumFractionDigits: 20 });
  if (i === 0) return `${num} ${v === 1 ? 'pixel' : 'pixels'}`;
  return `${num} ${msgs[units[i]!]}`;
}

/**
 * What File::transform gives for a thumbnail request (as ApiQueryImageInfo reports it): the
 * original file (a bitmap asked at or above its size), a scaled thumbnail, the file-type icon
 * (nothing renderable), or a transform error.
 */
export function thumbPlan(file: ThumbFile, req: ThumbRequest, cfg: ThumbConfig = {}): ThumbPlan {
  if (!canRender(file, cfg)) return { kind: 'icon', width: 120, height: 120, iconPath: iconPath(file.name) };
  const h = handlerFor(file.mime);
  const invalid = (): ErrorPlan => ({
    kind: 'error',
    width: Math.max(req.width ?? 0, 120),
    height: Math.max(req.height ?? 0, 120),
    message: 'Error creating thumbnail: Invalid thumbnail parameters',
    httpStatus: 500,
  });
  const n = normalise(file.width, file.height, req);
  if (!n) return invalid();
  const tt = thumbType(file.name, file.mime, cfg)!;
  if (h === 'svg') {
    const c = svgClamp(file.width, file.height, n, cfg.svgMaxSize ?? DEFAULTS.svgMaxSize);
    return {
      kind: 'thumb',
      width: phpIntval(phpRound(c.width)),
      height: phpIntval(phpRound(c.height)),
      physicalWidth: c.physicalWidth,
      physicalHeight: c.physicalHeight,
      paramString: `${c.width}px`,
      thumbExt: tt[0],
      thumbMime: tt[1],
    };
  }
  let { physicalWidth, physicalHeight } = n;
  if (physicalWidth >= file.width) {
    physicalWidth = file.width;
    physicalHeight = file.height;
  }
  const mustRender = h === 'tiff' || h === 'webp' || h === 'bmp';
  if (!mustRender && physicalWidth === file.width && physicalHeight === file.height) {
    return { kind: 'original', width: file.width, height: file.height };
  }
  const maxArea = cfg.maxImageArea === undefined ? DEFAULTS.maxImageArea : cfg.maxImageArea;
  if (maxArea !== false && file.width * file.height > maxArea && file.mime !== 'image/jpeg') {
    return {
      kind: 'error',
      width: Math.max(n.width, 120),
      height: Math.max(n.height, 120),
      message: `Error creating thumbnail: File with dimensions greater than ${formatArea(maxArea)}`,
      httpStatus: 400,
    };
  }
  return {
    kind: 'thumb',
    width: phpIntval(phpRound(n.width)),
    height: phpIntval(phpRound(n.height)),
    physicalWidth,
    physicalHeight,
    paramString: `${physicalWidth}px`,
    thumbExt: tt[0],
    thumbMime: tt[1],
  };
}

/** Identity of the URL a plan resolves to (equal keys mean equal URLs). */
function urlKey(p: ThumbPlan): string {
  if (p.kind === 'original') return 'original';
  if (p.kind === 'thumb') return `thumb:${p.paramString}`;
  if (p.kind === 'icon') return `icon:${p.iconPath}`;
  return 'error';
}

/**
 * Linker::processResponsiveImages for imageinfo `responsiveUrls`: the plans for 1.5× and 2× the
 * shown size (width rounded with PHP's round()), each left out when it is an error or resolves to
 * the same URL as `base` (e.g. both the original file). A plan may be the original file.
 */
export function responsivePlans(
  file: ThumbFile,
  base: ThumbPlan,
  cfg: ThumbConfig = {},
): { '1.5'?: ThumbPlan; '2'?: ThumbPlan } {
  if (base.kind === 'error') return {};
  const w = base.width;
  const h = base.height;
  const out: { '1.5'?: ThumbPlan; '2'?: ThumbPlan } = {};
  const p15 = thumbPlan(file, { width: phpRound(w * 1.5), height: phpRound(h * 1.5) }, cfg);
  const p20 = thumbPlan(file, { width: w * 2, height: h * 2 }, cfg);
  if (p15.kind !== 'error' && urlKey(p15) !== urlKey(base)) out['1.5'] = p15;
  if (p20.kind !== 'error' && urlKey(p20) !== urlKey(base)) out['2'] = p20;
  return out;
}

/**
 * The widths requested for responsiveUrls when the thumbnail is shown `width` pixels wide:
 * 1.5× (rounded half away from zero) and 2×. Whether each is listed depends on the file; see
 * responsivePlans().
 */
export function responsiveWidths(width: number): { '1.5': number; '2': number } {
  return { '1.5': phpRound(width * 1.5), '2': width * 2 };
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** Limits for renderThumbnail. */
export interface RenderOptions extends ThumbConfig {
  /** EXIF orientation of a JPEG (rotation is applied as MediaWiki does: 3, 6 and 8 only). */
  orientation?: number;
  /** From mediaProps(): GIF frame count and EXIF orientation are taken from it when given. */
  handlerMetadata?: HandlerMetadata;
  /** Largest JPEG (pixels) to decode; JPEGs are shrunk while decoding. Default 2^30. */
  maxJpegPixels?: number;
  /** Largest SVG file to render, in bytes. Default 32 MiB. */
  maxSvgBytes?: number;
  /** Files up to this size are read into memory; larger ones are spooled to a temp file. Default 32 MiB. */
  maxInMemoryBytes?: number;
  /** Seconds before an image operation is abandoned. Default 60. */
  timeoutSeconds?: number;
}

/** Thrown when a thumbnail cannot be made; `message` is MediaWiki-style English text. */
export class ThumbnailError extends Error {
  constructor(
    message: string,
    readonly httpStatus = 500,
  ) {
    super(message);
    this.name = 'ThumbnailError';
  }
}

let configured = false;
let running = 0;
const waiting: Array<() => void> = [];
/** At most this many thumbnails are rendered at once (each with one libvips worker thread). */
export let maxConcurrentRenders = 2;

/** Change the number of thumbnails rendered at once (default 2). */
export function setMaxConcurrentRenders(n: number): void {
  maxConcurrentRenders = Math.max(1, Math.floor(n));
}

function configure(): void {
  if (configured) return;
  configured = true;
  // No operation cache (it would keep decoded images around) and one worker thread per image.
  sharp.cache(false);
  sharp.concurrency(1);
}

async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
  while (running >= maxConcurrentRenders) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

async function readAll(src: MediaSource, max: number): Promise<Buffer> {
  if (src.size > max) throw new ThumbnailError('Error creating thumbnail: File is too large to render');
  if (src.head.length >= src.size) return src.head.subarray(0, src.size);
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of src.open()) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array);
    n += b.length;
    if (n > max) throw new ThumbnailError('Error creating thumbnail: File is too large to render');
    parts.push(b);
  }
  return Buffer.concat(parts);
}

/** An input sharp can read: the file's path, its bytes, or a temporary copy for large streams. */
async function withInput<T>(
  src: MediaSource,
  maxInMemory: number,
  fn: (input: string | Buffer) => Promise<T>,
): Promise<T> {
  if (src.path) return fn(src.path);
  if (src.size <= maxInMemory) return fn(await readAll(src, maxInMemory));
  const tmp = join(tmpdir(), `mwup-thumb-${randomBytes(8).toString('hex')}`);
  try {
    await pipeline(src.open(), createWriteStream(tmp));
    return await fn(tmp);
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

/**
 * Render a thumbnail of exactly `width`×`height` pixels (the plan's physical size) with libvips:
 * PNG → PNG (first frame of APNG), JPEG → JPEG (quality 80, rotated per EXIF 3/6/8), GIF → GIF
 * (animated while width × height × frames stays within $wgMaxAnimatedGifArea, else the first
 * frame), WebP/BMP/SVG → PNG, TIFF → the configured thumbnail type (JPEG by default here).
 * Bitmaps are never enlarged. SVGs are rasterised at the target size with no external resources.
 */
export async function renderThumbnail(
  src: MediaSource,
  mime: string,
  width: number,
  height: number,
  opts: RenderOptions = {},
): Promise<{ body: Buffer; mime: string }> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ThumbnailError('Error creating thumbnail: Invalid thumbnail parameters');
  }
  const svgMax = opts.svgMaxSize ?? DEFAULTS.svgMaxSize;
  if (width * height > Math.max(svgMax, 10000) * Math.max(svgMax, 10000)) {
    throw new ThumbnailError('Error creating thumbnail: Invalid thumbnail parameters');
  }
  configure();
  const handler = handlerFor(mime);
  const maxArea = opts.maxImageArea === undefined ? DEFAULTS.maxImageArea : opts.maxImageArea;
  const bitmapLimit = maxArea === false ? 0x3fff * 0x3fff : Math.max(maxArea, 1);
  const timeout = { seconds: opts.timeoutSeconds ?? 60 };
  const inMem = opts.maxInMemoryBytes ?? 32 * 1024 * 1024;
  const hm = opts.handlerMetadata;

  return withSlot(async () => {
    try {
      switch (handler) {
        case 'svg': {
          const bytes = await readAll(src, opts.maxSvgBytes ?? 32 * 1024 * 1024);
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
            const img = sharp(input, {
              limitInputPixels: opts.maxJpegPixels ?? 2 ** 30,
              sequentialRead: true,
              failOn: 'none',
            });
            if (cw) img.rotate(cw);
            const meta = await sharp(input, { limitInputPixels: opts.maxJpegPixels ?? 2 ** 30 }).metadata();
            const [sw, sh] = swap ? [meta.height ?? 0, meta.width ?? 0] : [meta.width ?? 0, meta.height ?? 0];
            const [w, h] = clampToSource(width, height, sw, sh);
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
            const meta = await sharp(input, { limitInputPixels: bitmapLimit }).metadata();
            const frames = Math.max(1, hm ? frameCount(hm) : (meta.pages ?? 1));
            const sw = meta.width ?? 0;
            const sh = meta.pageHeight ?? meta.height ?? 0;
            const animate =
              frames > 1 &&
              (meta.pages ?? 1) > 1 &&
              sw * sh * frames <= (opts.maxAnimatedGifArea ?? DEFAULTS.maxAnimatedGifArea);
            const [w, h] = clampToSource(width, height, sw, sh);
            const body = await sharp(input, {
              animated: animate,
              limitInputPixels: animate ? bitmapLimit * frames : bitmapLimit,
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
          const bytes = await readAll(src, Math.max(inMem, 64 * 1024 * 1024));
          const raw = decodeBmp(bytes, bitmapLimit);
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
            const meta = await sharp(input, { limitInputPixels: bitmapLimit }).metadata();
            const [w, h] = clampToSource(width, height, meta.width ?? 0, meta.pageHeight ?? meta.height ?? 0);
            let img = sharp(input, {
              limitInputPixels: bitmapLimit,
              sequentialRead: true,
              failOn: 'none',
            }).resize(w, h, {
              fit: 'fill',
            });
            img = out === 'image/jpeg' ? img.jpeg({ quality: 80 }) : img.png();
            return { body: await img.timeout(timeout).toBuffer(), mime: out };
          });
        }
        default:
          throw new ThumbnailError('Error creating thumbnail: No handler for this file type');
      }
    } catch (e) {
      if (e instanceof ThumbnailError) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      if (/pixel limit|exceeds limit|too large/i.test(msg)) {
        throw new ThumbnailError(
          `Error creating thumbnail: File with dimensions greater than ${formatArea(bitmapLimit)}`,
          400,
        );
      }
      throw new ThumbnailError(`Error creating thumbnail: ${msg}`);
    }
  });
}

/** Never enlarge a bitmap: a request above the source size gives the source size. */
function clampToSource(width: number, height: number, srcWidth: number, srcHeight: number): [number, number] {
  if (srcWidth > 0 && srcHeight > 0 && width >= srcWidth) return [srcWidth, srcHeight];
  return [width, height];
}
