/** The mwup server as a child process (so that its peak RSS can be read) and a lean HTTP client for it. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const MIB = 1024 * 1024;
export const BOT_PASSWORD = 'bench-bot-password-0123456789abcdef';

export interface Server {
  child: ChildProcess;
  api: string;
  dataDir: string;
}
export async function startServer(config: Record<string, unknown> = {}): Promise<Server> {
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
      ...config,
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
export async function peakRss(pid: number): Promise<number> {
  const s = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(s)![1]) * 1024;
}

/** The parts of API answers the benchmarks look at. */
export interface Answer {
  login?: { result: string };
  query?: { tokens: { logintoken: string; csrftoken: string } };
  upload?: { result: string; filekey?: string; imageinfo?: { sha1: string } };
  error?: { code: string; info: string };
}

export class Client {
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
