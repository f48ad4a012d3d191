/**
 * Special:Upload as MediaWiki 1.39's SpecialUpload works without JavaScript: the form
 * (upload-form.ts), and on submit one `action=upload` through the API, so rights, tokens,
 * verification, warnings and publishing are the API's. Warnings keep the file in the stash and ask
 * what to do (upload again under another name, ignore the warning, or cancel, which removes it);
 * success leads to the file page.
 */
import type { ReceivedFile } from '../../upload/receive.js';
import type { ApiAnswer } from '../api-call.js';
import { type Html, html } from '../html.js';
import { WebUrls } from '../layout.js';
import type { SpecialContext, SpecialPage, SpecialResult } from './types.js';
import { type UploadFormOptions, type UploadFormState, uploadForm } from './upload-form.js';
import { errorBox, message, text } from './upload-messages.js';
import {
  errorText,
  isRecoverable,
  messageContext,
  type UploadError,
  warningItems,
} from './upload-notices.js';
import { uploadRefusal } from './upload-refusal.js';

/** The chunk size the page's script uses for large files (MediaWiki's UploadWizard default). */
const CHUNK_SIZE = 5 * 1024 * 1024;

/** WebRequest::getBool / getCheck of a form field. */
const check = (form: Map<string, string>, name: string) => {
  const v = form.get(name);
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
};

/** Whether the viewer sees the URL source (copy uploads on, and the right to use them). */
const canUploadByUrl = (ctx: SpecialContext) =>
  ctx.services.config.copyUploads.enabled && ctx.viewer.rights.has('upload_by_url');

/** The form's fields as sent (GET parameters prefill it as MediaWiki's do). */
function stateOf(ctx: SpecialContext, file: ReceivedFile | undefined): UploadFormState {
  const f = ctx.form;
  const posted = ctx.request.method === 'POST';
  const source = (f.get('wpSourceType') ?? 'file').toLowerCase();
  // The desired name: wpDestFile, else the name the browser gave the file.
  const destFile = f.get('wpDestFile') || (file?.partName ?? '');
  return {
    destFile,
    description: f.get('wpUploadDescription') ?? '',
    // MediaWiki's default preferences (watchdefault) tick it; a posted form says what it was.
    watch: posted ? check(f, 'wpWatchthis') : true,
    ignoreWarning: check(f, 'wpIgnoreWarning'),
    sourceType: source === 'url' ? 'url' : 'file',
    url: f.get('wpUploadFileURL') ?? '',
    sessionKey: null,
    forReUpload: check(f, 'wpForReUpload'),
    destWarningAck: check(f, 'wpDestFileWarningAck'),
  };
}

/** SpecialUpload::getInitialPageText without licenses: the description under a "Summary" heading. */
export function initialPageText(comment: string): string {
  const heading = `== ${text('filedesc')} ==`;
  return comment !== '' && !comment.includes(heading) ? `${heading}\n${comment}\n` : `${comment}\n`;
}

async function csrfToken(ctx: SpecialContext): Promise<string> {
  const answer = await ctx.api.call(ctx.request, ctx.reply, { action: 'query', meta: 'tokens' });
  return String(answer.query?.tokens?.csrftoken ?? '');
}

/** The page with the form: what the page's script reads goes on `<main>`. */
async function formPage(
  ctx: SpecialContext,
  s: UploadFormState,
  o: Omit<UploadFormOptions, 'token' | 'canUrl'> = {},
): Promise<SpecialResult> {
  const cfg = ctx.services.config;
  const token = await csrfToken(ctx);
  const canUrl = canUploadByUrl(ctx);
  return {
    kind: 'page',
    title: text('upload'),
    body: uploadForm(cfg, s, { ...o, token, canUrl }),
    scripts: ['uploader.js'],
    data: {
      api: `${cfg.scriptPath}/api.php`,
      'max-size': String(cfg.uploads.maxUploadSize),
      extensions: [...new Set(cfg.uploads.fileExtensions)].join(','),
      'chunk-size': String(CHUNK_SIZE),
      'upload-protocol': cfg.uploads.webProtocol,
      token,
      'can-url': canUrl ? '1' : '0',
    },
  };
}

/** The warning page: the file is in the stash under `filekey`; three buttons decide. */
function warningPage(
  ctx: SpecialContext,
  s: UploadFormState,
  warnings: Record<string, unknown>,
  filekey: string | null,
): Promise<SpecialResult> {
  const cfg = ctx.services.config;
  const items = warningItems(cfg, warnings, s.destFile);
  // A changed name (badfilename) is what the form offers next.
  if (typeof warnings.badfilename === 'string') s.destFile = warnings.badfilename.replace(/_/g, ' ');
  const notice = html`<h2>${text('uploadwarning')}</h2>
<div class="mw-message-box mw-message-box-warning mw-destfile-warning" role="alert"><ul>${items}</ul></div>
${message(messageContext(cfg), filekey ? 'uploadwarning-text' : 'uploadwarning-text-nostash', [], true)}`;
  return formPage(
    ctx,
    { ...s, sessionKey: filekey },
    { notice, submit: 'upload-tryagain', warningButtons: true },
  );
}

