/**
 * imageinfo: what MediaWiki's ApiQueryImageInfo::getInfo prints about one file version (or a
 * stashed upload). One builder serves prop=imageinfo, list=allimages, prop=stashimageinfo and the
 * upload module's answers, so they cannot drift apart.
 */
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { VISIBLE_FIELDS } from '../media/extmetadata.js';
import {
  commonMetadata,
  isHandlerMetadata,
  type MetadataItem,
  mediaDuration,
  metadataForVersion,
} from '../media/props.js';
import { decodeCharReferences } from '../title/sanitizer.js';
import { NS_FILE } from './repo.js';
import type { FileVersion } from './types.js';
import {
  FileUrls,
  planThumb,
  rawUrlencode,
  type ThumbPlan,
  type ThumbRequest,
  thumbType,
  wikiTitleParser,
} from './urls.js';

/** What the builder needs of a request: the wiki's configuration and the output format version. */
export interface InfoContext {
  config: Config;
  fv: 1 | 2;
}

/** An API request context with database access (the upload module's ApiContext fits). */
export interface InfoRequestContext extends InfoContext {
  services: { db: Db };
}

/** Every `iiprop` value (ApiQueryImageInfo::getPropertyNames). */
export const IMAGEINFO_PROPS = [
  'timestamp',
  'user',
  'userid',
  'comment',
  'parsedcomment',
  'canonicaltitle',
  'url',
  'size',
  'dimensions',
  'sha1',
  'mime',
  'thumbmime',
  'mediatype',
  'metadata',
  'commonmetadata',
  'extmetadata',
  'archivename',
  'bitdepth',
  'uploadwarning',
  'badfile',
] as const;

export interface InfoOptions {
  /** The properties to print (iiprop values). */
  props: ReadonlySet<string>;
  /** A thumbnail to describe (iiurlwidth/iiurlheight), or null. */
  thumb?: ThumbRequest | null;
  /** iimetadataversion: 'latest' (upload answers) or '1' (prop=imageinfo's default). */
  metadataVersion?: string;
  /** iiextmetadatafilter */
  extmetadataFilter?: readonly string[];
  /** Id of the description page, for `descriptionshorturl` (left out when null). */
  pageId?: number | null;
  /** `uploadwarning`: render the file link as MediaWiki does for a file it believes missing. */
  warningAsMissing?: boolean;
  /** Titles (prefixed DB keys) that exist, for red links in `parsedcomment` (all exist when absent). */
  knownPages?: ReadonlySet<string>;
}

/** What the builder needs to know about a file version or a stashed upload. */
export interface Subject {
  kind: 'file' | 'stash';
  /** File name for thumbnails (DB key, or the stash key). */
  name: string;
  /** `File:A b.png` */
  titleText: string;
  /** `File:A_b.png` */
  titleDbKey: string;
  timestamp: string;
  size: number;
  width: number;
  height: number;
  bits: number;
  mime: string;
  mediaType: string;
  metadata: unknown;
  sha1: string;
  description: string;
  userId: number;
  userText: string;
  /** '' for current versions. */
  archiveName: string;
  url: string;
  descriptionUrl: string;
  /** URL of a rendered thumbnail by its `NNNpx-…` name. */
  thumbUrl: (thumbName: string) => string;
}

const urlsFor = (ctx: Pick<InfoContext, 'config'>) => new FileUrls(ctx.config);

function fileSubject(ctx: Pick<InfoContext, 'config'>, f: FileVersion): Subject {
  const urls = urlsFor(ctx);
  const old = f.archiveName !== '';
  return {
    kind: 'file',
    name: f.name,
    titleText: `File:${f.name.replace(/_/g, ' ')}`,
    titleDbKey: `File:${f.name}`,
    timestamp: f.timestamp,
    size: f.size,
    width: f.width,
    height: f.height,
    bits: f.bits,
    mime: f.mime,
    mediaType: f.mediaType,
    metadata: f.metadata,
    sha1: f.sha1,
    description: f.description,
    userId: f.userId,
    userText: f.userText,
    archiveName: f.archiveName,
    url: old ? urls.archive(f.name, f.archiveName) : urls.file(f.name),
    descriptionUrl: urls.page(`File:${f.name}`),
    thumbUrl: (t) => (old ? urls.archiveThumb(f.name, f.archiveName, t) : urls.thumb(f.name, t)),
  };
}

// ---------------------------------------------------------------------------------------------
// Metadata

/** imageinfo `metadata`: the handler's array in the requested version; null when there is none. */
export function metadataArray(meta: unknown, version = 'latest'): MetadataItem[] | null {
  let items: MetadataItem[] | null = null;
  if (isHandlerMetadata(meta)) items = metadataForVersion(meta, version);
  else if (Array.isArray(meta)) items = meta as MetadataItem[];
  return items?.length ? items : null;
}

