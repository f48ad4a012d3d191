/**
 * The memory tests, each on a fresh mwup server: the peak RSS of one big chunked and one big direct
 * upload, of many direct uploads at once, and the RSS over many small uploads.
 */
import { type Context, mb, onMwup, type Test } from './context.js';
import { currentRss } from './proc.js';
import { chunkedUpload, directUpload, loggedIn, MIB, smallUploads } from './uploads.js';

const mibs = (bytes: number, seconds: number) => +(bytes / MIB / seconds).toFixed(2);

export const memoryTests: Test[] = [
  {
    name: 'memory-chunked',
    tags: ['memory'],
    run: (ctx) =>
      onMwup({}, async (t) => {
        const f = await ctx.file(ctx.memorySize);
        const [c] = await loggedIn(t, 1);
        const r = await chunkedUpload(c!, f, ctx.chunk, `${ctx.prefix} memory chunked.png`, f.sha1);
        ctx.log(`memory-chunked: ${mibs(f.size, r.seconds)} MiB/s`);
        return {
          test: 'memory-chunked',
          bytes: f.size,
          chunk: ctx.chunk,
          mibPerSecond: mibs(f.size, r.seconds),
          commitSeconds: +r.commitSeconds.toFixed(3),
        };
      }),
  },
  {
    name: 'memory-direct',
    tags: ['memory'],
    run: (ctx) =>
      onMwup({}, async (t) => {
        const f = await ctx.file(ctx.memorySize);
        const [c] = await loggedIn(t, 1);
        const file = { path: f.path, start: 0, end: f.size - 1 };
        const seconds = await directUpload(c!, file, `${ctx.prefix} memory direct.png`, f.sha1);
        ctx.log(`memory-direct: ${mibs(f.size, seconds)} MiB/s`);
        return { test: 'memory-direct', bytes: f.size, mibPerSecond: mibs(f.size, seconds) };
      }),
  },
  {
    // The per-user cap on uploads at once (10 by default) is lifted: every client is the same bot.
    name: 'concurrent',
    tags: [],
    run: (ctx) =>
      onMwup({ requests: { maxConcurrentUploadsPerUser: ctx.concurrent } }, async (t) => {
        const f = await ctx.file(ctx.concurrentSize);
        const clients = await loggedIn(t, ctx.concurrent);
        const file = { path: f.path, start: 0, end: f.size - 1 };
        const t0 = performance.now();
        const results = await Promise.allSettled(
          clients.map((c, i) => directUpload(c, file, `${ctx.prefix} concurrent ${i}.png`, f.sha1)),
        );
        const seconds = (performance.now() - t0) / 1000;
        const failed = results.filter((r) => r.status === 'rejected');
        if (failed.length)
          throw new Error(
            `${failed.length} of ${clients.length} uploads failed, the first: ${failed[0]!.reason}`,
          );
        ctx.log(`concurrent: ${clients.length} × ${f.size / MIB} MiB in ${seconds.toFixed(1)} s`);
        return {
          test: 'concurrent',
          clients: clients.length,
          bytes: f.size,
          seconds: +seconds.toFixed(3),
          mibPerSecond: mibs(f.size * clients.length, seconds),
        };
      }),
  },
  { name: 'soak', tags: [], run: soak },
];

/**
 * Many small uploads by 4 clients; every tenth of them, the server's current RSS (VmRSS) and, from its
 * metrics, the V8 heap in use (to tell a growing heap from growing native memory).
 */
function soak(ctx: Context) {
  return onMwup({}, async (t, pid) => {
    const clients = await loggedIn(t, 4);
    const samples: { done: number; rssMB: number; heapMB?: number }[] = [];
    const every = Math.max(1, Math.floor(ctx.soakCount / 10));
    const r = await smallUploads(clients, ctx.soakCount, `${ctx.prefix} soak`, {
      every,
      onEvery: async (done) => {
        const s = { done, rssMB: mb(await currentRss(pid)), heapMB: await heapUsed(t.api) };
        samples.push(s);
        ctx.log(`soak: ${done} uploads, server RSS ${s.rssMB} MB, V8 heap in use ${s.heapMB} MB`);
      },
    });
    if (r.failures)
      throw new Error(`${r.failures} of ${r.files} uploads failed, the first: ${r.firstFailure}`);
    const first = samples[0]!;
    const last = samples.at(-1)!;
    return {
      test: 'soak',
      files: r.files,
      bytes: 20_000,
      clients: clients.length,
      uploadsPerSecond: +r.rate.toFixed(2),
      firstSampleAt: first.done,
      rssFirstMB: first.rssMB,
      rssEndMB: last.rssMB,
      growthMB: +(last.rssMB - first.rssMB).toFixed(1),
      rssSamplesMB: samples.map((s) => s.rssMB),
      heapUsedSamplesMB: samples.map((s) => s.heapMB),
    };
  });
}

/** `nodejs_heap_size_used_bytes` from the server's Prometheus metrics, in MB (undefined without metrics). */
async function heapUsed(api: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(new URL('/metrics', api))).text();
    const m = /^\w*nodejs_heap_size_used_bytes (\d+)/m.exec(text);
    return m ? mb(Number(m[1])) : undefined;
  } catch {
    return undefined;
  }
}
