/**
 * What MediaWiki's File::transform gives for a thumbnail request, decided from the stored header
 * facts alone (nothing is decoded): the original file, a scaled thumbnail of a given pixel size, the
 * file-type icon, or a transform error (MediaTransformError) with its text and HTTP status.
 */
import { phpIntval, phpRound, phpRoundTo } from '../php.js';
import { handlerFor } from '../props.js';
import { canRender, iconPath, THUMB_DEFAULTS, type ThumbConfig, type ThumbFile, thumbType } from './names.js';

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
  /** HTTP status for a thumbnail request (thumb.php answers 400 for both errors made here). */
  httpStatus: number;
}
export type ThumbPlan = OriginalPlan | ScaledPlan | IconPlan | ErrorPlan;

/** MediaWiki's `thumbnail_error` message around a reason. */
export const thumbnailErrorText = (reason: string) => `Error creating thumbnail: ${reason}`;

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
    const c = svgClamp(srcWidth, srcHeight, n, cfg.svgMaxSize ?? THUMB_DEFAULTS.svgMaxSize);
    return { width: c.physicalWidth, height: c.physicalHeight };
  }
  if (n.physicalWidth >= srcWidth) return { width: srcWidth, height: srcHeight };
  return { width: n.physicalWidth, height: n.physicalHeight };
}

// ---------------------------------------------------------------------------------------------
// Plans

/** Language::formatComputingNumbers( $n, 1000, "size-$1pixel" ) in English. */
export function formatArea(n: number): string {
  const units = ['', 'KP', 'MP', 'GP', 'TP', 'PP', 'EP', 'ZP', 'YP', 'RP', 'QP'];
  let i = 0;
  let size = n;
  while (size >= 1000 && i < units.length - 1) {
    i++;
    size /= 1000;
  }
  const v = phpRoundTo(size, i > 1 ? 2 : 0);
  const num = v.toLocaleString('en-US', { maximumFractionDigits: 20 });
  if (i === 0) return `${num} ${v === 1 ? 'pixel' : 'pixels'}`;
  return `${num} ${units[i]}`;
}

/** TransformTooBigImageAreaError's text for a limit. */
export const tooBigAreaText = (limit: number) =>
  thumbnailErrorText(`File with dimensions greater than ${formatArea(limit)}`);

/** The area limit (width × height of the file) that applies to a file of this type, or null. */
export function imageAreaLimit(mime: string, cfg: ThumbConfig = {}): number | null {
  if (handlerFor(mime) === 'svg') return null;
  if (mime.toLowerCase() === 'image/jpeg') return cfg.maxJpegArea ?? THUMB_DEFAULTS.maxJpegArea;
  const max = cfg.maxImageArea === undefined ? THUMB_DEFAULTS.maxImageArea : cfg.maxImageArea;
  return max === false ? null : max;
}

/**
 * What File::transform gives for a thumbnail request (as ApiQueryImageInfo reports it): the
 * original file (a bitmap asked at or above its size), a scaled thumbnail, the file-type icon
 * (nothing renderable), or a transform error. Errors: invalid parameters, a file over
 * $wgMaxImageArea (JPEG has its own, larger limit: it is shrunk while decoding, as MediaWiki's
 * ImageMagick scaler does), or a thumbnail over `maxThumbnailArea` (a very long, thin SVG).
 */
export function thumbPlan(file: ThumbFile, req: ThumbRequest, cfg: ThumbConfig = {}): ThumbPlan {
  if (!canRender(file, cfg)) return { kind: 'icon', width: 120, height: 120, iconPath: iconPath(file.name) };
  const h = handlerFor(file.mime);
  const invalid = (): ErrorPlan => ({
    kind: 'error',
    width: Math.max(req.width ?? 0, 120),
    height: Math.max(req.height ?? 0, 120),
    message: thumbnailErrorText('Invalid thumbnail parameters'),
    httpStatus: 400,
  });
  const n = normalise(file.width, file.height, req);
  if (!n) return invalid();
  const tt = thumbType(file.name, file.mime, cfg)!;
  let scaled: Omit<ScaledPlan, 'paramString' | 'thumbExt' | 'thumbMime' | 'kind'>;
  if (h === 'svg') {
    const c = svgClamp(file.width, file.height, n, cfg.svgMaxSize ?? THUMB_DEFAULTS.svgMaxSize);
    scaled = {
      width: phpIntval(phpRound(c.width)),
      height: phpIntval(phpRound(c.height)),
      physicalWidth: c.physicalWidth,
      physicalHeight: c.physicalHeight,
    };
  } else {
    let { physicalWidth, physicalHeight } = n;
    if (physicalWidth >= file.width) {
      physicalWidth = file.width;
      physicalHeight = file.height;
    }
    const mustRender = h === 'tiff' || h === 'webp' || h === 'bmp';
    if (!mustRender && physicalWidth === file.width && physicalHeight === file.height) {
      return { kind: 'original', width: file.width, height: file.height };
    }
    const limit = imageAreaLimit(file.mime, cfg);
    if (limit !== null && file.width * file.height > limit) {
      return {
        kind: 'error',
        width: Math.max(n.width, 120),
        height: Math.max(n.height, 120),
        message: tooBigAreaText(limit),
        httpStatus: 400,
      };
    }
    scaled = {
      width: phpIntval(phpRound(n.width)),
      height: phpIntval(phpRound(n.height)),
      physicalWidth,
      physicalHeight,
    };
  }
  if (
    scaled.physicalWidth * scaled.physicalHeight >
    (cfg.maxThumbnailArea ?? THUMB_DEFAULTS.maxThumbnailArea)
  ) {
    return invalid();
  }
  return {
    kind: 'thumb',
    ...scaled,
    paramString: `${scaled.physicalWidth}px`,
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
 * shown size (width rounded with PHP's round(); the height too when `withHeight`, as the API asks),
 * each left out when it is an error or resolves to the same URL as `base` (e.g. both the original
 * file). A plan may be the original file.
 */
export function responsivePlans(
  file: ThumbFile,
  base: ThumbPlan,
  cfg: ThumbConfig = {},
  withHeight = true,
): { '1.5'?: ThumbPlan; '2'?: ThumbPlan } {
  if (base.kind === 'error') return {};
  const w = base.width;
  const h = base.height;
  const out: { '1.5'?: ThumbPlan; '2'?: ThumbPlan } = {};
  const p15 = thumbPlan(
    file,
    withHeight ? { width: phpRound(w * 1.5), height: phpRound(h * 1.5) } : { width: phpRound(w * 1.5) },
    cfg,
  );
  const p20 = thumbPlan(file, withHeight ? { width: w * 2, height: h * 2 } : { width: w * 2 }, cfg);
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