/** imageinfo `commonmetadata`. */
export function commonMetadataArray(meta: unknown): MetadataItem[] {
  return isHandlerMetadata(meta) ? commonMetadata(meta) : [];
}

function extValue(v: MetadataItem['value']): string {
  if (Array.isArray(v)) {
    const def = v.find((i) => i.name === 'x-default') ?? v.find((i) => i.name !== '_type');
    if (v.some((i) => i.name === '_type' && i.value === 'lang')) return def ? extValue(def.value) : '';
    return v
      .filter((i) => i.name !== '_type')
      .map((i) => extValue(i.value))
      .join(', ');
  }
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? '1' : '';
  return String(v);
}

/** imageinfo `extmetadata` (FormatMetadata::fetchExtendedMetadata, values unformatted). */
function extMetadata(s: Subject, common: MetadataItem[], filter?: readonly string[]) {
  const text = s.titleText.slice('File:'.length);
  const dot = text.lastIndexOf('.');
  const out: Record<string, { value: string; source: string; hidden?: string }> = {
    DateTime: { value: s.timestamp, source: 'mediawiki-metadata' },
    ObjectName: { value: dot > 0 ? text.slice(0, dot) : text, source: 'mediawiki-metadata' },
  };
  for (const item of common) {
    if (typeof item.name !== 'string' || !/^[A-Za-z]/.test(item.name)) continue;
    out[item.name] = { value: extValue(item.value), source: 'file-metadata' };
  }
  for (const [k, v] of Object.entries(out)) if (!VISIBLE_FIELDS.has(k.toLowerCase())) v.hidden = '';
  if (filter?.length) for (const k of Object.keys(out)) if (!filter.includes(k)) delete out[k];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Comments

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' })[c]!,
  );

/** Sanitizer::escapeHtmlAllowEntities */
function escapeComment(s: string): string {
  return escapeHtml(decodeCharReferences(s));
}

/** Link targets (prefixed DB keys) a comment links to, to look their existence up. */
export function commentLinkTargets(config: Config, comment: string): string[] {
  const out: string[] = [];
  for (const m of comment.matchAll(/\[\[:?([^[\]|]+)(?:\|[^\]]*)?\]\]/g)) {
    const t = wikiTitleParser(config).newFromText(m[1]!.split('#')[0]!);
    if (t && !t.isExternal) out.push(t.prefixedDbKey);
  }
  return out;
}

/**
 * Linker::formatComment reduced to what upload and edit summaries use: HTML-escaped text,
 * `[[links]]` (with link trails; red links for pages not in `known`), and `/* section *\/`
 * auto-comments. `self` is the page the comment belongs to (links to it become self-links).
 */
export function formatComment(
  config: Config,
  comment: string,
  self?: string,
  known?: ReadonlySet<string>,
): string {
  const urls = new FileUrls(config);
  let html = escapeComment(comment);
  // Auto-comments: /* Section */ rest
  html = html.replace(/^(.*?)\/\*\s*(.*?)\s*\*\/(.*)$/s, (_m, pre: string, sec: string, post: string) => {
    const link = self
      ? `<a href="${urls.page(self, false)}#${escapeHtml(sec.replace(/ /g, '_'))}" title="${escapeHtml(self.replace(/_/g, ' '))}">→‎${sec}</a>`
      : `→‎${sec}`;
    const colon = post.trim() ? ': ' : '';
    return `${pre}<span dir="auto"><span class="autocomment">${link}${colon}</span>${post.replace(/^\s+/, '')}</span>`;
  });
  const parser = wikiTitleParser(config);
  return html.replace(
    /\[\[\s*(:?)([^[\]|]+?)\s*(?:\|([^\]]*))?\]\](([a-z]+)?)/g,
    (m, _colon: string, target: string, label: string | undefined, trail: string) => {
      const raw = decodeCharReferences(target);
      const [page, fragment] = raw.split('#', 2) as [string, string | undefined];
      const t =
        page === '' && fragment !== undefined && self ? parser.newFromText(self) : parser.newFromText(page);
      if (!t || t.isExternal) return m;
      const text = (label !== undefined && label !== '' ? label : target.replace(/^:/, '')) + (trail ?? '');
      const pdk = t.prefixedDbKey;
      if (self && pdk === self && !fragment) return `<a class="mw-selflink selflink">${text}</a>`;
      const title = escapeHtml(t.prefixedText);
      const frag = fragment ? `#${escapeHtml(fragment.replace(/ /g, '_'))}` : '';
      if (known && !known.has(pdk) && t.ns >= 0) {
        return `<a href="${escapeHtml(urls.pageAction(pdk, 'action=edit&redlink=1', false))}" class="new" title="${title} (page does not exist)">${text}</a>`;
      }
      return `<a href="${urls.page(pdk, false)}${frag}" title="${title}">${text}</a>`;
    },
  );
}