/** An error answer: shown above the form, with the file kept when the API stashed it. */
function errorPage(ctx: SpecialContext, s: UploadFormState, e: UploadError): Promise<SpecialResult> {
  const cfg = ctx.services.config;
  const content = errorText(cfg, e);
  if (e.code === 'badtoken') return formPage(ctx, s, { notice: errorBox(content) });
  const recoverable = isRecoverable(e);
  const filekey = typeof e.data?.filekey === 'string' ? e.data.filekey : null;
  // A file taken from the stash stays there after any error but its not being found.
  const kept = filekey ?? (s.sessionKey && !/^uploadstash-/.test(e.code) ? s.sessionKey : null);
  const notice: Html = html`<h2>${text(recoverable ? 'uploaderror' : 'uploadwarning')}</h2>
${errorBox(content)}`;
  return formPage(
    ctx,
    { ...s, sessionKey: kept },
    {
      notice,
      submit: kept ? 'upload-tryagain' : recoverable ? 'upload-tryagain-nostash' : 'uploadbtn',
    },
  );
}

const firstError = (a: ApiAnswer): UploadError | null => {
  const e = (a.errors as UploadError[] | undefined)?.[0];
  if (e) return e;
  return a.error ? { code: a.error.code, text: a.error.info } : null;
};

/** Send the upload (or the stashed file's publication) to the API and answer as MediaWiki does. */
async function submit(
  ctx: SpecialContext,
  s: UploadFormState,
  file: ReceivedFile | undefined,
  ignoreWarnings: boolean,
): Promise<SpecialResult> {
  const params: Record<string, string> = {
    action: 'upload',
    filename: s.destFile,
    comment: s.description,
    watchlist: s.watch ? 'watch' : 'nochange',
    token: ctx.form.get('wpEditToken') ?? '',
  };
  // A new version keeps its page: no page text (MediaWiki passes none for wpForReUpload).
  if (!s.forReUpload) params.text = initialPageText(s.description);
  if (ignoreWarnings) params.ignorewarnings = '1';
  let files: Map<string, ReceivedFile> | undefined;
  if (s.sessionKey) params.filekey = s.sessionKey;
  else if (s.sourceType === 'url') {
    params.url = s.url;
    // UploadFromUrl: no name given, the URL is the name (the checks then say what is wrong with it).
    if (!params.filename) params.filename = s.url;
  } else if (file) files = new Map([['file', file]]);
  else {
    // No file part at all: MediaWiki takes it as an empty file (after the token check).
    if (!(await validToken(ctx))) return errorPage(ctx, s, { code: 'badtoken', text: '' });
    return errorPage(ctx, s, { code: 'empty-file', text: '' });
  }

  const answer = await ctx.api.call(ctx.request, ctx.reply, params, files);
  const error = firstError(answer);
  if (error) return errorPage(ctx, s, error);
  const up = answer.upload as
    | { result: string; filename?: string; filekey?: string; warnings?: Record<string, unknown> }
    | undefined;
  if (up?.result === 'Success' && up.filename)
    return { kind: 'redirect', to: new WebUrls(ctx.services.config).page(`File:${up.filename}`) };
  if (up?.result === 'Warning') {
    const warnings = up.warnings ?? {};
    const filekey = up.filekey ?? null;
    // A new version (wpForReUpload) or an "exists" warning already acknowledged: only that
    // warning does not stop the upload (SpecialUpload::showUploadWarning).
    const keys = Object.keys(warnings);
    if (filekey && keys.length === 1 && keys[0] === 'exists' && (s.forReUpload || s.destWarningAck))
      return submit(ctx, { ...s, sessionKey: filekey }, undefined, true);
    return warningPage(ctx, s, warnings, filekey);
  }
  return errorPage(ctx, s, { code: 'upload-file-error', text: '' });
}

/** Whether the form's CSRF token is this session's (action=checktoken). */
async function validToken(ctx: SpecialContext): Promise<boolean> {
  const checked = await ctx.api.call(ctx.request, ctx.reply, {
    action: 'checktoken',
    type: 'csrf',
    token: ctx.form.get('wpEditToken') ?? '',
  });
  return checked.checktoken?.result === 'valid';
}

/** wpCancelUpload: the stashed file goes (only with the form's token), then the form again. */
async function cancel(ctx: SpecialContext, s: UploadFormState): Promise<SpecialResult> {
  const key = ctx.form.get('wpSessionKey') || ctx.form.get('wpFileKey') || '';
  const state = { ...s, sessionKey: null, sourceType: 'file' as const };
  if (!key || !ctx.viewer.name) return formPage(ctx, state);
  if (!(await validToken(ctx)))
    return errorPage(ctx, { ...s, sessionKey: key }, { code: 'badtoken', text: '' });
  const user = await ctx.services.users.byName(ctx.viewer.name);
  if (user) await ctx.services.uploads.stash.remove(key, user.id);
  return formPage(ctx, state);
}

export const upload: SpecialPage = {
  name: 'Upload',
  post: true,
  files: true,
  async run(ctx) {
    const refusal = uploadRefusal(ctx);
    if (refusal) return refusal;
    const file = ctx.files.get('wpUploadFile');
    const s = stateOf(ctx, file);
    if (ctx.request.method !== 'POST') return formPage(ctx, s);
    // The file could not be taken (over the size limit): what the API says of it.
    if (ctx.formError) return errorPage(ctx, s, { code: ctx.formError.code, text: ctx.formError.info });
    if (ctx.form.has('wpCancelUpload') || ctx.form.has('wpReUpload')) return cancel(ctx, s);
    const clicked = ctx.form.has('wpUpload') || ctx.form.has('wpUploadIgnoreWarning');
    if (!clicked) return formPage(ctx, s);
    if (ctx.form.get('wpSourceType')?.toLowerCase() === 'stash')
      s.sessionKey = ctx.form.get('wpSessionKey') || ctx.form.get('wpFileKey') || null;
    const ignore = s.ignoreWarning || ctx.form.has('wpUploadIgnoreWarning');
    return submit(ctx, s, file, ignore);
  },
};
