/**
 * The client against a real server (ours, started by the tests, or MWUP_TEST_API): direct, chunked,
 * async, stash and URL uploads land byte-exact; warnings come back typed; lost answers and interruptions
 * are recovered without re-sending the file.
 */
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { open, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  ApiError,
  type ResumeToken,
  UploadError,
  type UploadProgress,
  type UploadResult,
} from '../../src/index.js';
import { pngOfSize, sha1Hex, writePng } from './fixtures.js';
import { clientFor, downloadedSha1, LARGE_FILE_WARNING, uniqueName, useWiki } from './helpers.js';
import { type ProxiedRequest, serveBytes } from './local-servers.js';

const KiB = 1024;

const ctx = useWiki({ proxy: true });

function success(r: UploadResult): asserts r is Extract<UploadResult, { result: 'Success' }> {
  assert.equal(r.result, 'Success', `expected Success, got ${JSON.stringify(r)}`);
}

function warning(r: UploadResult): asserts r is Extract<UploadResult, { result: 'Warning' }> {
  assert.equal(r.result, 'Warning', `expected Warning, got ${JSON.stringify(r)}`);
}

/** Progress must move forward only: bytes never decrease, phases never go back. */
function assertForward(events: UploadProgress[], total: number) {
  const order = ['preparing', 'uploading', 'assembling', 'publishing', 'done'];
  for (let i = 1; i < events.length; i++) {
    const a = events[i - 1] as UploadProgress;
    const b = events[i] as UploadProgress;
    assert.ok(b.bytesSent >= a.bytesSent, `bytes went back: ${a.bytesSent} → ${b.bytesSent}`);
    assert.ok(order.indexOf(b.phase) >= order.indexOf(a.phase), `phase went back: ${a.phase} → ${b.phase}`);
  }
  const last = events.at(-1) as UploadProgress;
  assert.equal(last.phase, 'done');
  assert.equal(last.bytesSent, total);
}

async function file(name: string, size: number): Promise<{ path: string; sha1: string }> {
  const path = join(ctx.tmp, name);
  return { path, sha1: await writePng(path, size) };
}

/** Resets the proxy to plain forwarding and returns the requests seen from now on. */
function through(): { requests: () => ProxiedRequest[]; chunkRequests: () => ProxiedRequest[] } {
  ctx.proxy.rule = () => 'pass';
  const start = ctx.proxy.requests.length;
  const requests = () => ctx.proxy.requests.slice(start);
  return { requests, chunkRequests: () => requests().filter((r) => r.isChunk) };
}

