/**
 * The throughput tests, best of `rounds` each: mwup and what it is compared with (MediaWiki, tus-node-
 * server, the null sink, the disk), on the same machine in the same run.
 */
import { type Context, cpuBetween, cpuPerUnit, mb, onMwup, type Test } from './context.js';
import { diskWriteRate } from './disk.js';
import { smallPng } from './png.js';
import { cpuOf, resetPeakRss, startChild } from './proc.js';
import type { Row } from './report.js';
import { startSink } from './sink.js';
import { checkTusFile, startTusServer, tusJsUpload, tusLeanUpload } from './tus.js';
import { bestOf, chunkedUpload, directUpload, loggedIn, MIB, smallUploads, type Target } from './uploads.js';

const SMALL_BYTES = 20_000;
const SMALL_CLIENTS = 4;

/**
 * The unmeasured rounds before a test's measured ones, for every server and client alike: the first
 * round after a start compiles the code of both and fills caches (mwup's first small round ran
 * 20-30 % slower than its later ones), which is not the rate the server keeps.
 */
const warm = (ctx: Context, target?: Pick<Target, 'ready'>) => ({
  rounds: ctx.warmup,
  measureFrom: () => target?.ready?.() ?? Promise.resolve(),
});

async function small(ctx: Context, target: Target, test: string, count: number): Promise<Row> {
  const clients = await loggedIn(target, SMALL_CLIENTS, false);
  const r = await bestOf(
    ctx.rounds,
    async (round) => {
      const files = Array.from({ length: count }, () => smallPng(SMALL_BYTES));
      const res = await smallUploads(clients, count, `${ctx.prefix} ${test} r${round}`, { files });
      if (res.failures)
        throw new Error(`${res.failures} of ${count} uploads failed, the first: ${res.firstFailure}`);
      return res;
    },
    (r, i) => ctx.log(`${test} round ${i + 1}: ${r.rate.toFixed(1)} uploads/s`),
    warm(ctx, target),
  );
  return {
    test,
    files: count,
    bytes: SMALL_BYTES,
    clients: SMALL_CLIENTS,
    uploadsPerSecond: +r.rate.toFixed(2),
    seconds: +r.seconds.toFixed(3),
    rounds: r.rounds,
  };
}

async function direct(ctx: Context, target: Target, test: string): Promise<Row> {
  const f = await ctx.file(ctx.size);
  const [c] = await loggedIn(target, 1, false);
  const r = await bestOf(
    ctx.rounds,
    async (round) => {
      const file = { path: f.path, start: 0, end: f.size - 1 };
      const name = `${ctx.prefix} ${test} r${round}.png`;
      const seconds = await directUpload(c!, file, name, target.verify ? f.sha1 : undefined);
      return { seconds, rate: f.size / MIB / seconds };
    },
    (r, i) => ctx.log(`${test} round ${i + 1}: ${r.rate.toFixed(1)} MiB/s`),
    warm(ctx, target),
  );
  return { test, bytes: f.size, ...rate(r) };
}

async function chunked(ctx: Context, target: Target, test: string): Promise<Row> {
  const f = await ctx.file(ctx.size);
  const [c] = await loggedIn(target, 1, false);
  const r = await bestOf(
    ctx.rounds,
    async (round) => {
      const name = `${ctx.prefix} ${test} r${round}.png`;
      const res = await chunkedUpload(c!, f, ctx.chunk, name, target.verify ? f.sha1 : undefined);
      return { ...res, rate: f.size / MIB / res.seconds };
    },
    (r, i) =>
      ctx.log(`${test} round ${i + 1}: ${r.rate.toFixed(1)} MiB/s, publish ${r.commitSeconds.toFixed(3)} s`),
    warm(ctx, target),
  );
  return { test, bytes: f.size, chunk: ctx.chunk, ...rate(r), commitSeconds: +r.commitSeconds.toFixed(3) };
}

