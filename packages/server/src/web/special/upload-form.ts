/**
 * The form of Special:Upload as MediaWiki 1.39's UploadForm builds it: the source section (a file,
 * or a URL for those who may copy uploads), the description section, the options, and the submit
 * buttons; the limits shown before anything is sent. Field names, ids and labels are MediaWiki's.
 */
import type { Config } from '../../config.js';
import { type Html, html } from '../html.js';
import { WebUrls } from '../layout.js';
import { commaList, formatSize, message, text } from './upload-messages.js';
import { messageContext } from './upload-notices.js';

/** The state a form is shown in (what was sent, or a stashed file waiting for a decision). */
export interface UploadFormState {
  destFile: string;
  description: string;
  watch: boolean;
  ignoreWarning: boolean;
  sourceType: 'file' | 'url';
  url: string;
  /** The stashed file the form publishes (warning and recoverable error pages): no source section. */
  sessionKey: string | null;
  forReUpload: boolean;
  destWarningAck: boolean;
}

export interface UploadFormOptions {
  token: string;
  canUrl: boolean;
  /** What comes before the form: warnings, errors. */
  notice?: Html;
  /** The main button's message (`uploadbtn`, `upload-tryagain`, `upload-tryagain-nostash`). */
  submit?: string;
  /** The warning page's buttons: ignore the warning, cancel. */
  warningButtons?: boolean;
}

/** File types a stashed file is previewed for (as an image). */
const PREVIEWABLE = /\.(png|gif|jpe?g|webp|svg)$/i;

/** The limits sentence: `Maximum file size: 4 GB` and the permitted (or preferred/prohibited) types. */
export function limitsText(config: Config): Html {
  const c = messageContext(config);
  const u = config.uploads;
  const size = html`<span id="mw-upload-maxfilesize">${message(c, 'upload-maxfilesize', [formatSize(u.maxUploadSize)])}</span>`;
  if (!u.checkFileExtensions) return size;
  const exts = [...new Set(u.fileExtensions)];
  if (u.strictFileExtensions)
    return html`${size} <span id="mw-upload-permitted">${message(c, 'upload-permitted', [commaList(exts), exts.length])}</span>`;
  const banned = [...new Set(u.prohibitedExtensions)];
  return html`${size} <span id="mw-upload-preferred">${message(c, 'upload-preferred', [commaList(exts), exts.length])}</span>
<span id="mw-upload-prohibited">${message(c, 'upload-prohibited', [commaList(banned), banned.length])}</span>`;
}

function sourceSection(config: Config, s: UploadFormState, canUrl: boolean): Html {
  if (s.sessionKey) return html``;
  const byUrl = canUrl && s.sourceType === 'url';
  const radio = (id: string, value: string, checked: boolean, label: string) =>
    canUrl
      ? html`<span class="mw-radio"><input type="radio" name="wpSourceType" id="${id}" value="${value}"${checked ? html` checked` : ''}> <label for="${id}">${text(label)}</label></span>`
      : '';
  return html`<fieldset id="mw-htmlform-source">
<legend>${text('upload-source')}</legend>
<p class="mwup-limits">${limitsText(config)}</p>
<p><label for="wpUploadFile">${text('sourcefilename')}</label>
${radio('wpSourceTypeFile', 'File', !byUrl, 'upload_source_file')}
<input id="wpUploadFile" name="wpUploadFile" type="file" size="60"></p>
${
  canUrl
    ? html`<p><label for="wpUploadFileURL">${text('sourceurl')}</label>
${radio('wpSourceTypeurl', 'url', byUrl, 'upload_source_url')}
<input id="wpUploadFileURL" name="wpUploadFileURL" size="60" value="${s.url}"></p>`
    : ''
}
</fieldset>`;
}

function descriptionSection(config: Config, s: UploadFormState): Html {
  const urls = new WebUrls(config);
  const preview =
    s.sessionKey && PREVIEWABLE.test(s.sessionKey)
      ? html`<div class="thumb tright"><img src="${urls.page(`Special:UploadStash/file/${s.sessionKey}`)}" alt="" width="120" class="thumbimage"></div>`
      : '';
  const summary = s.forReUpload
    ? html`<label for="wpUploadDescription">${text('filereuploadsummary')}</label>
<input id="wpUploadDescription" name="wpUploadDescription" size="60" value="${s.description}">`
    : html`<label for="wpUploadDescription">${text('fileuploadsummary')}</label>
<textarea id="wpUploadDescription" name="wpUploadDescription" cols="80" rows="8">${s.description}</textarea>`;
  return html`<fieldset id="mw-htmlform-description">
<legend>${text('upload-description')}</legend>
${preview}
<p><label for="wpDestFile">${text('destfilename')}</label>
<input id="wpDestFile" name="wpDestFile" size="60" value="${s.destFile}"${s.forReUpload ? html` readonly` : ''}></p>
<p>${summary}</p>
</fieldset>`;
}

function optionsSection(s: UploadFormState, hideIgnoreWarning: boolean): Html {
  const check = (name: string, checked: boolean, label: string) =>
    html`<p class="mw-check"><input name="${name}" type="checkbox" value="1" id="${name}"${checked ? html` checked` : ''}> <label for="${name}">${text(label)}</label></p>`;
  return html`<fieldset id="mw-htmlform-options">
<legend>${text('upload-options')}</legend>
${check('wpWatchthis', s.watch, 'watchthisupload')}
${hideIgnoreWarning ? '' : check('wpIgnoreWarning', s.ignoreWarning, 'ignorewarnings')}
</fieldset>`;
}

/** The whole form (the page around it is Special:Upload's). */
export function uploadForm(config: Config, s: UploadFormState, o: UploadFormOptions): Html {
  const urls = new WebUrls(config);
  const submit = text(o.submit ?? 'uploadbtn');
  const button = (name: string, label: string) =>
    html`<button type="submit" name="${name}" value="${label}">${label}</button>`;
  return html`<div id="uploadtext">${message(messageContext(config), 'uploadtext', [s.destFile], true)}</div>
${o.notice ?? ''}
<form id="mw-upload-form" class="mw-form" method="post" enctype="multipart/form-data" action="${urls.action('Special:Upload')}">
<input type="hidden" name="title" value="Special:Upload">
${sourceSection(config, s, o.canUrl)}
${descriptionSection(config, s)}
${optionsSection(s, !!o.warningButtons)}
<input type="hidden" id="wpEditToken" name="wpEditToken" value="${o.token}">
${
  s.sessionKey
    ? html`<input type="hidden" id="mw-input-wpSessionKey" name="wpSessionKey" value="${s.sessionKey}">
<input type="hidden" id="mw-input-wpSourceType" name="wpSourceType" value="Stash">`
    : ''
}
<input type="hidden" id="wpDestFileWarningAck" name="wpDestFileWarningAck" value="${s.destWarningAck ? '1' : ''}">
${s.forReUpload ? html`<input type="hidden" id="wpForReUpload" name="wpForReUpload" value="1">` : ''}
<p class="mw-htmlform-submit-buttons">${button('wpUpload', submit)}
${
  o.warningButtons
    ? html`${button('wpUploadIgnoreWarning', text('ignorewarning'))}
${button('wpCancelUpload', text('reuploaddesc'))}`
    : ''
}</p>
</form>`;
}