describe('uploads land byte-exact', () => {
  it('direct upload of a small file', async () => {
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    const f = await file('direct.png', 40_000);
    const name = uniqueName('Direct');
    const events: UploadProgress[] = [];
    const r = await c.upload(f.path, {
      filename: name,
      comment: 'direct upload',
      onProgress: (e) => events.push(e),
    });
    success(r);
    assert.equal(r.sha1, f.sha1);
    assert.equal(r.imageinfo?.sha1, f.sha1);
    assert.deepEqual(await downloadedSha1(c, name), { sha1: f.sha1, size: 40_000 });
    assert.equal((await c.imageInfo(name))?.comment, 'direct upload');
    assertForward(events, 40_000);
  });

  it('chunked upload in many chunks, progress only forward', async () => {
    const t = through();
    const c = clientFor(ctx.wiki, ctx.proxy.api);
    const size = 40 * 64 * KiB + 777;
    const f = await file('chunked.png', size);
    const name = uniqueName('Chunked');
    const events: UploadProgress[] = [];
    const r = await c.upload(f.path, {
      filename: name,
      chunkSize: 64 * KiB,
      onProgress: (e) => events.push(e),
    });
    success(r);
    assert.equal(r.sha1, f.sha1);
    assert.equal(t.chunkRequests().length, 41);
    const offsets = t.chunkRequests().map((q) => Number(q.fields.offset));
    assert.deepEqual(
      offsets,
      Array.from({ length: 41 }, (_, i) => i * 64 * KiB),
    );
    assert.deepEqual(await downloadedSha1(c, name), { sha1: f.sha1, size });
    assertForward(events, size);
  });

  it('async chunked upload: polls checkstatus through assembly and publish', async () => {
    const t = through();
    const c = clientFor(ctx.wiki, ctx.proxy.api);
    const size = 10 * 64 * KiB + 5;
    const f = await file('async.png', size);
    const name = uniqueName('Async');
    const events: UploadProgress[] = [];
    const r = await c.upload(f.path, {
      filename: name,
      chunkSize: 64 * KiB,
      async: true,
      comment: 'async',
      onProgress: (e) => events.push(e),
    });
    success(r);
    assert.equal(r.filename.replace(/_/g, ' '), name.replace(/_/g, ' '));
    assert.ok(
      t.requests().some((q) => q.fields.checkstatus !== undefined),
      'the client asked checkstatus while the server worked',
    );
    assert.deepEqual(await downloadedSha1(c, name), { sha1: f.sha1, size });
    assert.ok(events.some((e) => e.phase === 'assembling'));
    assertForward(events, size);
  });

  it('upload from a URL', async () => {
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    const bytes = pngOfSize(30_000);
    const srv = await serveBytes(bytes);
    try {
      const name = uniqueName('FromUrl');
      const r = await c.uploadFromUrl(srv.url, { filename: name, comment: 'from url' });
      success(r);
      assert.deepEqual(await downloadedSha1(c, name), { sha1: sha1Hex(bytes), size: 30_000 });
    } finally {
      await srv.close();
    }
  });

  it('stash first, publish later', async () => {
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    const f = await file('stash.png', 5 * 64 * KiB);
    const name = uniqueName('Stash');
    const s = await c.upload(f.path, { filename: name, stash: true, chunkSize: 64 * KiB });
    assert.equal(s.result, 'Stashed');
    assert.ok(s.result === 'Stashed' && s.filekey);
    const r = await c.publishStash((s as { filekey: string }).filekey, {
      filename: name,
      comment: 'published later',
    });
    success(r);
    assert.deepEqual(await downloadedSha1(c, name), { sha1: f.sha1, size: 5 * 64 * KiB });
  });

  it('Blobs, buffers and web streams are sources too', async () => {
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    const a = pngOfSize(20_000);
    const nameA = uniqueName('Blob');
    success(await c.upload(new Blob([new Uint8Array(a)]), { filename: nameA }));
    assert.equal((await downloadedSha1(c, nameA)).sha1, sha1Hex(a));

    const b = pngOfSize(6 * 64 * KiB + 3);
    const nameB = uniqueName('Stream');
    const stream = new Blob([new Uint8Array(b)]).stream();
    const r = await c.upload(stream, { filename: nameB, size: b.length, chunkSize: 64 * KiB });
    success(r);
    assert.deepEqual(await downloadedSha1(c, nameB), { sha1: sha1Hex(b), size: b.length });

    const f = await file('node-stream.png', 5 * 64 * KiB + 11);
    const nameC = uniqueName('NodeStream');
    const opts = { filename: nameC, size: 5 * 64 * KiB + 11, chunkSize: 64 * KiB };
    success(await c.upload(createReadStream(f.path, { highWaterMark: 10_000 }), opts));
    assert.deepEqual(await downloadedSha1(c, nameC), { sha1: f.sha1, size: opts.size });
  });
});

