#!/usr/bin/env node
/**
 * mwup: upload files to a MediaWiki wiki (this server or a real MediaWiki), resumably.
 *
 * Exit codes: 0 everything succeeded, 1 something failed (or would fail, in a dry run), 2 usage error.
 */
import { realpathSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import {
  CLIENT_VERSION,
  describeWarnings,
  formatBytes,
  type IgnoreWarnings,
  isAbortError,
  MwClient,
  MwClientError,
  type PublishOptions,
  parseSize,
  type ResumeToken,
  type UploadCheck,
  type UploadProgress,
  type UploadResult,
  type Watchlist,
  warningsIgnorable,
} from '../index.js';
import { type Connection, redact, resolveConnection, UsageError } from './config.js';
import { describeError } from './messages.js';
import { LineReporter, type Reporter, SilentReporter, TtyReporter, table } from './output.js';
import { defaultStatePath, entryId, type StateEntry, StateFile, type StoredUploadOptions } from './state.js';

const USAGE = `mwup ${CLIENT_VERSION}: robust, resumable uploads to MediaWiki

Usage:
  mwup upload FILE... [options]           upload files (chunked above the threshold)
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
  --config FILE           JSON file with api, username, password, userAgent
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
  --async                 let the server assemble and publish in the background (polls checkstatus)
  --stash                 only stash; print the filekey to publish later
  --chunk-size SIZE       chunk size, e.g. 5M (default 5 MiB)
  --threshold SIZE        files up to this size go in one request (default: the chunk size)
  --concurrency N         files uploaded in parallel (default 2)
  --dry-run               check names, rights and warnings without sending the files

Output and state:
  --json                  print results as JSON on stdout
  --quiet                 no progress output
  --no-progress           plain line logs instead of bars
  --state FILE            resume state file (default: $XDG_STATE_HOME/mwup/uploads.json)
  -h, --help              this help             -V, --version    the version

Exit status: 0 all succeeded, 1 some failed, 2 usage error.
`;

const COMMON = {
  api: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  'password-file': { type: 'string' },
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

const PUBLISH = {
  filename: { type: 'string' },
  comment: { type: 'string' },
  text: { type: 'string' },
  'text-file': { type: 'string' },
  tags: { type: 'string' },
  watchlist: { type: 'string' },
  'ignore-warnings': { type: 'string' },
  async: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

const UPLOAD = {
  ...COMMON,
  ...PUBLISH,
  stash: { type: 'boolean' },
  'chunk-size': { type: 'string' },
  threshold: { type: 'string' },
  concurrency: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

type Values = Record<string, string | boolean | undefined>;

interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** One file's (or URL's, or key's) outcome. */
interface Outcome {
  item: string;
  filename: string;
  status:
    | 'uploaded'
    | 'unchanged'
    | 'stashed'
    | 'warning'
    | 'failed'
    | 'not-started'
    | 'ok'
    | 'would-warn'
    | 'would-fail';
  size?: number;
  seconds: number;
  detail: string;
  filekey?: string;
  result?: UploadResult | UploadCheck;
  error?: ReturnType<typeof describeError>;
}

/** `unchanged`: the wiki already has exactly this file under this name (warning `nochange` or error `fileexists-no-change`). */
const OK_STATUSES = new Set(['uploaded', 'unchanged', 'stashed', 'ok']);

const UNCHANGED_DETAIL = 'already on the wiki with identical content; nothing uploaded';

/** Resume failures after which a fresh upload is the only way. */
const NOT_RESUMABLE = new Set([
  'resume-file-changed',
  'resume-wrong-wiki',
  'upload-session-lost',
  'uploadstash-file-not-found',
  'stashedfilenotfound',
  'missingresult',
]);

function parse(
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

function intOption(v: Values, name: string, min: number): number | undefined {
  const raw = v[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

function sizeOption(v: Values, name: string): number | undefined {
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

async function publishOptions(v: Values): Promise<PublishOptions & { filename?: string }> {
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
  return {
    ...(v.filename !== undefined ? { filename: String(v.filename) } : {}),
    ...(v.comment !== undefined ? { comment: String(v.comment) } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(tags ? { tags } : {}),
    ...(watchlist ? { watchlist: watchlist as Watchlist } : {}),
    ...(ignoreWarnings !== undefined ? { ignoreWarnings } : {}),
    ...(v.async ? { async: true } : {}),
  };
}

class Cli {
  readonly #io: Io;
  #conn: Connection = { api: undefined, username: undefined, password: undefined, userAgent: undefined };
  #values: Values = {};
  #reporter: Reporter = new SilentReporter();
  readonly #abort = new AbortController();

  constructor(io: Io) {
    this.#io = io;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  abort(): void {
    this.#abort.abort(new DOMException('Interrupted', 'AbortError'));
  }

  #err(line: string): void {
    this.#io.stderr.write(`${redact(line, this.#conn.password)}\n`);
  }

  async #setup(values: Values, needApi = true): Promise<void> {
    this.#values = values;
    this.#conn = await resolveConnection(values as Parameters<typeof resolveConnection>[0], this.#io.env);
    if (needApi && !this.#conn.api) {
      throw new UsageError('No wiki given: pass --api URL (or set MWUP_API, or "api" in the config file).');
    }
    const quiet = values.quiet === true || values.json === true;
    if (quiet) this.#reporter = new SilentReporter();
    else if (this.#io.stderr.isTTY && values['no-progress'] !== true)
      this.#reporter = new TtyReporter(this.#io.stderr);
    else this.#reporter = new LineReporter(this.#io.stderr);
  }

  #client(api = this.#conn.api as string): MwClient {
    const v = this.#values;
    const retries = intOption(v, 'retries', 0);
    const maxlag = intOption(v, 'maxlag', 0);
    const timeout = intOption(v, 'timeout', 1);
    return new MwClient({
      api,
      ...(this.#conn.username ? { username: this.#conn.username } : {}),
      ...(this.#conn.password ? { password: this.#conn.password } : {}),
      ...(this.#conn.userAgent ? { userAgent: this.#conn.userAgent } : {}),
      ...(retries !== undefined ? { maxRetries: retries } : {}),
      ...(maxlag !== undefined ? { maxlag } : {}),
      ...(timeout !== undefined ? { uploadTimeoutMs: timeout * 1000 } : {}),
      onRetry: ({ error, attempt, delayMs, action }) => {
        this.#reporter.log(
          redact(
            `${action}: ${error.code} (${error.info}); retrying in ${(delayMs / 1000).toFixed(1)} s [attempt ${attempt}]`,
            this.#conn.password,
          ),
        );
      },
    });
  }

  /** Logs in up front so that a bad password fails once, not once per file. */
  async #login(client: MwClient): Promise<Outcome | undefined> {
    if (!client.hasCredentials) return undefined;
    try {
      await client.ensureLogin(this.signal);
      return undefined;
    } catch (e) {
      const d = describeError(e);
      return {
        item: client.api,
        filename: '',
        status: 'failed',
        seconds: 0,
        detail: `${d.code}: ${d.info}${d.hint ? ` (${d.hint})` : ''}`,
        error: d,
      };
    }
  }

  #finish(outcomes: Outcome[], title = 'File'): number {
    this.#reporter.stop();
    const ok = outcomes.every((o) => OK_STATUSES.has(o.status));
    if (this.#values.json) {
      this.#io.stdout.write(
        `${redact(JSON.stringify({ ok, results: outcomes }, null, 2), this.#conn.password)}\n`,
      );
    } else if (outcomes.length > 0) {
      const rows = outcomes.map((o) => [
        o.item,
        o.status,
        o.filename || o.filekey || '',
        o.size !== undefined ? formatBytes(o.size) : '',
        `${o.seconds.toFixed(1)} s`,
        o.detail,
      ]);
      const t = table([title, 'Status', 'On the wiki', 'Size', 'Time', 'Details'], rows);
      this.#io.stdout.write(`${redact(t, this.#conn.password)}\n`);
      const failed = outcomes.filter((o) => !OK_STATUSES.has(o.status)).length;
      this.#err(
        failed === 0
          ? `All ${outcomes.length} succeeded.`
          : `${failed} of ${outcomes.length} did not succeed.`,
      );
    }
    return ok ? 0 : 1;
  }

  #describeResult(r: UploadResult, o: Outcome): void {
    o.result = r;
    if (r.result === 'Success') {
      o.status = 'uploaded';
      o.filename = r.filename;
      const extra = r.warnings ? ` (accepted warnings: ${Object.keys(r.warnings).join(', ')})` : '';
      const sha1 = r.sha1 ?? r.imageinfo?.sha1;
      o.detail = `${r.alreadyUploaded ? 'already on the wiki' : 'uploaded'}${sha1 ? `, sha1 ${sha1}` : ''}${extra}`;
    } else if (r.result === 'Stashed') {
      o.status = 'stashed';
      o.filekey = r.filekey;
      o.filename = r.filekey;
      o.detail = `stashed as ${r.filekey}; publish with: mwup publish ${r.filekey} --filename ${JSON.stringify(r.filename)}`;
    } else if (
      Object.keys(r.warnings).every((k) => k === 'exists' || k === 'nochange') &&
      r.warnings.nochange
    ) {
      o.status = 'unchanged';
      o.detail = UNCHANGED_DETAIL;
    } else {
      o.status = 'warning';
      if (r.filekey) o.filekey = r.filekey;
      const names = Object.keys(r.warnings);
      const hint =
        r.filekey && r.warnings.nochange === undefined
          ? ` To upload anyway: mwup publish ${r.filekey} --filename ${JSON.stringify(r.filename)} --ignore-warnings ${names.join(',')}`
          : '';
      o.detail = `not uploaded, warnings: ${describeWarnings(r.warnings).join(' ')}${hint}`;
    }
  }

  #failure(o: Outcome, e: unknown): void {
    const d = describeError(e);
    if (d.code === 'fileexists-no-change') {
      o.status = 'unchanged';
      o.detail = `${UNCHANGED_DETAIL} (${d.code})`;
      return;
    }
    o.status = 'failed';
    o.error = d;
    o.detail = `${d.code}: ${d.info}${d.hint ? ` (${d.hint})` : ''}`;
  }

  // ------------------------------------------------------------------ commands

  async upload(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, UPLOAD);
    if (values.help) return this.#usage(0);
    await this.#setup(values);
    if (positionals.length === 0) throw new UsageError('mwup upload needs at least one FILE.');
    const pub = await publishOptions(values);
    if (pub.filename !== undefined && positionals.length > 1) {
      throw new UsageError('--filename can only be used with a single FILE.');
    }
    const chunkSize = sizeOption(values, 'chunk-size');
    const threshold = sizeOption(values, 'threshold');
    const concurrency = intOption(values, 'concurrency', 1) ?? 2;
    const state = new StateFile(
      resolve(typeof values.state === 'string' ? values.state : defaultStatePath(this.#io.env)),
    );
    const client = this.#client();
    const api = client.api;
    const loginFailure = await this.#login(client);
    if (loginFailure) {
      this.#err(`mwup: ${loginFailure.detail}`);
      return this.#finish([loginFailure], 'Wiki');
    }

    const jobs = positionals.map((path) => {
      const filename = pub.filename ?? basename(path);
      return { path, filename, id: entryId(api, path, filename) };
    });
    const outcomes: Outcome[] = [];
    const run = async (job: (typeof jobs)[number]) => {
      const started = Date.now();
      const o: Outcome = { item: job.path, filename: '', status: 'failed', seconds: 0, detail: '' };
      outcomes.push(o);
      if (this.#notStarted(o, job.id, job.filename)) return;
      let stored = false;
      try {
        const st = await stat(job.path);
        if (!st.isFile()) throw new Error(`${job.path} is not a regular file`);
        o.size = st.size;
        if (values['dry-run']) {
          const check = await client.checkUpload(job.path, { filename: job.filename, signal: this.signal });
          this.#describeCheck(check, o, pub.ignoreWarnings);
        } else {
          const stored_options: StoredUploadOptions = {
            ...(pub.comment !== undefined ? { comment: pub.comment } : {}),
            ...(pub.text !== undefined ? { text: pub.text } : {}),
            ...(pub.tags !== undefined ? { tags: [...pub.tags] } : {}),
            ...(pub.watchlist !== undefined ? { watchlist: pub.watchlist } : {}),
            ...(pub.ignoreWarnings !== undefined
              ? {
                  ignoreWarnings:
                    pub.ignoreWarnings === true || pub.ignoreWarnings === false
                      ? pub.ignoreWarnings
                      : [...pub.ignoreWarnings],
                }
              : {}),
            ...(pub.async ? { async: true } : {}),
            ...(values.stash ? { stash: true } : {}),
            ...(chunkSize ? { chunkSize } : {}),
          };
          const onResumeToken = async (token: ResumeToken) => {
            stored = true;
            const entry: StateEntry = {
              id: job.id,
              path: resolve(job.path),
              api,
              filename: job.filename,
              options: stored_options,
              token,
              updatedAt: token.updatedAt,
            };
            await state.put(entry);
          };
          const base = {
            ...pub,
            filename: job.filename,
            ...(values.stash ? { stash: true } : {}),
            ...(chunkSize ? { chunkSize } : {}),
            ...(threshold ? { chunkThreshold: threshold } : {}),
            signal: this.signal,
            onProgress: (p: UploadProgress) => this.#reporter.progress(job.id, p),
            onResumeToken,
          };
          // An earlier run left this very upload unfinished: continue it rather than start over.
          const previous = (await state.entries().catch(() => [])).find((e) => e.id === job.id);
          let r: UploadResult | undefined;
          if (previous && previous.token.filesize === st.size) {
            try {
              r = await client.upload(job.path, { ...base, resume: previous.token });
              this.#reporter.log(
                `${job.filename}: continued the interrupted upload from ${formatBytes(previous.token.offset)}`,
              );
            } catch (e) {
              if (!(e instanceof MwClientError) || !NOT_RESUMABLE.has(e.code)) throw e;
              this.#reporter.log(
                `${job.filename}: cannot continue the earlier upload (${e.code}); starting over`,
              );
            }
          }
          r ??= await client.upload(job.path, base);
          this.#describeResult(r, o);
          if (stored) await state.remove(job.id);
        }
      } catch (e) {
        this.#failure(o, e);
        if (stored) {
          if (this.#resumable(e)) {
            o.detail += ` — continue with: mwup resume ${job.id} --state ${state.path}`;
          } else {
            await state.remove(job.id).catch(() => {});
          }
        }
      }
      o.filename ||= job.filename;
      o.seconds = (Date.now() - started) / 1000;
      this.#reporter.done(job.id, OK_STATUSES.has(o.status), `${job.filename}: ${o.status} — ${o.detail}`);
    };
    // Every file gets its bar (or "queued" line) up front; the total covers them all.
    for (const job of jobs) {
      const size = await stat(job.path).then(
        (st) => st.size,
        () => undefined,
      );
      this.#reporter.add(job.id, job.filename, size);
    }
    await pool(jobs, concurrency, run);
    outcomes.sort((a, b) => positionals.indexOf(a.item) - positionals.indexOf(b.item));
    return this.#finish(outcomes);
  }

  /** After Ctrl-C, files still queued are reported as not started. */
  #notStarted(o: Outcome, id: string, filename: string): boolean {
    if (!this.signal.aborted) return false;
    o.status = 'not-started';
    o.filename = filename;
    o.detail = 'interrupted before it started';
    this.#reporter.done(id, false, `${filename}: ${o.status} — ${o.detail}`);
    return true;
  }

  #resumable(e: unknown): boolean {
    if (isAbortError(e, this.signal)) return true;
    return e instanceof MwClientError && (e.retryable || e.code === 'network' || e.code === 'timeout');
  }

  #describeCheck(c: UploadCheck, o: Outcome, ignore: IgnoreWarnings | undefined): void {
    o.result = c;
    o.filename = c.title ?? c.filename;
    const unchecked = c.unchecked.length > 0 ? ` Not checked: ${c.unchecked.join(', ')}.` : '';
    if (c.errors.length > 0) {
      o.status = 'would-fail';
      o.detail = `would fail: ${c.errors.map((e) => `${e.code}: ${e.info}`).join(' ')}${unchecked}`;
    } else if (
      Object.keys(c.warnings).every((k) => k === 'exists' || k === 'nochange') &&
      c.warnings.nochange
    ) {
      o.status = 'unchanged';
      o.detail = `${UNCHANGED_DETAIL}${unchecked}`;
    } else if (Object.keys(c.warnings).length > 0 && !warningsIgnorable(c.warnings, ignore)) {
      o.status = 'would-warn';
      o.detail = `would stop on warnings: ${describeWarnings(c.warnings).join(' ')}${unchecked}`;
    } else {
      o.status = 'ok';
      const w = Object.keys(c.warnings);
      o.detail = `ready (sha1 ${c.sha1})${w.length ? `; accepted warnings: ${w.join(', ')}` : ''}${unchecked}`;
    }
  }

  async resume(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, { ...COMMON, concurrency: { type: 'string' } });
    if (values.help) return this.#usage(0);
    await this.#setup(values, false);
    const state = new StateFile(
      resolve(typeof values.state === 'string' ? values.state : defaultStatePath(this.#io.env)),
    );
    let entries: StateEntry[];
    try {
      entries = await state.entries();
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (positionals.length > 0) {
      const unknown = positionals.filter((id) => !entries.some((e) => e.id === id));
      if (unknown.length > 0) throw new UsageError(`Not in ${state.path}: ${unknown.join(', ')}`);
      entries = entries.filter((e) => positionals.includes(e.id));
    }
    if (this.#conn.api)
      entries = entries.filter((e) => e.api === new URL(this.#conn.api as string).toString());
    if (entries.length === 0) {
      this.#err(`Nothing to resume in ${state.path}.`);
      return this.#finish([]);
    }
    const concurrency = intOption(values, 'concurrency', 1) ?? 2;
    const clients = new Map<string, MwClient>();
    const outcomes: Outcome[] = [];
    await pool(entries, concurrency, async (entry) => {
      const started = Date.now();
      const o: Outcome = {
        item: entry.path,
        filename: entry.filename,
        status: 'failed',
        seconds: 0,
        detail: '',
        size: entry.token.filesize,
      };
      outcomes.push(o);
      if (this.#notStarted(o, entry.id, entry.filename)) return;
      let client = clients.get(entry.api);
      if (!client) {
        client = this.#client(entry.api);
        clients.set(entry.api, client);
      }
      this.#reporter.add(entry.id, entry.filename, entry.token.filesize);
      try {
        const opts = entry.options;
        const r = await client.upload(entry.path, {
          ...opts,
          filename: entry.filename,
          ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : { chunkSize: entry.token.chunkSize }),
          resume: entry.token,
          signal: this.signal,
          onProgress: (p) => this.#reporter.progress(entry.id, p),
          onResumeToken: async (token) => {
            await state.put({ ...entry, token, updatedAt: token.updatedAt });
          },
        });
        this.#describeResult(r, o);
        await state.remove(entry.id);
      } catch (e) {
        this.#failure(o, e);
        if (this.#resumable(e)) {
          o.detail += ` — try again with: mwup resume ${entry.id} --state ${state.path}`;
        } else {
          await state.remove(entry.id).catch(() => {});
          o.detail += ' (removed from the state file)';
        }
      }
      o.seconds = (Date.now() - started) / 1000;
      this.#reporter.done(
        entry.id,
        OK_STATUSES.has(o.status),
        `${entry.filename}: ${o.status} — ${o.detail}`,
      );
    });
    return this.#finish(outcomes);
  }

  async status(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, COMMON);
    if (values.help) return this.#usage(0);
    await this.#setup({ ...values, quiet: true });
    if (positionals.length !== 1) throw new UsageError('mwup status needs exactly one FILEKEY.');
    const filekey = positionals[0] as string;
    const client = this.#client();
    try {
      const st = await client.checkStatus(filekey, this.signal);
      if (values.json)
        this.#io.stdout.write(`${JSON.stringify({ ok: true, filekey, status: st }, null, 2)}\n`);
      else {
        const s = st as Record<string, unknown>;
        const parts = [`${filekey}: ${s.result}`];
        if (s.stage) parts.push(`stage ${s.stage}`);
        if (s.offset !== undefined) parts.push(`offset ${s.offset}`);
        if (s.filekey) parts.push(`filekey ${s.filekey}`);
        if (s.filename) parts.push(`file ${s.filename}`);
        this.#io.stdout.write(`${parts.join(', ')}\n`);
      }
      return 0;
    } catch (e) {
      if (isAbortError(e, this.signal)) throw e;
      const d = describeError(e);
      if (values.json)
        this.#io.stdout.write(`${JSON.stringify({ ok: false, filekey, error: d }, null, 2)}\n`);
      else this.#io.stdout.write(`${filekey}: ${d.code}: ${d.info}${d.hint ? ` (${d.hint})` : ''}\n`);
      return 1;
    }
  }

  async fromUrl(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, { ...COMMON, ...PUBLISH, stash: { type: 'boolean' } });
    if (values.help) return this.#usage(0);
    await this.#setup(values);
    if (positionals.length !== 1) throw new UsageError('mwup from-url needs exactly one URL.');
    const url = positionals[0] as string;
    const pub = await publishOptions(values);
    if (!pub.filename) throw new UsageError('mwup from-url needs --filename NAME.');
    const client = this.#client();
    const loginFailure = await this.#login(client);
    if (loginFailure) return this.#finish([loginFailure], 'Wiki');
    const started = Date.now();
    const o: Outcome = { item: url, filename: pub.filename, status: 'failed', seconds: 0, detail: '' };
    this.#reporter.add(url, pub.filename, undefined);
    try {
      const r = await client.uploadFromUrl(url, {
        ...pub,
        filename: pub.filename,
        ...(values.stash ? { stash: true } : {}),
        signal: this.signal,
        onProgress: (p) => this.#reporter.progress(url, p),
      });
      this.#describeResult(r, o);
      if (r.result === 'Success' && r.imageinfo?.size !== undefined) o.size = r.imageinfo.size;
    } catch (e) {
      this.#failure(o, e);
    }
    o.seconds = (Date.now() - started) / 1000;
    this.#reporter.done(url, OK_STATUSES.has(o.status), `${pub.filename}: ${o.status} — ${o.detail}`);
    return this.#finish([o], 'URL');
  }

  async publish(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, { ...COMMON, ...PUBLISH });
    if (values.help) return this.#usage(0);
    await this.#setup(values);
    if (positionals.length !== 1) throw new UsageError('mwup publish needs exactly one FILEKEY.');
    const filekey = positionals[0] as string;
    const pub = await publishOptions(values);
    if (!pub.filename) throw new UsageError('mwup publish needs --filename NAME.');
    const client = this.#client();
    const loginFailure = await this.#login(client);
    if (loginFailure) return this.#finish([loginFailure], 'Wiki');
    const started = Date.now();
    const o: Outcome = { item: filekey, filename: pub.filename, status: 'failed', seconds: 0, detail: '' };
    this.#reporter.add(filekey, pub.filename, undefined);
    try {
      const r = await client.publishStash(filekey, {
        ...pub,
        filename: pub.filename,
        signal: this.signal,
        onProgress: (p) => this.#reporter.progress(filekey, p),
      });
      this.#describeResult(r, o);
    } catch (e) {
      this.#failure(o, e);
    }
    o.seconds = (Date.now() - started) / 1000;
    this.#reporter.done(filekey, OK_STATUSES.has(o.status), `${pub.filename}: ${o.status} — ${o.detail}`);
    return this.#finish([o], 'Filekey');
  }

  #usage(code: number): number {
    (code === 0 ? this.#io.stdout : this.#io.stderr).write(USAGE);
    return code;
  }

  async run(argv: string[]): Promise<number> {
    const [command, ...rest] = argv;
    try {
      switch (command) {
        case 'upload':
          return await this.upload(rest);
        case 'resume':
          return await this.resume(rest);
        case 'status':
          return await this.status(rest);
        case 'from-url':
          return await this.fromUrl(rest);
        case 'publish':
          return await this.publish(rest);
        case '-h':
        case '--help':
        case 'help':
          return this.#usage(0);
        case '-V':
        case '--version':
          this.#io.stdout.write(`mwup ${CLIENT_VERSION}\n`);
          return 0;
        case undefined:
          return this.#usage(2);
        default:
          throw new UsageError(`Unknown command "${command}".`);
      }
    } catch (e) {
      this.#reporter.stop();
      if (e instanceof UsageError) {
        this.#err(`mwup: ${e.message}\nTry "mwup --help".`);
        return 2;
      }
      if (isAbortError(e, this.signal)) {
        this.#err('mwup: interrupted.');
        return 1;
      }
      const d = describeError(e);
      this.#err(`mwup: ${d.code}: ${d.info}${d.hint ? ` (${d.hint})` : ''}`);
      return 1;
    }
  }
}

/** Runs `fn` over `items` with at most `n` at a time. */
async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

export async function main(argv: string[], io: Io = process): Promise<number> {
  const cli = new Cli(io);
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    io.stderr.write('\nmwup: interrupting (state kept for "mwup resume"); press Ctrl-C again to quit now.\n');
    cli.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    return await cli.run(argv);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

const isEntry = (() => {
  try {
    return (
      process.argv[1] !== undefined &&
      realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
})();

if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`mwup: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