/** Which of `targets` (prefixed DB keys) exist as pages. */
export async function existingPages(db: Db, config: Config, targets: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const pdk of new Set(targets)) {
    const t = wikiTitleParser(config).newFromText(pdk);
    if (!t || t.isExternal) continue;
    const r = await db
      .selectFrom('pages')
      .select('id')
      .where('namespace', '=', t.ns)
      .where('title', '=', t.dbKey)
      .executeTakeFirst();
    if (r) out.add(pdk);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Thumbnails

/** The thumbnail URL and size for a request, as imageinfo reports them. */
export function describeThumb(
  ctx: Pick<InfoContext, 'config'>,
  s: Pick<Subject, 'name' | 'mime' | 'width' | 'height' | 'url' | 'thumbUrl'>,
  req: ThumbRequest,
): { url: string; width: number; height: number; plan: ThumbPlan } | { error: string } {
  const plan = planThumb({ name: s.name, mime: s.mime, width: s.width, height: s.height }, req);
  switch (plan.kind) {
    case 'original':
      return { url: s.url, width: s.width, height: s.height, plan };
    case 'thumb':
      return { url: s.thumbUrl(plan.name), width: plan.width, height: plan.height, plan };
    case 'icon':
      return { url: urlsFor(ctx).fileIcon(), width: plan.width, height: plan.height, plan };
    default:
      return { error: plan.message };
  }
}

function thumbFields(ctx: Pick<InfoContext, 'config'>, s: Subject, req: ThumbRequest, withMime: boolean) {
  const vals: Record<string, unknown> = {};
  const t = describeThumb(ctx, s, req);
  if ('error' in t) {
    vals.thumberror = t.error;
    return vals;
  }
  vals.thumburl = t.url;
  vals.thumbwidth = t.width;
  vals.thumbheight = t.height;
  if (withMime && t.plan.kind !== 'icon') vals.thumbmime = thumbType(s.name, s.mime).mime;
  // Linker::processResponsiveImages: 1.5x and 2x renderings when they differ from the thumbnail.
  if (t.plan.kind === 'thumb' || t.plan.kind === 'original') {
    const scaled = (f: number) =>
      describeThumb(ctx, s, {
        width: f === 2 ? t.width * 2 : Math.round(t.width * f),
        height: req.height !== null && req.height > 0 ? Math.round(t.height * f) : null,
      });
    const r15 = scaled(1.5);
    const r2 = scaled(2);
    const responsive: Record<string, string> = {};
    const u15 = 'url' in r15 ? r15.url : null;
    if (u15 && u15 !== t.url) responsive['1.5'] = u15;
    if ('url' in r2 && r2.url !== t.url && r2.url !== u15) responsive['2'] = r2.url;
    if (Object.keys(responsive).length) vals.responsiveUrls = responsive;
  }
  return vals;
}

// ---------------------------------------------------------------------------------------------
// The upload-warning HTML ("A file with this name exists already…")

const THUMB_DEFAULT_WIDTH = 300;

/**
 * SpecialUpload::getExistsWarning for an existing file: the `fileexists` message with a self-link
 * and a `[[File:…|thumb]]` rendering. `missing` reproduces MediaWiki's rendering when it looked the
 * file up before it existed (a red upload link in a 180px frame).
 */
export function uploadWarningHtml(
  ctx: Pick<InfoContext, 'config'>,
  f: Pick<FileVersion, 'name' | 'mime' | 'width' | 'height'>,
  missing = false,
): string {
  const urls = urlsFor(ctx);
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
  const t = describeThumb(ctx, s, { width: THUMB_DEFAULT_WIDTH, height: null });
  let img: string;
  let width: number;
  if ('error' in t) {
    width = 180;
    img = escapeHtml(t.error);
  } else {
    width = t.width;
    const src = t.plan.kind === 'icon' ? urls.fileIcon(false) : t.url;
    let srcset = '';
    if (t.plan.kind === 'thumb') {
      const r15 = describeThumb(ctx, s, { width: Math.round(t.width * 1.5), height: null });
      const r2 = describeThumb(ctx, s, { width: t.width * 2, height: null });
      const parts: string[] = [];
      const u15 = 'url' in r15 && r15.url !== t.url ? r15.url : null;
      if (u15) parts.push(`${u15} 1.5x`);
      if ('url' in r2 && r2.url !== t.url && r2.url !== u15) parts.push(`${r2.url} 2x`);
      if (parts.length) srcset = ` srcset="${escapeHtml(parts.join(', '))}"`;
    }
    img =
      `<a href="${page}" class="image"><img alt="${escapeHtml(text)}" src="${escapeHtml(src)}" decoding="async" ` +
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

// ---------------------------------------------------------------------------------------------
// The builder

/** imageinfo of any subject (a file version here; a stashed upload in src/upload/stash). */
export function subjectInfo(ctx: InfoContext, s: Subject, opts: InfoOptions): Record<string, unknown> {
  const p = opts.props;
  const vals: Record<string, unknown> = {};
  const flag = (k: string, v: boolean) => {
    if (ctx.fv === 2) vals[k] = v;
    else if (v) vals[k] = '';
  };
  if (p.has('timestamp')) vals.timestamp = s.timestamp;
  if (s.kind === 'file' && (p.has('user') || p.has('userid'))) {
    if (p.has('user')) vals.user = s.userText;
    if (p.has('userid')) vals.userid = s.userId;
    if (!s.userId) flag('anon', true);
  }
  if (p.has('size') || p.has('dimensions')) {
    vals.size = s.size;
    vals.width = s.width;
    vals.height = s.height;
    const duration = isHandlerMetadata(s.metadata) ? mediaDuration(s.metadata) : 0;
    if (duration) vals.duration = duration;
  }
  if (s.kind === 'file') {
    if (p.has('parsedcomment'))
      vals.parsedcomment = formatComment(ctx.config, s.description, s.titleDbKey, opts.knownPages);
    if (p.has('comment')) vals.comment = s.description;
    if (p.has('uploadwarning')) {
      vals.html = uploadWarningHtml(
        ctx,
        { name: s.name, mime: s.mime, width: s.width, height: s.height },
        opts.warningAsMissing,
      );
    }
  }
  if (p.has('canonicaltitle')) vals.canonicaltitle = s.titleText;
  if (p.has('url')) {
    if (opts.thumb) Object.assign(vals, thumbFields(ctx, s, opts.thumb, p.has('thumbmime')));
    vals.url = s.url;
    vals.descriptionurl = s.descriptionUrl;
    if (opts.pageId) vals.descriptionshorturl = urlsFor(ctx).shortPage(opts.pageId);
  }
  if (p.has('sha1')) vals.sha1 = s.sha1;
  if (p.has('metadata')) vals.metadata = metadataArray(s.metadata, opts.metadataVersion ?? '1');
  const common = p.has('commonmetadata') || p.has('extmetadata') ? commonMetadataArray(s.metadata) : [];
  if (p.has('commonmetadata')) vals.commonmetadata = common;
  if (p.has('extmetadata')) vals.extmetadata = extMetadata(s, common, opts.extmetadataFilter);
  if (p.has('mime')) vals.mime = s.mime;
  if (s.kind === 'file' && p.has('mediatype')) vals.mediatype = s.mediaType;
  if (s.kind === 'file' && p.has('archivename') && s.archiveName) vals.archivename = s.archiveName;
  if (p.has('bitdepth')) vals.bitdepth = s.bits;
  return vals;
}

/** imageinfo of a file version (current or old). */
export function fileInfo(ctx: InfoContext, file: FileVersion, opts: InfoOptions): Record<string, unknown> {
  return subjectInfo(ctx, fileSubject(ctx, file), opts);
}

/**
 * imageinfo of a freshly published file, as the upload answer prints it: every property,
 * metadata in its latest version, the upload-warning HTML. `descriptionshorturl` appears when the
 * description page existed before this upload, as MediaWiki shows it.
 */
export async function uploadImageInfo(
  ctx: InfoRequestContext,
  file: FileVersion,
): Promise<Record<string, unknown>> {
  const db = ctx.services.db;
  const page = await db
    .selectFrom('pages')
    .select(['id', 'is_new'])
    .where('namespace', '=', NS_FILE)
    .where('title', '=', file.name)
    .executeTakeFirst();
  const pageExisted = page !== undefined && Number(page.is_new) === 0;
  let firstVersion = true;
  if (pageExisted) {
    const old = await db
      .selectFrom('oldimages')
      .select('id')
      .where('name', '=', file.name)
      .executeTakeFirst();
    firstVersion = old === undefined;
  }
  const props = new Set<string>(IMAGEINFO_PROPS.filter((x) => x !== 'thumbmime' && x !== 'badfile'));
  const known = await existingPages(db, ctx.config, commentLinkTargets(ctx.config, file.description));
  return fileInfo(ctx, file, {
    props,
    metadataVersion: 'latest',
    pageId: pageExisted ? page.id : null,
    warningAsMissing: pageExisted && firstVersion,
    knownPages: known,
  });
}
