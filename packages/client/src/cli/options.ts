import { readFile } from 'node:fs/promises';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import {
  CLIENT_VERSION,
  type IgnoreWarnings,
  type PublishOptions,
  parseSize,
  type UploadCheck,
  type UploadResult,
  type Watchlist,
} from '../index.js';
import { UsageError } from './config.js';
import type { describeError } from './messages.js';

export const USAGE = `mwup ${CLIENT_VERSION}: robust, resumable uploads to MediaWiki

Usage:
  mwup upload FILE... [options]           upload files (chunked above the threshold)
  mwup upload --manifest FILE [options]   upload a batch, each file with its own name and texts
  mwup resume [ID...] [options]           continue interrupted uploads from the state file
  mwup status FILEKEY [options]           where an upload stands (action=upload&checkstatus)
  mwup from-url URL --filename NAME       have the wiki fetch a URL
  mwup publish FILEKEY --filename NAME    publish a stashed file (e.g. after warnings)

Connection (every command):
  --api URL               api.php URL                          env MWUP_API
  --user NAME             bot-password user, "User@app"        env MWUP_USER
  --password-file FILE    file holding the bot password         env MWUP_PASSWORD_FILE
                          (or the password itself in env MWUP_PASSWORD)
  --password PASS         (visible to other local users; prefer the above)
  --oauth-token-file FILE file holding an OAuth 2 access token (or the token itself in env
                          MWUP_OAUTH_TOKEN), e.g. of an owner-only consumer: sent as
                          "Authorization: Bearer" instead of logging in with a bot password
  --config FILE           JSON file with api, username, password, oauthToken, userAgent
                          (default $MWUP_CONFIG or ~/.config/mwup/config.json)
  --user-agent UA         User-Agent to send (Wikimedia wants a contact address)
  --retries N             retries of transient failures per request (default 8)
  --maxlag N              maxlag parameter (default 5)
  --timeout SECONDS       per-request timeout for requests with file data (default 600)

Uploads (upload, from-url, publish):
  --filename NAME         name on the wiki (upload: only with one FILE; default: the file's name)
  --comment TEXT          upload summary
  --text TEXT             page text of a new file page      --text-file FILE  the same, from a file
  --tags A,B              change tags                       --watchlist watch|unwatch|preferences|nochange
  --ignore-warnings LIST  warnings to accept: "all" or a list such as exists,duplicate
                          (warnings not listed stop the upload; the file stays stashed)
  --async                 let the server assemble and publish in the background (polls checkstatus,
                          showing its stage: queued, assembling, publish)
  --wait-timeout SECONDS  with --async (upload, publish, resume): stop waiting after this long
                          (default 1800), exit 3 and print the filekey to ask about later with
                          "mwup status FILEKEY"
  --stash                 only stash; print the filekey to publish later
  --chunk-size SIZE       chunk size, e.g. 5M (default 5 MiB)
  --threshold SIZE        files up to this size go in one request (default: the chunk size)
  --protocol chunked|tus  how the bytes travel: MediaWiki's chunked uploads (default) or tus 1.0 to
                          the tus/ endpoint beside api.php (mwup wikis); published the same way
  --concurrency N         files uploaded in parallel (default 2)
  --dry-run               check names, rights and warnings without sending the files
  --no-precheck           send without first asking the wiki for the file's SHA-1 (by default a file
                          the wiki has under this name is "unchanged" and one it has under another
                          name stops as "duplicate", before any byte is sent)
  --manifest FILE         upload the rows of a .csv (header row) or .jsonl file: file, filename,
                          text or text-file, template, comment, tags, ignore-warnings; other columns
                          fill {name} placeholders of the template; relative paths are resolved
                          against the manifest's folder
  --text-template FILE    page text of every manifest row without text, with {column} placeholders

Output and state:
  --json                  print results as JSON on stdout
  --quiet                 no progress output
  --no-progress           plain line logs instead of bars
  --state FILE            resume state file (default: $XDG_STATE_HOME/mwup/uploads.json)
  -h, --help              this help             -V, --version    the version

Exit status: 0 all succeeded, 1 some failed (or the wiki cannot be reached or is no API), 2 usage
error, 3 the wiki is still working on an --async upload after --wait-timeout, 130 interrupted by
SIGINT (Ctrl-C), 143 by SIGTERM (the state is kept for "mwup resume").
`;

