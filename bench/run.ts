/**
 * Upload benchmarks against the real server, run as a child process (`node dist/main.js`) so that its
 * peak RSS (VmHWM) can be read. Build first (`npm run build`); `npm run bench` does both.
 * See bench/README.md for the figures and how to read them.
 *
 *   npm run bench                  # all three
 *   npm run bench -- small         # 20 KB uploads per second with 4 clients
 *   npm run bench -- large         # one direct upload of BENCH_SIZE (default 1 GiB)
 *   npm run bench -- chunked       # BENCH_SIZE in 5 MiB chunks, then the commit
 *   npm run bench -- url           # BENCH_SIZE fetched by the server from a local HTTP server (url=)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Answer, Client, peakRss, type Server, startServer } from './lib/mwup.js';
import { bigPng, smallPng } from './lib/png.js';

const MIB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_SIZE ?? 1024 * MIB);

// ---------------------------------------------------------------- benchmarks
async function small(srv: Server) {
  const N = Number(process.env.BENCH_SMALL_COUNT ?? 2000);
  const CLIENTS = 4;
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const c = new Client(srv.api);
      await c.login();
      return c;
    }),
  );
  const files = Array.from({ length: N }, () => smallPng(20 * 1000));
  let next = 0;
  let failures = 0;
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c, ci) => {
      while (next < N) {
        const i = next++;
        const r = await c.upload(
          { filename: `Bench small ${ci}-${i}.png`, ignorewarnings: '1' },
          'file',
          files[i]!,
        );
        if (r.upload?.result !== 'Success') failures++;
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  return {
    test: 'small',
    files: N,
    bytes: 20_000,
    clients: CLIENTS,
    seconds: s,
    uploadsPerSecond: N / s,
    failures,
  };
}

async function large(srv: Server, path: string, sha1: string) {
  const c = new Client(srv.api);
  await c.login();
  const t0 = performance.now();
  const r = await c.upload({ filename: 'Bench large.png', ignorewarnings: '1' }, 'file', {
    path,
    start: 0,
    end: SIZE - 1,
  });
  const s = (performance.now() - t0) / 1000;
  if (r.upload?.imageinfo?.sha1 !== sha1)
    throw new Error(`large upload failed: ${JSON.stringify(r).slice(0, 300)}`);
  return { test: 'large', bytes: SIZE, seconds: s, mibPerSecond: SIZE / MIB / s };
}

async function chunked(srv: Server, path: string, sha1: string) {
  const c = new Client(srv.api);
  await c.login();
  const CHUNK = 5 * MIB;
  let filekey = '';
  const t0 = performance.now();
  let last: Answer | undefined;
  for (let off = 0; off < SIZE; off += CHUNK) {
    const end = Math.min(SIZE, off + CHUNK) - 1;
    const fields: Record<string, string> = {
      filename: 'Bench chunked.png',
      stash: '1',
      filesize: String(SIZE),
      offset: String(off),
      ignorewarnings: '1',
    };
    if (filekey) fields.filekey = filekey;
    last = await c.upload(fields, 'chunk', { path, start: off, end });
    if (!last.upload) throw new Error(JSON.stringify(last));
    filekey = last.upload.filekey ?? '';
  }
  const tChunks = performance.now();
  const lastChunk = last;
  const commit = await c.call({
    action: 'upload',
    filename: 'Bench chunked.png',
    filekey,
    ignorewarnings: '1',
    token: c.token,
  });
  const t1 = performance.now();
  if (commit.upload?.imageinfo?.sha1 !== sha1 || lastChunk?.upload?.result !== 'Success')
    throw new Error(JSON.stringify(commit).slice(0, 300));
  return {
    test: 'chunked',
    bytes: SIZE,
    chunk: CHUNK,
    seconds: (t1 - t0) / 1000,
    mibPerSecond: SIZE / MIB / ((t1 - t0) / 1000),
    commitSeconds: (t1 - tChunks) / 1000,
  };
}

/** The test file served over HTTP by a separate process, fetched by the server with `url=`. */
async function fromUrl(srv: Server, path: string, sha1: string) {
  const files = spawn(
    process.execPath,
    [
      '-e',
      `const http = require('node:http'); const fs = require('node:fs');
       const s = http.createServer((q, r) => { r.writeHead(200, { 'content-length': fs.statSync(process.argv[1]).size });
         fs.createReadStream(process.argv[1], { highWaterMark: 1 << 20 }).pipe(r); });
       s.listen(0, '127.0.0.1', () => console.log(s.address().port));`,
      path,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const port = await new Promise<string>((res) =>
      files.stdout!.once('data', (d: Buffer) => res(String(d).trim())),
    );
    const c = new Client(srv.api);
    await c.login();
    const t0 = performance.now();
    const r = await c.call({
      action: 'upload',
      filename: 'Bench url.png',
      url: `http://127.0.0.1:${port}/big.png`,
      ignorewarnings: '1',
      token: c.token,
    });
    const s = (performance.now() - t0) / 1000;
    if (r.upload?.imageinfo?.sha1 !== sha1)
      throw new Error(`url upload failed: ${JSON.stringify(r).slice(0, 300)}`);
    return { test: 'url', bytes: SIZE, seconds: s, mibPerSecond: SIZE / MIB / s };
  } finally {
    files.kill();
  }
}

const which = process.argv[2] ?? 'all';
const results: Record<string, unknown>[] = [];
const dir = await mkdtemp(join(tmpdir(), 'mwup-bench-file-'));
try {
  let path = '';
  let sha1 = '';
  if (which !== 'small') {
    path = join(dir, 'big.png');
    process.stdout.write(`writing a ${(SIZE / MIB).toFixed(0)} MiB test file… `);
    sha1 = await bigPng(path, SIZE);
    console.log('done');
  }
  for (const t of which === 'all' ? ['small', 'large', 'chunked', 'url'] : [which]) {
    const srv = await startServer();
    try {
      const r =
        t === 'small'
          ? await small(srv)
          : t === 'large'
            ? await large(srv, path, sha1)
            : t === 'chunked'
              ? await chunked(srv, path, sha1)
              : await fromUrl(srv, path, sha1);
      const rss = await peakRss(srv.child.pid!);
      const row = { ...r, serverPeakRssMB: +(rss / 1e6).toFixed(1) };
      results.push(row);
      console.log(JSON.stringify(row));
    } finally {
      srv.child.kill('SIGTERM');
      await new Promise((r) => srv.child.once('exit', r));
      await rm(srv.dataDir, { recursive: true, force: true });
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
