/**
 * Upload benchmarks, side by side in one run on one machine: mwup (`node dist/main.js` as a child
 * process, so that its RSS can be read), tus-node-server, MediaWiki (when BENCH_MEDIAWIKI is set), a
 * null sink that shows the client's ceiling, and the disk's own write rate. Build first (`npm run build`).
 * Progress goes to stderr; the report (goals and ratios, then a JSON line per test) to stdout.
 * See bench/README.md for the tests, the settings and how to read the figures.
 *
 *   npm run bench                          # every test
 *   npm run bench -- chunked               # a test or a group: small, direct, chunked, tus, sink, mediawiki, memory, …
 *   npm run bench -- =chunked              # that test alone, not its group
 *   BENCH_MEDIAWIKI=http://127.0.0.1:8081/w/api.php npm run bench
 */
import { randomBytes } from 'node:crypto';
import { type Context, makeContext, type Test } from './lib/context.js';
import { memoryTests } from './lib/memory.js';
import { machine, type Row, tables } from './lib/report.js';
import { throughputTests } from './lib/throughput.js';
import { MIB } from './lib/uploads.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const TESTS: Test[] = [...throughputTests, ...memoryTests];

const names = process.argv.slice(2);
const wanted = (t: Test) =>
  names.length === 0 ||
  names.some((n) => n === 'all' || n === t.name || n === `=${t.name}` || t.tags.includes(n));
let selected = TESTS.filter(wanted);
if (selected.length === 0) {
  const all = new Set(TESTS.flatMap((t) => [t.name, ...t.tags]));
  console.error(`no test called ${names.join(', ')}; there are: all, ${[...all].join(', ')}`);
  process.exit(2);
}

const mediawikiApi = process.env.BENCH_MEDIAWIKI;
let mediawiki = '';
if (selected.some((t) => t.tags.includes('mediawiki'))) {
  if (!mediawikiApi) {
    console.error('BENCH_MEDIAWIKI is not set: the MediaWiki tests are left out');
    selected = selected.filter((t) => !t.tags.includes('mediawiki'));
  } else {
    const res = await fetch(`${mediawikiApi}?action=query&meta=siteinfo&format=json`);
    const info = (await res.json()) as { query?: { general?: { generator?: string } } };
    mediawiki = `${info.query?.general?.generator ?? 'MediaWiki'} at ${mediawikiApi}`;
  }
}

const ctx: Context = await makeContext({
  size: env('BENCH_SIZE', 256 * MIB),
  memorySize: env('BENCH_MEMORY_SIZE', 1024 * MIB),
  chunk: env('BENCH_CHUNK', 5 * MIB),
  rounds: env('BENCH_ROUNDS', 2),
  warmup: env('BENCH_WARMUP', 1),
  smallCount: env('BENCH_SMALL_COUNT', 2000),
  mediawikiSmallCount: env('BENCH_MEDIAWIKI_SMALL_COUNT', 200),
  soakCount: env('BENCH_SOAK_COUNT', 10_000),
  concurrent: env('BENCH_CONCURRENT', 50),
  concurrentSize: env('BENCH_CONCURRENT_SIZE', 20 * MIB),
  prefix: `Bench ${randomBytes(4).toString('hex')}`,
  ...(mediawikiApi && {
    mediawiki: {
      api: mediawikiApi,
      login: {
        user: process.env.BENCH_MEDIAWIKI_USER ?? 'Admin@bot',
        password: process.env.BENCH_MEDIAWIKI_PASSWORD ?? 'adminbotpassword1234567890abcdef',
      },
      verify: true,
    },
  }),
});

const rows: Row[] = [];
const t0 = performance.now();
try {
  for (const t of selected) {
    const start = performance.now();
    ctx.log(`— ${t.name}`);
    let row: Row;
    try {
      row = await t.run(ctx);
    } catch (e) {
      row = { test: t.name, error: e instanceof Error ? e.message : String(e) };
    }
    rows.push(row);
    ctx.log(`${JSON.stringify(row)} (${((performance.now() - start) / 1000).toFixed(0)} s)`);
  }
} finally {
  await ctx.cleanup();
}

const mib = (n: number) => `${+(n / MIB).toFixed(1)} MiB`;
console.log(
  [
    ...machine(),
    `settings: ${mib(ctx.size)} for throughput, ${mib(ctx.memorySize)} for memory, ${mib(ctx.chunk)} chunks, ` +
      `best of ${ctx.rounds} rounds after ${ctx.warmup} unmeasured, ${ctx.smallCount} small uploads (MediaWiki ${ctx.mediawikiSmallCount}), ` +
      `soak ${ctx.soakCount}, ${ctx.concurrent} × ${mib(ctx.concurrentSize)} at once`,
    `MediaWiki: ${mediawiki || 'not compared (BENCH_MEDIAWIKI unset)'}`,
    `run took ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    '',
    tables(rows, { mediawiki }),
    '',
    ...rows.map((r) => JSON.stringify(r)),
  ].join('\n'),
);
if (rows.some((r) => r.error)) process.exitCode = 1;
