import type { Config } from '../../config.js';
import { MwError } from '../../errors.js';
import type { FileVersion } from '../../files/types.js';
import { FILEKEY_RE, type StashEntry } from '../../upload/stash.js';
import type { UploadFile, Verified } from '../../upload/service.js';
import type { ApiContext, ReceivedFile } from '../context.js';
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
  return config.watchlistExpiry ? { ...p, watchlistexpiry: { type: 'string' } satisfies ParamDefs[string] } : p;
}

export type UploadParams = Params<ReturnType<typeof uploadParams>> & { watchlistexpiry?: string };

/** Hooks the later upload sources plug in (chunks, URL, async jobs, checkstatus). */
export interface UploadExtensions {
  chunk?(ctx: ApiContext, p: UploadParams, filekey: string | undefined): Promise<void>;
  checkStatus?(ctx: ApiContext, filekey: string): Promise<void>;
  fromUrl?(ctx: ApiContext, p: UploadParams): Promise<UploadFile>;
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
  const expiry = ctx.config.watchlistExpiry ? (parseExpiry(p.watchlistexpiry) ?? null) : null;
  if (p.watch || p.watchlist === 'watch') return { watch: true, expiry };
  if (p.watchlist === 'nochange') return null;
  // 'preferences': MediaWiki's default preferences (watchuploads, watchcreations) watch every upload.
  void isNewFile;
  return { watch: true, expiry };
}

function parseExpiry(v: string | undefined): string | null | undefined {
  if (v === undefined) return undefined;
  const t = v.trim().toLowerCase();
  if (['infinite', 'indefinite', 'infinity', 'never'].includes(t)) return null;
  const rel = /^(\d+)\s*(second|minute|hour|day|week|month|year)s?$/.exec(t);
  const unit: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800, month: 2592000, year: 31536000 };
  let ms: number;
  if (rel) ms = Date.now() + Number(rel[1]) * unit[rel[2]!]! * 1000;
  else ms = Date.parse(v);
  if (Number.isNaN(ms) || ms <= Date.now()) {
    throw new MwError('badexpiry', `Invalid expiry time "${v}".`);
  }
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Attach the stash key to a recoverable error, as MediaWiki does (or say why nothing was stashed). */
async function withStash(ctx: ApiContext, e: MwError, file: UploadFile | null, desiredName: string): Promise<MwError> {
  if (!e.recoverable || !file || !ctx.user) return e;
  if (e.code === 'fileexists-no-change') {
    // The bytes are already the current version: there is nothing worth keeping in the stash.
    return e.withData({
      stasherrors: [
        {
          message: 'uploadstash-exception',
          params: ['NoChange', 'The file was not stashed: it is identical to the current version.'],
          code: 'uploadstash-exception',
          type: 'error',
        },
      ],
    });
  }
  try {
    const entry = await ctx.services.uploads.service.stashFile(file, ctx.identity, desiredName, null);
    return e.withData({ filekey: entry.key, sessionkey: entry.key, invalidparameter: 'filename' });
  } catch (se) {
    const msg = se instanceof Error ? se.message : String(se);
    return e.withData({
      stasherrors: [{ message: 'uploadstash-exception', params: [se?.constructor?.name ?? 'Error', msg], code: 'uploadstash-exception', type: 'error' }],
    });
  }
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
        if (given.length === 0) throw new MwError('missingparam', 'One of the parameters "filekey", "file" and "url" is required.');
        if (given.length > 1) {
          const list = given.map((g) => `"${g}"`);
          throw new MwError('invalidparammix', `The parameters ${list.slice(0, -1).join(', ')} and ${list.at(-1)} can not be used together.`);
        }
      }
      if (filekey && p.checkstatus) {
        if (!up.ext.checkStatus) throw new MwError('missingresult', 'No result in status data.');
        return up.ext.checkStatus(ctx, filekey);
      }
      if (p.filename === undefined || p.filename === '') throw new MwError('nofilename', 'The "filename" parameter must be set.');

      if (hasChunk) {
        if (filekey && p.offset === 0) throw new MwError('filekeynotallowed', 'Cannot supply a "filekey" when "offset" is 0.');
        if (!filekey && p.offset !== 0) throw new MwError('filekeyneeded', 'Must supply a "filekey" when "offset" is non-zero.');
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
          if (!up.ext.asyncPublish) throw new MwError('asyncdisabled', 'Asynchronous uploads are not enabled.');
          await up.service.verifyName(await up.service.fromStash(e), p.filename);
          return up.ext.asyncPublish(ctx, p, e);
        }
        file = await up.service.fromStash(e);
      } else if (hasFile) {
        if (asyncMode) throw new MwError('cannot-async-upload-file', 'The async parameter cannot be combined with a file upload.');
        checkUploadRights(ctx, false);
        const part = ctx.request.files.get('file') as ReceivedFile;
        if (part.target.kind !== 'blob') throw new MwError('badupload', 'The file part could not be stored.');
        part.claimed = true;
        file = { blobKey: part.target.blobKey, size: part.size, sha1: part.sha1, head: part.head, sourceType: 'file' };
      } else {
        if (!ctx.config.copyUploads.enabled) throw new MwError('copyuploaddisabled', 'Upload by URL is disabled.');
        if (!up.ext.fromUrl) throw new MwError('copyuploaddisabled', 'Upload by URL is disabled.');
        checkUploadRights(ctx, true);
        file = await up.ext.fromUrl(ctx, p);
      }
      void entry;
      await runUpload(ctx, p, file, ext);
    },
  };
}

