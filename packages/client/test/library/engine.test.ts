/**
 * Upload engine edge cases no real server can be made to produce on demand, against a small in-memory
 * fake of MediaWiki's chunk protocol: a server that goes back an offset, one that keeps refusing the
 * same offset, one that corrupts the assembled file.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { MwClient, UploadError, type UploadResult } from '../../src/index.js';

type Json = Record<string, unknown>;

interface FakeHooks {
  /** Makes the server forget everything after this many bytes (before the chunk is looked at). */
  truncate?: (offset: number, stored: number) => number | undefined;
  /** Called before a chunk is stored; may return an error object to answer instead. */
  beforeChunk?: (offset: number, stored: number, n: number) => Json | undefined;
  /** Changes the assembled bytes (to simulate corruption). */
  assemble?: (bytes: Buffer) => Buffer;
}

function fakeWiki(hooks: FakeHooks = {}) {
  const sessions = new Map<string, Buffer[]>();
  const stash = new Map<string, Buffer>();
  let keys = 0;
  let chunkCalls = 0;
  const published = new Map<string, Buffer>();
  const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const p = new Map<string, string>(url.searchParams);
    let chunk: Buffer | undefined;
    if (init?.body instanceof URLSearchParams) for (const [k, v] of init.body) p.set(k, v);
    if (init?.body instanceof FormData) {
      for (const [k, v] of init.body) {
        if (typeof v === 'string') p.set(k, v);
        else chunk = Buffer.from(await (v as Blob).arrayBuffer());
      }
    }
    const reply = (body: Json) =>
      new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    const error = (code: string, info: string, extra: Json = {}) =>
      reply({ error: { code, info, ...extra } });
    if (p.get('meta') === 'tokens') return reply({ query: { tokens: { csrftoken: 'tok+\\' } } });
    if (p.get('meta') === 'siteinfo')
      return reply({ query: { general: { generator: 'MediaWiki 1.39.17' } } });
    if (p.get('action') !== 'upload') return error('badvalue', 'unsupported');
    const filekey = p.get('filekey');
    if (p.has('checkstatus')) {
      const s = filekey ? sessions.get(filekey) : undefined;
      if (!s) return error('missingresult', 'No result in status data.');
      return reply({ upload: { result: 'Continue', stage: 'uploading', offset: Buffer.concat(s).length } });
    }
    if (chunk) {
      chunkCalls++;
      const offset = Number(p.get('offset'));
      const size = Number(p.get('filesize'));
      let key = filekey;
      if (offset === 0) {
        key = `k${++keys}.png`;
        sessions.set(key, []);
      }
      const s = sessions.get(key as string);
      if (!s) return error('uploadstash-file-not-found', `Key "${key}" not found in stash.`);
      const cut = hooks.truncate?.(offset, Buffer.concat(s).length);
      if (cut !== undefined) {
        const kept = Buffer.concat(s).subarray(0, cut);
        s.length = 0;
        s.push(kept);
      }
      const stored = Buffer.concat(s).length;
      const hooked = hooks.beforeChunk?.(offset, stored, chunkCalls);
      if (hooked) return reply(hooked);
      if (offset !== stored) return error('stashfailed', 'Invalid chunk offset', { offset: String(stored) });
      s.push(chunk);
      const now = stored + chunk.length;
      if (now < size) return reply({ upload: { result: 'Continue', offset: now, filekey: key } });
      let whole: Buffer = Buffer.concat(s);
      if (hooks.assemble) whole = hooks.assemble(whole);
      sessions.delete(key as string);
      const newKey = `k${++keys}.png`;
      stash.set(newKey, whole);
      return reply({
        upload: { result: 'Success', filekey: newKey, imageinfo: { size: whole.length, sha1: sha1(whole) } },
      });
    }
    if (filekey) {
      const b = stash.get(filekey);
      if (!b) return error('uploadstash-file-not-found', `Key "${filekey}" not found in stash.`);
      stash.delete(filekey);
      published.set(String(p.get('filename')), b);
      return reply({
        upload: {
          result: 'Success',
          filename: p.get('filename'),
          imageinfo: { size: b.length, sha1: sha1(b) },
        },
      });
    }
    return error('badvalue', 'unsupported');
  }) as typeof fetch;
  return { fetch: fetchImpl, published, chunkCalls: () => chunkCalls };
}

const client = (f: typeof fetch) =>
  new MwClient({
    api: 'http://fake.test/w/api.php',
    fetch: f,
    backoff: { baseMs: 1, maxMs: 2 },
    maxlag: false,
  });

describe('upload engine against a misbehaving server', () => {
  it('follows the server back when it lost chunks it had confirmed', async () => {
    const data = randomBytes(10 * 1024 + 7);
    let lost = false;
    const wiki = fakeWiki({
      truncate: (offset, stored) => {
        // When the fourth chunk arrives, the server has forgotten the second and third.
        if (!lost && offset === 3 * 1024 && stored === 3 * 1024) {
          lost = true;
          return 1024;
        }
        return undefined;
      },
    });
    const r = await client(wiki.fetch).upload(data, { filename: 'Back.png', chunkSize: 1024 });
    assert.ok(lost);
    assert.equal(r.result, 'Success');
    assert.equal(
      (r as Extract<UploadResult, { result: 'Success' }>).sha1,
      createHash('sha1').update(data).digest('hex'),
    );
    assert.deepEqual(wiki.published.get('Back.png'), data);
  });

  it('stops instead of looping when the server keeps naming the same offset', async () => {
    const wiki = fakeWiki({
      beforeChunk: (offset) =>
        offset > 0
          ? {
              error: {
                code: 'stashfailed',
                info: 'Invalid chunk offset',
                offset: offset === 1024 ? '2048' : '1024',
              },
            }
          : undefined,
    });
    await assert.rejects(
      client(wiki.fetch).upload(randomBytes(5000), { filename: 'Loop.png', chunkSize: 1024 }),
      (e: unknown) => e instanceof UploadError && e.code === 'offset-loop',
    );
    assert.ok(wiki.chunkCalls() < 20);
  });

  it('refuses to publish when the assembled file differs from the local bytes', async () => {
    const wiki = fakeWiki({
      assemble: (b) => {
        const c = Buffer.from(b);
        c[100] = (c[100] as number) ^ 0xff;
        return c;
      },
    });
    await assert.rejects(
      client(wiki.fetch).upload(randomBytes(4000), { filename: 'Corrupt.png', chunkSize: 1024 }),
      (e: unknown) =>
        e instanceof UploadError && e.code === 'sha1-mismatch' && typeof e.data.filekey === 'string',
    );
    assert.equal(wiki.published.size, 0);
  });

  it('treats a final stashfailed without offset (verification failure) as final', async () => {
    const wiki = fakeWiki({
      beforeChunk: (offset) =>
        offset === 3072
          ? { error: { code: 'stashfailed', info: 'This file did not pass file verification.' } }
          : undefined,
    });
    await assert.rejects(
      client(wiki.fetch).upload(randomBytes(3500), { filename: 'Refused.png', chunkSize: 1024 }),
      (e: unknown) =>
        e instanceof Error && 'code' in e && e.code === 'stashfailed' && !('retryable' in e && e.retryable),
    );
    assert.equal(wiki.chunkCalls(), 4);
  });
});
