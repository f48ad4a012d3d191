/**
 * Client throughput: a chunked upload of one file (default 256 MiB) to the same mwup server by the
 * lean uploader of the benchmarks (bench/lib/client.ts: plain 5 MiB chunks streamed from the file,
 * nothing else), by the client library (reading from the file path, with its defaults: hashing while
 * sending, growing chunks, the SHA-1 check) and by the `mwup` CLI in a child process. Logins and a
 * warm-up upload of each are left out; every round runs each uploader once, in turn; the best round of
 * each counts. Prints MiB/s and the ratios to the lean uploader with their goals (library ≥ 0.9×,
 * CLI ≥ 0.85×) on stdout, then one JSON line; progress on stderr.
 *
 *   npm run build -w packages/server && node --import tsx bench/client-speed.ts
 *   node --import tsx bench/client-speed.ts --size 8M --rounds 1        # a quick smoke run
 *
 * Options: --size (256M), --rounds (3), --chunk (5M: the lean uploader's chunk size and the first
 * chunk of the library), --max-chunk (64M: the library's largest chunk), --warmup (32M),
 * --variants (lean,library,cli; also library-fixed: the library in fixed --chunk chunks, and
 * cli-no-precheck: the CLI without its SHA-1 lookup before sending), --cli src|dist (src: the CLI's
 * TypeScript through tsx, no build needed; dist: packages/client/dist/cli/mwup.js). The CLI's time is
 * the one it reports for the file in --json (from after its login to the end of the upload).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MwClient, parseSize } from '../packages/client/src/index.js';
import { Client } from './lib/client.js';
import { startServer } from './lib/mwup.js';
import { bigPng } from './lib/png.js';
import { ROOT } from './lib/proc.js';
import { chunkedUpload, MIB } from './lib/uploads.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '256M' },
    rounds: { type: 'string', default: '3' },
    chunk: { type: 'string', default: '5M' },
    'max-chunk': { type: 'string', default: '64M' },
    warmup: { type: 'string', default: '32M' },
    variants: { type: 'string', default: 'lean,library,cli' },
    cli: { type: 'string', default: 'src' },
  },
});

const size = parseSize(values.size) ?? 256 * MIB;
const chunk = parseSize(values.chunk) ?? 5 * MIB;
const maxChunk = parseSize(values['max-chunk']) ?? 64 * MIB;
const warmupSize = Math.min(size, parseSize(values.warmup) ?? 32 * MIB);
const rounds = Math.max(1, Number(values.rounds) || 1);
const VARIANTS = ['lean', 'library', 'library-fixed', 'cli', 'cli-no-precheck'] as const;
type Variant = (typeof VARIANTS)[number];
const variants = values.variants.split(',').map((v) => v.trim()) as Variant[];
for (const v of variants) {
  if (!VARIANTS.includes(v)) throw new Error(`unknown variant ${v}; there are ${VARIANTS.join(', ')}`);
}
if (!variants.includes('lean')) variants.unshift('lean');
const CLI =
  values.cli === 'dist'
    ? { args: [join(ROOT, 'packages/client/dist/cli/mwup.js')] }
    : { args: ['--import', 'tsx', join(ROOT, 'packages/client/src/cli/mwup.ts')] };

const log = (m: string) => process.stderr.write(`${m}\n`);
const prefix = `ClientSpeed ${Date.now().toString(36)}`;

interface TestFile {
  path: string;
  size: number;
  sha1: string;
}

/** One upload by `variant`; resolves with the seconds it took. */
type Uploader = (f: TestFile, name: string) => Promise<number>;

async function leanUploader(api: string, login: { user: string; password: string }): Promise<Uploader> {
  const c = await new Client(api, login).login();
  return async (f, name) => (await chunkedUpload(c, f, chunk, name, f.sha1)).seconds;
}

async function libraryUploader(
  api: string,
  login: { user: string; password: string },
  fixed: boolean,
): Promise<Uploader> {
  const client = new MwClient({ api, username: login.user, password: login.password });
  await client.ensureLogin();
  await client.siteInfo();
  await client.getToken('csrf');
  return async (f, name) => {
    const t0 = performance.now();
    const r = await client.upload(f.path, {
      filename: name,
      ignoreWarnings: true,
      chunkSize: chunk,
      maxChunkSize: fixed ? chunk : maxChunk,
      chunkThreshold: Math.min(chunk, f.size - 1),
    });
    const seconds = (performance.now() - t0) / 1000;
    if (r.result !== 'Success' || r.sha1 !== f.sha1 || r.imageinfo?.sha1 !== f.sha1) {
      throw new Error(`library upload of ${name}: ${JSON.stringify(r).slice(0, 300)}`);
    }
    return seconds;
  };
}

