/**
 * Copy-upload fetch: throughput and memory.
 *
 * A child process serves N MiB (default 1024) over HTTP on 127.0.0.1; this process fetches it with
 * openUrl, hashes it with SHA-1 (hash-wasm, as uploads do) and writes it to /dev/null, sampling RSS.
 * Memory must stay flat whatever the size: the acceptance bound is a peak RSS under 200 MB for 1 GiB.
 *
 *   node --import tsx bench/url-fetch-rss.ts [sizeMiB]
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createSHA1 } from 'hash-wasm';
import { openUrl } from '../packages/server/src/upload/url/fetch.js';

const MIB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 1024);
const total = sizeMiB * MIB;

// The server runs in its own process so that only the client's memory is measured.
const serverCode = `
const http = require('node:http');
const total = Number(process.argv[1]);
const chunk = Buffer.alloc(1 << 20, 0x5a);
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': total });
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      const n = Math.min(chunk.length, total - sent);
      sent += n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return res.once('drain', pump);
    }
    res.end();
  };
  pump();
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['-e', serverCode, String(total)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('error', reject);
  });

  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);

  try {
    const sha1 = await createSHA1();
    sha1.init();
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
        sha1.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });

    const started = performance.now();
    const r = await openUrl(`http://127.0.0.1:${port}/big.bin`, {
      maxBytes: total,
      timeoutMs: 10 * 60_000,
      policy: { allowCidrs: ['127.0.0.1/32'] },
    });
    await pipeline(r.body, tap, createWriteStream('/dev/null'));
    const seconds = (performance.now() - started) / 1000;
    peak = Math.max(peak, process.memoryUsage().rss);
    const maxRss = process.resourceUsage().maxRSS * 1024;

    if (size !== total) throw new Error(`size mismatch: ${size} != ${total}`);
    console.log(`fetched ${sizeMiB} MiB in ${seconds.toFixed(2)} s: ${(sizeMiB / seconds).toFixed(0)} MiB/s`);
    console.log(`sha1 ${sha1.digest('hex')}`);
    console.log(
      `peak RSS (sampled) ${(peak / MIB).toFixed(1)} MiB; maxRSS (getrusage) ${(maxRss / MIB).toFixed(1)} MiB`,
    );
    const limit = 200 * 1000 * 1000;
    console.log(Math.max(peak, maxRss) < limit ? 'OK: under 200 MB' : 'FAIL: 200 MB exceeded');
    if (Math.max(peak, maxRss) >= limit) process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    child.kill();
  }
}

await main();
