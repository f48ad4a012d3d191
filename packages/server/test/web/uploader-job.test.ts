/**
 * One file's upload in the multi-file uploader, with a stand-in client: direct and chunked uploads,
 * publication under the name the row holds then, warnings, resume, cancel, retry and refusals.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ApiError,
  HttpError,
  type IgnoreWarnings,
  type PublishStashOptions,
  UploadError,
  type UploadOptions,
  type UploadResult,
} from 'mwup/browser';
import type { JobClient, JobContext } from '../../assets/uploader/context.js';
import { UploadJob } from '../../assets/uploader/job.js';
import { readLimits } from '../../assets/uploader/limits.js';
import type { Runnable } from '../../assets/uploader/pool.js';
import { ResumeStore } from '../../assets/uploader/resume-store.js';
import { WEB_CSP } from '../../src/web/specials.js';
import { API, MemoryStorage, token } from './uploader-fakes.js';

type Call =
  | { kind: 'upload'; opts: UploadOptions }
  | { kind: 'publish'; filekey: string; opts: PublishStashOptions };

/** Answers each call with the next scripted answer. */
class FakeClient implements JobClient {
  readonly calls: Call[] = [];
  readonly answers: ((call: Call) => Promise<UploadResult>)[] = [];
  upload(_source: Blob, opts: UploadOptions) {
    return this.#answer({ kind: 'upload', opts });
  }
  publishStash(filekey: string, opts: PublishStashOptions) {
    return this.#answer({ kind: 'publish', filekey, opts });
  }
  async #answer(call: Call): Promise<UploadResult> {
    this.calls.push(call);
    const next = this.answers.shift();
    if (!next) throw new Error(`unexpected ${call.kind}`);
    return next(call);
  }
}

function setup(o: { ignore?: IgnoreWarnings; reupload?: boolean } = {}) {
  const storage = new MemoryStorage();
  const store = new ResumeStore(storage, API);
  const client = new FakeClient();
  const queue: Runnable[] = [];
  const ctx: JobContext = {
    api: API,
    limits: readLimits({ maxSize: '1000', extensions: 'png,txt', chunkSize: '100' }),
    store,
    client: () => client,
    ignoreWarnings: () => o.ignore ?? false,
    reupload: o.reupload ?? false,
    watch: () => true,
    enqueue: (j) => queue.push(j),
  };
  const job = (size: number, name = 'A.txt', init = { destName: name, description: 'About A' }) =>
    new UploadJob(new File([new Uint8Array(size)], name, { lastModified: 42 }), ctx, init);
  const drain = async () => {
    while (queue.length > 0) await queue.shift()?.run();
  };
  return { storage, store, client, queue, ctx, job, drain };
}

const ok = (filename: string) => async (): Promise<UploadResult> => ({ result: 'Success', filename });
const SHA1 = 'b'.repeat(40);

