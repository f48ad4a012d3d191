/**
 * Uploading at full speed: every byte of a file is read from disk once (hashed while it is sent, not
 * read again once the server confirmed it), the file's modification check is not a system call per
 * read, and chunks grow while the server takes them quickly — and come back down when a large one is
 * refused. Observed through an instrumented source and the file transport's requests.
 */
import assert from 'node:assert/strict';
import { existsSync, readlinkSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  FileSource,
  type FileTransport,
  nodeFileTransport,
  type ResumeToken,
  type UploadSource,
} from '../../src/index.js';
import { sha1Hex, writePng } from './fixtures.js';
import { clientFor, downloadedSha1, uniqueName, useWiki } from './helpers.js';

const KiB = 1024;
const MiB = 1024 * KiB;

const ctx = useWiki();

async function file(name: string, size: number): Promise<{ path: string; sha1: string; bytes: Buffer }> {
  const path = join(ctx.tmp, name);
  const sha1 = await writePng(path, size);
  return { path, sha1, bytes: await readFile(path) };
}

/** A file source that counts the bytes read from it. */
async function counting(path: string): Promise<{ source: UploadSource; read: () => number }> {
  const src = await FileSource.open(path);
  let read = 0;
  const source: UploadSource = {
    size: src.size,
    seekable: true,
    name: src.name,
    path: src.path,
    mtimeMs: src.mtimeMs,
    async read(start, end, signal) {
      const b = await src.read(start, end, signal);
      read += b.byteLength;
      return b;
    },
    async readInto(start, target, signal) {
      const n = await src.readInto(start, target, signal);
      read += n;
      return n;
    },
    close: () => src.close(),
  };
  return { source, read: () => read };
}

interface Sent {
  field: string;
  start: number;
  end: number;
  refused?: boolean;
}

/**
 * The Node file transport, recording the byte range of every request; `rule` may answer a request
 * itself instead (or throw, as a lost connection).
 */
function recording(
  rule?: (
    r: Sent,
    req: Parameters<FileTransport>[0],
  ) => Promise<Awaited<ReturnType<FileTransport>>> | undefined,
): { transport: FileTransport; sent: Sent[]; chunks: () => Sent[] } {
  const inner = nodeFileTransport();
  const sent: Sent[] = [];
  const transport: FileTransport = (req) => {
    const r: Sent = { field: req.field, start: req.file.range.start, end: req.file.range.end };
    sent.push(r);
    return rule?.(r, req) ?? inner(req);
  };
  return { transport, sent, chunks: () => sent.filter((s) => s.field === 'chunk') };
}

const len = (s: Sent) => s.end - s.start;

/** Every resume token's SHA-1 is that of the file's first `offset` bytes. */
function assertTokens(tokens: ResumeToken[], bytes: Buffer) {
  assert.ok(tokens.length > 0);
  for (const t of tokens) {
    assert.equal(t.sha1, sha1Hex(bytes.subarray(0, t.offset)), `token at ${t.offset} (${t.stage})`);
  }
}

describe('each byte is read once', () => {
  it('a chunked upload reads the file once, hashing while it sends', async () => {
    const f = await file('once-chunked.png', 2 * MiB + 12_345);
    const { source, read } = await counting(f.path);
    const rec = recording();
    const c = clientFor(ctx.wiki, ctx.wiki.api, { fileTransport: rec.transport });
    const tokens: ResumeToken[] = [];
    const r = await c.upload(source, {
      filename: uniqueName('ReadOnceChunked'),
      chunkSize: 256 * KiB,
      onResumeToken: (t) => {
        tokens.push(t);
      },
    });
    assert.equal(r.result, 'Success');
    assert.equal(r.sha1, f.sha1);
    assert.equal(rec.chunks().length, 9);
    assert.equal(read(), f.bytes.length, 'bytes read from the file');
    assertTokens(tokens, f.bytes);
  });

  it('a direct upload reads the file once', async () => {
    const f = await file('once-direct.png', 700 * KiB);
    const { source, read } = await counting(f.path);
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    const r = await c.upload(source, { filename: uniqueName('ReadOnceDirect'), chunkThreshold: MiB });
    assert.equal(r.result, 'Success');
    assert.equal(r.sha1, f.sha1);
    assert.equal(r.imageinfo?.sha1, f.sha1);
    assert.equal(read(), f.bytes.length);
  });

  it('a chunk read and then lost is read once more to re-send it, never to hash it', async () => {
    const f = await file('once-lost.png', 1 * MiB + 100);
    const { source, read } = await counting(f.path);
    let lost = false;
    const rec = recording((s, req) => {
      if (s.field !== 'chunk' || s.start !== 512 * KiB || lost) return undefined;
      lost = true;
      // The whole body is read, then the connection breaks before the answer.
      return (async () => {
        const scratch = new Uint8Array(len(s));
        await req.file.range.source.readInto?.(s.start, scratch, req.signal);
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      })();
    });
    const c = clientFor(ctx.wiki, ctx.wiki.api, { fileTransport: rec.transport });
    const tokens: ResumeToken[] = [];
    const r = await c.upload(source, {
      filename: uniqueName('ReadOnceLost'),
      chunkSize: 256 * KiB,
      onResumeToken: (t) => {
        tokens.push(t);
      },
    });
    assert.equal(r.result, 'Success');
    assert.equal(r.sha1, f.sha1);
    assert.ok(lost);
    assert.equal(read(), f.bytes.length + 256 * KiB);
    assertTokens(tokens, f.bytes);
  });

  it('checks the file for changes once per run of reads, not on every read', async (t) => {
    if (!existsSync('/proc/self/fd')) {
      t.skip('needs /proc/self/fd to tell this file from others');
      return;
    }
    const f = await file('stat-count.png', 6 * MiB);
    const probe = await open(f.path, 'r');
    const proto = Object.getPrototypeOf(probe) as { stat: (...a: unknown[]) => Promise<unknown> };
    await probe.close();
    const original = proto.stat;
    let stats = 0;
    proto.stat = function (this: { fd: number }, ...a: unknown[]) {
      try {
        if (readlinkSync(`/proc/self/fd/${this.fd}`) === f.path) stats++;
      } catch {
        // not a file of this test
      }
      return original.apply(this, a);
    };
    try {
      const c = clientFor(ctx.wiki, ctx.wiki.api);
      const r = await c.upload(f.path, {
        filename: uniqueName('StatCount'),
        chunkSize: 2 * MiB,
        ignoreWarnings: true,
      });
      assert.equal(r.result, 'Success');
      assert.equal(r.sha1, f.sha1);
    } finally {
      proto.stat = original;
    }
    // Opening it, the first read, and the read that reaches the end.
    assert.ok(stats >= 1 && stats <= 3, `${stats} stat calls for a 6 MiB file`);
  });
});

