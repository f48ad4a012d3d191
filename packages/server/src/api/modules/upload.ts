import type { Config } from '../../config.js';
import { MwError } from '../../errors.js';
import type { FileVersion } from '../../files/types.js';
import { checkCopyUploadDomain } from '../../upload/from-url.js';
import type { UploadFile, UploadOutcome } from '../../upload/service.js';
import { FILEKEY_RE, type StashEntry } from '../../upload/stash.js';
import type { ApiContext, ReceivedFile } from '../context.js';
import { parseExpiry } from '../expiry.js';
import type { ApiModule } from '../module.js';
import type { ParamDefs, Params } from '../params.js';
import { permissionDenied } from '../permissions.js';

function uploadParams(config: Config) {
  const p = {
    filename: { type: 'string' },
    comment: { type: 'text', default: '' },
    tags: { type: 'multi', freeValues: true },
    text: { type: 'text' },
    watch: { type: 'boolean', deprecated: true },
    watchlist: { type: 'enum', values: ['watch', 'preferences', 'nochange'], default: 'preferences' },
    ignorewarnings: { type: 'boolean' },
    file: { type: 'upload' },
    url: { type: 'string' },
    filekey: { type: 'string' },
    sessionkey: { type: 'string', deprecated: true },
    stash: { type: 'boolean' },
    filesize: { type: 'integer', min: 0, max: config.uploads.maxUploadSize },
    offset: { type: 'integer', min: 0 },
    chunk: { type: 'upload' },
    async: { type: 'boolean' },
    checkstatus: { type: 'boolean' },
  } satisfies ParamDefs;
  return config.watchlistExpiry
    ? { ...p, watchlistexpiry: { type: 'string' } satisfies ParamDefs[string] }
    : p;
}

export type UploadParams = Params<ReturnType<typeof uploadParams>> & { watchlistexpiry?: string };

/** Hooks the later upload sources plug in (chunks, URL, async jobs, checkstatus). */
export interface UploadExtensions {
  chunk?(ctx: ApiContext, p: UploadParams, filekey: string | undefined): Promise<void>;
  checkStatus?(ctx: ApiContext, filekey: string): Promise<void>;
  /** A URL upload (after the copy-upload and permission checks): fetch, then the usual pipeline. */
  fromUrl?(ctx: ApiContext, p: UploadParams, url: string): Promise<void>;
  /** checkstatus for an async URL upload (keyed by its parameters, as newer MediaWiki does). */
  checkUrlStatus?(ctx: ApiContext, p: UploadParams, url: string): Promise<void>;
  asyncPublish?(ctx: ApiContext, p: UploadParams, entry: StashEntry): Promise<void>;
  imageInfo(ctx: ApiContext, file: FileVersion): Promise<Record<string, unknown>>;
  stashImageInfo(ctx: ApiContext, entry: StashEntry): Promise<Record<string, unknown>>;
}

/** Whether the user may upload at all (MediaWiki: `upload` and `edit`; URL uploads also `upload_by_url`). */
export function checkUploadRights(ctx: ApiContext, byUrl: boolean): void {
  const needed = byUrl ? ['upload_by_url', 'upload', 'edit'] : ['upload', 'edit'];
  const missing = needed.find((r) => !ctx.can(r));
  if (!missing) return;
  if (!ctx.user) throw new MwError('mustbeloggedin', 'You must be logged in to upload this file.');
  throw permissionDenied(ctx, missing);
}

/** The effective watch change of an upload (null = leave the watchlist alone). */
export function watchChange(ctx: ApiContext, p: UploadParams, isNewFile: boolean) {
  const expiry = ctx.config.watchlistExpiry ? parseExpiry('watchlistexpiry', p.watchlistexpiry) : null;
  if (p.watch || p.watchlist === 'watch') return { watch: true, expiry };
  if (p.watchlist === 'nochange') return null;
  // 'preferences': MediaWiki's default preferences (watchuploads, watchcreations) watch every upload.
  void isNewFile;
  return { watch: true, expiry };
}

