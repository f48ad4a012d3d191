/**
 * Slow clients against the real server (`node dist/main.js`, default limits unless told): N
 * connections each send the start of an upload and then one byte a second. Reports how the server
 * answered them, how long the last one was held, the server's RSS before, at peak and after, and
 * what is left in its temporary blob directory.
 *
 *   npm run build && node --import tsx bench/slow-clients.ts [connections=200]
 *   BENCH_PER_USER=1000 node --import tsx bench/slow-clients.ts   # no per-address cap: all are held
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchServer } from './lib/mwup.js';
import { procMemory } from './lib/proc.js';

const N = Number(process.argv[2] ?? 200);

const rss = async (pid: number, field: 'VmRSS' | 'VmHWM') => (await procMemory(pid, field)) / 1024 / 1024;

const dataDir = await mkdtemp(join(tmpdir(), 'mwup-bench-slow-'));
const perUser = process.env.BENCH_PER_USER;
await writeFile(
  join(dataDir, 'config.json'),
  JSON.stringify(perUser ? { requests: { maxConcurrentUploadsPerUser: Number(perUser) } } : {}),
);
const { child, api: apiUrl } = await launchServer({
  ...process.env,
  MWUP_DATA_DIR: dataDir,
  MWUP_PORT: '0',
  MWUP_ADMIN_PASSWORD: 'bench-admin-password',
});
const api = new URL(apiUrl);
const pid = child.pid!;
const rssBefore = await rss(pid, 'VmRSS');

const boundary = 'SLOWBENCH';
const fields = { action: 'upload', format: 'json', filename: 'Slow.png', token: '+\\' };
const head =
  Object.entries(fields)
    .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
    .join('') +
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n` +
  'x'.repeat(64 * 1024);

const started = Date.now();
const outcomes = new Map<string, number>();
let lastClosed = 0;
const connections = Array.from(
  { length: N },
  () =>
    new Promise<void>((done) => {
      const s = connect(Number(api.port), api.hostname, () => {
        s.write(
          `POST ${api.pathname} HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n` +
            `Content-Length: 100000000\r\n\r\n${head}`,
        );
      });
      const drip = setInterval(() => s.writable && s.write('x'), 1000);
      let answer = '';
      s.on('data', (d) => {
        answer += d.toString('latin1');
      });
      s.on('error', () => {});
      s.on('close', () => {
        clearInterval(drip);
        const status = /^HTTP\/1\.1 (\d+)/.exec(answer)?.[1] ?? 'closed';
        const code = /"code":"([^"]+)"/.exec(answer)?.[1] ?? '';
        const key = `${status} ${code}`.trim();
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        lastClosed = Date.now();
        done();
      });
    }),
);
await Promise.all(connections);
const held = (lastClosed - started) / 1000;
const rssPeak = await rss(pid, 'VmHWM');
const rssAfter = await rss(pid, 'VmRSS');
// What the cut-off requests stored is removed as their connections close: give it 5 s.
const tmpFiles = () => readdir(join(dataDir, 'blobs', '.tmp')).catch(() => []);
for (let i = 0; i < 50 && (await tmpFiles()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
const tmpLeft = await tmpFiles();
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
await rm(dataDir, { recursive: true, force: true });
console.log(
  JSON.stringify(
    {
      connections: N,
      answers: Object.fromEntries(outcomes),
      lastClosedAfterSeconds: held,
      serverRssMB: { before: rssBefore, peak: rssPeak, after: rssAfter },
      tempFilesLeft: tmpLeft.length,
    },
    null,
    2,
  ),
);
