/**
 * Client memory during a large chunked upload: the client must stay under 150 MB RSS for a 1 GiB file,
 * and its progress events must only move forward.
 *
 * Three processes: this one (orchestration, test file), the server (our built server unless --api
 * points at another wiki), and the client, a plain `node` running the built library from dist/ (no
 * TypeScript loader, whose worker thread would be counted too). The client samples its RSS every 50 ms
 * and reports the kernel's peak (VmHWM) when done.
 *
 *   npm run build && node --import tsx bench/client-upload-rss.ts [--size 1G] [--chunk-size 5M] [--async]
 *   node --import tsx bench/client-upload-rss.ts --api http://127.0.0.1:8081/w/api.php --user U@bot --password P
 *
 * `--dist DIR` takes the built library from another output directory (inside the repository, so that
 * its dependencies resolve), e.g. after `npx tsc -p tsconfig.build.json --outDir .tmp/dist`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseSize } from '../packages/client/src/index.js';
import { writePng } from '../packages/client/test/library/fixtures.js';

const LIMIT_BYTES = 150 * 1000 * 1000;
const MIB = 1024 * 1024;
const ROOT = resolve(import.meta.dirname, '..');

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1G' },
    'chunk-size': { type: 'string', default: '5M' },
    api: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    async: { type: 'boolean', default: false },
    /** Where the built library is (default dist/). */
    dist: { type: 'string', default: join(ROOT, 'packages/client/dist') },
  },
});

const DIST_CLIENT = join(resolve(values.dist), 'index.js');

const size = parseSize(values.size) ?? 1024 * MIB;
const chunkSize = parseSize(values['chunk-size']) ?? 5 * MIB;
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/** The client side, run by a plain node process; prints one JSON report on stdout. */
const CHILD = `
import { readFileSync } from 'node:fs';
const [clientUrl, api, user, password, path, chunkSize, async] = process.argv.slice(1);
const { MwClient } = await import(clientUrl);
const base = process.memoryUsage().rss;
let maxRss = base;
const sampler = setInterval(() => { maxRss = Math.max(maxRss, process.memoryUsage().rss); }, 50);
const order = ['preparing', 'uploading', 'assembling', 'publishing', 'done'];
let prev, events = 0, forward = true, lastLog = 0;
const client = new MwClient({ api, username: user || undefined, password: password || undefined,
  onRetry: (r) => process.stderr.write('retry: ' + r.error.code + ' ' + r.error.info + '\\n') });
const t0 = performance.now();
const result = await client.upload(path, {
  filename: 'Bench-rss-' + Date.now().toString(36) + '.png',
  chunkSize: Number(chunkSize), async: async === '1', ignoreWarnings: true,
  onProgress: (p) => {
    events++;
    if (prev && (p.bytesSent < prev.bytesSent || order.indexOf(p.phase) < order.indexOf(prev.phase))) forward = false;
    prev = p;
    if (performance.now() - lastLog > 2000 || p.phase !== 'uploading') {
      lastLog = performance.now();
      process.stderr.write(p.phase + ' ' + (p.bytesSent / 1e6).toFixed(1) + ' MB, rss ' + (process.memoryUsage().rss / 1e6).toFixed(1) + ' MB\\n');
    }
  },
});
const seconds = (performance.now() - t0) / 1000;
clearInterval(sampler);
const hwm = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
process.stdout.write(JSON.stringify({
  result: result.result, seconds, rssAtStart: base, maxRssSampled: maxRss,
  peakRssKernel: hwm ? Number(hwm[1]) * 1024 : undefined, progressEvents: events, progressForwardOnly: forward,
  sha1Client: result.sha1, sha1Server: result.imageinfo?.sha1,
}));
`;

function runClient(args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`client exited with ${code}`));
      else resolvePromise(JSON.parse(out) as Record<string, unknown>);
    });
  });
}

async function main(): Promise<number> {
  if (!existsSync(DIST_CLIENT)) {
    process.stderr.write('Build first: npm run build\n');
    return 2;
  }
  let api = values.api;
  let user = values.user ?? '';
  let password = values.password ?? '';
  let stop = async () => {};
  if (!api) {
    const { spawnServerProcess } = await import('../packages/server/test/helpers/server.js');
    const server = await spawnServerProcess({
      config: { uploads: { asyncUploads: true, maxUploadSize: 4 * 1024 * MIB } } as never,
    });
    api = server.api;
    user = 'Admin';
    password = 'admin-password-123';
    stop = async () => {
      await server.kill('SIGTERM');
      await rm(server.dataDir, { recursive: true, force: true });
    };
  }
  const path = join(tmpdir(), `mwup-bench-${process.pid}.png`);
  try {
    process.stderr.write(`writing a ${mb(size)} test file…\n`);
    const sha1 = await writePng(path, size);
    const r = await runClient([
      pathToFileURL(DIST_CLIENT).href,
      api,
      user,
      password,
      path,
      String(chunkSize),
      values.async ? '1' : '0',
    ]);
    const peak = Math.max(Number(r.maxRssSampled ?? 0), Number(r.peakRssKernel ?? 0));
    const seconds = Number(r.seconds);
    const report = {
      api,
      size,
      chunkSize,
      async: values.async,
      ...r,
      seconds: Number(seconds.toFixed(1)),
      mibPerSecond: Number((size / MIB / seconds).toFixed(1)),
      limit: LIMIT_BYTES,
      sha1Local: sha1,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    const ok =
      r.result === 'Success' &&
      peak < LIMIT_BYTES &&
      r.progressForwardOnly === true &&
      r.sha1Client === sha1 &&
      (r.sha1Server === undefined || r.sha1Server === sha1);
    process.stderr.write(
      `${ok ? 'PASS' : 'FAIL'}: client peak RSS ${mb(peak)} (limit ${mb(LIMIT_BYTES)}), ${report.mibPerSecond} MiB/s, progress ${r.progressForwardOnly ? 'forward only' : 'went back'}, sha1 ${r.sha1Client === sha1 ? 'matches' : 'differs'}\n`,
    );
    return ok ? 0 : 1;
  } finally {
    await rm(path, { force: true });
    await stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  },
);
