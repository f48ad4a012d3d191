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
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '..');
const MIB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_SIZE ?? 1024 * MIB);
const BOT_PASSWORD = 'bench-bot-password-0123456789abcdef';

// ---------------------------------------------------------------- PNG files of a given size
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer, c = 0xffffffff): number {
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return c;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE((crc32(td) ^ 0xffffffff) >>> 0);
  return Buffer.concat([len, td, c]);
}
function smallPng(size: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(4, 0);
  ihdr.writeUInt32BE(4, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const rows = Buffer.concat(
    Array.from({ length: 4 }, () => Buffer.concat([Buffer.from([0]), randomBytes(12)])),
  );
  const head = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
  ]);
  const iend = chunk('IEND', Buffer.alloc(0));
  const pad = size - head.length - iend.length - 12;
  return Buffer.concat([head, chunk('prVt', randomBytes(pad)), iend]);
}
/** Write a PNG of `size` bytes to disk without holding it in memory; returns its SHA-1. */
async function bigPng(path: string, size: number): Promise<string> {
  const small = smallPng(200);
  const head = small.subarray(0, small.length - 12 - (200 - 0)); // up to the prVt chunk
  const prefix = smallPng(200);
  const idatEnd = prefix.indexOf(Buffer.from('prVt')) - 4;
  const start = prefix.subarray(0, idatEnd);
  void head;
  const iend = chunk('IEND', Buffer.alloc(0));
  const padLen = size - start.length - iend.length - 12;
  const fh = await open(path, 'w');
  const sha = createHash('sha1');
  const put = async (b: Buffer) => {
    sha.update(b);
    await fh.write(b);
  };
  const len = Buffer.alloc(4);
  len.writeUInt32BE(padLen);
  await put(start);
  await put(Buffer.concat([len, Buffer.from('prVt')]));
  let crc = crc32(Buffer.from('prVt'));
  let left = padLen;
  while (left > 0) {
    const b = randomBytes(Math.min(left, 8 * MIB));
    crc = crc32(b, crc);
    await put(b);
    left -= b.length;
  }
  const c = Buffer.alloc(4);
  c.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  await put(c);
  await put(iend);
  await fh.close();
  return sha.digest('hex');
}

// ---------------------------------------------------------------- server and client
interface Server {
  child: ChildProcess;
  api: string;
  dataDir: string;
}
async function startServer(): Promise<Server> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mwup-bench-'));
  const env = {
    ...process.env,
    MWUP_DATA_DIR: dataDir,
    MWUP_PORT: '0',
    MWUP_ADMIN_PASSWORD: 'bench-admin-password',
  };
  await writeFile(
    join(dataDir, 'config.json'),
    JSON.stringify({
      uploads: { maxUploadSize: 8 * 1024 * MIB },
      copyUploads: { enabled: true, allowAddresses: ['127.0.0.0/8'], timeoutSeconds: 600 },
      groupPermissions: { sysop: { upload_by_url: true } },
    }),
  );
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
      join(ROOT, 'packages/server/dist/main.js'),
    ],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const api = await new Promise<string>((res, rej) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /API at (\S+)/.exec(out);
      if (m) res(m[1]!);
    });
    child.once('exit', (c) => rej(new Error(`server exited ${c}`)));
  });
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'packages/server/dist/admin/cli.js'),
      'bot-password',
      'Admin',
      'bot',
      '--password',
      BOT_PASSWORD,
      '--grants',
      'basic,highvolume,editpage,createeditmovepage,uploadfile,uploadeditmovefile',
    ],
    { env },
  );
  return { child, api, dataDir };
}
async function peakRss(pid: number): Promise<number> {
  const s = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(s)![1]) * 1024;
}

/** The parts of API answers the benchmarks look at. */
interface Answer {
  login?: { result: string };
  query?: { tokens: { logintoken: string; csrftoken: string } };
  upload?: { result: string; filekey?: string; imageinfo?: { sha1: string } };
  error?: { code: string; info: string };
}

class Client {
  cookie = '';
  token = '';
  constructor(readonly api: string) {}
  async call(params: Record<string, string>, method = 'POST'): Promise<Answer> {
    const body = new URLSearchParams({ format: 'json', ...params });
    const res = await fetch(method === 'GET' ? `${this.api}?${body}` : this.api, {
      method,
      body: method === 'GET' ? undefined : body,
      headers: this.cookie ? { cookie: this.cookie } : {},
    });
    for (const c of res.headers.getSetCookie()) this.cookie = c.split(';')[0]!;
    return res.json();
  }
  async login() {
    const t = await this.call({ action: 'query', meta: 'tokens', type: 'login' }, 'GET');
    const r = await this.call({
      action: 'login',
      lgname: 'Admin@bot',
      lgpassword: BOT_PASSWORD,
      lgtoken: t.query?.tokens.logintoken ?? '',
    });
    if (r.login?.result !== 'Success') throw new Error(JSON.stringify(r));
    this.token = (await this.call({ action: 'query', meta: 'tokens' }, 'GET')).query?.tokens.csrftoken ?? '';
  }
  /** A multipart POST whose file part streams from `file` (a path + range, or a buffer). */
  upload(
    fields: Record<string, string>,
    field: string,
    file: Buffer | { path: string; start: number; end: number },
  ): Promise<Answer> {
    const boundary = `bench${randomBytes(8).toString('hex')}`;
    let head = '';
    for (const [k, v] of Object.entries({ format: 'json', action: 'upload', token: this.token, ...fields })) {
      head += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
    }
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="f"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const tail = `\r\n--${boundary}--\r\n`;
    const size = Buffer.isBuffer(file) ? file.length : file.end - file.start + 1;
    const url = new URL(this.api);
    return new Promise((resolvePromise, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            cookie: this.cookie,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': Buffer.byteLength(head) + size + Buffer.byteLength(tail),
          },
        },
        (res) => {
          let data = '';
          res.on('data', (d) => {
            data += d;
          });
          res.on('end', () => resolvePromise(JSON.parse(data)));
        },
      );
      req.on('error', reject);
      if (Buffer.isBuffer(file)) {
        req.end(Buffer.concat([Buffer.from(head), file, Buffer.from(tail)]));
      } else {
        req.write(head);
        const rs = createReadStream(file.path, { start: file.start, end: file.end, highWaterMark: MIB });
        rs.pipe(req, { end: false });
        rs.on('end', () => req.end(tail));
      }
    });
  }
}

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
