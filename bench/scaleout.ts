/**
 * Uploads on PostgreSQL + S3 (and on the SQLite default, for comparison), with one and with two
 * nodes: throughput, and the CPU time of every process involved (mwup's nodes, Swift, memcached,
 * PostgreSQL) per upload and per MiB. Needs the scale-out services (`.ci/services.sh`, then
 * `. .ci/services.env`) and a build (`npm run build`). See bench/README.md.
 *
 *   node --import tsx bench/scaleout.ts                  # every setup and test
 *   node --import tsx bench/scaleout.ts s3 small         # setups (sqlite, s3, s3x2) and tests (small, chunked, large)
 *   BENCH_SIZE=67108864 BENCH_SMALL_COUNT=300 node --import tsx bench/scaleout.ts
 *   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node --import tsx bench/scaleout.ts s3 large
 *   BENCH_WARMUP=0 node --import tsx bench/scaleout.ts   # measure from the nodes' first upload on
 *
 * Every test starts fresh nodes on a new database and key prefix (as test/scaleout does), removed
 * afterwards. With two nodes the clients are spread over them: client i talks to node i mod 2.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../packages/server/test/scaleout/pg.js';
import { missingServers, removeAll, s3Config } from '../packages/server/test/scaleout/s3-env.js';
import type { Client } from './lib/client.js';
import { type Server, startServer } from './lib/mwup.js';
import { bigPng, smallPng } from './lib/png.js';
import { peakRss } from './lib/proc.js';
import { transactions, watchCpu } from './lib/scaleout.js';
import { chunkedUpload, directUpload, loggedIn, smallUploads } from './lib/uploads.js';

const MIB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_SIZE ?? 256 * MIB);
const SMALL_COUNT = Number(process.env.BENCH_SMALL_COUNT ?? 1000);
const SMALL_BYTES = 20_000;
const CHUNK = Number(process.env.BENCH_CHUNK ?? 5 * MIB);
/**
 * Before the measured uploads each client makes one of the same kind (a file of this size, or
 * WARMUP_SMALL small files), unmeasured: what a running server has long done, compiling its code
 * (V8 optimises it on first use) and opening its connections, is not counted against every MiB.
 */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 32 * MIB);
const WARMUP_SMALL = 50;

type Kind = 'small' | 'chunked' | 'large';
interface Setup {
  name: string;
  scaleout: boolean;
  nodes: number;
  tests: { kind: Kind; clients: number }[];
}
const SETUPS: Setup[] = [
  {
    name: 'sqlite',
    scaleout: false,
    nodes: 1,
    tests: [
      { kind: 'small', clients: 4 },
      { kind: 'chunked', clients: 1 },
      { kind: 'large', clients: 1 },
    ],
  },
  {
    name: 's3',
    scaleout: true,
    nodes: 1,
    tests: [
      { kind: 'small', clients: 4 },
      { kind: 'chunked', clients: 1 },
      { kind: 'chunked', clients: 2 },
      { kind: 'large', clients: 1 },
      { kind: 'large', clients: 2 },
    ],
  },
  {
    name: 's3x2',
    scaleout: true,
    nodes: 2,
    tests: [
      { kind: 'small', clients: 4 },
      { kind: 'chunked', clients: 2 },
      { kind: 'large', clients: 2 },
    ],
  },
];

/** The nodes of one test, on a database and key prefix of their own when scaled out. */
interface Cluster {
  nodes: Server[];
  db?: TestDatabase;
  prefix?: string;
}

/**
 * Start a node from its config.json alone: the server's settings in the environment (the
 * services' `MWUP_S3_*` from .ci/services.env) would override it, and put the SQLite setup on S3.
 */
async function startNode(config: Record<string, unknown>): Promise<Server> {
  const saved = Object.entries(process.env).filter(([k]) => /^MWUP_(S3_|DATABASE_)/.test(k));
  for (const [k] of saved) delete process.env[k];
  try {
    return await startServer(config);
  } finally {
    for (const [k, v] of saved) process.env[k] = v;
  }
}

async function startCluster(setup: Setup): Promise<Cluster> {
  if (!setup.scaleout) return { nodes: [await startNode({})] };
  const db = await createTestDatabase();
  const prefix = `bench-${randomUUID()}/`;
  const config = {
    database: { driver: 'postgres', url: db.url },
    storage: { driver: 's3', ...s3Config(prefix) },
  };
  const cluster: Cluster = { nodes: [], db, prefix };
  try {
    // One after the other: the first migrates the new database.
    for (let i = 0; i < setup.nodes; i++) cluster.nodes.push(await startNode(config));
  } catch (e) {
    await removeCluster(cluster);
    throw e;
  }
  return cluster;
}

async function stopNodes(c: Cluster): Promise<void> {
  await Promise.all(c.nodes.map((s) => s.stop()));
}

