/**
 * A lean HTTP client for an upload API (mwup, MediaWiki, the null sink): login with a bot password and
 * multipart uploads whose file part streams from a file range or a buffer, so that the client costs
 * as little as it can and the same client drives every server.
 */
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { request } from 'node:http';
import type { Writable } from 'node:stream';

const MIB = 1024 * 1024;

/** The parts of API answers the benchmarks look at. */
export interface Answer {
  login?: { result: string; reason?: string };
  query?: { tokens: { logintoken: string; csrftoken: string } };
  upload?: { result: string; filekey?: string; offset?: number; imageinfo?: { sha1: string } };
  error?: { code: string; info: string };
}

/** A file range (both ends included, as `fs.createReadStream` takes them) or the bytes themselves. */
export type Body = Buffer | { path: string; start: number; end: number };

export const bodySize = (b: Body) => (Buffer.isBuffer(b) ? b.length : b.end - b.start + 1);

export interface Login {
  user: string;
  password: string;
}

export class Client {
  private readonly cookies = new Map<string, string>();
  token = '';
  constructor(
    readonly api: string,
    private readonly credentials?: Login,
  ) {}

  /** The session's `Cookie` header (for requests made without this client). */
  cookieHeader(): string {
    return this.cookie;
  }

  private get cookie(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  private keepCookies(setCookie: string[]) {
    for (const c of setCookie) {
      const pair = c.split(';')[0]!;
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
  }

  async call(params: Record<string, string>, method = 'POST'): Promise<Answer> {
    const body = new URLSearchParams({ format: 'json', ...params });
    const res = await fetch(method === 'GET' ? `${this.api}?${body}` : this.api, {
      method,
      body: method === 'GET' ? undefined : body,
      headers: { cookie: this.cookie },
    });
    this.keepCookies(res.headers.getSetCookie());
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`${this.api} answered ${res.status}: ${text.slice(0, 300)}`);
    }
  }

  /** Logs in with the bot password (when there is one) and fetches the CSRF token. */
  async login(): Promise<this> {
    if (this.credentials) {
      const t = await this.call({ action: 'query', meta: 'tokens', type: 'login' }, 'GET');
      const r = await this.call({
        action: 'login',
        lgname: this.credentials.user,
        lgpassword: this.credentials.password,
        lgtoken: t.query?.tokens.logintoken ?? '',
      });
      if (r.login?.result !== 'Success') throw new Error(`login failed: ${JSON.stringify(r)}`);
    }
    this.token = (await this.call({ action: 'query', meta: 'tokens' }, 'GET')).query?.tokens.csrftoken ?? '';
    return this;
  }

  /** A multipart POST (`action=upload`) whose file part, named `field`, streams from `file`. */
  upload(fields: Record<string, string>, field: string, file: Body): Promise<Answer> {
    const boundary = `bench${randomBytes(8).toString('hex')}`;
    let head = '';
    for (const [k, v] of Object.entries({ format: 'json', action: 'upload', token: this.token, ...fields })) {
      head += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
    }
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="f"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const tail = `\r\n--${boundary}--\r\n`;
    const length = Buffer.byteLength(head) + bodySize(file) + Buffer.byteLength(tail);
    return new Promise((resolvePromise, reject) => {
      const req = this.post(`multipart/form-data; boundary=${boundary}`, length, (status, text) => {
        try {
          resolvePromise(JSON.parse(text));
        } catch {
          reject(new Error(`${this.api} answered ${status}: ${text.slice(0, 300)}`));
        }
      });
      req.on('error', reject);
      req.write(head);
      sendBody(req, file, tail);
    });
  }

  private post(type: string, length: number, done: (status: number, text: string) => void) {
    const url = new URL(this.api);
    return request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: 'POST',
        headers: { cookie: this.cookie, 'content-type': type, 'content-length': length },
      },
      (res) => {
        this.keepCookies(res.headers['set-cookie'] ?? []);
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          data += d;
        });
        res.on('end', () => done(res.statusCode ?? 0, data));
      },
    );
  }
}

/**
 * Writes `file` to a request, then `tail`, and ends it. A file range is read into 1 MiB buffers that
 * are reused once the socket has taken their bytes (two in flight): the client makes no garbage per
 * MiB, so its collector does not take CPU from the server it measures (a `createReadStream`, a new
 * buffer per read, kept the null sink under 1,000 MiB/s on a 2-core machine; this, 2,000–3,300).
 */
export function sendBody(req: Writable, file: Body, tail = '') {
  if (Buffer.isBuffer(file)) {
    req.end(tail ? Buffer.concat([file, Buffer.from(tail)]) : file);
    return;
  }
  sendFileRange(req, file, tail);
}

/** Read buffers the socket is done with. */
const spare: Buffer[] = [];
const SPARE = 8;

function sendFileRange(req: Writable, file: { path: string; start: number; end: number }, tail: string) {
  (async () => {
    const fh = await open(file.path, 'r');
    try {
      let pending = 0;
      let wake: (() => void) | null = null;
      let closed = false;
      req.once('close', () => {
        closed = true;
        wake?.();
      });
      for (let pos = file.start; pos <= file.end && !closed; ) {
        const buf = spare.pop() ?? Buffer.allocUnsafeSlow(MIB);
        const { bytesRead } = await fh.read(buf, 0, Math.min(MIB, file.end + 1 - pos), pos);
        if (bytesRead === 0) throw new Error(`${file.path} ends before byte ${pos}`);
        pos += bytesRead;
        pending++;
        req.write(bytesRead === MIB ? buf : buf.subarray(0, bytesRead), () => {
          if (spare.length < SPARE) spare.push(buf);
          pending--;
          wake?.();
        });
        while (pending >= 2 && !closed)
          await new Promise<void>((r) => {
            wake = r;
          });
      }
      if (!closed) req.end(tail);
    } finally {
      await fh.close();
    }
  })().catch((e: Error) => req.destroy(e));
}
