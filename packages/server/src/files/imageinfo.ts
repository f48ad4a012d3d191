/**
 * imageinfo: what MediaWiki's ApiQueryImageInfo::getInfo prints about one file version (or a
 * stashed upload). One builder serves prop=imageinfo, list=allimages, prop=stashimageinfo and the
 * upload module's answers, so they cannot drift apart.
 */
import type { Config } from '../config.js';
import { isHandlerMetadata, mediaDuration } from '../media/props.js';
import { commentLinkTargets, formatComment } from './comments.js';
import { commonMetadataArray, extMetadata, metadataArray } from './imageinfo-metadata.js';
import { thumbFields } from './imageinfo-thumb.js';
import type { PageStore } from './pages.js';
import { type FileRepo, NS_FILE } from './repo.js';
import type { ThumbRequest } from './thumb-plan.js';
import type { FileVersion } from './types.js';
import { uploadWarningHtml } from './upload-warning.js';
import { FileUrls } from './urls.js';

// The query modules import these from here.
export { commentLinkTargets, formatComment } from './comments.js';

/** What the builder needs of a request: the wiki's configuration and the output format version. */
export interface InfoContext {
  config: Config;
  fv: 1 | 2;
}

/** An API request context with the pages and files (the upload module's ApiContext fits). */
export interface InfoRequestContext extends InfoContext {
  services: { pages: PageStore; files: FileRepo };
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
        { name: s.name, mime: s.mime, width: s.width, height: s.height, metadata: s.metadata },
        opts.warningAsMissing,
      );
    }
  }
  if (p.has('canonicaltitle')) vals.canonicaltitle = s.titleText;
  if (p.has('url')) {
    if (opts.thumb) Object.assign(vals, thumbFields(ctx.config, s, opts.thumb, p.has('thumbmime')));
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

/** What publishing a file wrote of its description page. */
export interface PublishedPage {
  id: number;
  /** Whether the page existed before (the upload did not create it). */
  existed: boolean;
  /** Whether the upload replaced a current version (which is an old version now). */
  replaced: boolean;
}

/**
 * imageinfo of a freshly published file, as the upload answer prints it: every property,
 * metadata in its latest version, the upload-warning HTML. `descriptionshorturl` appears when the
 * description page existed before this upload, as MediaWiki shows it.
 */
export async function uploadImageInfo(
  ctx: InfoRequestContext,
  file: FileVersion,
  /** What publishing the file wrote of its page, when this request published it (else it is read). */
  published?: PublishedPage,
): Promise<Record<string, unknown>> {
  const { pages, files } = ctx.services;
  let pageExisted: boolean;
  let pageId: number;
  if (published) {
    pageExisted = published.existed;
    pageId = published.id;
  } else {
    const page = await pages.byTitle(NS_FILE, file.name);
    pageExisted = page !== null && Number(page.is_new) === 0;
    pageId = page?.id ?? 0;
  }
  // A version replaced by the upload is an old version now.
  const firstVersion =
    pageExisted && !published?.replaced ? !(await files.hasOldVersions(file.name)) : !pageExisted;
  const props = new Set<string>(IMAGEINFO_PROPS.filter((x) => x !== 'thumbmime' && x !== 'badfile'));
  const known = await pages.existing(ctx.config, commentLinkTargets(ctx.config, file.description));
  return fileInfo(ctx, file, {
    props,
    metadataVersion: 'latest',
    pageId: pageExisted ? pageId : null,
    warningAsMissing: pageExisted && firstVersion,
    knownPages: known,
  });
}