async function removeCluster(c: Cluster): Promise<void> {
  await stopNodes(c);
  await c.db?.drop();
  if (c.prefix) await removeAll(c.prefix);
}

/** `n` logged-in clients, client i on node i mod (number of nodes). */
async function clientsOf(c: Cluster, n: number): Promise<Client[]> {
  const each = await Promise.all(
    c.nodes.map((s, i) =>
      loggedIn({ api: s.api, login: s.login, verify: true }, Math.ceil((n - i) / c.nodes.length)),
    ),
  );
  return Array.from({ length: n }, (_, i) => each[i % c.nodes.length]![Math.floor(i / c.nodes.length)]!);
}

/** 20 KB PNGs by all clients until SMALL_COUNT are uploaded. */
async function small(clients: Client[]) {
  const files = Array.from({ length: SMALL_COUNT }, () => smallPng(SMALL_BYTES));
  const r = await smallUploads(clients, SMALL_COUNT, 'Bench small', { files, size: SMALL_BYTES });
  if (r.failures) throw new Error(`${r.failures} small uploads failed: ${r.firstFailure}`);
  return { uploads: SMALL_COUNT, bytes: SMALL_COUNT * SMALL_BYTES };
}

/** Each client uploads the file directly, all at once. */
async function large(clients: Client[], path: string, sha1: string) {
  const body = { path, start: 0, end: SIZE - 1 };
  await Promise.all(clients.map((c, ci) => directUpload(c, body, `Bench large ${ci}.png`, sha1)));
  return { uploads: clients.length, bytes: clients.length * SIZE };
}

/** Each client uploads the file in 5 MiB chunks (stash=1), then publishes it, all at once. */
async function chunked(clients: Client[], path: string, sha1: string) {
  const r = await Promise.all(
    clients.map((c, ci) => chunkedUpload(c, { path, size: SIZE }, CHUNK, `Bench chunked ${ci}.png`, sha1)),
  );
  return {
    uploads: clients.length,
    bytes: clients.length * SIZE,
    publishSeconds: Math.max(...r.map((x) => x.commitSeconds)),
  };
}

const round = (n: number, d = 2) => +n.toFixed(d);

/** The unmeasured uploads that come first (see WARMUP). */
async function warmUp(clients: Client[], kind: Kind, warm: { path: string; sha1: string }) {
  if (kind === 'small') {
    const files = Array.from({ length: WARMUP_SMALL * clients.length }, () => smallPng(SMALL_BYTES));
    await smallUploads(clients, files.length, 'Bench warm-up', { files, size: SMALL_BYTES });
    return;
  }
  await Promise.all(
    clients.map((c, ci) =>
      kind === 'large'
        ? directUpload(
            c,
            { path: warm.path, start: 0, end: WARMUP - 1 },
            `Bench warm-up ${ci}.png`,
            warm.sha1,
          )
        : chunkedUpload(c, { path: warm.path, size: WARMUP }, CHUNK, `Bench warm-up ${ci}.png`, warm.sha1),
    ),
  );
}

async function runTest(
  setup: Setup,
  kind: Kind,
  nClients: number,
  file: { path: string; sha1: string },
  warm: { path: string; sha1: string } | null,
) {
  const cluster = await startCluster(setup);
  try {
    const clients = await clientsOf(cluster, nClients);
    if (warm) await warmUp(clients, kind, warm);
    const adminUrl = process.env.MWUP_TEST_PG_URL!;
    const xacts0 = cluster.db ? await transactions(adminUrl, cluster.db.name) : 0;
    const watch = await watchCpu({
      nodes: cluster.nodes.map((n) => n.child.pid!),
      database: cluster.db?.name,
    });
    const r: { uploads: number; bytes: number; publishSeconds?: number } =
      kind === 'small'
        ? await small(clients)
        : kind === 'large'
          ? await large(clients, file.path, file.sha1)
          : await chunked(clients, file.path, file.sha1);
    const use = await watch.stop();
    const rss = await Promise.all(cluster.nodes.map((n) => peakRss(n.child.pid!)));
    // Backends publish their statistics when they exit: stop the nodes first.
    await stopNodes(cluster);
    await new Promise((res) => setTimeout(res, 500));
    const xacts = cluster.db ? (await transactions(adminUrl, cluster.db.name)) - xacts0 : null;
    const mib = r.bytes / MIB;
    const cpu = Object.fromEntries(Object.entries(use.cpu).map(([k, v]) => [k, round(v)]));
    const total = Object.entries(use.cpu)
      .filter(([k]) => !/^(node|main)\d/.test(k))
      .reduce((n, [, v]) => n + v, 0);
    return {
      setup: setup.name,
      test: kind,
      nodes: setup.nodes,
      clients: nClients,
      uploads: r.uploads,
      mib: round(mib, 1),
      seconds: round(use.seconds),
      uploadsPerSecond: round(r.uploads / use.seconds, 1),
      mibPerSecond: round(mib / use.seconds, 1),
      ...(r.publishSeconds === undefined ? {} : { publishSeconds: round(r.publishSeconds, 3) }),
      cpuSeconds: cpu,
      /** Of which in the kernel (system time). */
      systemSeconds: Object.fromEntries(Object.entries(use.sys).map(([k, v]) => [k, round(v)])),
      /** Cores each group kept busy on average (CPU seconds per second). */
      cores: Object.fromEntries(Object.entries(use.cpu).map(([k, v]) => [k, round(v / use.seconds)])),
      coresTotal: round(total / use.seconds),
      nodeCpuMsPerUpload: round((use.cpu.node! * 1000) / r.uploads, 1),
      nodeCpuMsPerMiB: round((use.cpu.node! * 1000) / mib, 1),
      nodeSystemShare: round(use.sys.node! / use.cpu.node!),
      allCpuMsPerMiB: round((total * 1000) / mib, 1),
      pgTransactionsPerUpload: xacts === null ? null : round(xacts / r.uploads, 1),
      /** The busiest node's event loop thread, in cores: near 1, that node is the limit. */
      busiestMainThread: round(
        Math.max(...cluster.nodes.map((_, i) => use.cpu[`main${i}`] ?? 0)) / use.seconds,
      ),
      nodePeakRssMB: rss.map((b) => round(b / 1e6, 0)),
    };
  } finally {
    await removeCluster(cluster);
  }
}