/** tus-node-server (FileStore) in a child process, uploaded to by tus-js-client or the lean client. */
async function tus(ctx: Context, test: string, lean: boolean): Promise<Row> {
  const f = await ctx.file(ctx.size);
  const srv = await startTusServer();
  try {
    let startRss = 0;
    let cpu0: [number, number] | null = null;
    const measured = async () => {
      await resetPeakRss(srv.child.pid!);
      startRss = await srv.peakRss();
      cpu0 = await cpuOf(srv.child.pid!);
    };
    const r = await bestOf(
      ctx.rounds,
      async (round) => {
        const name = `${ctx.prefix} ${test} r${round}.png`;
        const res = lean
          ? await tusLeanUpload(srv.endpoint, f.path, f.size, ctx.chunk, name)
          : await tusJsUpload(srv.endpoint, f.path, ctx.chunk, name);
        await checkTusFile(srv.dir, res.url, f.size, f.sha1);
        return { seconds: res.seconds, rate: f.size / MIB / res.seconds };
      },
      (r, i) => ctx.log(`${test} round ${i + 1}: ${r.rate.toFixed(1)} MiB/s`),
      warm(ctx, { ready: measured }),
    );
    const cpu1 = await cpuOf(srv.child.pid!);
    const row = {
      test,
      server: 'tus-node-server (@tus/server, FileStore)',
      client: lean ? 'lean client' : 'tus-js-client',
      bytes: f.size,
      chunk: ctx.chunk,
      ...rate(r),
      serverPeakRssMB: mb(await srv.peakRss()),
      startRssMB: mb(startRss),
    };
    return { ...row, ...cpuPerUnit(row, cpuBetween(cpu0, cpu1)) };
  } finally {
    await srv.stop();
  }
}

/**
 * mwup's own tus endpoint (`/w/tus/`), by tus-js-client or the lean client with the session's cookie,
 * then published by `filekey` (timed, as the chunked upload's publish is).
 */
async function mwupTus(ctx: Context, target: Target, test: string, lean: boolean): Promise<Row> {
  const f = await ctx.file(ctx.size);
  const [c] = await loggedIn(target, 1, false);
  const endpoint = new URL('/w/tus/', target.api).href;
  const headers = { cookie: c!.cookieHeader() };
  const r = await bestOf(
    ctx.rounds,
    async (round) => {
      const name = `${ctx.prefix} ${test} r${round}.png`;
      const t0 = performance.now();
      const up = lean
        ? await tusLeanUpload(endpoint, f.path, f.size, ctx.chunk, name, headers)
        : await tusJsUpload(endpoint, f.path, ctx.chunk, name, headers);
      if (!up.filekey) throw new Error(`${test}: no Upload-Filekey after the last PATCH`);
      const t1 = performance.now();
      const a = await c!.call({
        action: 'upload',
        filekey: up.filekey,
        filename: name,
        ignorewarnings: '1',
        token: c!.token,
      });
      if (a.upload?.imageinfo?.sha1 !== f.sha1)
        throw new Error(`${test}: publish failed: ${JSON.stringify(a).slice(0, 300)}`);
      const seconds = (performance.now() - t0) / 1000;
      return { seconds, rate: f.size / MIB / seconds, commitSeconds: (performance.now() - t1) / 1000 };
    },
    (r, i) =>
      ctx.log(`${test} round ${i + 1}: ${r.rate.toFixed(1)} MiB/s, publish ${r.commitSeconds.toFixed(3)} s`),
    warm(ctx, target),
  );
  return {
    test,
    client: lean ? 'lean client' : 'tus-js-client',
    bytes: f.size,
    chunk: ctx.chunk,
    ...rate(r),
    commitSeconds: +r.commitSeconds.toFixed(3),
  };
}

async function onSink(fn: (t: Target) => Promise<Row>): Promise<Row> {
  const sink = await startSink();
  try {
    const { test, ...row } = await fn({ api: sink.api, verify: false });
    return { test, server: 'null sink', ...row };
  } finally {
    await sink.stop();
  }
}

function onMediawiki(ctx: Context, fn: (t: Target) => Promise<Row>): Promise<Row> {
  if (!ctx.mediawiki) throw new Error('BENCH_MEDIAWIKI is not set');
  const api = ctx.mediawiki.api;
  return fn(ctx.mediawiki).then(({ test, ...row }) => ({ test, server: 'MediaWiki', api, ...row }));
}

const rate = (r: { rate: number; seconds: number; rounds: number[] }) => ({
  mibPerSecond: +r.rate.toFixed(2),
  seconds: +r.seconds.toFixed(3),
  rounds: r.rounds,
});

