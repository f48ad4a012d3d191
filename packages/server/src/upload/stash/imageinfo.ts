/**
 * What `prop=stashimageinfo` and the upload answers print about a stashed file: the imageinfo
 * builder of src/files fed with the facts of a stash entry.
 */
import { createHash } from 'node:crypto';
import { type InfoContext, type InfoOptions, type Subject, subjectInfo } from '../../files/imageinfo.js';
import { FileUrls } from '../../files/urls.js';
import type { ReadyEntry } from './state.js';

/** `siiprop` values: imageinfo's without what a stashed file does not have. */
export const STASH_PROPS = [
  'timestamp',
  'canonicaltitle',
  'url',
  'size',
  'dimensions',
  'sha1',
  'mime',
  'thumbmime',
  'metadata',
  'commonmetadata',
  'extmetadata',
  'bitdepth',
  // Accepted as MediaWiki accepts it; a stashed file has no bad-image-list entry, nothing is printed.
  'badfile',
] as const;

/** The made-up name MediaWiki's stash gives a file: `YYYYMMDDHHMMSS!phpXXXXXX.png`. */
export function stashTempName(e: ReadyEntry): string {
  const ts = e.timestamp.replace(/[-:TZ]/g, '').slice(0, 14);
  const dot = e.key.lastIndexOf('.');
  const ext = dot >= 0 ? e.key.slice(dot + 1) : '';
  const digest = createHash('md5').update(e.key).digest();
  let tmp: string;
  if (e.sourceType === 'chunks') tmp = `chunkedupload_${digest.toString('hex').slice(0, 12)}`;
  else
    tmp = `php${digest
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 6)}`;
  return `${ts}!${tmp}${ext ? `.${ext}` : ''}`;
}

function stashSubject(ctx: Pick<InfoContext, 'config'>, e: ReadyEntry): Subject {
  const urls = new FileUrls(ctx.config);
  const tmp = stashTempName(e);
  const p = e.props;
  return {
    kind: 'stash',
    name: e.key,
    titleText: `File:${tmp.replace(/_/g, ' ')}`,
    titleDbKey: `File:${tmp}`,
    timestamp: e.timestamp,
    size: e.size,
    width: p?.width ?? 0,
    height: p?.height ?? 0,
    bits: p?.bits ?? 0,
    mime: e.mime ?? p?.mime ?? 'unknown/unknown',
    mediaType: p?.mediaType ?? 'UNKNOWN',
    metadata: p?.metadata ?? null,
    sha1: e.sha1,
    description: '',
    userId: e.userId,
    userText: '',
    archiveName: '',
    url: urls.stashFile(e.key),
    descriptionUrl: urls.stashFile(e.key),
    thumbUrl: (t) => urls.stashThumb(e.key, t),
  };
}

/** stashimageinfo of a stashed file. */
export function stashInfo(ctx: InfoContext, entry: ReadyEntry, opts: InfoOptions): Record<string, unknown> {
  return subjectInfo(ctx, stashSubject(ctx, entry), opts);
}

/** imageinfo of a stashed file, as `stash=1` and final-chunk answers print it (every stash property). */
export async function stashImageInfo(ctx: InfoContext, entry: ReadyEntry): Promise<Record<string, unknown>> {
  return stashInfo(ctx, entry, { props: new Set(STASH_PROPS), metadataVersion: 'latest' });
}

/** URL, thumbnail and size facts of a stashed file (for the Special:UploadStash route). */
export function stashThumbSource(entry: ReadyEntry) {
  return {
    name: entry.key,
    mime: entry.mime ?? entry.props?.mime ?? 'unknown/unknown',
    width: entry.props?.width ?? 0,
    height: entry.props?.height ?? 0,
  };
}