type Row = Awaited<ReturnType<typeof runTest>>;

function table(rows: Row[]): string {
  const cols: [string, (r: Row) => string | number][] = [
    ['setup', (r) => r.setup],
    ['test', (r) => r.test],
    ['clients', (r) => r.clients],
    ['up/s', (r) => r.uploadsPerSecond],
    ['MiB/s', (r) => r.mibPerSecond],
    ['node ms/up', (r) => r.nodeCpuMsPerUpload],
    ['node ms/MiB', (r) => r.nodeCpuMsPerMiB],
    ['node sys', (r) => r.nodeSystemShare],
    ['all ms/MiB', (r) => r.allCpuMsPerMiB],
    ['node cores', (r) => r.cores.node ?? 0],
    ['loop', (r) => r.busiestMainThread],
    ['proxy', (r) => r.cores['swift-proxy'] ?? '-'],
    ['storage', (r) => r.cores['swift-storage'] ?? '-'],
    ['pg', (r) => r.cores.postgres ?? '-'],
    ['bench', (r) => r.cores.bench ?? 0],
    ['total', (r) => r.coresTotal],
    ['pg xact/up', (r) => r.pgTransactionsPerUpload ?? '-'],
    ['RSS MB', (r) => r.nodePeakRssMB.join('+')],
  ];
  const cells = [cols.map(([h]) => h), ...rows.map((r) => cols.map(([, f]) => String(f(r))))];
  const widths = cols.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  return cells.map((c) => c.map((v, i) => v.padStart(widths[i]!)).join('  ')).join('\n');
}

const args = process.argv.slice(2);
const pick = <T extends string>(all: readonly T[]) => {
  const chosen = all.filter((x) => args.includes(x));
  return chosen.length ? chosen : all;
};
const setups = pick(SETUPS.map((s) => s.name));
const kinds = pick(['small', 'chunked', 'large'] as const);
const missing = missingServers({ pg: true, s3: true });
if (missing && setups.some((s) => s !== 'sqlite')) throw new Error(missing);

const dir = await mkdtemp(join(tmpdir(), 'mwup-bench-file-'));
const rows: Row[] = [];
try {
  const file = { path: join(dir, 'big.png'), sha1: '' };
  if (kinds.some((k) => k !== 'small')) file.sha1 = await bigPng(file.path, SIZE);
  const warm = WARMUP > 0 ? { path: join(dir, 'warm.png'), sha1: '' } : null;
  if (warm && kinds.some((k) => k !== 'small')) warm.sha1 = await bigPng(warm.path, WARMUP);
  for (const setup of SETUPS.filter((s) => setups.includes(s.name))) {
    for (const t of setup.tests.filter((t) => kinds.includes(t.kind))) {
      const row = await runTest(setup, t.kind, t.clients, file, warm);
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
console.log(
  `\n${SMALL_COUNT} × ${SMALL_BYTES / 1000} KB small; ${SIZE / MIB} MiB per client for chunked (5 MiB chunks + publish) and large; ${WARMUP ? `after one unmeasured upload per client (${WARMUP / MIB} MiB, or ${WARMUP_SMALL} small files)` : 'no warm-up'}; CPU in ms, cores = CPU s per s (of ${availableParallelism()})\n`,
);
console.log(table(rows));
