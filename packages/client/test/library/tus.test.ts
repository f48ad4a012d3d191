/**
 * Uploads over tus 1.0 (`protocol: 'tus'`) against our server: the file goes to `<script path>/tus/`
 * in PATCH requests, is published with `action=upload&filekey`, and the results — warnings
 * included — are those of a chunked upload. Interrupted uploads continue from the server's offset.
 */
import assert from 'node:assert/strict';
import { openAsBlob } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MwClient as BrowserClient } from '../../src/browser.js';
import { MwClient, type MwClientOptions, type ResumeToken, type UploadResult } from '../../src/index.js';
import { pngOfSize, sha1Hex, writePng } from './fixtures.js';
import { clientFor, downloadedSha1, uniqueName, useOAuthWiki, useWiki } from './helpers.js';

const KiB = 1024;
const CHUNK = 64 * KiB;

const ctx = useWiki();

interface Seen {
  method: string;
  url: string;
  offset: number | null;
  action: string | null;
  cookie: boolean;
}

/** A fetch that records every request (tus ones with their `Upload-Offset`), optionally meddling. */
function recorder(meddle?: (q: Seen, send: () => Promise<Response>) => Promise<Response>) {
  const seen: Seen[] = [];
  const f: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const headers = new Headers(init?.headers);
    const body = init?.body;
    const q: Seen = {
      method: init?.method ?? 'GET',
      url,
      offset: headers.has('upload-offset') ? Number(headers.get('upload-offset')) : null,
      action:
        new URL(url).searchParams.get('action') ??
        (body instanceof URLSearchParams || body instanceof FormData ? String(body.get('action')) : null),
      cookie: headers.has('cookie'),
    };
    seen.push(q);
    const send = () => fetch(input, init);
    return meddle ? meddle(q, send) : send();
  };
  return {
    seen,
    fetch: f,
    patches: () => seen.filter((q) => q.method === 'PATCH').map((q) => q.offset),
    tus: () => seen.filter((q) => new URL(q.url).pathname.includes('/tus/')),
  };
}

function tusClient(extra: Partial<MwClientOptions> = {}) {
  return clientFor(ctx.wiki, ctx.wiki.api, { protocol: 'tus', ...extra });
}

async function file(name: string, size: number) {
  const path = join(ctx.tmp, `${uniqueName(name)}`);
  return { path, size, sha1: await writePng(path, size) };
}

function success(r: UploadResult): asserts r is Extract<UploadResult, { result: 'Success' }> {
  assert.equal(r.result, 'Success', JSON.stringify(r));
}