async function cliUploader(
  api: string,
  login: { user: string; password: string },
  dir: string,
  precheck: boolean,
): Promise<Uploader> {
  const passwordFile = join(dir, 'password');
  await writeFile(passwordFile, login.password, { mode: 0o600 });
  return (f, name) =>
    new Promise<number>((resolvePromise, reject) => {
      const args = [
        ...CLI.args,
        'upload',
        f.path,
        '--api',
        api,
        '--user',
        login.user,
        '--password-file',
        passwordFile,
        '--filename',
        name,
        '--ignore-warnings',
        'all',
        '--threshold',
        String(Math.min(chunk, f.size - 1)),
        '--json',
        '--state',
        join(dir, 'state.json'),
        ...(precheck ? [] : ['--no-precheck']),
      ];
      const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => {
        try {
          const doc = JSON.parse(out) as { ok: boolean; results: { status: string; seconds: number }[] };
          const res = doc.results[0];
          if (code !== 0 || !doc.ok || !res) throw new Error(`exit ${code}`);
          resolvePromise(res.seconds);
        } catch (e) {
          reject(new Error(`mwup upload of ${name} failed (${(e as Error).message}): ${out.slice(0, 500)}`));
        }
      });
    });
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'packages/server/dist/main.js'))) {
    throw new Error('Build the server first: npm run build -w packages/server');
  }
  if (values.cli === 'dist' && !existsSync(CLI.args[0] as string)) {
    throw new Error('Build the client first (npm run build -w packages/client), or use --cli src');
  }
  const dir = await mkdtemp(join(tmpdir(), 'mwup-client-speed-'));
  const server = await startServer();
  try {
    log(
      `writing a ${(size / MIB).toFixed(1)} MiB test file and a ${(warmupSize / MIB).toFixed(1)} MiB warm-up file`,
    );
    const file: TestFile = { path: join(dir, 'test.png'), size, sha1: '' };
    file.sha1 = await bigPng(file.path, size);
    const warm: TestFile = { path: join(dir, 'warmup.png'), size: warmupSize, sha1: '' };
    warm.sha1 = await bigPng(warm.path, warmupSize);

    const uploaders = new Map<Variant, Uploader>();
    for (const v of variants) {
      uploaders.set(
        v,
        v === 'lean'
          ? await leanUploader(server.api, server.login)
          : v === 'library' || v === 'library-fixed'
            ? await libraryUploader(server.api, server.login, v === 'library-fixed')
            : await cliUploader(server.api, server.login, dir, v === 'cli'),
      );
    }
    for (const [v, up] of uploaders) {
      const s = await up(warm, `${prefix} warmup ${v}.png`);
      log(`warm-up ${v}: ${(warm.size / MIB / s).toFixed(1)} MiB/s`);
    }

    const rates = new Map<Variant, number[]>(variants.map((v) => [v, []]));
    for (let round = 0; round < rounds; round++) {
      for (const [v, up] of uploaders) {
        const s = await up(file, `${prefix} r${round} ${v}.png`);
        const rate = size / MIB / s;
        rates.get(v)?.push(rate);
        log(`round ${round + 1} ${v}: ${rate.toFixed(1)} MiB/s (${s.toFixed(2)} s)`);
      }
    }

    const best = (v: Variant) => Math.max(...(rates.get(v) ?? [0]));
    const lean = best('lean');
    const goals: Partial<Record<Variant, number>> = { library: 0.9, cli: 0.85 };
    const lines = [
      `client throughput, ${(size / MIB).toFixed(0)} MiB chunked (lean: ${(chunk / MIB).toFixed(1)} MiB chunks; library: from ${(chunk / MIB).toFixed(1)} MiB up to ${(maxChunk / MIB).toFixed(0)} MiB), best of ${rounds}, CLI from ${values.cli}`,
      '',
      `${'uploader'.padEnd(16)} ${'MiB/s'.padStart(8)} ${'× lean'.padStart(8)}  ${'goal'.padEnd(15)} rounds`,
    ];
    const report: Record<string, unknown> = { size, chunk, maxChunk, rounds, cliFrom: values.cli };
    for (const v of variants) {
      const r = best(v);
      const ratio = r / lean;
      const goal = goals[v];
      const verdict = goal === undefined ? '' : `≥ ${goal}: ${ratio >= goal ? 'met' : 'NOT met'}`;
      lines.push(
        `${v.padEnd(16)} ${r.toFixed(1).padStart(8)} ${ratio.toFixed(3).padStart(8)}  ${verdict.padEnd(15)} ${(rates.get(v) ?? []).map((x) => x.toFixed(1)).join(', ')}`,
      );
      report[v] = { mibPerSecond: +r.toFixed(2), ratio: +ratio.toFixed(3), rounds: rates.get(v) };
    }
    process.stdout.write(`${lines.join('\n')}\n\n${JSON.stringify(report)}\n`);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
