/** What every test gets: the sizes and counts of this run, its test files, and where MediaWiki is. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './mwup.js';
import { bigPng } from './png.js';
import { cpuOf, peakRss, resetPeakRss } from './proc.js';
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
  /** Unmeasured rounds before them (the clients' and servers' code compiled, caches filled). */
  warmup: number;
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

/** CPU time (user, system) spent between two readings of {@link cpuOf}, or undefined if either is missing. */
export function cpuBetween(
  from: [number, number] | null | undefined,
  to: [number, number] | null,
): [number, number] | undefined {
  return from && to ? [to[0] - from[0], to[1] - from[1]] : undefined;
}

/**
 * A server's CPU time (user + system, every thread) over the measured work, per unit of it: per
 * upload when the row counts files, else per MiB; the work is every round's (`rounds`). Wall-clock
 * rates on a shared 2-core machine vary from minute to minute; the CPU a server spends per MiB or per
 * upload varies far less, and tells where two servers differ. `serverSysCpuShare` is the kernel's
 * part of it (system calls: writing into the page cache, flushing, sockets).
 */
export function cpuPerUnit(
  row: Record<string, unknown>,
  userSys: [number, number] | undefined,
): Record<string, number> {
  if (userSys === undefined) return {};
  const cpu = userSys[0] + userSys[1];
  const rounds = Array.isArray(row.rounds) && row.rounds.length > 0 ? row.rounds.length : 1;
  const ms = +(cpu * 1000).toFixed(0);
  const sys = { serverSysCpuShare: cpu > 0 ? +(userSys[1] / cpu).toFixed(2) : 0 };
  if (typeof row.files === 'number')
    return {
      serverCpuMs: ms,
      serverCpuMsPerUpload: +((cpu * 1000) / (row.files * rounds)).toFixed(3),
      ...sys,
    };
  if (typeof row.bytes === 'number') {
    // Uploads at once (`clients`) each send `bytes`.
    const bytes = row.bytes * rounds * (typeof row.clients === 'number' ? row.clients : 1);
    return { serverCpuMs: ms, serverCpuMsPerMiB: +((cpu * 1000 * MIB) / bytes).toFixed(3), ...sys };
  }
  return { serverCpuMs: ms, ...sys };
}

/**
 * Runs `fn` against a fresh mwup server and adds the server's RSS to its row: `serverPeakRssMB`, the
 * peak during the measured work (from the target's `ready()` on); `setupPeakRssMB`, the peak while it
 * started, the clients logged in and warmed up; `startRssMB`, its RSS when the measured work began; and its CPU
 * time over the measured work ({@link cpuPerUnit}).
 */
export async function onMwup(
  config: Record<string, unknown>,
  fn: (target: Target, pid: number) => Promise<Row>,
): Promise<Row> {
  const srv = await startServer(config);
  const pid = srv.child.pid!;
  let setup: number | undefined;
  let start: number | undefined;
  let cpuFrom: [number, number] | null | undefined;
  const measured = async () => {
    setup = await peakRss(pid);
    await resetPeakRss(pid);
    start = await peakRss(pid);
    cpuFrom = await cpuOf(pid);
  };
  try {
    const { test, ...row } = await fn({ api: srv.api, login: srv.login, verify: true, ready: measured }, pid);
    const cpu = cpuBetween(cpuFrom, await cpuOf(pid));
    const peak = mb(await peakRss(pid));
    const rss = { serverPeakRssMB: peak, setupPeakRssMB: setup && mb(setup), startRssMB: start && mb(start) };
    return { test, server: 'mwup', ...row, ...rss, ...cpuPerUnit(row, cpu) };
  } finally {
    await srv.stop();
  }
}