describe('warnings come back typed, with the stash key', () => {
  it('exists: stops, then publishStash with ignoreWarnings overwrites', async () => {
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    const name = uniqueName('Exists');
    success(await c.upload(pngOfSize(3000), { filename: name, ignoreWarnings: true }));
    const second = pngOfSize(3100);
    const w = await c.upload(second, { filename: name });
    warning(w);
    assert.deepEqual(Object.keys(w.warnings), ['exists']);
    assert.ok(w.filekey);
    const r = await c.publishStash(w.filekey, { filename: name, ignoreWarnings: ['exists'] });
    success(r);
    assert.equal((await downloadedSha1(c, name)).sha1, sha1Hex(second));
  });

  it('exists on a chunked upload: a list containing it overwrites', async () => {
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    const name = uniqueName('ExistsChunked');
    success(await c.upload(pngOfSize(4 * 64 * KiB), { filename: name, chunkSize: 64 * KiB }));
    const second = pngOfSize(4 * 64 * KiB + 1);
    const w = await c.upload(second, { filename: name, chunkSize: 64 * KiB });
    warning(w);
    assert.ok('exists' in w.warnings);
    assert.ok(w.filekey);
    const r = await c.upload(second, { filename: name, chunkSize: 64 * KiB, ignoreWarnings: ['exists'] });
    success(r);
    assert.equal((await downloadedSha1(c, name)).sha1, sha1Hex(second));
  });

  it('nochange and duplicate; an ignore list without duplicate still stops', async () => {
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    const name = uniqueName('Same');
    const bytes = pngOfSize(3000);
    success(await c.upload(bytes, { filename: name }));

    const again = await c.upload(bytes, { filename: name });
    warning(again);
    assert.ok('exists' in again.warnings && 'nochange' in again.warnings);

    await assert.rejects(
      c.upload(bytes, { filename: name, ignoreWarnings: true }),
      (e: unknown) => e instanceof ApiError && e.code === 'fileexists-no-change',
    );

    const other = uniqueName('SameOther');
    const dup = await c.upload(bytes, { filename: other, ignoreWarnings: ['exists'] });
    warning(dup);
    assert.deepEqual(Object.keys(dup.warnings), ['duplicate']);
    assert.ok((dup.warnings.duplicate ?? []).some((n) => n.replace(/_/g, ' ') === name.replace(/_/g, ' ')));
    assert.equal(await c.imageInfo(other), undefined, 'nothing was published');

    success(await c.upload(bytes, { filename: other, ignoreWarnings: ['duplicate'] }));
  });

  it('duplicateversions when the bytes match an old version', async () => {
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    const name = uniqueName('Versions');
    const a = pngOfSize(3000);
    success(await c.upload(a, { filename: name }));
    success(await c.upload(pngOfSize(3000), { filename: name, ignoreWarnings: ['exists'] }));
    const w = await c.upload(a, { filename: name });
    warning(w);
    assert.ok('exists' in w.warnings && 'duplicateversions' in w.warnings);
  });

  it('exists-normalized, thumb, thumb-name, bad-prefix, page-exists, large-file', async () => {
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    const base = uniqueName('Warn').replace(/\.png$/, '');
    success(await c.upload(pngOfSize(2000), { filename: `${base}.png` }));
    await c.write({
      action: 'edit',
      title: `File:${base}-page.png`,
      text: 'A page, no file',
      createonly: true,
    });
    const cases: [string, string, number?][] = [
      [`${base}.PNG`, 'exists-normalized'],
      [`120px-${base}.png`, 'thumb'],
      [`120px-${base}-none.png`, 'thumb-name'],
      [`DSC_${base}.png`, 'bad-prefix'],
      [`${base}-page.png`, 'page-exists'],
    ];
    // $wgUploadSizeWarning is set on the test server only.
    if (!ctx.wiki.external) cases.push([`${base}-large.png`, 'large-file', LARGE_FILE_WARNING + 1]);
    for (const [filename, code, size] of cases) {
      const w = await c.upload(pngOfSize(size ?? 2000), { filename });
      warning(w);
      assert.deepEqual(Object.keys(w.warnings), [code], filename);
      assert.ok(w.filekey, 'the file waits in the stash');
    }
  });

  it('was-deleted and duplicate-archive after a deletion', async (t) => {
    if (!ctx.wiki.admin) return t.skip('needs an account that may delete');
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    const name = uniqueName('Deleted');
    const bytes = pngOfSize(2000);
    success(await c.upload(bytes, { filename: name }));
    await clientFor(ctx.wiki.admin, ctx.wiki.api).write({ action: 'delete', title: `File:${name}` });
    const again = await c.upload(pngOfSize(2000), { filename: name });
    warning(again);
    assert.deepEqual(Object.keys(again.warnings), ['was-deleted']);
    const archived = await c.upload(bytes, { filename: uniqueName('Archived') });
    warning(archived);
    assert.deepEqual(Object.keys(archived.warnings), ['duplicate-archive']);
  });

  it('badfilename when illegal characters are replaced', async () => {
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    const base = uniqueName('Bad').replace(/\.png$/, '');
    const w = await c.upload(pngOfSize(2000), { filename: `${base}-a:b.png` });
    warning(w);
    assert.equal(w.warnings.badfilename, `${base}-a-b.png`);
  });
});