export function createUploadModule(config: Config, ext: UploadExtensions): ApiModule {
  return {
    name: 'upload',
    mustBePosted: true,
    writeMode: true,
    needsToken: 'csrf',
    params: uploadParams(config),
    async execute(ctx, raw) {
      const p = raw as unknown as UploadParams;
      const up = { ...ctx.services.uploads, ext };
      if (!ctx.config.uploads.enabled) throw new MwError('uploaddisabled', 'Uploads are not enabled.');
      const filekey = p.filekey || p.sessionkey || undefined;
      const hasFile = p.file !== undefined;
      const hasChunk = p.chunk !== undefined;
      const url = p.url || undefined;
      const asyncMode = p.async && ctx.config.uploads.asyncUploads;

      // MediaWiki's selectUploadModule, in its order.
      if (!hasChunk) {
        const given = [filekey && 'filekey', hasFile && 'file', url && 'url'].filter(Boolean) as string[];
        if (given.length === 0)
          throw new MwError('missingparam', 'One of the parameters "filekey", "file" and "url" is required.');
        if (given.length > 1) {
          const list = given.map((g) => `"${g}"`);
          throw new MwError(
            'invalidparammix',
            `The parameters ${list.slice(0, -1).join(', ')} and ${list.at(-1)} can not be used together.`,
          );
        }
      }
      if (url && p.checkstatus && !filekey && up.ext.checkUrlStatus)
        return up.ext.checkUrlStatus(ctx, p, url);
      if (filekey && p.checkstatus) {
        if (!up.ext.checkStatus) throw new MwError('missingresult', 'No result in status data.');
        return up.ext.checkStatus(ctx, filekey);
      }
      if (p.filename === undefined || p.filename === '')
        throw new MwError('nofilename', 'The "filename" parameter must be set.');

      if (hasChunk) {
        if (filekey && p.offset === 0)
          throw new MwError('filekeynotallowed', 'Cannot supply a "filekey" when "offset" is 0.');
        if (!filekey && p.offset !== 0)
          throw new MwError('filekeyneeded', 'Must supply a "filekey" when "offset" is non-zero.');
        if (!up.ext.chunk) throw new MwError('chunkeduploaddisabled', 'Chunked uploads are not enabled.');
        return up.ext.chunk(ctx, p, filekey);
      }

      let file: UploadFile;
      let entry: StashEntry | null = null;
      if (filekey) {
        if (!FILEKEY_RE.test(filekey)) throw new MwError('invalid-file-key', 'Not a valid file key.');
        const e = await up.stash.get(filekey, ctx.identity);
        entry = e;
        checkUploadRights(ctx, false);
        if (e.status !== 'finished') {
          throw new MwError('stashfailed', 'The chunked upload of this file key is not complete.');
        }
        if (asyncMode) {
          if (!up.ext.asyncPublish)
            throw new MwError('asyncdisabled', 'Asynchronous uploads are not enabled.');
          await up.service.verifyName(await up.service.fromStash(e), p.filename);
          return up.ext.asyncPublish(ctx, p, e);
        }
        file = await up.service.fromStash(e);
      } else if (hasFile) {
        if (asyncMode)
          throw new MwError(
            'cannot-async-upload-file',
            'The async parameter cannot be combined with a file upload.',
          );
        checkUploadRights(ctx, false);
        const part = ctx.request.files.get('file') as ReceivedFile;
        if (part.target.kind !== 'blob') throw new MwError('badupload', 'The file part could not be stored.');
        part.claimed = true;
        file = {
          blobKey: part.target.blobKey,
          size: part.size,
          sha1: part.sha1,
          head: part.head,
          ...(part.tail ? { tail: part.tail } : {}),
          sourceType: 'file',
        };
      } else {
        if (!ctx.config.copyUploads.enabled || !up.ext.fromUrl) {
          throw new MwError('copyuploaddisabled', 'Upload by URL is disabled.');
        }
        checkCopyUploadDomain(ctx.config, url!);
        checkUploadRights(ctx, true);
        return up.ext.fromUrl(ctx, p, url!);
      }
      void entry;
      await runUpload(ctx, p, file, ext);
    },
  };
}

/** Verification, warnings, then stash or publish — and the answer MediaWiki gives for each. */
export async function runUpload(
  ctx: ApiContext,
  p: UploadParams,
  file: UploadFile,
  ext: UploadExtensions,
): Promise<void> {
  const { service } = ctx.services.uploads;
  const dbKeyGuess = p.filename!;
  const isNew = !(await ctx.services.files.current(dbKeyGuess.replace(/ /g, '_')));
  const outcome = await service.process(
    file,
    {
      filename: p.filename!,
      stash: p.stash,
      ignoreWarnings: p.ignorewarnings,
      comment: p.comment ?? '',
      text: p.text ?? null,
      tags: p.tags,
      watch: watchChange(ctx, p, isNew),
    },
    ctx.identity,
  );
  ctx.result.upload = await formatOutcome(ctx, outcome, ext);
}

/** The `upload` object of an answer for an outcome (shared by direct, URL and async results). */
export async function formatOutcome(
  ctx: ApiContext,
  o: UploadOutcome,
  ext: Pick<UploadExtensions, 'imageInfo' | 'stashImageInfo'>,
): Promise<Record<string, unknown>> {
  const hasWarnings = Object.keys(o.warnings).length > 0;
  if (o.kind === 'warning')
    return { result: 'Warning', warnings: o.warnings, filekey: o.filekey, sessionkey: o.filekey };
  if (o.kind === 'stashed') {
    const out: Record<string, unknown> = { result: 'Success', filekey: o.entry.key, sessionkey: o.entry.key };
    if (hasWarnings) out.warnings = o.warnings;
    out.imageinfo = await ext.stashImageInfo(ctx, o.entry);
    return out;
  }
  const out: Record<string, unknown> = { result: 'Success', filename: o.result.file.name };
  if (hasWarnings) out.warnings = o.warnings;
  out.imageinfo = await ext.imageInfo(ctx, o.result.file);
  return out;
}
