/**
 * Signals: SIGINT and SIGTERM stop `mwup upload` with the state saved and exit 130 / 143; `mwup resume`
 * continues from the wiki's offset, the file lands byte-exact, and the rate it shows counts only the
 * bytes it sent itself.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { clientFor, downloadedSha1, newPng, useWiki } from '../library/helpers.js';
import { withRule } from '../library/local-servers.js';
import { asWiki, interruptedAtChunk, jsonOf, runCli } from './cli-run.js';

const KiB = 1024;
const CHUNK = 64 * KiB;
const ctx = useWiki({ proxy: true });

const env = () => asWiki(ctx.tmp, ctx.wiki, ctx.proxy.api);

const UNITS: Record<string, number> = { B: 1, KiB: KiB, MiB: KiB * KiB, GiB: KiB * KiB * KiB };

/** The rates (bytes/s) of the "uploading" progress lines. */
function rates(stderr: string): number[] {
  return [...stderr.matchAll(/: uploading \d+% \([^,]+, ([\d.]+) (B|KiB|MiB|GiB)\/s\)/g)].map(
    (m) => Number(m[1]) * (UNITS[m[2] as string] as number),
  );
}

/** Runs `mwup upload` through the proxy and sends it `signal` while the answer to chunk `k` is held. */
const interrupted = (path: string, name: string, state: string, k: number, signal: NodeJS.Signals) =>
  interruptedAtChunk(
    ctx.proxy,
    k,
    ['upload', path, '--filename', name, '--chunk-size', '64K', '--state', state, '--no-progress'],
    env(),
    signal,
  );

describe('signals', () => {
  it('SIGINT: exit 130 with the state saved; resume continues from the wiki offset, rate of this run only', async () => {
    const { path, size, sha1, name } = await newPng(ctx.tmp, 'CliSigint', 32 * CHUNK + 3);
    const state = join(ctx.tmp, 'sigint-state.json');

    const r = await interrupted(path, name, state, 24, 'SIGINT');
    assert.equal(r.code, 130, r.stdout + r.stderr);
    assert.match(r.stderr, /SIGINT/);
    assert.match(r.stdout, /interrupted by SIGINT — continue with: mwup resume \w+/);
    const entries = Object.values(JSON.parse(await readFile(state, 'utf8')).uploads) as {
      token: { offset: number; filekey: string };
    }[];
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.token.offset, 23 * CHUNK);

    // Each chunk's answer is held a little, so this run's own rate is well under 1 MiB/s.
    const before = ctx.proxy.requests.length;
    const resumed = await withRule(
      ctx.proxy,
      (q) => {
        if (!q.isChunk) return 'pass';
        // Timed from when the answer is held: a release before that misses it, and the CLI waits out its timeout.
        void ctx.proxy.waitFor((r) => r === q).then(() => setTimeout(() => ctx.proxy.release(), 150));
        return 'hold';
      },
      () => runCli(['resume', '--state', state, '--no-progress'], env()),
    );
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    const offsets = ctx.proxy.requests
      .slice(before)
      .filter((q) => q.isChunk)
      .map((q) => Number(q.fields.offset));
    assert.equal(offsets[0], 24 * CHUNK, 'continued where the wiki was, not where the state file was');
    const shown = rates(resumed.stderr);
    assert.ok(shown.length >= 3, resumed.stderr);
    // 1.5 MiB were on the wiki before: counted, they would show several MiB/s.
    for (const rate of shown) assert.ok(rate < KiB * KiB, `rate ${rate} B/s:\n${resumed.stderr}`);
    assert.deepEqual(await downloadedSha1(clientFor(ctx.wiki, ctx.wiki.api), name), { sha1, size });
    assert.deepEqual(JSON.parse(await readFile(state, 'utf8')).uploads, {});
  });

  it('SIGTERM: exit 143 with the state saved; resume finishes it', async () => {
    const { path, size, sha1, name } = await newPng(ctx.tmp, 'CliSigterm', 6 * CHUNK + 11);
    const state = join(ctx.tmp, 'sigterm-state.json');

    const r = await interrupted(path, name, state, 3, 'SIGTERM');
    assert.equal(r.code, 143, r.stdout + r.stderr);
    assert.match(r.stderr, /SIGTERM/);
    const doc = JSON.parse(await readFile(state, 'utf8'));
    assert.equal((Object.values(doc.uploads)[0] as { token: { offset: number } }).token.offset, 2 * CHUNK);

    const resumed = await runCli(['resume', '--state', state, '--json'], env());
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.equal(jsonOf(resumed).results[0].status, 'uploaded');
    assert.deepEqual(await downloadedSha1(clientFor(ctx.wiki, ctx.wiki.api), name), { sha1, size });
  });

  it('SIGINT during mwup resume: exit 130, the upload still in the state file', async () => {
    const { path, size, sha1, name } = await newPng(ctx.tmp, 'CliSigintResume', 8 * CHUNK + 1);
    const state = join(ctx.tmp, 'sigint-resume-state.json');
    assert.equal((await interrupted(path, name, state, 2, 'SIGINT')).code, 130);

    const r = await interruptedAtChunk(
      ctx.proxy,
      2,
      ['resume', '--state', state, '--no-progress'],
      env(),
      'SIGINT',
    );
    assert.equal(r.code, 130, r.stdout + r.stderr);
    const doc = JSON.parse(await readFile(state, 'utf8'));
    assert.equal(Object.keys(doc.uploads).length, 1);

    const done = await runCli(['resume', '--state', state], env());
    assert.equal(done.code, 0, done.stdout + done.stderr);
    assert.deepEqual(await downloadedSha1(clientFor(ctx.wiki, ctx.wiki.api), name), { sha1, size });
  });
});
