import {
  describeWarnings,
  formatBytes,
  HttpError,
  type IgnoreWarnings,
  isAbortError,
  MwClient,
  MwClientError,
  type UploadCheck,
  type UploadResult,
  warningsIgnorable,
} from '../index.js';
import { type Connection, redact, resolveConnection, UsageError } from './config.js';
import { describeError } from './messages.js';
import {
  type Io,
  intOption,
  OK_STATUSES,
  type Outcome,
  UNCHANGED_DETAIL,
  USAGE,
  type Values,
} from './options.js';
import { LineReporter, type Reporter, SilentReporter, TtyReporter, table } from './output.js';

export class CliSession {
  protected readonly io: Io;
  protected conn: Connection = {
    api: undefined,
    username: undefined,
    password: undefined,
    userAgent: undefined,
  };
  protected values: Values = {};
  protected reporter: Reporter = new SilentReporter();
  protected readonly aborter = new AbortController();
  /** The signal that interrupted the command (exit 128 + its number). */
  #interruptedBy: 'SIGINT' | 'SIGTERM' | undefined;
  /** Set when the wiki turned out to be unreachable or no API: files not started yet are skipped. */
  #stopped: string | undefined;

  constructor(io: Io) {
    this.io = io;
  }

  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  /** Stops the command on a signal: uploads in flight are aborted, their state kept for `mwup resume`. */
  abort(by: 'SIGINT' | 'SIGTERM' = 'SIGINT'): void {
    this.#interruptedBy ??= by;
    this.aborter.abort(new DOMException(`Interrupted by ${by}`, 'AbortError'));
  }