/** Verification, warnings, then stash or publish — MediaWiki's getContextResult. */
export async function runUpload(ctx: ApiContext, p: UploadParams, file: UploadFile, ext: UploadExtensions): Promise<void> {
  const up = { ...ctx.services.uploads, ext };
  const desired = p.filename!;
  let v: Verified;
  let kept = false;
  try {
    try {
      v = await up.service.verify(file, desired);
      if (!p.stash) await up.service.checkOverwrite(v.name.dbKey, ctx.identity);
    } catch (e) {
      if (e instanceof MwError && e.recoverable) {
        kept = true;
        throw await withStash(ctx, e, file, desired);
      }
      throw e;
    }
    const warnings = await up.service.warnings(v, ctx.identity);
    const hasWarnings = Object.keys(warnings).length > 0;
    if (hasWarnings && !p.ignorewarnings) {
      const entry = await up.service.stashFile(file, ctx.identity, desired, v.props);
      kept = true;
      ctx.result.upload = { result: 'Warning', warnings, filekey: entry.key, sessionkey: entry.key };
      return;
    }
    if (p.stash) {
      const entry = await up.service.stashFile(file, ctx.identity, desired, v.props);
      kept = true;
      const out: Record<string, unknown> = { result: 'Success', filekey: entry.key, sessionkey: entry.key };
      if (hasWarnings) out.warnings = warnings;
      out.imageinfo = await up.ext.stashImageInfo(ctx, entry);
      ctx.result.upload = out;
      return;
    }
    await checkRateLimit(ctx);
    let published: Awaited<ReturnType<typeof up.service.publish>>;
    try {
      const isNew = !(await ctx.services.files.current(v.name.dbKey));
      published = await up.service.publish(
        v,
        { comment: p.comment ?? '', text: p.text ?? null, tags: p.tags, watch: watchChange(ctx, p, isNew) },
        ctx.identity,
      );
    } catch (e) {
      if (e instanceof MwError && e.code === 'fileexists-no-change') {
        e.recoverable = true;
        throw await withStash(ctx, e, file, desired);
      }
      throw e;
    }
    kept = true;
    const out: Record<string, unknown> = { result: 'Success', filename: published.file.name };
    if (hasWarnings) out.warnings = warnings;
    out.imageinfo = await up.ext.imageInfo(ctx, published.file);
    ctx.result.upload = out;
  } finally {
    // A direct upload that was neither stashed nor published leaves nothing behind.
    if (!kept && file.sourceType !== 'stash' && !file.stashKey) await ctx.services.blobs.delete(file.blobKey);
  }
}

async function checkRateLimit(ctx: ApiContext): Promise<void> {
  const limit = ctx.config.uploads.rateLimitPerMinute;
  if (!limit || ctx.can('noratelimit') || !ctx.user) return;
  const since = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const r = await ctx.services.db
    .selectFrom('logging')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('type', '=', 'upload')
    .where('user_id', '=', ctx.user.id)
    .where('timestamp', '>=', since)
    .executeTakeFirst();
  if (Number(r?.n ?? 0) >= limit) {
    ctx.headers['retry-after'] = '60';
    throw new MwError('ratelimited', "You've exceeded your rate limit. Please wait some time and try again.");
  }
}
