/**
 * The URLs MediaWiki hands out for files, their old versions, thumbnails, description pages and
 * stashed uploads, and the thumbnail geometry they depend on (which width/height a `NNNpx-` name
 * renders at, which format a thumbnail has).
 *
 * Paths under `images/` are percent-encoded like PHP's rawurlencode (File::getUrl), page URLs like
 * wfUrlencode (Title::getLocalURL), which leaves `;@$!*(),/~:` readable.
 */
import type { Config } from '../config.js';
import { fileHashPath } from '../title/file-names.js';
import { TitleParser } from '../title/title.js';

const parsers = new WeakMap<object, TitleParser>();

/** The title parser for a wiki configuration (its site name decides the project namespace). */
export function wikiTitleParser(config: Pick<Config, 'siteName'>): TitleParser {
  let p = parsers.get(config);
  if (!p) {
    p = new TitleParser({ siteName: config.siteName });
    parsers.set(config, p);
  }
  return p;
}

/** PHP rawurlencode: everything but `A-Za-z0-9-_.~` is escaped. */
export function rawUrlencode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const WF_KEEP: Record<string, string> = {
  '%3B': ';',
  '%40': '@',
  '%24': '$',
  '%21': '!',
  '%2A': '*',
  '%28': '(',
  '%29': ')',
  '%2C': ',',
  '%2F': '/',
  '%7E': '~',
  '%3A': ':',
};

/** MediaWiki's wfUrlencode: PHP urlencode (space → `+`), then `;@$!*(),/~:` put back. */
export function wfUrlencode(s: string): string {
  return rawUrlencode(s)
    .replace(/%20/g, '+')
    .replace(/%(3B|40|24|21|2A|28|29|2C|2F|7E|3A)/g, (m) => WF_KEEP[m]!);
}

/** `a/ab/` for a file's DB key (two hash levels, MediaWiki's default). */
export function hashPath(dbKey: string): string {
  return fileHashPath(dbKey, 2);
}

// ---------------------------------------------------------------------------------------------
// Thumbnail geometry

/** Formats a media handler renders thumbnails in when they differ from the file's own. */
const THUMB_TYPES: Record<string, { ext: string; mime: string }> = {
  'image/svg+xml': { ext: 'png', mime: 'image/png' },
  'image/svg': { ext: 'png', mime: 'image/png' },
  'image/webp': { ext: 'png', mime: 'image/png' },
  'image/bmp': { ext: 'png', mime: 'image/png' },
  'image/x-bmp': { ext: 'png', mime: 'image/png' },
  'image/x-ms-bmp': { ext: 'png', mime: 'image/png' },
};

/** MIME types we can scale (MediaWiki's core image handlers). */
const SCALABLE = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/tiff',
  'image/bmp',
  'image/x-bmp',
  'image/x-ms-bmp',
  'image/svg+xml',
  'image/svg',
]);

/** Whether thumbnails can be rendered for this MIME type (the file has an image handler). */
export function canRender(mime: string): boolean {
  return SCALABLE.has(mime.toLowerCase());
}

/** Vector formats scale to any size (SVG). */
export function isVector(mime: string): boolean {
  const m = mime.toLowerCase();
  return m === 'image/svg+xml' || m === 'image/svg';
}

/** Formats browsers cannot show as they are: always rendered, even at the original size. */
export function mustRender(mime: string): boolean {
  return isVector(mime) || mime.toLowerCase() in THUMB_TYPES || mime.toLowerCase() === 'image/tiff';
}

/** Extension and MIME type of a thumbnail of a file with this name and MIME type. */
export function thumbType(name: string, mime: string): { ext: string; mime: string } {
  const t = THUMB_TYPES[mime.toLowerCase()];
  if (t) return t;
  const dot = name.lastIndexOf('.');
  return { ext: dot >= 0 ? name.slice(dot + 1) : '', mime: mime.toLowerCase() };
}

/** The largest thumbnail width of a vector image ($wgSVGMaxSize). */
export const SVG_MAX_SIZE = 5120;

/** File::scaleHeight: the height of a `width`-wide rendering. */
export function scaleHeight(srcWidth: number, srcHeight: number, width: number): number {
  if (srcWidth <= 0) return 0;
  return Math.max(1, Math.round((srcHeight * width) / srcWidth));
}

/** File::fitBoxWidth: the width that fits `srcWidth`×`srcHeight` into a box `maxHeight` high. */
function fitBoxWidth(srcWidth: number, srcHeight: number, maxHeight: number): number {
  const ideal = (srcWidth * maxHeight) / srcHeight;
  const up = Math.ceil(ideal);
  return Math.round((up * srcHeight) / srcWidth) > maxHeight ? Math.floor(ideal) : up;
}

export interface ThumbRequest {
  /** Requested width (null: only a height was given). */
  width: number | null;
  /** Requested bounding height, or null. */
  height: number | null;
}

/** What a thumbnail request turns into for one file version. */
export type ThumbPlan =
  /** The original is shown as it is (a bitmap no wider than asked for). */
  | { kind: 'original'; width: number; height: number }
  /** A scaled rendering: `name` is the `NNNpx-Name[.ext]` part of its URL. */
  | { kind: 'thumb'; width: number; height: number; name: string; ext: string; mime: string }
  /** Files without an image handler show the generic file icon. */
  | { kind: 'icon'; width: number; height: number }
  | { kind: 'error'; message: string };

export interface ThumbSource {
  /** DB key of the file name (used in the thumbnail name even for old versions). */
  name: string;
  mime: string;
  width: number;
  height: number;
}