describe('chunk sizes adapt', () => {
  it('grow while the server is fast, up to maxChunkSize', async () => {
    const f = await file('grow.png', 2 * MiB + 777);
    const rec = recording();
    const c = clientFor(ctx.wiki, ctx.wiki.api, { fileTransport: rec.transport });
    const tokens: ResumeToken[] = [];
    const name = uniqueName('Grow');
    const r = await c.upload(f.path, {
      filename: name,
      chunkSize: 128 * KiB,
      maxChunkSize: 512 * KiB,
      onResumeToken: (t) => {
        tokens.push(t);
      },
    });
    assert.equal(r.result, 'Success');
    assert.equal(r.sha1, f.sha1);
    const sizes = rec.chunks().map(len);
    assert.equal(sizes[0], 128 * KiB);
    assert.ok(Math.max(...sizes) === 512 * KiB, `chunk sizes ${sizes}`);
    assert.ok(sizes.length < (2 * MiB) / (128 * KiB), `chunk sizes ${sizes}`);
    // In order, without gaps.
    const chunks = rec.chunks();
    for (let i = 1; i < chunks.length; i++) assert.equal(chunks[i]?.start, chunks[i - 1]?.end);
    assert.equal(chunks[0]?.start, 0);
    assert.equal(rec.chunks().at(-1)?.end, f.bytes.length);
    assertTokens(tokens, f.bytes);
    assert.deepEqual(await downloadedSha1(c, name), { sha1: f.sha1, size: f.bytes.length });
  });

  it('an explicit chunkSize without maxChunkSize keeps every chunk that size', async () => {
    const f = await file('fixed.png', MiB + 5);
    const rec = recording();
    const c = clientFor(ctx.wiki, ctx.wiki.api, { fileTransport: rec.transport });
    const r = await c.upload(f.path, { filename: uniqueName('Fixed'), chunkSize: 128 * KiB });
    assert.equal(r.result, 'Success');
    assert.deepEqual(rec.chunks().map(len), [...Array.from({ length: 8 }, () => 128 * KiB), 5]);
  });

  it('a large chunk that is refused is sent again in chunks of the first size, and never grows back', async () => {
    const f = await file('refused.png', 2 * MiB + 99);
    const rec = recording((s) => {
      if (s.field !== 'chunk' || len(s) <= 256 * KiB) return undefined;
      s.refused = true;
      return Promise.resolve({
        status: 413,
        statusText: 'Payload Too Large',
        headers: new Headers({ 'content-type': 'text/html' }),
        text: '<html><body>413 Request Entity Too Large</body></html>',
      });
    });
    const c = clientFor(ctx.wiki, ctx.wiki.api, { fileTransport: rec.transport });
    const name = uniqueName('Refused');
    const r = await c.upload(f.path, { filename: name, chunkSize: 128 * KiB, maxChunkSize: 2 * MiB });
    assert.equal(r.result, 'Success');
    assert.equal(r.sha1, f.sha1);
    const chunks = rec.chunks();
    const refused = chunks.filter((s) => s.refused);
    assert.equal(refused.length, 1, `chunks ${chunks.map(len)}`);
    assert.equal(len(refused[0] as Sent), 512 * KiB);
    const after = chunks.slice(chunks.indexOf(refused[0] as Sent) + 1);
    assert.equal(len(after[0] as Sent), 128 * KiB);
    assert.ok(
      after.every((s) => len(s) <= 256 * KiB),
      `chunks after the refusal ${after.map(len)}`,
    );
    assert.deepEqual(await downloadedSha1(c, name), { sha1: f.sha1, size: f.bytes.length });
  });
});
