import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  formatBytes,
  MwClientError,
  type PublishOptions,
  type ResumeToken,
  type UploadProgress,
  type UploadProtocol,
  type UploadResult,
} from '../index.js';
import { UsageError } from './config.js';
import { loadManifest } from './manifest.js';
import {
  intOption,
  NOT_RESUMABLE,
  OK_STATUSES,
  type Outcome,
  parse,
  publishOptions,
  sizeOption,
  UPLOAD,
  type Values,
} from './options.js';
import { pool } from './pool.js';
import { CliSession } from './session.js';
import { defaultStatePath, entryId, type StateEntry, StateFile, type StoredUploadOptions } from './state.js';

/** One file of the command: from the command line or a manifest row. */
interface Job {
  /** As the user wrote it (a FILE argument or the manifest's `file`). */
  item: string;
  path: string;
  filename: string;
  pub: PublishOptions;
  row?: number;
}

function storedOptions(pub: PublishOptions, values: Values, chunkSize: number | undefined) {
  const o: StoredUploadOptions = {
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
  return o;
}

export class UploadCommand extends CliSession {
  /** The files to upload, every one checked before anything is sent. */
  async #jobs(values: Values, positionals: string[]): Promise<Job[]> {
    const pub = await publishOptions(values);
    const template = values['text-template'] as string | undefined;
    if (values.manifest === undefined) {
      if (positionals.length === 0) throw new UsageError('mwup upload needs at least one FILE.');
      if (template !== undefined) throw new UsageError('--text-template goes with --manifest.');
      if (pub.filename !== undefined && positionals.length > 1) {
        throw new UsageError('--filename can only be used with a single FILE.');
      }
      return positionals.map((path) => ({
        item: path,
        path,
        filename: pub.filename ?? basename(path),
        pub,
      }));
    }
    if (positionals.length > 0) throw new UsageError('Give FILEs or --manifest, not both.');
    if (pub.filename !== undefined) {
      throw new UsageError(
        '--filename does not go with --manifest: name the files in its "filename" column.',
      );
    }
    if (template !== undefined && pub.text !== undefined) {
      throw new UsageError('Give --text (or --text-file) or --text-template, not both.');
    }
    const entries = await loadManifest(String(values.manifest), {
      pub,
      ...(template !== undefined ? { textTemplate: template } : {}),
    });
    return entries.map((e) => ({ item: e.file, path: e.path, filename: e.filename, pub: e.pub, row: e.row }));
  }

  async upload(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, UPLOAD);
    if (values.help) return this.usage(0);
    await this.setup(values);
    const specs = await this.#jobs(values, positionals);
    const chunkSize = sizeOption(values, 'chunk-size');
    const threshold = sizeOption(values, 'threshold');
    const raw = values.protocol;
    if (raw !== undefined && raw !== 'chunked' && raw !== 'tus') {
      throw new UsageError(`--protocol must be chunked or tus, got "${raw}"`);
    }
    const protocol: UploadProtocol | undefined = raw;
    const concurrency = intOption(values, 'concurrency', 1) ?? 2;
    const precheck = values['no-precheck'] !== true;
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

    const jobs = specs.map((s, index) => ({ ...s, index, id: entryId(api, s.path, s.filename) }));
    const outcomes: Outcome[] = new Array(jobs.length);
    const run = async (job: (typeof jobs)[number]) => {
      const started = Date.now();
      const o: Outcome = {
        item: job.item,
        filename: '',
        status: 'failed',
        seconds: 0,
        detail: '',
        ...(job.row !== undefined ? { row: job.row } : {}),
      };
      outcomes[job.index] = o;
      if (this.notStarted(o, job.id, job.filename)) return;
      let stored = false;
      try {
        const st = await stat(job.path);
        if (!st.isFile()) throw new Error(`${job.path} is not a regular file`);
        o.size = st.size;
        if (values['dry-run']) {
          const check = await client.checkUpload(job.path, { filename: job.filename, signal: this.signal });
          this.describeCheck(check, o, job.pub.ignoreWarnings);
        } else {
          const options = storedOptions(job.pub, values, chunkSize);
          const onResumeToken = async (token: ResumeToken) => {
            stored = true;
            const entry: StateEntry = {
              id: job.id,
              path: resolve(job.path),
              api,
              filename: job.filename,
              options,
              token,
              updatedAt: token.updatedAt,
            };
            await state.putSoon(entry);
          };
          const base = {
            ...job.pub,
            filename: job.filename,
            ...(values.stash ? { stash: true } : {}),
            ...(chunkSize ? { chunkSize } : {}),
            ...(threshold ? { chunkThreshold: threshold } : {}),
            ...(protocol ? { protocol } : {}),
            precheck,
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
          if (r.result === 'Warning' && !r.filekey && r.warnings.duplicate) {
            const ignore = job.pub.ignoreWarnings;
            const list = [...(Array.isArray(ignore) ? ignore : []), 'duplicate'].join(',');
            o.detail +=
              job.row === undefined
                ? ` Nothing was sent. To upload anyway: run again with --ignore-warnings ${list}`
                : ` Nothing was sent. To upload anyway: accept it with ignore-warnings ${list} (the row's column, or --ignore-warnings when the row sets none)`;
          }
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
    await state.flush();
    return this.finish(outcomes.filter(Boolean));
  }
}