/** The thumbnail name `NNNpx-Name` (plus `.png` etc. when the thumbnail format differs). */
export function thumbName(name: string, mime: string, width: number): string {
  const t = thumbType(name, mime);
  const dot = name.lastIndexOf('.');
  const ext = dot >= 0 ? name.slice(dot + 1) : '';
  return `${width}px-${name}${t.ext !== ext ? `.${t.ext}` : ''}`;
}

/**
 * Normalise a thumbnail request for a file the way MediaWiki's image handlers do: fit into the
 * requested box, never upscale a bitmap (the original is used instead), clamp vector sizes.
 */
export function planThumb(src: ThumbSource, req: ThumbRequest): ThumbPlan {
  if (!canRender(src.mime) || src.width <= 0 || src.height <= 0) {
    if (!canRender(src.mime)) return { kind: 'icon', width: 120, height: 120 };
    return { kind: 'error', message: 'Error creating thumbnail: Invalid thumbnail parameters' };
  }
  let width = req.width ?? src.width;
  if (width <= 0) return { kind: 'error', message: 'Error creating thumbnail: Invalid thumbnail parameters' };
  if (req.height !== null && req.height > 0 && width * src.height > req.height * src.width) {
    width = fitBoxWidth(src.width, src.height, req.height);
  }
  width = Math.max(1, width);
  const vector = isVector(src.mime);
  if (!vector && width >= src.width) {
    if (!mustRender(src.mime)) return { kind: 'original', width: src.width, height: src.height };
    width = src.width;
  }
  if (vector && width > SVG_MAX_SIZE) width = SVG_MAX_SIZE;
  const height = scaleHeight(src.width, src.height, width);
  const t = thumbType(src.name, src.mime);
  return {
    kind: 'thumb',
    width,
    height,
    name: thumbName(src.name, src.mime, width),
    ext: t.ext,
    mime: t.mime,
  };
}

/**
 * Parse the last segment of a thumbnail URL (`120px-Name.png`, `120px-Name.svg.png`) for a file:
 * the width when the name is exactly what planThumb would produce for that width, else null.
 */
export function parseThumbName(segment: string, src: ThumbSource): number | null {
  const m = /^([1-9]\d{0,5})px-(.+)$/.exec(segment);
  if (!m) return null;
  const width = Number(m[1]);
  return thumbName(src.name, src.mime, width) === segment ? width : null;
}

// ---------------------------------------------------------------------------------------------
// URLs

/** URL builder for one wiki (server and script path from the configuration). */
export class FileUrls {
  constructor(private readonly config: Pick<Config, 'server' | 'scriptPath'>) {}

  /** `/w/images` (relative, as wikitext-rendered HTML uses it). */
  get uploadPath(): string {
    return `${this.config.scriptPath}/images`;
  }

  private abs(path: string, absolute: boolean): string {
    return absolute ? `${this.config.server}${path}` : path;
  }

  /** The current version: `/w/images/a/ab/Name.png`. */
  file(name: string, absolute = true): string {
    return this.abs(`${this.uploadPath}/${hashPath(name)}${rawUrlencode(name)}`, absolute);
  }

  /** An old version: `/w/images/archive/a/ab/20261125040930%21Name.png`. */
  archive(name: string, archiveName: string, absolute = true): string {
    return this.abs(`${this.uploadPath}/archive/${hashPath(name)}${rawUrlencode(archiveName)}`, absolute);
  }

  /** A thumbnail of the current version: `/w/images/thumb/a/ab/Name.png/120px-Name.png`. */
  thumb(name: string, thumbName: string, absolute = true): string {
    return this.abs(
      `${this.uploadPath}/thumb/${hashPath(name)}${rawUrlencode(name)}/${rawUrlencode(thumbName)}`,
      absolute,
    );
  }

  /** A thumbnail of an old version: `/w/images/thumb/archive/a/ab/<archivename>/120px-Name.png`. */
  archiveThumb(name: string, archiveName: string, thumbName: string, absolute = true): string {
    return this.abs(
      `${this.uploadPath}/thumb/archive/${hashPath(name)}${rawUrlencode(archiveName)}/${rawUrlencode(thumbName)}`,
      absolute,
    );
  }

  /** A page: `/w/index.php/File:Name.png` (prefixed DB key). */
  page(prefixedDbKey: string, absolute = true): string {
    return this.abs(`${this.config.scriptPath}/index.php/${wfUrlencode(prefixedDbKey)}`, absolute);
  }

  /** `/w/index.php?title=…&…` */
  pageAction(prefixedDbKey: string, query: string, absolute = true): string {
    return this.abs(
      `${this.config.scriptPath}/index.php?title=${wfUrlencode(prefixedDbKey)}&${query}`,
      absolute,
    );
  }

  /** `descriptionshorturl`: `/w/index.php?curid=<page id>`. */
  shortPage(pageId: number, absolute = true): string {
    return this.abs(`${this.config.scriptPath}/index.php?curid=${pageId}`, absolute);
  }

  /** A stashed upload's bytes: `/w/index.php/Special:UploadStash/file/<key>`. */
  stashFile(key: string, absolute = true): string {
    return this.page(`Special:UploadStash/file/${key}`, absolute);
  }

  /** A thumbnail of a stashed upload: `/w/index.php/Special:UploadStash/thumb/<key>/<thumbname>`. */
  stashThumb(key: string, thumbName: string, absolute = true): string {
    return this.page(`Special:UploadStash/thumb/${key}/${thumbName}`, absolute);
  }

  /** The generic icon shown for files that cannot be rendered. */
  fileIcon(absolute = true): string {
    return this.abs(`${this.config.scriptPath}/resources/assets/file-type-icons/fileicon.png`, absolute);
  }
}