describe('lost answers and transient failures', () => {
  it('the answer to a stored chunk is lost: continues from the server offset, no duplicate bytes', async () => {
    const t = through();
    const firstChunk = ctx.proxy.requests.filter((r) => r.isChunk).length + 1;
    ctx.proxy.rule = (q) => (q.isChunk && q.chunkIndex === firstChunk + 2 ? 'drop-response' : 'pass');
    const c = clientFor(ctx.wiki, ctx.proxy.api);
    const size = 8 * 64 * KiB + 99;
    const f = await file('lost-middle.png', size);
    const name = uniqueName('LostMiddle');
    const r = await c.upload(f.path, { filename: name, chunkSize: 64 * KiB });
    success(r);
    assert.deepEqual(await downloadedSha1(c, name), { sha1: f.sha1, size });
    // Nine chunks were needed; the stored one was never sent again.
    const offsets = t.chunkRequests().map((q) => Number(q.fields.offset));
    assert.deepEqual(
      offsets,
      Array.from({ length: 9 }, (_, i) => i * 64 * KiB),
    );
  });

  it('the answer to the final chunk is lost: the assembled file is found, not re-sent', async () => {
    const t = through();
    const size = 4 * 64 * KiB + 10;
    const firstChunk = ctx.proxy.requests.filter((r) => r.isChunk).length + 1;
    ctx.proxy.rule = (q) => (q.isChunk && q.chunkIndex === firstChunk + 4 ? 'drop-response' : 'pass');
    const c = clientFor(ctx.wiki, ctx.proxy.api);
    const f = await file('lost-final.png', size);
    const name = uniqueName('LostFinal');
    const r = await c.upload(f.path, { filename: name, chunkSize: 64 * KiB });
    success(r);
    assert.deepEqual(await downloadedSha1(c, name), { sha1: f.sha1, size });
    assert.ok(t.chunkRequests().length <= 6, `chunks sent: ${t.chunkRequests().length}`);
  });

  it('the answer to an async final chunk is lost: checkstatus leads to the assembled file', async () => {
    const t = through();
    const size = 3 * 64 * KiB + 1;
    const firstChunk = ctx.proxy.requests.filter((r) => r.isChunk).length + 1;
    ctx.proxy.rule = (q) => (q.isChunk && q.chunkIndex === firstChunk + 3 ? 'drop-response' : 'pass');
    const c = clientFor(ctx.wiki, ctx.proxy.api);
    const f = await file('lost-final-async.png', size);
    const name = uniqueName('LostFinalAsync');
    const r = await c.upload(f.path, { filename: name, chunkSize: 64 * KiB, async: true });
    ctx.proxy.rule = () => 'pass';
    success(r);
    assert.deepEqual(await downloadedSha1(c, name), { sha1: f.sha1, size });
    assert.equal(t.chunkRequests().length, 4);
  });

  it('the answer to a publish is lost: the upload is recognised as done', async () => {
    through();
    let dropped = false;
    ctx.proxy.rule = (q) => {
      if (
        !dropped &&
        q.fields.action === 'upload' &&
        q.fields.filekey &&
        !q.isChunk &&
        !q.fields.checkstatus
      ) {
        dropped = true;
        return 'drop-response';
      }
      return 'pass';
    };
    const c = clientFor(ctx.wiki, ctx.proxy.api);
    const f = await file('lost-publish.png', 3 * 64 * KiB);
    const name = uniqueName('LostPublish');
    const r = await c.upload(f.path, { filename: name, chunkSize: 64 * KiB });
    ctx.proxy.rule = () => 'pass';
    success(r);
    assert.deepEqual(await downloadedSha1(c, name), { sha1: f.sha1, size: 3 * 64 * KiB });
  });

  it('the answer to a direct upload is lost: the retry sees the file is already there', async () => {
    through();
    let dropped = false;
    ctx.proxy.rule = (q) => {
      if (!dropped && q.fields['file:file']) {
        dropped = true;
        return 'drop-response';
      }
      return 'pass';
    };
    const c = clientFor(ctx.wiki, ctx.proxy.api);
    const bytes = pngOfSize(5000);
    const name = uniqueName('LostDirect');
    const r = await c.upload(bytes, { filename: name });
    success(r);
    assert.equal(r.alreadyUploaded, true);
    assert.equal((await downloadedSha1(c, name)).sha1, sha1Hex(bytes));
  });

  it('maxlag, 503 and badtoken are retried', async () => {
    through();
    const answered = new Set<string>();
    ctx.proxy.rule = (q) => {
      if (q.isChunk && !answered.has('maxlag')) {
        answered.add('maxlag');
        return {
          status: 200,
          headers: { 'Retry-After': '1', 'MediaWiki-API-Error': 'maxlag' },
          body: JSON.stringify({
            error: { code: 'maxlag', info: 'Waiting for a database server: 6 seconds lagged.', lag: 6 },
          }),
        };
      }
      if (q.isChunk && !answered.has('503')) {
        answered.add('503');
        return { status: 503, body: 'Service Unavailable' };
      }
      if (q.isChunk && !answered.has('badtoken')) {
        answered.add('badtoken');
        return {
          status: 200,
          body: JSON.stringify({ error: { code: 'badtoken', info: 'Invalid CSRF token.' } }),
        };
      }
      return 'pass';
    };
    const retries: string[] = [];
    const c = clientFor(ctx.wiki, ctx.proxy.api, { onRetry: (r) => retries.push(r.error.code) });
    const f = await file('retry.png', 3 * 64 * KiB);
    const name = uniqueName('Retry');
    const r = await c.upload(f.path, { filename: name, chunkSize: 64 * KiB });
    ctx.proxy.rule = () => 'pass';
    success(r);
    assert.deepEqual(retries, ['maxlag', 'http']);
    assert.deepEqual(await downloadedSha1(c, name), { sha1: f.sha1, size: 3 * 64 * KiB });
  });

  it('a storage blip on a chunk is retried, a verification error is not', async () => {
    through();
    let blips = 0;
    ctx.proxy.rule = (q) => {
      if (q.isChunk && blips === 0) {
        blips++;
        return {
          status: 200,
          body: JSON.stringify({
            error: {
              code: 'internal_api_error_UploadChunkFileException',
              info: 'Error storing file: backend error',
            },
          }),
        };
      }
      return 'pass';
    };
    const c = clientFor(ctx.wiki, ctx.proxy.api);
    const f = await file('blip.png', 2 * 64 * KiB + 1);
    success(await c.upload(f.path, { filename: uniqueName('Blip'), chunkSize: 64 * KiB }));

    const t = through();
    ctx.proxy.rule = (q) =>
      q.isChunk
        ? {
            status: 200,
            body: JSON.stringify({
              error: { code: 'verification-error', info: 'Files of this MIME type are not allowed.' },
            }),
          }
        : 'pass';
    await assert.rejects(
      c.upload(f.path, { filename: uniqueName('Refused'), chunkSize: 64 * KiB }),
      (e: unknown) => e instanceof ApiError && e.code === 'verification-error' && !e.retryable,
    );
    assert.equal(t.chunkRequests().length, 1);
    ctx.proxy.rule = () => 'pass';
  });
});

