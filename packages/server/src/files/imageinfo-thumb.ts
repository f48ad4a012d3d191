/**
 * imageinfo's thumbnail fields (ApiQueryImageInfo with iiurlwidth/iiurlheight): what File::transform
 * answers for the request, decided from the stored header facts, so a file over the limits gets
 * `thumberror` and nothing is rendered.
 */
import type { Config } from '../config.js';
import { handlerFor } from '../media/props.js';
import { responsivePlans, type ThumbFile, type ThumbPlan, thumbType } from '../media/thumbnail/index.js';
import { planThumbnail, type ThumbRequest, thumbFileOf, thumbNameFor } from './thumb-plan.js';
import { FileUrls } from './urls.js';

/** What the thumbnail fields need to know of a file version or stashed upload. */
export interface ThumbSubject {
  name: string;
  mime: string;
  width: number;
  height: number;
  metadata?: unknown;
  /** URL of the file itself. */
  url: string;
  /** URL of a rendered thumbnail by its `NNNpx-…` name. */
  thumbUrl: (thumbName: string) => string;
}

export type DescribedThumb =
  | { url: string; width: number; height: number; plan: ThumbPlan }
  | { error: string };

function describePlan(
  config: Config,
  s: ThumbSubject,
  file: ThumbFile,
  plan: ThumbPlan,
  absolute: boolean,
): DescribedThumb {
  switch (plan.kind) {
    case 'original':
      return { url: s.url, width: s.width, height: s.height, plan };
    case 'thumb':
      return {
        url: s.thumbUrl(thumbNameFor(config.thumbnails, file, plan)),
        width: plan.width,
        height: plan.height,
        plan,
      };
    case 'icon':
      return { url: new FileUrls(config).icon(plan.iconPath, absolute), width: 120, height: 120, plan };
    default:
      return { error: plan.message };
  }
}

/**
 * The thumbnail URL and size for a request, as imageinfo reports them, with the URLs of the 1.5×
 * and 2× renderings (Linker::processResponsiveImages) when they differ from it; those are asked
 * with the shown height too unless `responsiveHeight` is false. Icon URLs are absolute unless
 * `absolute` is false (the thumbnail URLs are what `s` makes them).
 */
export function describeThumb(
  config: Config,
  s: ThumbSubject,
  req: ThumbRequest,
  absolute = true,
  responsiveHeight = true,
): DescribedThumb & { responsive?: { '1.5'?: string; '2'?: string } } {
  const file = thumbFileOf({ ...s, metadata: s.metadata });
  const plan = planThumbnail(config.thumbnails, file, req);
  const t = describePlan(config, s, file, plan, absolute);
  if ('error' in t) return t;
  const responsive: { '1.5'?: string; '2'?: string } = {};
  const r = responsivePlans(file, plan, config.thumbnails, responsiveHeight);
  for (const density of ['1.5', '2'] as const) {
    const p = r[density];
    if (!p) continue;
    const d = describePlan(config, s, file, p, absolute);
    if ('url' in d && d.url !== t.url) responsive[density] = d.url;
  }
  return Object.keys(responsive).length ? { ...t, responsive } : t;
}

/** thumburl, thumbwidth, thumbheight, thumbmime and responsiveUrls; or thumberror. */
export function thumbFields(
  config: Config,
  s: ThumbSubject,
  req: ThumbRequest,
  withMime: boolean,
): Record<string, unknown> {
  const t = describeThumb(config, s, req);
  if ('error' in t) return { thumberror: t.error };
  const vals: Record<string, unknown> = { thumburl: t.url, thumbwidth: t.width, thumbheight: t.height };
  // The handler's getThumbType() for the output's extension (files without a handler have none).
  if (withMime && handlerFor(s.mime) !== 'none') {
    vals.thumbmime =
      t.plan.kind === 'thumb'
        ? t.plan.thumbMime
        : t.plan.kind === 'icon'
          ? 'image/png'
          : (thumbType(s.name, s.mime, config.thumbnails)?.[1] ?? s.mime);
  }
  if (t.responsive) vals.responsiveUrls = t.responsive;
  return vals;
}
