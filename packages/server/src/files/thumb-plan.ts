/**
 * Thumbnail decisions for the repository's files and stashed uploads: MediaWiki's planning (see
 * src/media/thumbnail) fed with a version's stored header facts and the wiki's thumbnail settings.
 */
import type { ThumbnailConfig } from '../config.js';
import { isHandlerMetadata } from '../media/props.js';
import {
  type ScaledPlan,
  type ThumbFile,
  type ThumbPlan,
  thumbFileName,
  thumbPlan,
  widthFromThumbName,
} from '../media/thumbnail/index.js';

/** A thumbnail request as the API decodes it (width null: only a height was given). */
export interface ThumbRequest {
  width: number | null;
  /** Bounding height, or null. */
  height: number | null;
}

/** MediaWiki's largest $wgThumbLimits entry: the width used for files without one of their own. */
const THUMB_LIMITS_MAX = 1280;

/** What thumbnail planning needs of a file version or stashed upload. */
export function thumbFileOf(f: {
  name: string;
  mime: string;
  width: number;
  height: number;
  metadata: unknown;
}): ThumbFile {
  const file: ThumbFile = { name: f.name, mime: f.mime, width: f.width, height: f.height };
  if (isHandlerMetadata(f.metadata)) file.handlerMetadata = f.metadata;
  return file;
}

/**
 * File::transform for an API request (ApiQueryImageInfo::mergeThumbParams: with only a height,
 * the file's own width is the limiting width).
 */
export function planThumbnail(cfg: ThumbnailConfig, file: ThumbFile, req: ThumbRequest): ThumbPlan {
  const width = req.width ?? (file.width > 0 ? file.width : THUMB_LIMITS_MAX);
  return thumbPlan(file, req.height === null ? { width } : { width, height: req.height }, cfg);
}

/** The `NNNpx-Name…` file name of a planned thumbnail. */
export function thumbNameFor(cfg: ThumbnailConfig, file: ThumbFile, plan: ScaledPlan): string {
  return thumbFileName(file.name, file.mime, plan.paramString, cfg);
}

/**
 * What the last segment of a thumbnail URL (`120px-Name.png`) asks for: its plan, or null when the
 * segment is not a thumbnail name of this file.
 */
export function planFromThumbName(cfg: ThumbnailConfig, file: ThumbFile, segment: string): ThumbPlan | null {
  const width = widthFromThumbName(segment, file, cfg);
  return width === null ? null : thumbPlan(file, { width }, cfg);
}
