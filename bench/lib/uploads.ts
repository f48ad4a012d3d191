/**
 * The upload workloads, the same against every server that speaks the upload API (mwup, MediaWiki,
 * the null sink): many small files by parallel clients, one direct upload, one chunked upload and its
 * publish by `filekey`.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Answer, type Body, Client, type Login } from './client.js';
import { smallPng } from './png.js';

export const MIB = 1024 * 1024;

/** Where to upload; `verify` checks the SHA-1 the server reports (the null sink reports none). */
export interface Target {
  api: string;
  login?: Login;
  verify: boolean;
  /** Called when the measured work begins (after the logins and any warm-up): the server's peak RSS and CPU are read from here on. */
  ready?(): Promise<void>;
}

/**
 * `count` clients, logged in; then the target is told that the measured work begins (unless `ready`
 * is false: the caller tells it, after its warm-up).
 */
export async function loggedIn(target: Target, count: number, ready = true): Promise<Client[]> {
  const clients = await Promise.all(
    Array.from({ length: count }, () => new Client(target.api, target.login).login()),
  );
  if (ready) await target.ready?.();
  return clients;
}

const ok = (a: Answer) => a.upload?.result === 'Success';
const brief = (a: Answer) => JSON.stringify(a).slice(0, 300);

export interface SmallOptions {
  /** The files, made before the clock starts; without them each upload makes a fresh one. */
  files?: Buffer[];
  size?: number;
  /** Called (awaited by the client that got there) each time this many uploads are done. */
  every?: number;
  onEvery?: (done: number) => Promise<void>;
}

/** `count` uploads of small PNGs, the clients in parallel, each waiting for its answer before the next. */
export async function smallUploads(
  clients: Client[],
  count: number,
  prefix: string,
  opts: SmallOptions = {},
) {
  const size = opts.size ?? 20_000;
  let next = 0;
  let done = 0;
  let failures = 0;
  let firstFailure = '';
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c, ci) => {
      while (next < count) {
        const i = next++;
        const file = opts.files?.[i] ?? smallPng(size);
        const r = await c.upload({ filename: `${prefix} ${ci}-${i}.png`, ignorewarnings: '1' }, 'file', file);
        if (!ok(r)) {
          failures++;
          if (!firstFailure) {
            // The file itself, for a look afterwards: these are random bytes that every server takes.
            const kept = join(tmpdir(), `mwup-bench-refused-${process.pid}-${i}.png`);
            writeFileSync(kept, file);
            firstFailure = `${brief(r)} (the file: ${kept})`;
          }
        }
        done++;
        if (opts.every && opts.onEvery && done % opts.every === 0) await opts.onEvery(done);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { files: count, clients: clients.length, seconds, rate: count / seconds, failures, firstFailure };
}

/** One multipart POST of the whole file. */
export async function directUpload(c: Client, file: Body, filename: string, sha1?: string) {
  const t0 = performance.now();
  const r = await c.upload({ filename, ignorewarnings: '1' }, 'file', file);
  const seconds = (performance.now() - t0) / 1000;
  if (!ok(r) || (sha1 && r.upload?.imageinfo?.sha1 !== sha1))
    throw new Error(`direct upload of ${filename} failed: ${brief(r)}`);
  return seconds;
}

/** The file in `chunk`-byte pieces (`stash=1`), each waiting for the previous one's answer, then the publish. */
export async function chunkedUpload(
  c: Client,
  file: { path: string; size: number },
  chunk: number,
  filename: string,
  sha1?: string,
) {
  let filekey = '';
  const t0 = performance.now();
  let last: Answer | undefined;
  for (let off = 0; off < file.size; off += chunk) {
    const fields: Record<string, string> = {
      filename,
      stash: '1',
      filesize: String(file.size),
      offset: String(off),
      ignorewarnings: '1',
    };
    if (filekey) fields.filekey = filekey;
    last = await c.upload(fields, 'chunk', {
      path: file.path,
      start: off,
      end: Math.min(file.size, off + chunk) - 1,
    });
    if (!last.upload || last.error) throw new Error(`chunk at ${off} of ${filename}: ${brief(last)}`);
    filekey = last.upload.filekey ?? '';
  }
  if (!last || !ok(last)) throw new Error(`last chunk of ${filename}: ${last && brief(last)}`);
  const tChunks = performance.now();
  const commit = await c.call({ action: 'upload', filename, filekey, ignorewarnings: '1', token: c.token });
  const t1 = performance.now();
  if (!ok(commit) || (sha1 && commit.upload?.imageinfo?.sha1 !== sha1))
    throw new Error(`publish of ${filename} failed: ${brief(commit)}`);
  return { seconds: (t1 - t0) / 1000, commitSeconds: (t1 - tChunks) / 1000 };
}

/**
 * Runs `run` `warmup.rounds` times unmeasured, then calls `warmup.measureFrom` (where the measured work
 * begins), then runs it `rounds` times and keeps the fastest round (highest `rate`), with every
 * measured round's rate.
 */
export async function bestOf<T extends { rate: number }>(
  rounds: number,
  run: (round: number) => Promise<T>,
  log?: (r: T, round: number) => void,
  warmup?: { rounds: number; measureFrom?: () => Promise<void> },
): Promise<T & { rounds: number[] }> {
  // Warm-up rounds are numbered from `rounds` on (names stay unique) and logged as round 0.
  for (let i = 0; i < (warmup?.rounds ?? 0); i++) log?.(await run(rounds + i), -1);
  await warmup?.measureFrom?.();
  let best: T | undefined;
  const rates: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const r = await run(i);
    log?.(r, i);
    rates.push(+r.rate.toFixed(2));
    if (!best || r.rate > best.rate) best = r;
  }
  return { ...best!, rounds: rates };
}
