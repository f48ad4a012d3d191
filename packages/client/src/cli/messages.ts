/** Plain-language explanations of MediaWiki and client error codes, for the CLI. */
import { isMwClientError } from '../index.js';

const HINTS: Record<string, string> = {
  mustbeloggedin:
    'Log in: give --user and a bot password (--password-file, MWUP_PASSWORD or the config file).',
  permissiondenied:
    'The account (or its bot password) lacks the right. Uploads need the "uploadfile" and "editpage" grants; URL uploads need "uploadeditmovefile".',
  'login-failed': 'Check the user name (User@appid) and the bot password.',
  'login-aborted':
    'Main-account passwords do not work with action=login; create a bot password (Special:BotPasswords).',
  'login-nocredentials': 'Give --user and a bot password.',
  'mwoauth-invalid-authorization':
    'The wiki refused the OAuth token (unknown, revoked or expired); check --oauth-token-file or MWUP_OAUTH_TOKEN.',
  'oauth-not-accepted':
    'The wiki does not take OAuth tokens (no OAuth extension?), or something on the way removed the Authorization header.',
  assertuserfailed: 'The session expired and logging in again failed.',
  badtoken: 'The CSRF token was refused even after refreshing it; the session is probably broken.',
  uploaddisabled: 'Uploads are disabled on this wiki.',
  copyuploaddisabled: 'Uploads by URL are disabled on this wiki.',
  copyuploadbaddomain: 'The wiki does not allow uploads by URL from this domain.',
  'fileexists-no-change': 'The wiki already has exactly this file under this name: nothing to upload.',
  'fileexists-forbidden': 'A file with this name exists and this account may not overwrite it.',
  'fileexists-shared-forbidden':
    'A file with this name exists in a shared repository and cannot be overwritten.',
  'verification-error':
    'The server rejected the content (type/extension mismatch or a disallowed file type).',
  'filetype-banned': 'This file extension is not allowed on the wiki.',
  'filetype-missing': 'The file name needs an extension (like ".jpg").',
  'file-too-large': 'The file is larger than the wiki accepts.',
  'empty-file': 'The file is empty.',
  'illegal-filename': 'The file name is not allowed; choose another with --filename.',
  'chunk-too-small': 'The chunk size is below the wiki minimum; raise --chunk-size.',
  stashfailed: 'The server could not store the upload in its stash.',
  'uploadstash-file-not-found': 'The stashed upload is gone (stash entries expire after about 6 hours).',
  stashedfilenotfound: 'The stashed upload is gone (stash entries expire after about 6 hours).',
  'upload-session-lost': 'The server no longer knows this upload session; upload the file again.',
  'resume-file-changed':
    'The local file differs from the bytes already uploaded; upload it again from the start.',
  'resume-wrong-wiki': 'Pass the --api the upload was started with.',
  'sha1-mismatch': 'The server ended up with different bytes than the local file; nothing was published.',
  'offset-loop': 'The server kept rejecting the same chunk; try again later.',
  network: 'The wiki could not be reached; check the --api URL and the connection.',
  timeout: 'The wiki did not answer in time.',
  http: 'The server answered with an HTTP error.',
  badresponse: 'The server answer is not MediaWiki API JSON; is --api the api.php URL?',
  maxlag: 'The wiki database is lagged; retried and gave up. Try again later or raise --retries.',
  ratelimited: 'Rate limited by the wiki; try again later or use fewer parallel uploads.',
  readonly: 'The wiki is in read-only mode.',
  badtags: 'One of the --tags cannot be applied manually on this wiki.',
  'http-bad-status': 'The wiki could not download the URL (the remote server answered with an error).',
  'http-invalid-url': 'The URL is not valid for the wiki.',
  'http-curl-error': 'The wiki could not connect to the URL.',
  'windows-nonascii-filename': 'The wiki does not support this file name; use ASCII characters.',
  'source-changed': 'The local file changed while it was being uploaded.',
  'source-size-unknown': 'The size of the input is unknown.',
  missingresult: 'The server has no status for this file key (finished, expired or never started).',
  publishfailed: 'The server could not publish the stashed file.',
  'wait-timeout':
    'The wiki is still working on the upload in the background; "mwup status FILEKEY" tells where it stands.',
};

export function hintFor(code: string): string | undefined {
  if (HINTS[code]) return HINTS[code];
  if (code.startsWith('internal_api_error_'))
    return 'An internal server error; it was retried and kept failing.';
  if (code.startsWith('backend-fail-'))
    return 'The wiki file storage failed; it was retried and kept failing.';
  if (code.startsWith('uploadstash-')) return 'The upload stash failed on the server.';
  return undefined;
}

/** `code: info (hint)` for any thrown value. */
export function describeError(e: unknown): { code: string; info: string; hint?: string; data?: unknown } {
  if (isMwClientError(e)) {
    let info = e.info;
    const details = e.data.details;
    if (Array.isArray(details) && details.length > 0 && !info.includes(String(details[0]))) {
      info += ` [${details.join(', ')}]`;
    }
    const hint = hintFor(e.code);
    const data = Object.keys(e.data).length > 0 ? e.data : undefined;
    return { code: e.code, info, ...(hint ? { hint } : {}), ...(data ? { data } : {}) };
  }
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { code: 'nofile', info: e.message, hint: 'The file does not exist.' };
    if (code === 'EACCES') return { code: 'noaccess', info: e.message, hint: 'The file cannot be read.' };
    if (e.name === 'AbortError') return { code: 'aborted', info: 'Interrupted.' };
    return { code: code ?? e.name, info: e.message };
  }
  return { code: 'error', info: String(e) };
}