async function disk(ctx: Context): Promise<Row> {
  const end = await bestOf(ctx.rounds, () => diskWriteRate(ctx.size, 8 * MIB, false), undefined, warm(ctx));
  const each = await bestOf(ctx.rounds, () => diskWriteRate(ctx.size, 5 * MIB, true), undefined, warm(ctx));
  ctx.log(`disk: ${end.rate.toFixed(1)} MiB/s, fdatasync every 5 MiB ${each.rate.toFixed(1)} MiB/s`);
  return {
    test: 'disk',
    bytes: ctx.size,
    mibPerSecond: +end.rate.toFixed(2),
    rounds: end.rounds,
    mibPerSecondSyncEvery5MiB: +each.rate.toFixed(2),
    roundsSyncEvery5MiB: each.rounds,
  };
}

/** The test file served by another process, fetched by the server with `url=`. */
async function url(ctx: Context, target: Target): Promise<Row> {
  const f = await ctx.file(ctx.size);
  const files = await startChild(
    `const http = require('node:http'); const fs = require('node:fs');
     const s = http.createServer((q, r) => { r.writeHead(200, { 'content-length': fs.statSync(process.argv[1]).size });
       fs.createReadStream(process.argv[1], { highWaterMark: 1 << 20 }).pipe(r); });
     s.listen(0, '127.0.0.1', () => console.log(s.address().port));`,
    [f.path],
  );
  try {
    const [c] = await loggedIn(target, 1);
    const t0 = performance.now();
    const r = await c!.call({
      action: 'upload',
      filename: `${ctx.prefix} url.png`,
      url: `http://127.0.0.1:${files.port}/big.png`,
      ignorewarnings: '1',
      token: c!.token,
    });
    const seconds = (performance.now() - t0) / 1000;
    if (r.upload?.imageinfo?.sha1 !== f.sha1) throw new Error(`url upload failed: ${JSON.stringify(r)}`);
    ctx.log(`url: ${(f.size / MIB / seconds).toFixed(1)} MiB/s`);
    return { test: 'url', bytes: f.size, ...rate({ seconds, rate: f.size / MIB / seconds, rounds: [] }) };
  } finally {
    await files.stop();
  }
}

export const throughputTests: Test[] = [
  { name: 'disk', tags: ['direct'], run: disk },
  { name: 'small', tags: ['mwup'], run: (ctx) => onMwup({}, (t) => small(ctx, t, 'small', ctx.smallCount)) },
  {
    name: 'small-sink',
    tags: ['small', 'sink'],
    run: (ctx) => onSink((t) => small(ctx, t, 'small-sink', ctx.smallCount)),
  },
  {
    name: 'small-mediawiki',
    tags: ['small', 'mediawiki'],
    run: (ctx) => onMediawiki(ctx, (t) => small(ctx, t, 'small-mediawiki', ctx.mediawikiSmallCount)),
  },
  { name: 'direct', tags: ['large', 'mwup'], run: (ctx) => onMwup({}, (t) => direct(ctx, t, 'direct')) },
  {
    name: 'direct-sink',
    tags: ['direct', 'sink'],
    run: (ctx) => onSink((t) => direct(ctx, t, 'direct-sink')),
  },
  {
    name: 'direct-mediawiki',
    tags: ['direct', 'mediawiki'],
    run: (ctx) => onMediawiki(ctx, (t) => direct(ctx, t, 'direct-mediawiki')),
  },
  { name: 'chunked', tags: ['mwup'], run: (ctx) => onMwup({}, (t) => chunked(ctx, t, 'chunked')) },
  { name: 'chunked-tus', tags: ['chunked', 'tus'], run: (ctx) => tus(ctx, 'chunked-tus', false) },
  { name: 'chunked-tus-lean', tags: ['chunked', 'tus'], run: (ctx) => tus(ctx, 'chunked-tus-lean', true) },
  {
    name: 'chunked-mwup-tus',
    tags: ['chunked', 'tus'],
    run: (ctx) => onMwup({}, (t) => mwupTus(ctx, t, 'chunked-mwup-tus', false)),
  },
  {
    name: 'chunked-mwup-tus-lean',
    tags: ['chunked', 'tus'],
    run: (ctx) => onMwup({}, (t) => mwupTus(ctx, t, 'chunked-mwup-tus-lean', true)),
  },
  {
    name: 'chunked-sink',
    tags: ['chunked', 'sink'],
    run: (ctx) => onSink((t) => chunked(ctx, t, 'chunked-sink')),
  },
  {
    name: 'chunked-mediawiki',
    tags: ['chunked', 'mediawiki'],
    run: (ctx) => onMediawiki(ctx, (t) => chunked(ctx, t, 'chunked-mediawiki')),
  },
  { name: 'url', tags: ['mwup'], run: (ctx) => onMwup({}, (t) => url(ctx, t)) },
];
