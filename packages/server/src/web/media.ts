/**
 * Pictures of files for the pages: thumbnails from the thumbnail URLs (`/w/images/thumb/…`, rendered
 * on first request), the original only for bitmaps that fit the box. SVGs are always shown as their
 * rasterised thumbnail — never the SVG itself — and files nothing can render get no picture.
 */
import type { Config } from '../config.js';
import { planThumbnail, thumbFileOf, thumbNameFor } from '../files/thumb-plan.js';
import type { FileVersion } from '../files/types.js';
import { FileUrls } from '../files/urls.js';
import { type Html, html } from './html.js';

export interface Picture {
  src: string;
  width: number;
  height: number;
  /** Whether it is a scaled thumbnail (not the original). */
  scaled: boolean;
}

/** The URL of a version's bytes (the current file, or an old version's archive URL). */
export function versionUrl(config: Config, v: FileVersion): string {
  const urls = new FileUrls(config);
  return v.archiveName ? urls.archive(v.name, v.archiveName, false) : urls.file(v.name, false);
}

const isSvg = (mime: string) => mime.toLowerCase() === 'image/svg+xml';

/** A picture of `v` fitting `box`, or null when there is none (no renderer, too large, audio, …). */
export function picture(
  config: Config,
  v: FileVersion,
  box: { width: number; height: number },
): Picture | null {
  const file = thumbFileOf(v);
  const plan = planThumbnail(config.thumbnails, file, {
    width: v.width ? Math.min(box.width, v.width) || box.width : box.width,
    height: box.height,
  });
  if (plan.kind === 'original') {
    if (isSvg(v.mime) || !v.mime.startsWith('image/')) return null;
    return { src: versionUrl(config, v), width: plan.width, height: plan.height, scaled: false };
  }
  if (plan.kind !== 'thumb') return null;
  const urls = new FileUrls(config);
  const name = thumbNameFor(config.thumbnails, file, plan);
  const src = v.archiveName
    ? urls.archiveThumb(v.name, v.archiveName, name, false)
    : urls.thumb(v.name, name, false);
  return { src, width: plan.width, height: plan.height, scaled: true };
}

/** An `<img>` of a picture. */
export function pictureImg(p: Picture, alt: string, lazy = false): Html {
  return html`<img alt="${alt}" src="${p.src}" width="${p.width}" height="${p.height}" decoding="async"${lazy ? html` loading="lazy"` : ''}>`;
}

/** A small thumbnail (`<img>`), or "No thumbnail". */
export function smallThumb(config: Config, v: FileVersion, size: number, alt: string): Html {
  const p = picture(config, v, { width: size, height: size });
  return p ? pictureImg(p, alt, true) : html`<span class="mw-muted">No thumbnail</span>`;
}

/** How a file is shown: picture, player, or a link only. */
export function mediaKind(v: FileVersion): 'audio' | 'video' | 'image' | 'other' {
  const mime = v.mime.toLowerCase();
  if (v.mediaType === 'AUDIO' || mime.startsWith('audio/')) return 'audio';
  if (v.mediaType === 'VIDEO' || mime.startsWith('video/')) return 'video';
  if (mime.startsWith('image/')) return 'image';
  return 'other';
}
