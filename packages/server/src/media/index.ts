/**
 * The media layer: what MediaWiki 1.39's media handlers compute for a file (size, bit depth,
 * metadata arrays), extmetadata, and thumbnails (MediaWiki's sizing and naming; rendering with
 * libvips).
 */
export { type ExtMetadataField, type ExtMetadataInput, formatExtMetadata } from './extmetadata.js';
export {
  commonMetadata,
  frameCount,
  handlerFor,
  isHandlerMetadata,
  type MediaPropsOptions,
  mediaDuration,
  mediaProps,
  metadataForVersion,
  metadataValue,
} from './props.js';
export * from './thumbnail/index.js';
export type {
  HandlerMetadata,
  HandlerName,
  MediaProps,
  MediaSource,
  MetadataItem,
  MetadataScalar,
} from './types.js';
