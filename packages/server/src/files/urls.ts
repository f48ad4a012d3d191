/**
 * The URLs MediaWiki hands out for files, their old versions, thumbnails, description pages,
 * stashed uploads and file-type icons (thumbnail names and sizes: ./thumb-plan.ts).
 *
 * Paths under `images/` are percent-encoded like PHP's rawurlencode (File::getUrl), page URLs like
 * wfUrlencode (Title::getLocalURL), which leaves `;@$!*(),/~:` readable.
 */
import type { Config } from '../config.js';
import { fileHashPath } from '../title/file-names.js';
import { TitleParser } from '../title/title.js';

export type { ThumbRequest } from './thumb-plan.js';

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

  /** A file-type icon by its path under the resource base path (`/resources/assets/…/fileicon.png`). */
  icon(iconPath: string, absolute = true): string {
    return this.abs(`${this.config.scriptPath}${iconPath}`, absolute);
  }
}
