/**
 * Aborting uploads with an AbortSignal: the aborted upload rejects with the signal's reason (or an
 * AbortError) whatever it was doing — waiting for the login, reading the file into a request body,
 * between chunks, polling an async assembly — nothing escapes as an uncaught exception or unhandled
 * rejection, and the other uploads on the same logged-in client carry on.
 */
import assert from 'node:assert/strict';
import { openAsBlob } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileSource, type UploadResult, type UploadSource } from '../../src/index.js';
import { writePng } from './fixtures.js';
import { clientFor, uniqueName, useWiki } from './helpers.js';

const KiB = 1024;

const escaped: string[] = [];
const onUncaught = (e: unknown) => escaped.push(`uncaughtException: ${(e as Error)?.stack ?? e}`);
const onUnhandled = (e: unknown) => escaped.push(`unhandledRejection: ${(e as Error)?.stack ?? e}`);

before(() => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);
});

after(() => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUnhandled);
});

const ctx = useWiki();

/** Lets callbacks and rejections that are already queued run, so that anything escaping is seen. */
async function drain(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

/** A small seeded generator (mulberry32), so that a failing run can be repeated. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The rejection of an aborted upload: the signal's reason itself, or an error named AbortError. */
function isCleanAbort(e: unknown, signal: AbortSignal): boolean {
  return e === signal.reason || (e as { name?: string } | null)?.name === 'AbortError';
}

/** A file source that calls `onRead(n)` before its n-th read (1-based), e.g. to abort mid-body. */
async function instrumented(
  path: string,
  onRead: (n: number, when: 'before' | 'after') => void,
): Promise<UploadSource> {
  const src = await FileSource.open(path);
  let reads = 0;
  return {
    size: src.size,
    seekable: true,
    name: src.name,
    path: src.path,
    mtimeMs: src.mtimeMs,
    read: (start, end, signal) => src.read(start, end, signal),
    async readInto(start, target, signal) {
      const n = ++reads;
      onRead(n, 'before');
      const got = await src.readInto(start, target, signal);
      onRead(n, 'after');
      return got;
    },
    close: () => src.close(),
  };
}

describe('aborting uploads', () => {
  it('aborting the upload whose request logs in fails that upload only', async () => {
    escaped.length = 0;
    const a = join(ctx.tmp, 'login-a.png');
    const b = join(ctx.tmp, 'login-b.png');
    await writePng(a, 20 * KiB);
    const bSha1 = await writePng(b, 20 * KiB);
    const ctrl = new AbortController();
    let logins = 0;
    const c = clientFor(ctx.wiki, ctx.wiki.api, {
      fetch: ((input: string | URL | Request, init?: RequestInit) => {
        const body = init?.body instanceof URLSearchParams ? init.body : undefined;
        if (body?.get('action') === 'login') {
          // Both uploads wait for this login by now; only the first one is aborted.
          logins++;
          ctrl.abort();
        }
        return fetch(input, init);
      }) as typeof fetch,
    });
    // Open sources: both uploads reach the login at once.
    const first = c.upload(await FileSource.open(a), {
      filename: uniqueName('AbortLoginA'),
      signal: ctrl.signal,
    });
    const second = c.upload(await FileSource.open(b), { filename: uniqueName('AbortLoginB') });
    await assert.rejects(first, (e: unknown) => isCleanAbort(e, ctrl.signal));
    const r = await second;
    assert.equal(r.result, 'Success', JSON.stringify(r));
    assert.equal(r.sha1, bSha1);
    assert.equal(logins, 1, "the second upload waited for the first one's login");
    await drain();
    assert.deepEqual(escaped, []);
  });

  it('when every upload waiting for the login is aborted, so is the login; the next one logs in', async () => {
    escaped.length = 0;
    const path = join(ctx.tmp, 'login-all.png');
    const sha1 = await writePng(path, 20 * KiB);
    let held: AbortSignal | undefined;
    let heldSeen: () => void = () => {};
    const seen = new Promise<void>((r) => {
      heldSeen = r;
    });
    const c = clientFor(ctx.wiki, ctx.wiki.api, {
      fetch: ((input: string | URL | Request, init?: RequestInit) => {
        if (!held && /[?&]type=login/.test(String(input)) && init?.signal) {
          // The first login never gets an answer: only an abort ends it.
          const signal = init.signal;
          held = signal;
          heldSeen();
          return new Promise((_, reject) => {
            signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          });
        }
        return fetch(input, init);
      }) as typeof fetch,
    });
    const ctrls = [new AbortController(), new AbortController()];
    const uploads = ctrls.map(async (ctrl, i) =>
      c.upload(await FileSource.open(path), { filename: uniqueName(`AbortAll${i}`), signal: ctrl.signal }),
    );
    // Either upload may reject first: each outcome is caught at once, so none is left unhandled.
    const outcomes = uploads.map((u) =>
      u.then(
        (r) => ({ ok: true as const, r }),
        (e: unknown) => ({ ok: false as const, e }),
      ),
    );
    await seen;
    for (const ctrl of ctrls) ctrl.abort();
    for (const [i, o] of (await Promise.all(outcomes)).entries()) {
      const signal = (ctrls[i] as AbortController).signal;
      assert.ok(
        !o.ok && isCleanAbort(o.e, signal),
        `upload ${i} ends with its abort: ${String(o.ok ? JSON.stringify(o.r) : o.e)}`,
      );
    }
    assert.equal(held?.aborted, true, 'the login request was aborted');
    const r = await c.upload(path, { filename: uniqueName('AbortAllAfter') });
    assert.equal(r.result, 'Success');
    assert.equal(r.sha1, sha1);
    await drain();
    assert.deepEqual(escaped, []);
  });

  it('many uploads on one client, aborted at random moments, fail cleanly and alone', async () => {
    escaped.length = 0;
    const seed = Number(process.env.MWUP_TEST_SEED ?? 0x5eed) >>> 0;
    const rnd = random(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    const modes = ['none', 'none', 'none', 'before', 'timer', 'pump', 'pump', 'between-chunks', 'polling'];
    type Mode = (typeof modes)[number];
    interface Job {
      i: number;
      mode: Mode;
      path: string;
      sha1: string;
      size: number;
      chunkSize: number;
      async: boolean;
      /** Sent as a file-backed Blob (fetch and FormData) rather than from the path. */
      blob: boolean;
      ctrl: AbortController;
      abortedAt?: number;
      outcome?: { ok: true; r: UploadResult } | { ok: false; e: unknown };
    }
    const jobs: Job[] = [];
    for (let i = 0; i < 30; i++) {
      const mode = pick(modes);
      const chunked = mode === 'between-chunks' || mode === 'polling' || rnd() < 0.6;
      const size = chunked
        ? 600 * KiB + Math.floor(rnd() * 1500 * KiB)
        : 8 * KiB + Math.floor(rnd() * 700 * KiB);
      const path = join(ctx.tmp, `random-${i}.png`);
      jobs.push({
        i,
        mode,
        path,
        size,
        sha1: await writePng(path, size),
        chunkSize: pick([128 * KiB, 512 * KiB, 1024 * KiB]),
        async: mode === 'polling' || (chunked && rnd() < 0.2),
        blob: mode !== 'pump' && rnd() < 0.3,
        ctrl: new AbortController(),
      });
    }
    const reasonFor = (j: Job) => (rnd() < 0.5 ? undefined : new Error(`stopped upload ${j.i}`));
    const abort = (j: Job, reason: unknown) => {
      if (j.ctrl.signal.aborted) return;
      j.abortedAt = performance.now();
      j.ctrl.abort(reason);
    };

    const run = async (j: Job) => {
      const reason = reasonFor(j);
      let source: string | UploadSource | Blob = j.blob ? await openAsBlob(j.path) : j.path;
      let timer: ReturnType<typeof setTimeout> | undefined;
      if (j.mode === 'before') abort(j, reason);
      if (j.mode === 'timer') timer = setTimeout(() => abort(j, reason), Math.floor(rnd() * 300));
      if (j.mode === 'pump') {
        // The n-th read of the file into a request body, just before or just after it.
        const at = 1 + Math.floor(rnd() * Math.max(1, Math.ceil(j.size / (256 * KiB)) + 2));
        const when = rnd() < 0.5 ? 'before' : 'after';
        source = await instrumented(j.path, (n, w) => {
          if (n === at && w === when) abort(j, reason);
        });
      }
      const betweenAt = Math.floor(rnd() * j.size);
      const pollDelay = Math.floor(rnd() * 150);
      try {
        const r = await c.upload(source, {
          filename: uniqueName(`RandomAbort${j.i}`),
          chunkSize: j.chunkSize,
          chunkThreshold: j.size >= 600 * KiB ? 64 * KiB : 1024 * KiB,
          async: j.async,
          ignoreWarnings: true,
          signal: j.ctrl.signal,
          onProgress: (p) => {
            if (j.mode === 'between-chunks' && p.phase === 'uploading' && p.bytesSent >= betweenAt) {
              abort(j, reason);
            }
            if (j.mode === 'polling' && (p.phase === 'assembling' || p.phase === 'publishing') && !timer) {
              timer = setTimeout(() => abort(j, reason), pollDelay);
            }
          },
        });
        j.outcome = { ok: true, r };
      } catch (e) {
        j.outcome = { ok: false, e };
      } finally {
        if (timer && j.mode === 'timer') clearTimeout(timer);
      }
    };

    // Several uploads at once on the one client (below the server's per-user limit of 10).
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < jobs.length) await run(jobs[next++] as Job);
      }),
    );
    await drain();

    const where = `(MWUP_TEST_SEED=${seed})`;
    let abortedRejections = 0;
    for (const j of jobs) {
      const o = j.outcome;
      assert.ok(o, `upload ${j.i} settled ${where}`);
      if (j.abortedAt === undefined) {
        assert.ok(o.ok, `upload ${j.i} (${j.mode}, not aborted) failed: ${!o.ok && o.e} ${where}`);
        assert.equal(o.r.result, 'Success', `upload ${j.i}: ${JSON.stringify(o.r)} ${where}`);
        assert.equal(o.r.sha1, j.sha1, `upload ${j.i} ${where}`);
      } else if (!o.ok) {
        assert.ok(
          isCleanAbort(o.e, j.ctrl.signal),
          `upload ${j.i} (${j.mode}) rejected with something else than its abort: ${(o.e as Error)?.stack ?? o.e} ${where}`,
        );
        abortedRejections++;
      } else {
        // Aborted after its last answer arrived: the file is up, so success is the truth.
        assert.equal(o.r.result, 'Success', `upload ${j.i}: ${JSON.stringify(o.r)} ${where}`);
      }
    }
    assert.ok(abortedRejections >= 5, `only ${abortedRejections} uploads were actually aborted ${where}`);
    assert.deepEqual(escaped, [], `nothing may escape ${where}`);

    // The client is still usable after all that.
    const last = join(ctx.tmp, 'after.png');
    const sha1 = await writePng(last, 300 * KiB);
    const r = await c.upload(last, { filename: uniqueName('AfterAborts'), chunkSize: 64 * KiB });
    assert.equal(r.result, 'Success');
    assert.equal(r.sha1, sha1);
  });
});
