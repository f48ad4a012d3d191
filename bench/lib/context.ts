/** What every test gets: the sizes and counts of this run, its test files, and where MediaWiki is. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './mwup.js';
import { bigPng } from './png.js';
import { peakRss, resetPeakRss } from './proc.js';
import type { Row } from './report.js';
import { MIB, type Target } from './uploads.js';

export interface TestFile {
  path: string;
  size: number;
  sha1: string;
}

export interface Context {
  /** Size of the files of the throughput tests. */
  size: number;
  /** Size of the files of the memory tests. */
  memorySize: number;
  chunk: number;
  rounds: number;
  smallCount: number;
  mediawikiSmallCount: number;
  soakCount: number;
  concurrent: number;
  concurrentSize: number;
  /** Starts every file name: unique to this run, as MediaWiki keeps the files of earlier runs. */
  prefix: string;
  mediawiki?: Target;
  /** A PNG of `size` bytes, written on first use and kept for the rest of the run. */
  file(size: number): Promise<TestFile>;
  log(message: string): void;
  cleanup(): Promise<void>;
}

export interface Test {
  name: string;
  /** Other names that select it on the command line. */
  tags: string[];
  run(ctx: Context): Promise<Row>;
}

export async function makeContext(settings: Omit<Context, 'file' | 'log' | 'cleanup'>): Promise<Context> {
  const dir = await mkdtemp(join(tmpdir(), 'mwup-bench-file-'));
  const files = new Map<number, Promise<TestFile>>();
  const log = (m: string) => process.stderr.write(`${m}\n`);
  return {
    ...settings,
    log,
    file(size) {
      let f = files.get(size);
      if (!f) {
        const path = join(dir, `${size}.png`);
        log(`writing a ${(size / MIB).toFixed(0)} MiB test file`);
        f = bigPng(path, size).then((sha1) => ({ path, size, sha1 }));
        files.set(size, f);
      }
      return f;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export const mb = (bytes: number) => +(bytes / 1e6).toFixed(1);

/**
 * Runs `fn` against a fresh mwup server and adds the server's RSS to its row: `serverPeakRssMB`, the
 * peak during the measured work (from the target's `ready()` on); `setupPeakRssMB`, the peak while it
 * started and the clients logged in; `startRssMB`, its RSS when the measured work began.
 */
export async function onMwup(
  config: Record<string, unknown>,
  fn: (target: Target, pid: number) => Promise<Row>,
): Promise<Row> {
  const srv = await startServer(config);
  const pid = srv.child.pid!;
  let setup: number | undefined;
  let start: number | undefined;
  const ready = async () => {
    setup = await peakRss(pid);
    await resetPeakRss(pid);
    start = await peakRss(pid);
  };
  try {
    const { test, ...row } = await fn({ api: srv.api, login: srv.login, verify: true, ready }, pid);
    const peak = mb(await peakRss(pid));
    const rss = { serverPeakRssMB: peak, setupPeakRssMB: setup && mb(setup), startRssMB: start && mb(start) };
    return { test, server: 'mwup', ...row, ...rss };
  } finally {
    await srv.stop();
  }
}