export const COMMON = {
  api: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  'password-file': { type: 'string' },
  'oauth-token-file': { type: 'string' },
  config: { type: 'string' },
  'user-agent': { type: 'string' },
  retries: { type: 'string' },
  maxlag: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  'no-progress': { type: 'boolean' },
  state: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const PUBLISH = {
  filename: { type: 'string' },
  comment: { type: 'string' },
  text: { type: 'string' },
  'text-file': { type: 'string' },
  tags: { type: 'string' },
  watchlist: { type: 'string' },
  'ignore-warnings': { type: 'string' },
  async: { type: 'boolean' },
  'wait-timeout': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const UPLOAD = {
  ...COMMON,
  ...PUBLISH,
  stash: { type: 'boolean' },
  'chunk-size': { type: 'string' },
  threshold: { type: 'string' },
  protocol: { type: 'string' },
  concurrency: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'no-precheck': { type: 'boolean' },
  manifest: { type: 'string' },
  'text-template': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export type Values = Record<string, string | boolean | undefined>;

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** One file's (or URL's, or key's) outcome. */
export interface Outcome {
  item: string;
  filename: string;
  status:
    | 'uploaded'
    | 'unchanged'
    | 'stashed'
    | 'warning'
    | 'failed'
    | 'not-started'
    | 'interrupted'
    | 'waiting'
    | 'ok'
    | 'would-warn'
    | 'would-fail';
  size?: number;
  seconds: number;
  detail: string;
  filekey?: string;
  /** `waiting`: the wiki's last background stage (`checkstatus`), e.g. `queued`, `assembling`. */
  stage?: string;
  /** The manifest row (CSV: spreadsheet row, the header being row 1; JSON Lines: line). */
  row?: number;
  result?: UploadResult | UploadCheck;
  error?: ReturnType<typeof describeError>;
}

/** `unchanged`: the wiki already has exactly this file under this name (warning `nochange` or error `fileexists-no-change`). */
export const OK_STATUSES = new Set(['uploaded', 'unchanged', 'stashed', 'ok']);

export const UNCHANGED_DETAIL = 'already on the wiki with identical content; nothing uploaded';

/** Resume failures after which a fresh upload is the only way. */
export const NOT_RESUMABLE = new Set([
  'resume-file-changed',
  'resume-wrong-wiki',
  'upload-session-lost',
  'uploadstash-file-not-found',
  'stashedfilenotfound',
  'missingresult',
]);

export function parse(
  args: string[],
  options: ParseArgsConfig['options'],
): { values: Values; positionals: string[] } {
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: r.values as Values, positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function intOption(v: Values, name: string, min: number): number | undefined {
  const raw = v[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

export function sizeOption(v: Values, name: string): number | undefined {
  const raw = v[name];
  if (raw === undefined) return undefined;
  const n = parseSize(String(raw));
  if (n === undefined || n <= 0)
    throw new UsageError(`--${name} must be a size such as 5M or 1048576, got "${raw}"`);
  return n;
}

export function parseIgnoreWarnings(raw: string | undefined): IgnoreWarnings | undefined {
  if (raw === undefined) return undefined;
  const t = raw.trim().toLowerCase();
  if (t === 'all' || t === 'true' || t === '*' || t === 'yes') return true;
  if (t === '' || t === 'none' || t === 'false' || t === 'no') return false;
  return t
    .split(/[,|\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function publishOptions(v: Values): Promise<PublishOptions & { filename?: string }> {
  const watchlist = v.watchlist as string | undefined;
  if (watchlist !== undefined && !['watch', 'unwatch', 'preferences', 'nochange'].includes(watchlist)) {
    throw new UsageError(`--watchlist must be watch, unwatch, preferences or nochange, got "${watchlist}"`);
  }
  let text = v.text as string | undefined;
  if (v['text-file'] !== undefined) {
    if (text !== undefined) throw new UsageError('Give --text or --text-file, not both.');
    try {
      text = await readFile(String(v['text-file']), 'utf8');
    } catch (e) {
      throw new UsageError(`Cannot read --text-file: ${(e as Error).message}`);
    }
  }
  const tags =
    v.tags === undefined
      ? undefined
      : String(v.tags)
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean);
  const ignoreWarnings = parseIgnoreWarnings(v['ignore-warnings'] as string | undefined);
  if (v['wait-timeout'] !== undefined && !v.async) throw new UsageError('--wait-timeout goes with --async.');
  return {
    ...(v.filename !== undefined ? { filename: String(v.filename) } : {}),
    ...(v.comment !== undefined ? { comment: String(v.comment) } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(tags ? { tags } : {}),
    ...(watchlist ? { watchlist: watchlist as Watchlist } : {}),
    ...(ignoreWarnings !== undefined ? { ignoreWarnings } : {}),
    ...(v.async ? { async: true, waitTimeoutMs: waitTimeout(v) } : {}),
  };
}

/** `--wait-timeout SECONDS` (default 30 minutes) in ms. */
export function waitTimeout(v: Values): number {
  return (intOption(v, 'wait-timeout', 1) ?? 1800) * 1000;
}
