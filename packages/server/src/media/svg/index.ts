/** SVG: MediaWiki's SVGReader (size and metadata without rendering) and preparation for rasterising. */
export {
  isWellFormedLanguageTag,
  readSvgInfo,
  SVG_METADATA_CUTOFF,
  type SvgInfo,
  scaleSVGUnit,
  svgHandler,
  svgMetadataBytes,
} from './reader.js';
export { svgForRender } from './render.js';
