#!/usr/bin/env node
/**
 * mwup: upload files to a MediaWiki wiki (this server or a real MediaWiki), resumably.
 *
 * Exit codes: 0 everything succeeded, 1 something failed (or would fail, in a dry run), 2 usage error,
 * 3 an --async upload still in progress on the wiki after --wait-timeout, 130 SIGINT, 143 SIGTERM.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENT_VERSION, isAbortError, type MwClient } from '../index.js';
import { UsageError } from './config.js';
import { describeError } from './messages.js';
import {
  COMMON,
  type Io,
  intOption,
  OK_STATUSES,
  type Outcome,
  PUBLISH,
  parse,
  publishOptions,
  waitTimeout,
} from './options.js';
import { pool } from './pool.js';
import { defaultStatePath, type StateEntry, StateFile } from './state.js';
import { UploadCommand } from './upload-command.js';

/** The other commands (resume, status, from-url, publish) and the dispatch. */
class Cli extends UploadCommand {
  async resume(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, {
      ...COMMON,
      concurrency: { type: 'string' },
      'wait-timeout': { type: 'string' },
    });
    if (values.help) return this.usage(0);
    await this.setup(values, false);
    const waitTimeoutMs = waitTimeout(values);
    const state = new StateFile(
      resolve(typeof values.state === 'string' ? values.state : defaultStatePath(this.io.env)),
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
    if (this.conn.api) entries = entries.filter((e) => e.api === new URL(this.conn.api as string).toString());
    if (entries.length === 0) {
      this.err(`Nothing to resume in ${state.path}.`);
      return this.finish([]);
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
      if (this.notStarted(o, entry.id, entry.filename)) return;
      let client = clients.get(entry.api);
      if (!client) {
        client = this.client(entry.api);
        clients.set(entry.api, client);
      }
      this.reporter.add(entry.id, entry.filename, entry.token.filesize);
      try {
        const opts = entry.options;
        const r = await client.upload(entry.path, {
          ...opts,
          ...(opts.async ? { waitTimeoutMs } : {}),
          filename: entry.filename,
          ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : { chunkSize: entry.token.chunkSize }),
          resume: entry.token,
          signal: this.signal,
          onProgress: (p) => this.reporter.progress(entry.id, p),
          onResumeToken: async (token) => {
            await state.putSoon({ ...entry, token, updatedAt: token.updatedAt });
          },
        });
        this.describeResult(r, o);
        await state.remove(entry.id);
      } catch (e) {
        this.failure(o, e);
        if (this.resumable(e)) {
          o.detail += ` — try again with: mwup resume ${entry.id} --state ${state.path}`;
        } else {
          await state.remove(entry.id).catch(() => {});
          o.detail += ' (removed from the state file)';
        }
      }
      o.seconds = (Date.now() - started) / 1000;
      this.reporter.done(entry.id, OK_STATUSES.has(o.status), `${entry.filename}: ${o.status} — ${o.detail}`);
    });
    await state.flush();
    return this.finish(outcomes);
  }

  async status(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, COMMON);
    if (values.help) return this.usage(0);
    await this.setup({ ...values, quiet: true });
    if (positionals.length !== 1) throw new UsageError('mwup status needs exactly one FILEKEY.');
    const filekey = positionals[0] as string;
    const client = this.client();
    try {
      const st = await client.checkStatus(filekey, this.signal);
      if (values.json)
        this.io.stdout.write(`${JSON.stringify({ ok: true, filekey, status: st }, null, 2)}\n`);
      else {
        const s = st as Record<string, unknown>;
        const parts = [`${filekey}: ${s.result}`];
        if (s.stage) parts.push(`stage ${s.stage}`);
        if (s.offset !== undefined) parts.push(`offset ${s.offset}`);
        if (s.filekey) parts.push(`filekey ${s.filekey}`);
        if (s.filename) parts.push(`file ${s.filename}`);
        this.io.stdout.write(`${parts.join(', ')}\n`);
      }
      return 0;
    } catch (e) {
      if (isAbortError(e, this.signal)) throw e;
      const d = describeError(e);
      if (values.json) this.io.stdout.write(`${JSON.stringify({ ok: false, filekey, error: d }, null, 2)}\n`);
      else this.io.stdout.write(`${filekey}: ${d.code}: ${d.info}${d.hint ? ` (${d.hint})` : ''}\n`);
      return 1;
    }
  }

  async fromUrl(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, { ...COMMON, ...PUBLISH, stash: { type: 'boolean' } });
    if (values.help) return this.usage(0);
    await this.setup(values);
    if (positionals.length !== 1) throw new UsageError('mwup from-url needs exactly one URL.');
    const url = positionals[0] as string;
    if (values['wait-timeout'] !== undefined) {
      throw new UsageError('--wait-timeout applies to file uploads and publish, not to from-url.');
    }
    const pub = await publishOptions(values);
    if (!pub.filename) throw new UsageError('mwup from-url needs --filename NAME.');
    const client = this.client();
    const loginFailure = await this.login(client);
    if (loginFailure) {
      this.err(`mwup: ${loginFailure.detail}`);
      return this.finish([loginFailure], 'Wiki');
    }
    const started = Date.now();
    const o: Outcome = { item: url, filename: pub.filename, status: 'failed', seconds: 0, detail: '' };
    this.reporter.add(url, pub.filename, undefined);
    try {
      const r = await client.uploadFromUrl(url, {
        ...pub,
        filename: pub.filename,
        ...(values.stash ? { stash: true } : {}),
        signal: this.signal,
        onProgress: (p) => this.reporter.progress(url, p),
      });
      this.describeResult(r, o);
      if (r.result === 'Success' && r.imageinfo?.size !== undefined) o.size = r.imageinfo.size;
    } catch (e) {
      this.failure(o, e);
    }
    o.seconds = (Date.now() - started) / 1000;
    this.reporter.done(url, OK_STATUSES.has(o.status), `${pub.filename}: ${o.status} — ${o.detail}`);
    return this.finish([o], 'URL');
  }

  async publish(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, { ...COMMON, ...PUBLISH });
    if (values.help) return this.usage(0);
    await this.setup(values);
    if (positionals.length !== 1) throw new UsageError('mwup publish needs exactly one FILEKEY.');
    const filekey = positionals[0] as string;
    const pub = await publishOptions(values);
    if (!pub.filename) throw new UsageError('mwup publish needs --filename NAME.');
    const client = this.client();
    const loginFailure = await this.login(client);
    if (loginFailure) {
      this.err(`mwup: ${loginFailure.detail}`);
      return this.finish([loginFailure], 'Wiki');
    }
    const started = Date.now();
    const o: Outcome = { item: filekey, filename: pub.filename, status: 'failed', seconds: 0, detail: '' };
    this.reporter.add(filekey, pub.filename, undefined);
    try {
      const r = await client.publishStash(filekey, {
        ...pub,
        filename: pub.filename,
        signal: this.signal,
        onProgress: (p) => this.reporter.progress(filekey, p),
      });
      this.describeResult(r, o);
    } catch (e) {
      this.failure(o, e);
    }
    o.seconds = (Date.now() - started) / 1000;
    this.reporter.done(filekey, OK_STATUSES.has(o.status), `${pub.filename}: ${o.status} — ${o.detail}`);
    return this.finish([o], 'Filekey');
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
          return this.usage(0);
        case '-V':
        case '--version':
          this.io.stdout.write(`mwup ${CLIENT_VERSION}\n`);
          return 0;
        case undefined:
          return this.usage(2);
        default:
          throw new UsageError(`Unknown command "${command}".`);
      }
    } catch (e) {
      this.reporter.stop();
      if (e instanceof UsageError) {
        this.err(`mwup: ${e.message}\nTry "mwup --help".`);
        return 2;
      }
      if (isAbortError(e, this.signal)) {
        this.err('mwup: interrupted.');
        return this.interruptedCode ?? 1;
      }
      const d = describeError(e);
      this.err(`mwup: ${d.code}: ${d.info}${d.hint ? ` (${d.hint})` : ''}`);
      return 1;
    }
  }
}

/**
 * Runs the CLI. SIGINT or SIGTERM stops it: uploads in flight are aborted, their state kept for
 * `mwup resume`, and the exit code is 130 or 143; a second signal quits at once.
 */
export async function main(argv: string[], io: Io = process): Promise<number> {
  const cli = new Cli(io);
  let interrupts = 0;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    interrupts++;
    if (interrupts > 1) process.exit(cli.interruptedCode ?? 130);
    io.stderr.write(
      `\nmwup: ${signal}: stopping (state kept for "mwup resume"); ${signal === 'SIGINT' ? 'press Ctrl-C again' : 'signal again'} to quit now.\n`,
    );
    cli.abort(signal);
  };
  const onSigint = () => onSignal('SIGINT');
  const onSigterm = () => onSignal('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  try {
    return await cli.run(argv);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
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
