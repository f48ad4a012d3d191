/**
 * What Special:Upload says about an upload the API answered with warnings or an error, in the
 * messages MediaWiki 1.39's SpecialUpload uses (showUploadWarning, processVerificationError).
 */
import type { Config } from '../../config.js';
import { wikiTitleParser } from '../../files/urls.js';
import { badPrefix, thumbNameInfo } from '../../title/file-names.js';
import { NS_FILE } from '../../title/namespaces.js';
import { type Html, html } from '../html.js';
import { WebUrls } from '../layout.js';
import { commaList, formatSize, type MessageContext, message, type Param } from './upload-messages.js';

export const messageContext = (config: Config): MessageContext => ({
  urls: new WebUrls(config),
  siteName: config.siteName,
});

/** `File:Name` of a DB key or a name as given (null when it is no valid file name). */
function fileTitle(config: Config, name: string): string | null {
  const t = wikiTitleParser(config).newFromText(name, NS_FILE);
  return t && t.ns === NS_FILE ? t.prefixedText : null;
}

/**
 * The `<li>` of each warning, in the API's order (MediaWiki's). `target` is the name the file
 * would get (the one asked for; a `badfilename` warning names the changed one).
 */
export function warningItems(config: Config, warnings: Record<string, unknown>, target: string): Html[] {
  const c = messageContext(config);
  const name = String(warnings.badfilename ?? target);
  const self = fileTitle(config, name) ?? `File:${name}`;
  const file = (v: unknown) => fileTitle(config, String(v)) ?? `File:${String(v)}`;
  const li = (key: string, params: Param[] = []) => html`<li>${message(c, key, params)}</li>`;
  const items: Html[] = [];
  for (const [key, value] of Object.entries(warnings)) {
    switch (key) {
      case 'exists':
        items.push(li('fileexists', [file(value)]));
        break;
      case 'page-exists':
        items.push(li('filepageexists', [file(value)]));
        break;
      case 'exists-normalized':
        items.push(li('fileexists-extension', [self, file(value)]));
        break;
      case 'thumb': {
        const info = thumbNameInfo(String(value).replace(/ /g, '_'), wikiTitleParser(config));
        const original = info.isThumb && info.original ? file(info.original) : self;
        items.push(li('fileexists-thumbnail-yes', [original, file(value)]));
        break;
      }
      case 'thumb-name': {
        const n = String(value);
        items.push(li('file-thumbnail-no', [n.slice(0, n.indexOf('-') + 1)]));
        break;
      }
      case 'bad-prefix':
        items.push(li('filename-bad-prefix', [badPrefix(String(value).replace(/ /g, '_')) ?? String(value)]));
        break;
      case 'nochange':
        items.push(li('fileexists-no-change', [self]));
        break;
      case 'duplicateversions':
        items.push(li('fileexists-duplicate-version', [self, Array.isArray(value) ? value.length : 1]));
        break;
      case 'was-deleted': {
        const log = c.urls.page('Special:Log', { type: 'delete', page: file(value) });
        items.push(li('filewasdeleted', [html`<a href="${log}">${message(c, 'deletionlog')}</a>`]));
        break;
      }
      case 'duplicate': {
        const names = (Array.isArray(value) ? value : [value]).map(String);
        const gallery = names.map((n) => {
          const t = file(n);
          return html`<li class="gallerybox"><a href="${c.urls.page(t)}">${t.slice(t.indexOf(':') + 1)}</a></li>`;
        });
        items.push(
          html`<li>${message(c, 'file-exists-duplicate', [names.length])}<ul class="gallery">${gallery}</ul></li>`,
        );
        break;
      }
      case 'duplicate-archive':
        items.push(
          value === '' || value === null
            ? li('file-deleted-duplicate-notitle')
            : li('file-deleted-duplicate', [file(value)]),
        );
        break;
      case 'badfilename':
        items.push(li('badfilename', [name.replace(/_/g, ' ')]));
        break;
      case 'filetype-unwanted-type': {
        const v = Array.isArray(value) ? value : [value];
        const exts = config.uploads.fileExtensions;
        items.push(
          li('filetype-unwanted-type', [
            String(v[0] ?? ''),
            String(v[1] ?? commaList(exts)),
            Number(v[2] ?? exts.length),
          ]),
        );
        break;
      }
      case 'large-file': {
        const [limit, size] = Array.isArray(value) ? value : [0, 0];
        items.push(li('large-file', [formatSize(Number(limit)), formatSize(Number(size))]));
        break;
      }
      case 'empty-file':
        items.push(li('emptyfile'));
        break;
      default:
        items.push(
          li(
            key,
            (Array.isArray(value) ? value : value === true ? [] : [value]).map((v) => String(v)),
          ),
        );
    }
  }
  return items;
}

/** The API's error of an upload, as the page shows it. */
export interface UploadError {
  code: string;
  text: string;
  data?: Record<string, unknown>;
}

/**
 * Errors after which MediaWiki keeps the file and asks for another name or description
 * (showRecoverableUploadError: "Upload error"); the others ask for the file again
 * (showUploadError: "Upload warning").
 */
const RECOVERABLE = new Set([
  'filename-tooshort',
  'illegal-filename',
  'filename-toolong',
  'filetype-missing',
  'windows-nonascii-filename',
  'fileexists-no-change',
  'fileexists-forbidden',
  'fileexists-shared-forbidden',
  'protectedpage',
  'cascadeprotected',
  'protectedtitle',
  'cantcreate',
  'ratelimited',
  'actionthrottled',
]);

export const isRecoverable = (e: UploadError): boolean =>
  RECOVERABLE.has(e.code) || typeof e.data?.filekey === 'string';

/**
 * The error's text: SpecialUpload's own message where it words it differently from the API
 * (processVerificationError), else the API's.
 */
export function errorText(config: Config, e: UploadError): Html {
  const c = messageContext(config);
  switch (e.code) {
    case 'empty-file':
      return message(c, 'emptyfile');
    case 'file-too-large':
      return message(c, 'largefileserver');
    case 'filetype-banned': {
      const d = e.data ?? {};
      const banned = Array.isArray(d.blacklisted) ? d.blacklisted.map(String) : [String(d.filetype ?? '')];
      const allowed = Array.isArray(d.allowed) ? d.allowed.map(String) : config.uploads.fileExtensions;
      return message(c, 'filetype-banned-type', [
        commaList(banned),
        commaList(allowed),
        allowed.length,
        banned.length,
      ]);
    }
    case 'filename-tooshort':
      return message(c, 'minlength1');
    case 'illegal-filename':
      return typeof e.data?.filename === 'string'
        ? message(c, 'illegalfilename', [e.data.filename])
        : html`${e.text}`;
    case 'ratelimited':
    case 'actionthrottled':
      return message(c, 'actionthrottledtext');
    case 'upload-file-error':
      return message(c, 'upload-file-error-text');
    case 'badtoken':
      return message(c, 'session_fail_preview', [], true);
    default:
      return html`${e.text}`;
  }
}
