/**
 * Which files MediaWiki renders thumbnails of, in which format, under which name, and the file-type
 * icon it shows for the rest (File::canRender, MediaHandler::getThumbType, File::thumbName,
 * File::iconThumb).
 */
import { handlerFor, metadataValue } from '../props.js';
import type { HandlerMetadata } from '../types.js';

/** MediaWiki settings that shape thumbnails. */
export interface ThumbConfig {
  /** $wgMaxImageArea: larger non-JPEG images get a thumbnail error (false disables). Default 12.5 MP. */
  maxImageArea?: number | false;
  /** Largest JPEG (width × height) that is thumbnailed; JPEGs are exempt from maxImageArea. */
  maxJpegArea?: number;
  /** Largest thumbnail (width × height) rendered; larger requests are invalid parameters. */
  maxThumbnailArea?: number;
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

export const THUMB_DEFAULTS = {
  maxImageArea: 12_500_000,
  /** Shrink-on-load keeps decoding a JPEG cheap (like MediaWiki's ImageMagick scaler); 2^30 px. */
  maxJpegArea: 2 ** 30,
  maxThumbnailArea: 50_000_000,
  maxAnimatedGifArea: 12_500_000,
  svgMaxSize: 5120,
} as const;

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

/**
 * The width a thumbnail file name asks for (`120px-Name.png` → 120), when the name is exactly what
 * thumbFileName gives for that width; else null. Widths have at most six digits.
 */
export function widthFromThumbName(segment: string, file: ThumbFile, cfg: ThumbConfig = {}): number | null {
  const m = /^([1-9]\d{0,5})px-/.exec(segment);
  if (!m) return null;
  const width = Number(m[1]);
  return thumbFileName(file.name, file.mime, width, cfg) === segment ? width : null;
}

/** Extensions with their own icon in MediaWiki 1.39's resources/assets/file-type-icons. */
export const FILE_ICONS = new Set([
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

/** Where MediaWiki keeps the file-type icons (under $wgResourceBasePath). */
export const ICON_DIR = '/resources/assets/file-type-icons/';

/** File::iconThumb path (relative to $wgResourceBasePath). */
export function iconPath(fileName: string): string {
  const ext = extensionOf(fileName);
  return `${ICON_DIR}${FILE_ICONS.has(ext) ? `fileicon-${ext}.png` : 'fileicon.png'}`;
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
