/** The `uploadwarning` HTML of imageinfo (SpecialUpload::getExistsWarning). */
import type { Config } from '../config.js';
import { escapeHtml } from './comments.js';
import { describeThumb } from './imageinfo-thumb.js';
import type { FileVersion } from './types.js';
import { FileUrls, rawUrlencode } from './urls.js';

const THUMB_DEFAULT_WIDTH = 300;

/**
 * SpecialUpload::getExistsWarning for an existing file: the `fileexists` message with a self-link
 * and a `[[File:…|thumb]]` rendering. `missing` reproduces MediaWiki's rendering when it looked the
 * file up before it existed (a red upload link in a 180px frame).
 */
export function uploadWarningHtml(
  ctx: { config: Config },
  f: Pick<FileVersion, 'name' | 'mime' | 'width' | 'height'> & { metadata?: unknown },
  missing = false,
): string {
  const urls = new FileUrls(ctx.config);
  const text = f.name.replace(/_/g, ' ');
  const pdk = `File:${f.name}`;
  const intro =
    `<p>A file with this name exists already, please check <strong><a class="mw-selflink selflink">File:${escapeHtml(text)}</a></strong> ` +
    'if you are not sure if you want to overwrite it.\n</p>\n';
  if (missing) {
    return (
      intro +
      '<div class="thumb tright"><div class="thumbinner" style="width:182px;">' +
      `<a href="${escapeHtml(`${ctx.config.scriptPath}/index.php?title=Special:Upload&wpDestFile=${rawName(f.name)}`)}" class="new" title="File:${escapeHtml(text)}">File:${escapeHtml(text)}</a>` +
      '  <div class="thumbcaption"></div></div></div>'
    );
  }
  const page = urls.page(pdk, false);
  const s = {
    name: f.name,
    mime: f.mime,
    width: f.width,
    height: f.height,
    url: urls.file(f.name, false),
    thumbUrl: (t: string) => urls.thumb(f.name, t, false),
  };
  // Linker::makeThumbLink2 asks for a width only, also for the 1.5x and 2x renderings.
  const t = describeThumb(ctx.config, s, { width: THUMB_DEFAULT_WIDTH, height: null }, false, false);
  let img: string;
  let width: number;
  if ('error' in t) {
    width = 180;
    img = escapeHtml(t.error);
  } else {
    width = t.width;
    // Html::srcSet: a density whose URL a smaller one already has is left out.
    const parts: string[] = [];
    const u15 = t.responsive?.['1.5'];
    const u2 = t.responsive?.['2'];
    if (u15) parts.push(`${u15} 1.5x`);
    if (u2 && u2 !== u15) parts.push(`${u2} 2x`);
    const srcset = parts.length ? ` srcset="${escapeHtml(parts.join(', '))}"` : '';
    img =
      `<a href="${page}" class="image"><img alt="${escapeHtml(text)}" src="${escapeHtml(t.url)}" decoding="async" ` +
      `width="${t.width}" height="${t.height}" class="thumbimage"${srcset} /></a>`;
  }
  return (
    intro +
    `<div class="thumb tright"><div class="thumbinner" style="width:${width + 2}px;">${img}` +
    `  <div class="thumbcaption"><div class="magnify"><a href="${page}" class="internal" title="Enlarge"></a></div></div></div></div>`
  );
}

/** A query-string value as PHP's urlencode writes it. */
function rawName(name: string): string {
  return rawUrlencode(name).replace(/%20/g, '+').replace(/~/g, '%7E');
}