  /** The exit code of an interrupted command: 130 after SIGINT, 143 after SIGTERM. */
  get interruptedCode(): number | undefined {
    if (!this.#interruptedBy) return undefined;
    return this.#interruptedBy === 'SIGTERM' ? 143 : 130;
  }

  protected err(line: string): void {
    this.io.stderr.write(`${redact(line, this.conn.password, this.conn.oauthToken)}\n`);
  }

  protected async setup(values: Values, needApi = true): Promise<void> {
    this.values = values;
    this.conn = await resolveConnection(values as Parameters<typeof resolveConnection>[0], this.io.env);
    if (needApi && !this.conn.api) {
      throw new UsageError('No wiki given: pass --api URL (or set MWUP_API, or "api" in the config file).');
    }
    const quiet = values.quiet === true || values.json === true;
    if (quiet) this.reporter = new SilentReporter();
    else if (this.io.stderr.isTTY && values['no-progress'] !== true)
      this.reporter = new TtyReporter(this.io.stderr);
    else this.reporter = new LineReporter(this.io.stderr);
  }

  protected client(api = this.conn.api as string): MwClient {
    const v = this.values;
    const retries = intOption(v, 'retries', 0);
    const maxlag = intOption(v, 'maxlag', 0);
    const timeout = intOption(v, 'timeout', 1);
    return new MwClient({
      api,
      ...(this.conn.username ? { username: this.conn.username } : {}),
      ...(this.conn.password ? { password: this.conn.password } : {}),
      ...(this.conn.oauthToken ? { oauthToken: this.conn.oauthToken } : {}),
      ...(this.conn.userAgent ? { userAgent: this.conn.userAgent } : {}),
      ...(retries !== undefined ? { maxRetries: retries } : {}),
      ...(maxlag !== undefined ? { maxlag } : {}),
      ...(timeout !== undefined ? { uploadTimeoutMs: timeout * 1000 } : {}),
      onRetry: ({ error, attempt, delayMs, action }) => {
        this.reporter.log(
          redact(
            `${action}: ${error.code} (${error.info}); retrying in ${(delayMs / 1000).toFixed(1)} s [attempt ${attempt}]`,
            this.conn.password,
            this.conn.oauthToken,
          ),
        );
      },
    });
  }

  /**
   * Logs in up front (without credentials: reads the wiki's siteinfo) so that a bad password, a wrong
   * URL or a wiki that is not there fails once, at once, not once per file.
   */
  protected async login(client: MwClient): Promise<Outcome | undefined> {
    try {
      if (client.hasCredentials) await client.ensureLogin(this.signal);
      else
        await client.siteInfo(this.signal).catch((e) => (isUnusableWiki(e) ? Promise.reject(e) : undefined));
      return undefined;
    } catch (e) {
      if (isAbortError(e, this.signal)) throw e;
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

  protected finish(outcomes: Outcome[], title = 'File'): number {
    this.reporter.stop();
    const ok = outcomes.every((o) => OK_STATUSES.has(o.status));
    const waiting = outcomes.filter((o) => o.status === 'waiting').length;
    const unfinished = outcomes.filter((o) => !OK_STATUSES.has(o.status)).length;
    if (this.values.json) {
      this.io.stdout.write(
        `${redact(JSON.stringify({ ok, results: outcomes }, null, 2), this.conn.password, this.conn.oauthToken)}\n`,
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
      this.io.stdout.write(`${redact(t, this.conn.password, this.conn.oauthToken)}\n`);
      this.err(
        unfinished === 0
          ? `All ${outcomes.length} succeeded.`
          : `${unfinished} of ${outcomes.length} did not succeed${waiting ? ` (${waiting} still in progress on the wiki)` : ''}.`,
      );
    }
    return this.interruptedCode ?? (ok ? 0 : waiting === unfinished ? EXIT_WAITING : 1);
  }

  protected describeResult(r: UploadResult, o: Outcome): void {
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
    } else if (r.result === 'Unchanged') {
      o.status = 'unchanged';
      o.filename = r.filename;
      o.detail = `${UNCHANGED_DETAIL} (sha1 ${r.sha1})`;
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

  protected failure(o: Outcome, e: unknown): void {
    const d = describeError(e);
    if (d.code === 'fileexists-no-change') {
      o.status = 'unchanged';
      o.detail = `${UNCHANGED_DETAIL} (${d.code})`;
      return;
    }
    if (this.#interruptedBy && isAbortError(e, this.signal)) {
      o.status = 'interrupted';
      o.detail = `interrupted by ${this.#interruptedBy}`;
      return;
    }
    if (e instanceof MwClientError && e.code === 'wait-timeout') {
      const filekey = String(e.data.filekey ?? '');
      const seconds = Number(e.data.seconds ?? 0);
      o.status = 'waiting';
      if (filekey) o.filekey = filekey;
      if (typeof e.data.stage === 'string') o.stage = e.data.stage;
      o.detail = `still ${o.stage ? `at stage "${o.stage}"` : 'in progress'} on the wiki after ${seconds} s (--wait-timeout); it goes on there. Check later with: mwup status ${filekey}`;
      return;
    }
    if (isUnusableWiki(e)) this.#stopped ??= d.info;
    o.status = 'failed';
    o.error = d;
    o.detail = `${d.code}: ${d.info}${d.hint ? ` (${d.hint})` : ''}`;
  }

  protected notStarted(o: Outcome, id: string, filename: string): boolean {
    if (!this.signal.aborted && this.#stopped === undefined) return false;
    o.status = 'not-started';
    o.filename = filename;
    o.detail = this.signal.aborted ? 'interrupted before it started' : `not started: ${this.#stopped}`;
    this.reporter.done(id, false, `${filename}: ${o.status} — ${o.detail}`);
    return true;
  }

  /** The upload can go on later: interrupted, still in progress on the wiki, or the wiki not answering. */
  protected resumable(e: unknown): boolean {
    if (isAbortError(e, this.signal)) return true;
    return (
      e instanceof MwClientError &&
      (e.retryable || e instanceof HttpError || ['network', 'timeout', 'wait-timeout'].includes(e.code))
    );
  }

  protected describeCheck(c: UploadCheck, o: Outcome, ignore: IgnoreWarnings | undefined): void {
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

  protected usage(code: number): number {
    (code === 0 ? this.io.stdout : this.io.stderr).write(USAGE);
    return code;
  }
}

/** Exit code when every upload that did not succeed is still being worked on by the wiki (`--wait-timeout`). */
export const EXIT_WAITING = 3;

/**
 * The wiki cannot be used at all: the host refuses or is unknown, TLS fails, or the URL answers
 * something other than the API. Every other request would fail the same way.
 */
export function isUnusableWiki(e: unknown): boolean {
  return e instanceof HttpError && !e.retryable;
}