describe('one file in the uploader', () => {
  it('sends a small file in one request with the page text, and links the file', async () => {
    const t = setup();
    const j = t.job(50);
    t.client.answers.push(ok('A.txt'));
    j.start();
    assert.equal(j.state, 'queued');
    await t.drain();
    assert.equal(j.state, 'done');
    assert.equal(j.published, 'A.txt');
    const c = t.client.calls[0];
    assert.equal(c?.kind, 'upload');
    assert.equal(c.opts.stash, undefined);
    assert.equal(c.opts.filename, 'A.txt');
    assert.equal(c.opts.comment, 'About A');
    assert.equal(c.opts.text, '== Summary ==\nAbout A\n');
    assert.equal(c.opts.watchlist, 'watch');
    assert.equal(c.opts.ignoreWarnings, false);
    assert.equal(c.opts.chunkThreshold, 100);
  });

  it('sends a large file in chunks to the stash, then publishes it under the name given meanwhile', async () => {
    const t = setup();
    const j = t.job(250, 'Big.txt');
    t.client.answers.push(async (call) => {
      const o = (call as { opts: UploadOptions }).opts;
      o.onProgress?.({ filename: 'Big.txt', phase: 'uploading', bytesSent: 100, totalBytes: 250 });
      await o.onResumeToken?.(token({ filesize: 250, offset: 100 }));
      assert.equal(j.bytesSent, 100);
      assert.equal(t.store.load(j.identity)?.token.offset, 100, 'kept for a reload');
      j.destName = 'Renamed big.txt';
      j.description = 'Large';
      return { result: 'Stashed', filekey: 'k1', filename: 'Big.txt', sha1: SHA1 };
    });
    t.client.answers.push(ok('Renamed_big.txt'));
    j.start();
    await t.drain();
    const [up, pub] = t.client.calls;
    assert.equal(up?.kind === 'upload' && up.opts.stash, true);
    assert.equal(up?.kind === 'upload' && up.opts.chunkSize, 100);
    assert.equal(pub?.kind, 'publish');
    assert.equal(pub.filekey, 'k1');
    assert.equal(pub.opts.filename, 'Renamed big.txt');
    assert.equal(pub.opts.comment, 'Large');
    assert.equal(pub.opts.sha1, SHA1);
    assert.equal(j.state, 'done');
    assert.equal(t.storage.map.size, 0, 'nothing left to resume');
  });

  it('stops on warnings with the file stashed; "Upload anyway" publishes it by file key', async () => {
    const t = setup();
    const j = t.job(50, 'A.png');
    t.client.answers.push(async () => ({
      result: 'Warning',
      filename: 'A.png',
      warnings: { exists: 'A.png' },
      filekey: 'w1',
      sha1: SHA1,
    }));
    j.start();
    await t.drain();
    assert.equal(j.state, 'warning');
    assert.deepEqual(j.warnings, { exists: 'A.png' });
    const kept = t.store.load(j.identity)?.token;
    assert.equal(kept?.stage, 'stashed', 'the decision can wait for a reload');
    assert.equal(kept?.filekey, 'w1');
    t.client.answers.push(ok('A.png'));
    j.uploadAnyway();
    await t.drain();
    const pub = t.client.calls[1];
    assert.equal(pub?.kind === 'publish' && pub.filekey, 'w1');
    assert.equal(pub?.opts.ignoreWarnings, true);
    assert.equal(j.state, 'done');
  });

  it('after warnings, tries again under another name without ignoring them', async () => {
    const t = setup();
    const j = t.job(50, 'A.png');
    t.client.answers.push(async () => ({
      result: 'Warning',
      filename: 'A.png',
      warnings: { exists: 'A.png' },
      filekey: 'w1',
    }));
    j.start();
    await t.drain();
    j.destName = 'B.png';
    t.client.answers.push(ok('B.png'));
    j.retry();
    await t.drain();
    const pub = t.client.calls[1];
    assert.equal(pub?.kind === 'publish' && pub.filekey, 'w1');
    assert.equal(pub?.opts.filename, 'B.png');
    assert.equal(pub?.opts.ignoreWarnings, false);
    assert.equal(j.published, 'B.png');
  });

  it('continues an upload kept from an earlier visit, with what was typed then', async () => {
    const t = setup();
    const first = t.job(250, 'Big.txt');
    t.store.save(first.identity, {
      token: token({ filesize: 250 }),
      destName: 'Kept.txt',
      description: 'Kept',
    });
    const j = t.job(250, 'Big.txt');
    t.client.answers.push(async () => ({
      result: 'Stashed',
      filekey: 'k2',
      filename: 'Big.txt',
      sha1: SHA1,
    }));
    t.client.answers.push(ok('Big.txt'));
    j.start();
    await t.drain();
    const up = t.client.calls[0];
    assert.equal(up?.kind === 'upload' && up.opts.resume?.filekey, 'abc.123.txt');
    assert.equal(up?.kind === 'upload' && up.opts.stash, true);
    assert.equal(j.resumedAt, 200);
    assert.equal(j.state, 'done');
  });

  it('starts over when the kept upload cannot be continued (changed file, expired stash)', async () => {
    const t = setup();
    const j = t.job(250, 'Big.txt');
    t.store.save(j.identity, { token: token({ filesize: 250 }), destName: 'Big.txt', description: '' });
    t.client.answers.push(async () => {
      throw new UploadError({ code: 'resume-file-changed', info: 'The first 200 bytes differ.' });
    });
    t.client.answers.push(async () => ({ result: 'Stashed', filekey: 'k3', filename: 'Big.txt' }));
    t.client.answers.push(async () => {
      throw new ApiError({ code: 'uploadstash-file-not-found', info: 'Key not found in stash.' });
    });
    t.client.answers.push(ok('Big.txt'));
    j.start();
    await t.drain();
    const [first, second] = t.client.calls;
    assert.ok(first?.kind === 'upload' && first.opts.resume);
    assert.ok(second?.kind === 'upload' && !second.opts.resume, 'sent again from the start');
    // The stash lost the file before publishing: one start-over per run, so that is an error.
    assert.equal(j.state, 'error');
    assert.equal(j.error?.code, 'uploadstash-file-not-found');
  });

  it('refuses before sending: too large, or a name the wiki refuses (fixable)', async () => {
    const t = setup();
    const big = t.job(1001, 'Huge.txt');
    big.start();
    assert.equal(big.state, 'refused');
    assert.equal(big.refusal?.code, 'file-too-large');
    const exe = t.job(10, 'Run.exe');
    exe.start();
    assert.equal(exe.refusal?.code, 'filetype-banned-type');
    assert.equal(t.queue.length, 0);
    assert.equal(t.client.calls.length, 0, 'nothing sent');
    exe.destName = 'Run.txt';
    t.client.answers.push(ok('Run.txt'));
    exe.retry();
    await t.drain();
    assert.equal(exe.state, 'done');
  });

  it('cancels a running upload; Retry continues it where the server has it', async () => {
    const t = setup();
    const j = t.job(250, 'Big.txt');
    t.client.answers.push(
      (call) =>
        new Promise((_, reject) => {
          const o = (call as { opts: UploadOptions }).opts;
          void o.onResumeToken?.(token({ filesize: 250, offset: 100 }));
          o.signal?.addEventListener('abort', () => reject(o.signal?.reason));
        }),
    );
    j.start();
    const running = t.drain();
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(j.state, 'uploading');
    j.cancel();
    await running;
    assert.equal(j.state, 'cancelled');
    assert.equal(t.store.load(j.identity), undefined, 'a reload starts afresh');
    t.client.answers.push(async () => ({ result: 'Stashed', filekey: 'k4', filename: 'Big.txt' }));
    t.client.answers.push(ok('Big.txt'));
    j.retry();
    await t.drain();
    const again = t.client.calls[1];
    assert.equal(again?.kind === 'upload' && again.opts.resume?.offset, 100);
    assert.equal(j.state, 'done');
  });

  it('shows errors readably and keeps what was sent for Retry', async () => {
    const t = setup();
    const j = t.job(50);
    t.client.answers.push(async () => {
      throw new HttpError({
        code: 'network',
        info: 'Network error during upload: Failed to fetch',
        retryable: true,
      });
    });
    j.start();
    await t.drain();
    assert.equal(j.state, 'error');
    assert.match(j.error?.info ?? '', /connection to the server was lost/);
  });

  it('follows the form: "Ignore any warnings", and a new version of a file', async () => {
    const all = setup({ ignore: true });
    all.client.answers.push(ok('A.txt'));
    all.job(50).start();
    await all.drain();
    assert.equal(all.client.calls[0]?.opts.ignoreWarnings, true);
    const again = setup({ ignore: ['exists'], reupload: true });
    again.client.answers.push(ok('A.txt'));
    again.job(50).start();
    await again.drain();
    assert.deepEqual(again.client.calls[0]?.opts.ignoreWarnings, ['exists']);
    assert.equal(again.client.calls[0]?.opts.text, undefined, 'the page keeps its text');
  });

  it('may compile its SHA-1 under the pages’ Content-Security-Policy', () => {
    assert.match(WEB_CSP, /script-src 'self' 'wasm-unsafe-eval';/);
    assert.doesNotMatch(WEB_CSP, /'unsafe-eval'|'unsafe-inline'/);
  });
});
