import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  formatBytes,
  MwClientError,
  type ResumeToken,
  type UploadProgress,
  type UploadResult,
} from '../index.js';
import { UsageError } from './config.js';
import {
  intOption,
  NOT_RESUMABLE,
  OK_STATUSES,
  type Outcome,
  parse,
  publishOptions,
  sizeOption,
  UPLOAD,
} from './options.js';
import { pool } from './pool.js';
import { CliSession } from './session.js';
import { defaultStatePath, entryId, type StateEntry, StateFile, type StoredUploadOptions } from './state.js';

export class UploadCommand extends CliSession {
  async upload(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, UPLOAD);
    if (values.help) return this.usage(0);
    await this.setup(values);
    if (positionals.length === 0) throw new UsageError('mwup upload needs at least one FILE.');
    const pub = await publishOptions(values);
    if (pub.filename !== undefined && positionals.length > 1) {
      throw new UsageError('--filename can only be used with a single FILE.');
    }
    const chunkSize = sizeOption(values, 'chunk-size');
    const threshold = sizeOption(values, 'threshold');
    const concurrency = intOption(values, 'concurrency', 1) ?? 2;
    const state = new StateFile(
      resolve(typeof values.state === 'string' ? values.state : defaultStatePath(this.io.env)),
    );
    const client = this.client();
    const api = client.api;
    const loginFailure = await this.login(client);
    if (loginFailure) {
      this.err(`mwup: ${loginFailure.detail}`);
      return this.finish([loginFailure], 'Wiki');
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
      if (this.notStarted(o, job.id, job.filename)) return;
      let stored = false;
      try {
        const st = await stat(job.path);
        if (!st.isFile()) throw new Error(`${job.path} is not a regular file`);
        o.size = st.size;
        if (values['dry-run']) {
          const check = await client.checkUpload(job.path, { filename: job.filename, signal: this.signal });
          this.describeCheck(check, o, pub.ignoreWarnings);
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
            onProgress: (p: UploadProgress) => this.reporter.progress(job.id, p),
            onResumeToken,
          };
          // An earlier run left this very upload unfinished: continue it rather than start over.
          const previous = (await state.entries().catch(() => [])).find((e) => e.id === job.id);
          let r: UploadResult | undefined;
          if (previous && previous.token.filesize === st.size) {
            try {
              r = await client.upload(job.path, { ...base, resume: previous.token });
              this.reporter.log(
                `${job.filename}: continued the interrupted upload from ${formatBytes(previous.token.offset)}`,
              );
            } catch (e) {
              if (!(e instanceof MwClientError) || !NOT_RESUMABLE.has(e.code)) throw e;
              this.reporter.log(
                `${job.filename}: cannot continue the earlier upload (${e.code}); starting over`,
              );
            }
          }
          r ??= await client.upload(job.path, base);
          this.describeResult(r, o);
          if (stored) await state.remove(job.id);
        }
      } catch (e) {
        this.failure(o, e);
        if (stored) {
          if (this.resumable(e)) {
            o.detail += ` — continue with: mwup resume ${job.id} --state ${state.path}`;
          } else {
            await state.remove(job.id).catch(() => {});
          }
        }
      }
      o.filename ||= job.filename;
      o.seconds = (Date.now() - started) / 1000;
      this.reporter.done(job.id, OK_STATUSES.has(o.status), `${job.filename}: ${o.status} — ${o.detail}`);
    };
    // Every file gets its bar (or "queued" line) up front; the total covers them all.
    for (const job of jobs) {
      const size = await stat(job.path).then(
        (st) => st.size,
        () => undefined,
      );
      this.reporter.add(job.id, job.filename, size);
    }
    await pool(jobs, concurrency, run);
    outcomes.sort((a, b) => positionals.indexOf(a.item) - positionals.indexOf(b.item));
    return this.finish(outcomes);
  }

  /** After Ctrl-C, files still queued are reported as not started. */
}
