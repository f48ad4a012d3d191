/**
 * tus-node-server side by side: `@tus/server` with its `FileStore` in a child process (its RSS is read
 * like mwup's, and it has an event loop of its own), driven by tus-js-client as its users would, and by
 * a lean client (plain `PATCH` requests streamed from the file) to tell the client's cost from the server's.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Upload } from 'tus-js-client';
import { type Body, bodySize, sendBody } from './client.js';
import { type Child, startChild } from './proc.js';

const SERVER = `
import { createServer } from 'node:http';
import { Server } from '@tus/server';
import { FileStore } from '@tus/file-store';
const tus = new Server({ path: '/files', datastore: new FileStore({ directory: process.argv[1] }) });
const s = createServer((req, res) => tus.handle(req, res));
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
`;

export interface TusServer extends Child {
  endpoint: string;
  dir: string;
}

export async function startTusServer(): Promise<TusServer> {
  const dir = await mkdtemp(join(tmpdir(), 'mwup-bench-tus-'));
  const child = await startChild(SERVER, [dir], true);
  return {
    ...child,
    endpoint: `http://127.0.0.1:${child.port}/files`,
    dir,
    stop: async () => {
      await child.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * tus-js-client in this process, reading the file by path (`fs.ReadStream`), `chunkSize` bytes a PATCH;
 * `headers` go with every request (mwup's session cookie). `filekey`: mwup's `Upload-Filekey`.
 */
export async function tusJsUpload(
  endpoint: string,
  path: string,
  chunkSize: number,
  filename: string,
  headers: Record<string, string> = {},
) {
  const t0 = performance.now();
  let filekey: string | undefined;
  const url = await new Promise<string>((res, rej) => {
    const up = new Upload(createReadStream(path), {
      endpoint,
      chunkSize,
      headers,
      retryDelays: null,
      metadata: { filename },
      onAfterResponse: (_req, r) => {
        filekey = r.getHeader('Upload-Filekey') ?? filekey;
      },
      onError: rej,
      onSuccess: () => res(up.url!),
    });
    up.start();
  });
  return { seconds: (performance.now() - t0) / 1000, url, filekey };
}

/** The same with plain requests: a `POST` that creates the upload, then a `PATCH` for each chunk. */
export async function tusLeanUpload(
  endpoint: string,
  path: string,
  size: number,
  chunk: number,
  filename: string,
  headers: Record<string, string> = {},
) {
  const t0 = performance.now();
  let filekey: string | undefined;
  const created = await send('POST', endpoint, {
    ...headers,
    'tus-resumable': '1.0.0',
    'upload-length': String(size),
    'upload-metadata': `filename ${Buffer.from(filename).toString('base64')}`,
  });
  const url = new URL(String(created.headers.location), endpoint).href;
  if (created.status !== 201) throw new Error(`tus POST answered ${created.status}`);
  for (let off = 0; off < size; off += chunk) {
    const r = await send(
      'PATCH',
      url,
      {
        ...headers,
        'tus-resumable': '1.0.0',
        'upload-offset': String(off),
        'content-type': 'application/offset+octet-stream',
      },
      { path, start: off, end: Math.min(size, off + chunk) - 1 },
    );
    if (r.status !== 204) throw new Error(`tus PATCH at ${off} answered ${r.status}`);
    filekey = (r.headers['upload-filekey'] as string | undefined) ?? filekey;
  }
  return { seconds: (performance.now() - t0) / 1000, url, filekey };
}

/** Checks the file the store kept for `url` (not timed). */
export async function checkTusFile(dir: string, url: string, size: number, sha1: string) {
  const id = url.slice(url.lastIndexOf('/') + 1);
  const path = join(dir, id);
  if ((await stat(path)).size !== size) throw new Error(`tus stored ${path} with the wrong size`);
  const h = createHash('sha1');
  for await (const b of createReadStream(path, { highWaterMark: 8 << 20 })) h.update(b as Buffer);
  if (h.digest('hex') !== sha1) throw new Error(`tus stored ${path} with the wrong content`);
  await rm(path);
  for (const f of await readdir(dir)) if (f.startsWith(id)) await rm(join(dir, f), { force: true });
}

function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: Body,
): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: { ...headers, 'content-length': body ? bodySize(body) : 0 } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    if (body) sendBody(req, body);
    else req.end();
  });
}
