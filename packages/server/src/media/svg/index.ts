/** SVG: MediaWiki's SVGReader (size and metadata without rendering) and preparation for rasterising. */
export {
  isWellFormedLanguageTag,
  type SvgInfo,
  scaleSVGUnit,
  svgHandler,
} from './reader.js';
export { svgForRender } from './render.js';
