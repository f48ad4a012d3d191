/** Files of foreign repositories, as their Action API describes them. */

/** One `imageinfo` (or `allimages`) entry of a foreign API answer (formatversion 2), its fields checked. */
export interface ForeignImageInfo extends ForeignThumb {
  timestamp?: string;
  user?: string;
  comment?: string;
  url?: string;
  descriptionurl?: string;
  descriptionshorturl?: string;
  size?: number;
  width?: number;
  height?: number;
  pagecount?: number;
  duration?: number;
  sha1?: string;
  mime?: string;
  mediatype?: string;
  metadata?: unknown;
  commonmetadata?: unknown;
  extmetadata?: Record<string, unknown>;
}

/** A file found in a foreign repository (MediaWiki's ForeignAPIFile). */
export interface ForeignFile {
  /** The repository's name (`imagerepository`). */
  repo: string;
  /** The file's name there (DB key; a redirect's target when the name asked for redirects). */
  name: string;
  /** Id of its description page there. */
  pageId?: number;
  info: ForeignImageInfo;
}

/** A thumbnail a foreign repository rendered (or could not). */
export interface ForeignThumb {
  thumburl?: string;
  thumbwidth?: number;
  thumbheight?: number;
  thumbmime?: string;
  responsiveUrls?: Record<string, string>;
  thumberror?: string;
}