describe('uploads over tus', () => {
  it('sends a file from disk in PATCH requests to <script path>/tus/ and publishes it with its filekey', async () => {
    const rec = recorder();
    const c = tusClient({ fetch: rec.fetch });
    const f = await file('Tus disk', 5 * CHUNK + 11);
    const name = uniqueName('Tus disk');
    const r = await c.upload(f.path, { filename: name, chunkSize: CHUNK, comment: 'over tus' });
    success(r);
    assert.equal(r.sha1, f.sha1);
    assert.equal(r.imageinfo?.sha1, f.sha1);
    assert.deepEqual(await downloadedSha1(c, name), { sha1: f.sha1, size: f.size });
    const tusUrl = new URL(ctx.wiki.api.replace(/api\.php$/, 'tus/'));
    const tus = rec.tus();
    assert.equal(tus[0]?.method, 'POST');
    assert.equal(new URL(tus[0]?.url ?? '').pathname, tusUrl.pathname);
    assert.deepEqual(
      rec.patches(),
      [0, 1, 2, 3, 4, 5].map((i) => i * CHUNK),
    );
    // The bytes never went through the Action API: only the publish did.
    const uploads = rec.seen.filter((q) => q.action === 'upload');
    assert.equal(uploads.length, 1);
    assert.equal((await c.imageInfo(name))?.comment, 'over tus');
  });

  it('sends a Blob and bytes with the isomorphic (browser) client', async () => {
    const c = new BrowserClient({
      api: ctx.wiki.api,
      username: ctx.wiki.username,
      password: ctx.wiki.password,
      protocol: 'tus',
    });
    const f = await file('Tus blob', 3 * CHUNK + 5);
    const blobName = uniqueName('Tus blob');
    const r = await c.upload(await openAsBlob(f.path, { type: 'image/png' }), {
      filename: blobName,
      chunkSize: CHUNK,
    });
    success(r);
    assert.equal(r.imageinfo?.sha1, f.sha1);
    const bytes = pngOfSize(2 * CHUNK + 3);
    const bytesName = uniqueName('Tus bytes');
    success(await c.upload(new Uint8Array(bytes), { filename: bytesName, chunkSize: CHUNK }));
    assert.equal((await c.imageInfo(bytesName))?.sha1, sha1Hex(bytes));
  });

  it('stashes only (stash: true); the stashed file publishes later', async () => {
    const c = tusClient();
    const bytes = pngOfSize(2 * CHUNK);
    const name = uniqueName('Tus stash');
    const s = await c.upload(bytes, { filename: name, stash: true, chunkSize: CHUNK });
    assert.equal(s.result, 'Stashed');
    assert.ok(s.result === 'Stashed' && s.filekey);
    assert.equal((await c.stashImageInfo(s.filekey))?.sha1, sha1Hex(bytes));
    assert.equal(await c.imageInfo(name), undefined);
    success(await c.publishStash(s.filekey, { filename: name }));
    assert.equal((await c.imageInfo(name))?.sha1, sha1Hex(bytes));
  });

  it('returns warnings as a chunked upload does (exists), with a filekey that publishes', async () => {
    const name = uniqueName('Tus exists');
    const chunked = clientFor(ctx.wiki, ctx.wiki.api);
    success(await chunked.upload(pngOfSize(3 * CHUNK), { filename: name, chunkSize: CHUNK }));
    const viaChunks = await chunked.upload(pngOfSize(3 * CHUNK + 1), { filename: name, chunkSize: CHUNK });
    const c = tusClient();
    const second = pngOfSize(3 * CHUNK + 2);
    const w = await c.upload(second, { filename: name, chunkSize: CHUNK });
    assert.equal(w.result, 'Warning');
    assert.equal(viaChunks.result, 'Warning');
    assert.deepEqual(Object.keys(w).sort(), Object.keys(viaChunks).sort());
    assert.ok(w.result === 'Warning' && viaChunks.result === 'Warning');
    assert.deepEqual(Object.keys(w.warnings), Object.keys(viaChunks.warnings));
    assert.ok('exists' in w.warnings);
    assert.ok(w.filekey);
    success(await c.publishStash(w.filekey, { filename: name, ignoreWarnings: ['exists'] }));
    assert.equal((await c.imageInfo(name))?.sha1, sha1Hex(second));
    // With the warning ignored up front, the upload overwrites at once.
    const third = pngOfSize(3 * CHUNK + 3);
    success(await c.upload(third, { filename: name, chunkSize: CHUNK, ignoreWarnings: ['exists'] }));
    assert.equal((await c.imageInfo(name))?.sha1, sha1Hex(third));
  });

  it('aborts with the signal reason mid-PATCH; a new session resumes from the server offset', async () => {
    const f = await file('Tus resume', 8 * CHUNK + 7);
    const name = uniqueName('Tus resume');
    const ctrl = new AbortController();
    const tokens: ResumeToken[] = [];
    const rec = recorder(async (q, send) => {
      // The fourth PATCH is cut off once it is under way.
      const answer = send();
      if (q.method === 'PATCH' && q.offset === 3 * CHUNK) ctrl.abort(new Error('stop here'));
      return answer;
    });
    const c = tusClient({ fetch: rec.fetch });
    await assert.rejects(
      c.upload(f.path, {
        filename: name,
        chunkSize: CHUNK,
        signal: ctrl.signal,
        onResumeToken: (t) => {
          tokens.push(JSON.parse(JSON.stringify(t)));
        },
      }),
      (e) => e === ctrl.signal.reason,
    );
    const last = tokens.at(-1) as ResumeToken;
    assert.equal(last.stage, 'uploading');
    assert.equal(last.offset, 3 * CHUNK);
    assert.ok(last.tusUrl);
    assert.equal(last.filekey, '');
    assert.equal(last.sha1, sha1Hex((await readFile(f.path)).subarray(0, last.offset)));
    // An older token (as if the newest were never saved): the server's offset wins.
    const older = tokens.find((t) => t.offset === CHUNK) as ResumeToken;
    const rec2 = recorder();
    const c2 = tusClient({ fetch: rec2.fetch });
    const progress: number[] = [];
    const r = await c2.upload(f.path, {
      resume: older,
      chunkSize: CHUNK,
      onProgress: (p) => progress.push(p.resumedBytes ?? -1),
    });
    success(r);
    assert.deepEqual(await downloadedSha1(c2, name), { sha1: f.sha1, size: f.size });
    assert.equal(rec2.tus()[0]?.method, 'HEAD', 'asks the server first');
    assert.equal(rec2.patches()[0], 3 * CHUNK, 'continues at the server offset; nothing sent twice');
    assert.ok(!rec2.tus().some((q) => q.method === 'POST'), 'no new upload');
    assert.equal(progress.at(-1), 3 * CHUNK);
  });

  it('a lost answer to a PATCH: asks where the upload is and goes on without sending a byte twice', async () => {
    let lost = false;
    const rec = recorder(async (q, send) => {
      const res = await send();
      if (q.method === 'PATCH' && q.offset === 2 * CHUNK && !lost) {
        lost = true;
        await res.arrayBuffer();
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
        });
      }
      return res;
    });
    const c = tusClient({ fetch: rec.fetch });
    const bytes = pngOfSize(5 * CHUNK);
    const name = uniqueName('Tus lost');
    success(await c.upload(bytes, { filename: name, chunkSize: CHUNK }));
    assert.ok(lost);
    assert.deepEqual(
      rec.patches(),
      [0, 1, 2, 3, 4].map((i) => i * CHUNK),
    );
    assert.ok(rec.tus().some((q) => q.method === 'HEAD'));
    assert.equal((await c.imageInfo(name))?.sha1, sha1Hex(bytes));
  });

  it('reports a file the wiki refuses at the end with its MediaWiki error code, without retrying', async () => {
    const rec = recorder();
    const c = tusClient({ fetch: rec.fetch });
    const notPng = new TextEncoder().encode('plain text, not an image '.repeat(5000));
    await assert.rejects(c.upload(notPng, { filename: uniqueName('Tus refused'), chunkSize: CHUNK }), (e) => {
      const err = e as { name: string; code: string; retryable: boolean };
      assert.equal(err.name, 'ApiError');
      assert.equal(err.code, 'stashfailed');
      assert.equal(err.retryable, false);
      return true;
    });
    const patches = rec.patches();
    assert.equal(new Set(patches).size, patches.length, 'no PATCH repeated');
  });

  it('says so when the wiki has no tus endpoint', async () => {
    const rec = recorder(async (q, send) =>
      new URL(q.url).pathname.endsWith('/tus/') ? new Response('Not Found', { status: 404 }) : send(),
    );
    const c = tusClient({ fetch: rec.fetch });
    await assert.rejects(c.upload(pngOfSize(1000), { filename: uniqueName('Tus none') }), (e) => {
      assert.equal((e as { code: string }).code, 'tus-unavailable');
      return true;
    });
  });
});

describe('uploads over tus with an OAuth 2 token', () => {
  const oauth = useOAuthWiki('TusTokenBot');
  it("uploads as the token's user, without cookies", async () => {
    const rec = recorder();
    const c = new MwClient({ api: oauth.api, oauthToken: oauth.token, protocol: 'tus', fetch: rec.fetch });
    const bytes = pngOfSize(3 * CHUNK);
    const name = uniqueName('Tus token');
    success(await c.upload(bytes, { filename: name, chunkSize: CHUNK }));
    const info = await c.imageInfo(name);
    assert.equal(info?.user, 'TusTokenBot');
    assert.equal(info?.sha1, sha1Hex(bytes));
    assert.deepEqual(rec.patches(), [0, CHUNK, 2 * CHUNK]);
    assert.ok(!rec.seen.some((q) => q.cookie));
  });
});
