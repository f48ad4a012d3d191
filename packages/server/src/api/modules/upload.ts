import { permissionDenied } from '../../auth/permissions.js';
import type { Config } from '../../config.js';
import { MwError } from '../../errors.js';
import { uploadImageInfo } from '../../files/imageinfo.js';
import type { ReceivedFile } from '../../upload/receive.js';
import type { Caller, Target, UploadAnswer, UploadRequest } from '../../upload/requests.js';
import { stashImageInfo } from '../../upload/stash/imageinfo.js';
import { FILEKEY_RE } from '../../upload/stash/state.js';
import type { ApiContext } from '../context.js';
import { parseExpiry } from '../expiry.js';
import { type ApiModule, helpUrl } from '../module.js';
import type { ParamDefs, Params } from '../params.js';

function uploadParams(config: Config) {
  const p = {
    filename: { type: 'string' },
    comment: { type: 'string', default: '' },
    tags: { type: 'multi', freeValues: true, doc: { changeTags: true } },
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

/** Whether the user may upload at all (MediaWiki: `upload` and `edit`; URL uploads also `upload_by_url`). */
export function checkUploadRights(ctx: ApiContext, byUrl: boolean): void {
  const needed = byUrl ? ['upload_by_url', 'upload', 'edit'] : ['upload', 'edit'];
  const missing = needed.find((r) => !ctx.can(r));
  if (!missing) return;
  if (!ctx.user) throw new MwError('mustbeloggedin', 'You must be logged in to upload this file.');
  throw permissionDenied(ctx.services.permissions, ctx.config.siteName, missing);
}

/** The effective watch change of an upload (null = leave the watchlist alone). */
export function watchChange(ctx: ApiContext, p: UploadParams) {
  const expiry = ctx.config.watchlistExpiry ? parseExpiry('watchlistexpiry', p.watchlistexpiry) : null;
  if (p.watch || p.watchlist === 'watch') return { watch: true, expiry };
  if (p.watchlist === 'nochange') return null;
  // 'preferences': MediaWiki's default preferences (watchuploads, watchcreations) watch every upload.
  return { watch: true, expiry };
}

/**
 * The request the parameters make, checked in the order of MediaWiki's selectUploadModule (and of
 * the checks it makes before it hands over to the upload).
 */
function decode(ctx: ApiContext, p: UploadParams): UploadRequest {
  const filekey = p.filekey || p.sessionkey || undefined;
  const hasFile = p.file !== undefined;
  const hasChunk = p.chunk !== undefined;
  const url = p.url || undefined;
  const asyncMode = p.async && ctx.config.uploads.asyncUploads;

  if (!hasChunk) {
    // Named in the order the module declares them, as MediaWiki lists them.
    const given = [hasFile && 'file', url && 'url', filekey && 'filekey'].filter(Boolean) as string[];
    if (given.length === 0)
      throw new MwError(
        'missingparam',
        'One of the parameters "filekey", "file" and "url" is required.',
      ).withMessage('apierror-missingparam-one-of', [
        { list: ['<var>filekey</var>', '<var>file</var>', '<var>url</var>'], type: 'text' },
        3,
      ]);
    if (given.length > 1) {
      const list = given.map((g) => `"${g}"`);
      throw new MwError(
        'invalidparammix',
        `The parameters ${list.slice(0, -1).join(', ')} and ${list.at(-1)} can not be used together.`,
      ).withMessage('apierror-invalidparammix', [
        { list: given.map((g) => `<var>${g}</var>`), type: 'text' },
        given.length,
      ]);
    }
  }
  if (url && p.checkstatus && !filekey) return { kind: 'url-status', url, filename: p.filename };
  if (filekey && p.checkstatus) return { kind: 'status', filekey };
  // An empty name is a name: the upload checks refuse it as illegal-filename (and stash the file).
  if (p.filename === undefined) throw new MwError('nofilename', 'The "filename" parameter must be set.');

  const target: Target = {
    filename: p.filename,
    stash: p.stash,
    ignoreWarnings: p.ignorewarnings,
    async: asyncMode,
    comment: p.comment ?? '',
    text: p.text ?? null,
    tags: p.tags,
    watch: () => watchChange(ctx, p),
  };
  if (hasChunk) {
    if (filekey && p.offset === 0)
      throw new MwError('filekeynotallowed', 'Cannot supply a "filekey" when "offset" is 0.');
    if (!filekey && p.offset !== 0)
      throw new MwError('filekeyneeded', 'Must supply a "filekey" when "offset" is non-zero.');
    const part = ctx.request.files.get('chunk') as ReceivedFile;
    return { kind: 'chunk', part, filekey, offset: p.offset ?? 0, filesize: p.filesize ?? 0, target };
  }
  if (filekey) {
    if (!FILEKEY_RE.test(filekey)) throw new MwError('invalid-file-key', 'Not a valid file key.');
    return { kind: 'stash', filekey, target };
  }
  if (hasFile) {
    if (asyncMode)
      throw new MwError(
        'cannot-async-upload-file',
        'The async parameter cannot be combined with a file upload.',
      );
    return { kind: 'file', part: ctx.request.files.get('file') as ReceivedFile, target };
  }
  if (!ctx.config.copyUploads.enabled) throw new MwError('copyuploaddisabled', 'Upload by URL is disabled.');
  return { kind: 'url', url: url!, target };
}

/** The `upload` object of an answer, in MediaWiki's shapes. */
async function render(ctx: ApiContext, a: UploadAnswer): Promise<Record<string, unknown>> {
  switch (a.result) {
    case 'Warning':
      return { result: 'Warning', warnings: a.warnings, filekey: a.filekey, sessionkey: a.filekey };
    case 'Continue':
      return 'stage' in a
        ? { result: 'Continue', stage: a.stage, offset: a.offset }
        : { result: 'Continue', offset: a.offset, filekey: a.filekey };
    case 'Poll': {
      const out: Record<string, unknown> = { result: 'Poll', stage: a.stage };
      if (a.progress) out.progress = a.progress;
      if (a.filekey) out.filekey = a.filekey;
      if (a.filename) out.filename = a.filename;
      return out;
    }
    case 'Success': {
      const out: Record<string, unknown> = { result: 'Success' };
      if (a.stage) out.stage = a.stage;
      const hasWarnings = Object.keys(a.warnings).length > 0;
      if ('stashed' in a) {
        out.filekey = a.filekey;
        if (a.sessionkey) out.sessionkey = a.sessionkey;
        if (hasWarnings) out.warnings = a.warnings;
        if (a.stashed) out.imageinfo = await stashImageInfo(ctx, a.stashed);
      } else {
        out.filename = a.filename;
        if (hasWarnings) out.warnings = a.warnings;
        if (a.published) out.imageinfo = await uploadImageInfo(ctx, a.published, a.page);
      }
      return out;
    }
  }
}

/** action=upload: decode the parameters, hand the request to the upload layer, render its answer. */
export function createUploadModule(config: Config): ApiModule {
  return {
    name: 'upload',
    doc: { classname: 'ApiUpload', helpurls: [helpUrl('Upload')] },
    mustBePosted: true,
    writeMode: true,
    needsToken: 'csrf',
    params: uploadParams(config),
    async execute(ctx, raw) {
      const p = raw as unknown as UploadParams;
      if (!ctx.config.uploads.enabled) throw new MwError('uploaddisabled', 'Uploads are not enabled.');
      const request = decode(ctx, p);
      const caller: Caller = {
        who: ctx.identity,
        requestId: ctx.request.requestId,
        authorize: (byUrl) => checkUploadRights(ctx, byUrl),
      };
      ctx.result.upload = await render(ctx, await ctx.services.uploads.run(caller, request));
    },
  };
}
