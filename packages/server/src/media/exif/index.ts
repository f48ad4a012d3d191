/** Exif as MediaWiki 1.39 reads it (see ./read.ts for why by hand). */
export { EXIF_VERSION, filterExif } from './filter.js';
export { type RawExif, type RawSection, type RawValue, readRawExif, type TiffBytes } from './read.js';