describe('a file that changes during the upload', () => {
  it('is refused with source-changed and nothing is published', async () => {
    through();
    const f = await file('changing-now.png', 6 * 64 * KiB);
    const name = uniqueName('ChangingNow');
    const base = ctx.proxy.requests.filter((q) => q.isChunk).length;
    ctx.proxy.rule = (q) => (q.isChunk && q.chunkIndex === base + 2 ? 'hold' : 'pass');
    const held = ctx.proxy.waitFor((q) => q.isChunk && q.chunkIndex === base + 2);
    const c = clientFor(ctx.wiki, ctx.proxy.api);
    const upload = c.upload(f.path, { filename: name, chunkSize: 64 * KiB });
    await held;
    const fh = await open(f.path, 'r+');
    await fh.write(Buffer.from('edited'), 0, 6, 5 * 64 * KiB);
    await fh.close();
    ctx.proxy.rule = () => 'pass';
    ctx.proxy.release();
    await assert.rejects(upload, (e: unknown) => e instanceof UploadError && e.code === 'source-changed');
    assert.equal(await c.imageInfo(name), undefined);
  });
});

describe('resume tokens', () => {
  async function interrupted(path: string, name: string, afterOffset: number): Promise<ResumeToken> {
    const c = clientFor(ctx.wiki, ctx.proxy.api);
    const ctrl = new AbortController();
    let token: ResumeToken | undefined;
    await assert.rejects(
      c.upload(path, {
        filename: name,
        chunkSize: 64 * KiB,
        signal: ctrl.signal,
        onResumeToken: (t) => {
          token = t;
          if (t.offset >= afterOffset) ctrl.abort();
        },
      }),
      (e: unknown) => (e as Error).name === 'AbortError',
    );
    assert.ok(token);
    return JSON.parse(JSON.stringify(token)) as ResumeToken;
  }

  it('a new session continues an interrupted upload where the server is', async () => {
    through();
    const size = 10 * 64 * KiB + 1;
    const f = await file('resume.png', size);
    const name = uniqueName('Resume');
    const token = await interrupted(f.path, name, 4 * 64 * KiB);
    assert.equal(token.stage, 'uploading');
    assert.equal(token.offset, 4 * 64 * KiB);
    assert.equal(token.sha1, sha1Hex((await readFile(f.path)).subarray(0, token.offset)));

    const t = through();
    const c2 = clientFor(ctx.wiki, ctx.proxy.api);
    const r = await c2.upload(f.path, { resume: token, chunkSize: 64 * KiB });
    success(r);
    assert.deepEqual(await downloadedSha1(c2, name), { sha1: f.sha1, size });
    const offsets = t.chunkRequests().map((q) => Number(q.fields.offset));
    assert.equal(offsets[0], 4 * 64 * KiB, 'no byte before the token offset was sent again');
  });

  it('an upload interrupted once stashed is published on resume without sending bytes', async () => {
    through();
    const size = 3 * 64 * KiB;
    const f = await file('resume-stashed.png', size);
    const name = uniqueName('ResumeStashed');
    const c = clientFor(ctx.wiki, ctx.proxy.api);
    const ctrl = new AbortController();
    let token: ResumeToken | undefined;
    await assert.rejects(
      c.upload(f.path, {
        filename: name,
        chunkSize: 64 * KiB,
        signal: ctrl.signal,
        onResumeToken: (tk) => {
          token = tk;
          if (tk.stage === 'stashed') ctrl.abort();
        },
      }),
      (e: unknown) => (e as Error).name === 'AbortError',
    );
    assert.equal(token?.stage, 'stashed');
    const t = through();
    const r = await clientFor(ctx.wiki, ctx.proxy.api).upload(f.path, { resume: token });
    success(r);
    assert.equal(t.chunkRequests().length, 0);
    assert.deepEqual(await downloadedSha1(c, name), { sha1: f.sha1, size });
  });

  it('a changed local file is refused', async () => {
    through();
    const size = 6 * 64 * KiB;
    const f = await file('changed.png', size);
    const token = await interrupted(f.path, uniqueName('Changed'), 2 * 64 * KiB);
    const fh = await open(f.path, 'r+');
    await fh.write(Buffer.from([0xff, 0x00]), 0, 2, 1000);
    await fh.close();
    const c = clientFor(ctx.wiki, ctx.proxy.api);
    await assert.rejects(
      c.upload(f.path, { resume: token }),
      (e: unknown) => e instanceof UploadError && e.code === 'resume-file-changed',
    );
    await truncate(f.path, size - 10);
    await assert.rejects(
      c.upload(f.path, { resume: token }),
      (e: unknown) => e instanceof UploadError && e.code === 'resume-file-changed',
    );
  });

  it('a token for another wiki is refused', async () => {
    const f = await file('other.png', 3 * 64 * KiB);
    const token = await interrupted(f.path, uniqueName('Other'), 64 * KiB);
    const c = clientFor(ctx.wiki, ctx.wiki.api === ctx.proxy.api ? `${ctx.wiki.api}?x` : ctx.wiki.api);
    await assert.rejects(
      c.upload(f.path, { resume: { ...token, api: 'http://elsewhere.invalid/w/api.php' } }),
      (e: unknown) => e instanceof UploadError && e.code === 'resume-wrong-wiki',
    );
  });
});
