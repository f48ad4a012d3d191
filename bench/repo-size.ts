/**
 * Does the cost of uploading and of reading file information grow with the repository?
 *
 * Two servers (`node dist/main.js`, as bench/run.ts runs it), each with its own data directory: an
 * empty repository, and one seeded with `--files` files, one of them with `--versions` versions (rows
 * and blobs written straight into the data directory by lib/seed.ts, not uploaded).
 *
 * - Reads, on the seeded server: `--requests` sequential requests of each (after 20 to warm up),
 *   p50 and p99 over HTTP; goal: p99 under 20 ms. The empty server gets the same requests,
 *   unmeasured, so that both have run the same code before the uploads.
 * - An upload over the file with the long history, which must become its newest version.
 * - Small uploads: `--uploads` 20 KB PNGs by 4 clients in parallel (`ignorewarnings`), `--warmup`
 *   unmeasured rounds on each server, then `--rounds` measured ones, taking turns so that each
 *   server goes first as often as the other (ABBA; keep the number even). Goal: the median of the
 *   rounds' ratios (seeded over empty, each round's two runs back to back) at least 90 %. The
 *   ratio of the two servers' medians is shown too; it is less fair when the machine's speed
 *   changes in the middle of the run (one server's median round may then fall in a slow stretch,
 *   the other's in a fast one). The servers' CPU time per upload (and their main threads') is shown
 *   too.
 *
 *   node --import tsx bench/repo-size.ts [--files 100000] [--versions 1000] [--uploads 2000]
 *     [--warmup 1] [--rounds 8] [--requests 500] [--postgres] [--check]
 *
 * `--postgres`: both servers on PostgreSQL, each a new database on $MWUP_TEST_PG_URL (see
 * .ci/services.env); blobs stay on the local disk. `--check`: `mwup-admin check` on the seeded data
 * directory at the end.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { Client } from './lib/client.js';
import { BOT_LOGIN, launchServer, startServer } from './lib/mwup.js';
import { smallPng } from './lib/png.js';
import { cpuOf, peakRss, ROOT, stopChild } from './lib/proc.js';
import { type SeedResult, seedRepository } from './lib/seed.js';
import { loggedIn, smallUploads } from './lib/uploads.js';

const { values: args } = parseArgs({
  options: {
    files: { type: 'string', default: '100000' },
    versions: { type: 'string', default: '1000' },
    uploads: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '1' },
    requests: { type: 'string', default: '500' },
    postgres: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});
// The servers keep their blobs on the local disk, in their data directories, and each has a database
// of its own: the variables that would point them at S3 or at one shared database are not passed on
// (.ci/services.env sets the S3 ones).
for (const k of Object.keys(process.env))
  if (k.startsWith('MWUP_S3_') || k === 'MWUP_DATABASE_URL') delete process.env[k];
const FILES = Number(args.files);
const VERSIONS = Number(args.versions);
const UPLOADS = Number(args.uploads);
const ROUNDS = Number(args.rounds);
const WARMUP = Number(args.warmup);
const REQUESTS = Number(args.requests);
const CLIENTS = 4;
const P99_GOAL_MS = 20;
const THROUGHPUT_GOAL = 0.9;

// ---------------------------------------------------------------- servers

/** A new PostgreSQL database for one server, and how to drop it. */
async function pgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.MWUP_TEST_PG_URL;
  if (!admin) throw new Error('--postgres: MWUP_TEST_PG_URL is not set (source .ci/services.env)');
  const name = `mwup_bench_${randomBytes(6).toString('hex')}`;
  const run = async (q: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await run(`create database ${name} template template0`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}

/** A server running on a data directory (and, with --postgres, a database of its own). */
interface Running {
  child: ChildProcess;
  api: string;
  dataDir: string;
}
interface Repo {
  srv: Running;
  /** Where the database is (for the seeding). */
  db: { driver: 'sqlite'; file: string } | { driver: 'postgres'; url: string };
  dispose(): Promise<void>;
}

/**
 * A server on a new data directory (and database): started once, which creates it, stopped, given
 * `fill`, and started again. Both servers take the same steps, so that they differ only in what
 * their repositories hold.
 */
async function newRepo(fill?: (db: Repo['db'], dataDir: string) => Promise<void>): Promise<Repo> {
  const pgdb = args.postgres ? await pgDatabase() : null;
  const first = await startServer(pgdb ? { database: { driver: 'postgres', url: pgdb.url } } : {});
  const { dataDir } = first;
  const dispose = async (child: ChildProcess) => {
    await stopChild(child);
    await pgdb?.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await stopChild(first.child);
    const db: Repo['db'] = pgdb
      ? { driver: 'postgres', url: pgdb.url }
      : { driver: 'sqlite', file: join(dataDir, 'wiki.sqlite') };
    await fill?.(db, dataDir);
    const srv = await restart(dataDir);
    return { srv, db, dispose: () => dispose(srv.child) };
  } catch (e) {
    await dispose(first.child);
    throw e;
  }
}

const serverEnv = (dataDir: string) => ({ ...process.env, MWUP_DATA_DIR: dataDir, MWUP_PORT: '0' });

/**
 * The server again on the same data directory (its config.json, database and bot password), started
 * as lib/mwup.ts starts it.
 */
async function restart(dataDir: string): Promise<Running> {
  return { ...(await launchServer(serverEnv(dataDir))), dataDir };
}

// ---------------------------------------------------------------- measurements

/** CPU time a process has used (user + system), in seconds. */
async function cpuSeconds(pid: number): Promise<number> {
  const [user, system] = (await cpuOf(pid)) ?? [0, 0];
  return user + system;
}

/**
 * `UPLOADS` small PNGs (made before the clock starts) by `CLIENTS` clients: uploads per second, and
 * the server's CPU time per upload (which other work on the machine disturbs less).
 */
interface Throughput {
  rate: number;
  /** CPU per upload of the whole server process, ms. */
  cpuMs: number;
  /** Of it, the main thread's (the event loop), and that thread's system time. */
  mainMs: number;
  mainSysMs: number;
}

async function throughput(srv: Running, label: string): Promise<Throughput> {
  const clients = await loggedIn({ api: srv.api, login: BOT_LOGIN, verify: true }, CLIENTS);
  const files = Array.from({ length: UPLOADS }, () => smallPng(20_000));
  const pid = srv.child.pid!;
  // The main thread's task id is the process id.
  const mainThread = async (): Promise<[number, number]> => (await cpuOf(pid, pid)) ?? [0, 0];
  const [cpu0, main0] = [await cpuSeconds(pid), await mainThread()];
  const r = await smallUploads(clients, UPLOADS, `Bench ${label}`, { files });
  const [cpu1, main1] = [await cpuSeconds(pid), await mainThread()];
  const per = (seconds: number) => (seconds * 1000) / UPLOADS;
  if (r.failures) throw new Error(`${r.failures} of ${UPLOADS} uploads failed: ${r.firstFailure}`);
  return {
    rate: r.rate,
    cpuMs: per(cpu1 - cpu0),
    mainMs: per(main1[0] + main1[1] - main0[0] - main0[1]),
    mainSysMs: per(main1[1] - main0[1]),
  };
}

type Params = Record<string, string>;
/** Each read and the parameters of its i-th request (files, users and times vary from one to the next). */
function reads(s: SeedResult): [string, (i: number) => Params][] {
  const pick = <T>(list: T[], i: number) => list[(i * 7919) % list.length]!;
  const file = (i: number) => `File:${pick(s.names, i)}`;
  const ii = { prop: 'imageinfo', iiprop: 'timestamp|user|size|sha1|url|mime|comment' };
  const big = { ...ii, titles: `File:${s.bigFile}` };
  const ai = { list: 'allimages', ailimit: '50' };
  const aiTime = { ...ai, aisort: 'timestamp' };
  const le = { list: 'logevents', lelimit: '50' };
  const year = (i: number) => `${2016 + (i % 10)}-06-01T00:00:00Z`;
  return [
    ['imageinfo, one file', (i) => ({ ...ii, titles: file(i) })],
    [
      'imageinfo, 50 files',
      (i) => ({ ...ii, titles: Array.from({ length: 50 }, (_, k) => file(i * 50 + k)).join('|') }),
    ],
    ['imageinfo, big file', () => big],
    ['imageinfo, big file, iilimit=50', () => ({ ...big, iilimit: '50' })],
    ['imageinfo, big file, iilimit=50 iistart', (i) => ({ ...big, iilimit: '50', iistart: year(i) })],
    ['allimages by name', () => ai],
    ['allimages by name, descending', () => ({ ...ai, aidir: 'descending' })],
    ['allimages by name, aifrom', (i) => ({ ...ai, aifrom: pick(s.names, i) })],
    ['allimages by time, older', () => ({ ...aiTime, aidir: 'older' })],
    ['allimages by time, newer', () => ({ ...aiTime, aidir: 'newer' })],
    ['allimages by time, aistart', (i) => ({ ...aiTime, aistart: year(i) })],
    ['allimages aisha1', (i) => ({ list: 'allimages', aisha1: pick(s.sha1s, i) })],
    ['allimages by time, aiuser', (i) => ({ ...aiTime, aiuser: pick(s.users, i) })],
    ['allimages by time, aifilterbots=nobots', () => ({ ...aiTime, aifilterbots: 'nobots' })],
    // Six files in ten are 1 KB or more; about 150 of 100,000 are 10 KB or more.
    ['allimages by name, aiminsize=1000', () => ({ ...ai, aiminsize: '1000' })],
    ['allimages by name, aiminsize=10000', () => ({ ...ai, aiminsize: '10000' })],
    ['duplicatefiles, one file', (i) => ({ prop: 'duplicatefiles', titles: file(i) })],
    [
      'duplicatefiles, a duplicated file',
      (i) => ({ prop: 'duplicatefiles', titles: `File:${pick(s.duplicated, i)}` }),
    ],
    ['logevents', () => le],
    ['logevents letype=upload', () => ({ ...le, letype: 'upload' })],
    ['logevents leuser', (i) => ({ ...le, leuser: pick(s.users, i) })],
    ['logevents letype=upload leuser', (i) => ({ ...le, letype: 'upload', leuser: pick(s.users, i) })],
    ['logevents letitle=big file', () => ({ ...le, letitle: `File:${s.bigFile}` })],
    ['recentchanges', () => ({ list: 'recentchanges', rclimit: '50' })],
  ];
}

interface Latency {
  read: string;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

async function latency(c: Client, read: string, params: (i: number) => Params): Promise<Latency> {
  const times: number[] = [];
  let errors = 0;
  for (let i = -20; i < REQUESTS; i++) {
    const t0 = performance.now();
    const r = await c.call({ action: 'query', formatversion: '2', ...params(i + 20) }, 'GET');
    if (i >= 0) times.push(performance.now() - t0);
    if (r.error) errors++;
  }
  times.sort((a, b) => a - b);
  return { read, p50: quantile(times, 0.5), p99: quantile(times, 0.99), max: times.at(-1)!, errors };
}

/** Add a version to the big file over HTTP and see that it is the newest of `versions + 1`. */
async function addVersion(c: Client, s: SeedResult): Promise<string> {
  const r = await c.upload({ filename: s.bigFile, ignorewarnings: '1' }, 'file', smallPng(20 * 1000));
  if (r.upload?.result !== 'Success') throw new Error(`new version of ${s.bigFile}: ${JSON.stringify(r)}`);
  const history = { action: 'query', formatversion: '2', prop: 'imageinfo', iiprop: 'sha1', iilimit: 'max' };
  type History = { query?: { pages: { imageinfo?: { sha1: string }[] }[] } };
  const all = (await c.call({ ...history, titles: `File:${s.bigFile}` }, 'GET')) as History;
  const versions = all.query?.pages[0]?.imageinfo ?? [];
  if (versions.length !== VERSIONS + 1 || versions[0]?.sha1 !== r.upload.imageinfo?.sha1)
    throw new Error(
      `after the upload, ${versions.length} versions of ${s.bigFile}, ${VERSIONS + 1} expected`,
    );
  return `an upload to ${s.bigFile} made version ${versions.length}, listed first`;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

// ---------------------------------------------------------------- the run

type Server = 'empty' | 'seeded';
const measured: Record<Server, Throughput[]> = { empty: [], seeded: [] };
/** One figure of every measured round, for each server. */
const each = (k: keyof Throughput): Record<Server, number[]> => ({
  empty: measured.empty.map((t) => t[k]),
  seeded: measured.seeded.map((t) => t[k]),
});
let seed!: SeedResult;
const latencies: Latency[] = [];
let checked = '';
let versionNote = '';
let seededRss = 0;
const empty = await newRepo();
try {
  const repo = await newRepo(async (db, dataDir) => {
    seed = await seedRepository(db, { files: FILES, versions: VERSIONS, blobDir: join(dataDir, 'blobs') });
    const { rows, seconds } = seed;
    console.log(
      `seeded in ${seconds.total.toFixed(1)} s: ${JSON.stringify(seconds)} ${JSON.stringify(rows)}`,
    );
  });
  try {
    const c = await new Client(repo.srv.api, BOT_LOGIN).login();
    for (const [read, params] of reads(seed)) {
      const l = await latency(c, read, params);
      latencies.push(l);
      console.log(
        `${read}: p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms${l.errors ? `, ${l.errors} errors` : ''}`,
      );
    }
    versionNote = await addVersion(c, seed);
    // The same requests to the empty server, unmeasured: serving requests warms up code that uploads
    // use too (a server that had served the reads spent 10–20 % less CPU per upload than one that had not).
    const other = await new Client(empty.srv.api, BOT_LOGIN).login();
    for (const [read, params] of reads(seed)) await latency(other, read, params);
    // Warm-up rounds, unmeasured: a server's first 2,000 uploads cost it 30–60 % more CPU each than
    // its later ones (code still compiling, the seeding's writes still reaching the disk).
    for (let r = 0; r < WARMUP; r++)
      for (const which of ['empty', 'seeded'] as const) {
        const t = await throughput(which === 'empty' ? empty.srv : repo.srv, `${which} warm-up ${r}`);
        console.log(
          `warm-up ${r + 1}, ${which}: ${t.rate.toFixed(0)} uploads/s, ${t.cpuMs.toFixed(2)} ms CPU per upload`,
        );
      }
    // The two servers take turns (ABBA), so that a change in the machine's load meets both alike.
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 ? (['seeded', 'empty'] as const) : (['empty', 'seeded'] as const);
      for (const which of order) {
        measured[which].push(await throughput(which === 'empty' ? empty.srv : repo.srv, `${which} ${r}`));
      }
      const [te, ts] = [measured.empty[r]!, measured.seeded[r]!];
      const [e, s] = [te.rate.toFixed(0), ts.rate.toFixed(0)];
      const [ce, cs] = [te.cpuMs.toFixed(2), ts.cpuMs.toFixed(2)];
      const [me, ms] = [te.mainMs.toFixed(2), ts.mainMs.toFixed(2)];
      console.log(
        `round ${r + 1}: empty ${e}, seeded ${s} uploads/s; server CPU ${ce}, ${cs} ms per upload (main thread ${me}, ${ms})`,
      );
    }
    seededRss = await peakRss(repo.srv.child.pid!);
    if (args.check) {
      await stopChild(repo.srv.child);
      const run = promisify(execFile);
      const r = await run(process.execPath, [join(ROOT, 'packages/server/dist/admin/cli.js'), 'check'], {
        env: serverEnv(repo.srv.dataDir),
        maxBuffer: 64 * 1024 * 1024,
      }).catch((e: { stdout?: string; stderr?: string; code?: number }) => ({
        stdout: `${e.stdout ?? ''}${e.stderr ?? ''}(exit ${e.code})`,
      }));
      checked = r.stdout.trim();
    }
  } finally {
    await repo.dispose();
  }
} finally {
  await empty.dispose();
}

// ---------------------------------------------------------------- report

const rates = each('rate');
const roundRatios = rates.seeded.map((x, i) => x / rates.empty[i]!);
const ratio = median(roundRatios);
const ratioOfMedians = median(rates.seeded) / median(rates.empty);
const round = (x: number, digits = 1) => +x.toFixed(digits);
const rounded = (xs: Record<Server, number[]>) => ({
  empty: xs.empty.map((x) => round(x, 3)),
  seeded: xs.seeded.map((x) => round(x, 3)),
});
const line = (label: string, ...cols: string[]) => console.log(`${label.padEnd(42)}${cols.join('')}`);
const col = (x: number | string) => (typeof x === 'number' ? x.toFixed(1) : x).padStart(8);
const verdict = (ok: boolean) => (ok ? '  met' : '  NOT met');
const fast = (l: Latency) => l.p99 < P99_GOAL_MS && !l.errors;
const db = args.postgres ? 'PostgreSQL' : 'SQLite';
console.log(`\nRepository size: ${FILES} files, one of them with ${VERSIONS} versions; ${db}, local blobs`);
const { total, blobs, database } = seed.seconds;
const mb = (seed.blobBytes / 1e6).toFixed(0);
console.log(
  `seeding: ${total.toFixed(1)} s (blobs ${blobs.toFixed(1)} s, ${mb} MB; database ${database.toFixed(1)} s)\n`,
);
const list = (xs: number[], d: number) => `  ${xs.map((x) => x.toFixed(d)).join(', ')}`;
line(
  `small uploads (${UPLOADS} × 20 KB, ${CLIENTS} clients)`,
  col('per s'),
  `  rounds (after ${WARMUP} warm-up)`,
);
line('empty', col(median(rates.empty)), list(rates.empty, 0));
line('seeded', col(median(rates.seeded)), list(rates.seeded, 0));
line(
  'seeded / empty, each round',
  col(''),
  list(
    roundRatios.map((x) => 100 * x),
    0,
  ),
);
line(
  'seeded / empty (median of the rounds)',
  col(`${(ratio * 100).toFixed(0)} %`),
  verdict(ratio >= THROUGHPUT_GOAL),
);
line('seeded / empty (ratio of the medians)', col(`${(ratioOfMedians * 100).toFixed(0)} %`));
/** A figure in ms per upload: each server's median and rounds. */
const msLines = (label: string, xs: Record<Server, number[]>) => {
  for (const which of ['empty', 'seeded'] as const)
    line(`${label}, ${which}`, col(`${median(xs[which]).toFixed(2)} ms`), list(xs[which], 2));
};
msLines('server CPU per upload', each('cpuMs'));
msLines('  of it the main thread', each('mainMs'));
msLines('  main thread system time', each('mainSysMs'));
console.log();
line(
  `read (seeded, ${REQUESTS} requests)`,
  col('p50 ms'),
  col('p99 ms'),
  col('max ms'),
  `  p99 < ${P99_GOAL_MS} ms`,
);
for (const l of latencies)
  line(l.read, col(l.p50), col(l.p99), col(l.max), verdict(fast(l)), l.errors ? ` (${l.errors} errors)` : '');
console.log(`\n${versionNote}; seeded server's peak RSS ${(seededRss / 1e6).toFixed(0)} MB`);
if (checked) console.log(`\nmwup-admin check:\n${checked}`);
console.log(
  `\n${JSON.stringify({
    files: FILES,
    versions: VERSIONS,
    database: args.postgres ? 'postgres' : 'sqlite',
    seedSeconds: Object.fromEntries(Object.entries(seed.seconds).map(([k, v]) => [k, round(v)])),
    seedRows: seed.rows,
    warmupRounds: WARMUP,
    uploadsPerSecond: {
      empty: rates.empty.map((x) => round(x)),
      seeded: rates.seeded.map((x) => round(x)),
      ratio: round(ratio, 3),
      ratioOfMedians: round(ratioOfMedians, 3),
      goalMet: ratio >= THROUGHPUT_GOAL,
      serverCpuMsPerUpload: rounded(each('cpuMs')),
      mainThreadCpuMsPerUpload: rounded(each('mainMs')),
      mainThreadSysMsPerUpload: rounded(each('mainSysMs')),
    },
    latencyMs: latencies.map((l) => ({
      read: l.read,
      p50: round(l.p50, 2),
      p99: round(l.p99, 2),
      max: round(l.max, 2),
      errors: l.errors,
      goalMet: fast(l),
    })),
    seededPeakRssMB: round(seededRss / 1e6),
  })}`,
);
