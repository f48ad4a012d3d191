/**
 * imageinfo of a file that only a foreign repository has (ApiQueryImageInfo::getInfo of a
 * ForeignAPIFile): what that repository said, with MediaWiki's local touches — the uploader as
 * `<repo>>Name` (an imported user: id 0, `anon`), the comment parsed here, the title as this wiki
 * writes it, `bitdepth` 0, and thumbnails as the foreign repository renders them (`iiurlwidth`).
 */

import { escapeHtml } from '../../files/comments.js';
import { commentLinkTargets, formatComment } from '../../files/imageinfo.js';
import type { ThumbRequest } from '../../files/urls.js';
import { FileUrls } from '../../files/urls.js';
import type { ForeignApiRepo, ForeignFile, ForeignThumb } from '../../upload/foreign/group.js';
import type { ApiContext } from '../context.js';

export interface ForeignInfoOptions {
  props: ReadonlySet<string>;
  thumb: ThumbRequest | null;
  urlParam: string;
  extmetadataFilter: readonly string[];
}

/** The width SpecialUpload's warning asks for (Linker::makeThumbLink2's default). */
const WARNING_THUMB_WIDTH = 300;

/** SpecialUpload::getExistsWarning for a foreign file: the image is the foreign repository's. */
async function warningHtml(ctx: ApiContext, repo: ForeignApiRepo, f: ForeignFile): Promise<string> {
  const text = f.name.replace(/_/g, ' ');
  const page = new FileUrls(ctx.config).page(`File:${f.name}`, false);
  const intro =
    `<p>A file with this name exists already, please check <strong><a class="mw-selflink selflink">File:${escapeHtml(text)}</a></strong> ` +
    'if you are not sure if you want to overwrite it.\n</p>\n';
  const t = await repo.thumb(f.name, WARNING_THUMB_WIDTH, null);
  let img: string;
  let width = 180;
  if (t?.thumburl) {
    width = t.thumbwidth ?? width;
    const parts: string[] = [];
    const u15 = t.responsiveUrls?.['1.5'];
    const u2 = t.responsiveUrls?.['2'];
    if (u15 && u15 !== t.thumburl) parts.push(`${u15} 1.5x`);
    if (u2 && u2 !== u15 && u2 !== t.thumburl) parts.push(`${u2} 2x`);
    const srcset = parts.length ? ` srcset="${escapeHtml(parts.join(', '))}"` : '';
    img =
      `<a href="${page}" class="image"><img alt="${escapeHtml(text)}" src="${escapeHtml(t.thumburl)}" decoding="async" ` +
      `width="${t.thumbwidth}" height="${t.thumbheight}" class="thumbimage"${srcset} /></a>`;
  } else {
    img = escapeHtml(t?.thumberror ?? '');
  }
  return (
    intro +
    `<div class="thumb tright"><div class="thumbinner" style="width:${width + 2}px;">${img}` +
    `  <div class="thumbcaption"><div class="magnify"><a href="${page}" class="internal" title="Enlarge"></a></div></div></div></div>`
  );
}

function thumbFields(t: ForeignThumb | null, withMime: boolean): Record<string, unknown> {
  if (!t) return {};
  if (typeof t.thumburl !== 'string') return t.thumberror !== undefined ? { thumberror: t.thumberror } : {};
  const o: Record<string, unknown> = {
    thumburl: t.thumburl,
    thumbwidth: t.thumbwidth,
    thumbheight: t.thumbheight,
  };
  if (withMime && t.thumbmime !== undefined) o.thumbmime = t.thumbmime;
  if (t.responsiveUrls && Object.keys(t.responsiveUrls).length) o.responsiveUrls = t.responsiveUrls;
  return o;
}

/** One imageinfo entry for the current version of a foreign file. */
export async function foreignImageInfo(
  ctx: ApiContext,
  repo: ForeignApiRepo,
  f: ForeignFile,
  o: ForeignInfoOptions,
): Promise<Record<string, unknown>> {
  const p = o.props;
  const i = f.info;
  const vals: Record<string, unknown> = {};
  if (p.has('timestamp') && i.timestamp !== undefined) vals.timestamp = i.timestamp;
  if (p.has('user') || p.has('userid')) {
    const user = typeof i.user === 'string' ? `${f.repo}>${i.user}` : null;
    if (p.has('user')) vals.user = user ?? '';
    if (p.has('userid')) vals.userid = 0;
    if (user !== null) ctx.flag(vals, 'anon', true);
  }
  if (p.has('size') || p.has('dimensions')) {
    vals.size = i.size ?? 0;
    vals.width = i.width ?? 0;
    vals.height = i.height ?? 0;
    if (typeof i.pagecount === 'number') vals.pagecount = i.pagecount;
    if (typeof i.duration === 'number' && i.duration) vals.duration = i.duration;
  }
  const comment = typeof i.comment === 'string' ? i.comment : '';
  if (p.has('parsedcomment')) {
    const known = await ctx.services.pages.existing(ctx.config, commentLinkTargets(ctx.config, comment));
    vals.parsedcomment = formatComment(ctx.config, comment, `File:${f.name}`, known);
  }
  if (p.has('comment')) vals.comment = comment;
  if (p.has('uploadwarning')) vals.html = await warningHtml(ctx, repo, f);
  if (p.has('canonicaltitle')) vals.canonicaltitle = `File:${f.name.replace(/_/g, ' ')}`;
  if (p.has('url')) {
    if (o.thumb) {
      const t = await repo.thumb(f.name, o.thumb.width, o.thumb.height, o.urlParam);
      Object.assign(vals, thumbFields(t, p.has('thumbmime')));
    }
    if (i.url !== undefined) vals.url = i.url;
    if (i.descriptionurl !== undefined) vals.descriptionurl = i.descriptionurl;
    if (i.descriptionshorturl !== undefined) vals.descriptionshorturl = i.descriptionshorturl;
    else if (f.pageId) vals.descriptionshorturl = `${repo.s.scriptDirUrl}/index.php?curid=${f.pageId}`;
  }
  if (p.has('sha1') && i.sha1 !== undefined) vals.sha1 = i.sha1;
  if (p.has('metadata')) vals.metadata = Array.isArray(i.metadata) && i.metadata.length ? i.metadata : null;
  if (p.has('commonmetadata')) vals.commonmetadata = Array.isArray(i.commonmetadata) ? i.commonmetadata : [];
  if (p.has('extmetadata')) {
    const ext = { ...(i.extmetadata ?? {}) };
    if (o.extmetadataFilter.length)
      for (const k of Object.keys(ext)) if (!o.extmetadataFilter.includes(k)) delete ext[k];
    vals.extmetadata = ext;
  }
  if (p.has('mime') && i.mime !== undefined) vals.mime = i.mime;
  if (p.has('mediatype') && i.mediatype !== undefined) vals.mediatype = i.mediatype;
  // File::getBitDepth: a foreign file has no handler facts of its own.
  if (p.has('bitdepth')) vals.bitdepth = 0;
  return vals;
}
