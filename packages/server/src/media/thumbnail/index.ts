/** Thumbnails as MediaWiki's image handlers make them: which, named how, sized how; rendered with libvips. */
export {
  canRender,
  FILE_ICONS,
  ICON_DIR,
  iconPath,
  normalizeExtension,
  THUMB_DEFAULTS,
  type ThumbConfig,
  type ThumbFile,
  thumbFileName,
  thumbType,
  widthFromThumbName,
} from './names.js';
export {
  type ErrorPlan,
  fitBoxWidth,
  formatArea,
  type IconPlan,
  imageAreaLimit,
  type OriginalPlan,
  responsivePlans,
  responsiveWidths,
  type ScaledPlan,
  scaleHeight,
  type ThumbPlan,
  type ThumbRequest,
  thumbDimensions,
  thumbnailErrorText,
  thumbPlan,
} from './plan.js';
export { type RenderInput, type RenderOptions, renderThumbnail, ThumbnailError } from './render.js';
export { loadSharp } from './sharp.js';
