/**
 * Signals: SIGINT and SIGTERM stop `mwup upload` with the state saved and exit 130 / 143; `mwup resume`
 * continues from the wiki's offset, the file lands byte-exact, and the rate it shows counts only the
 * bytes it sent itself.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writePng } from '../library/fixtures.js';
import {
  clientFor,
  downloadedSha1,
  startProxy,
  startWiki,
  type TestProxy,
  tempDir,
  uniqueName,
  type Wiki,
} from '../library/helpers.js';
import { cliEnv, jsonOf, runCli, startCli } from './cli-run.js';

const KiB = 1024;
const CHUNK = 64 * KiB;
let wiki: Wiki;
let proxy: TestProxy;
let tmp: { dir: string; cleanup: () => Promise<void> };

before(async () => {
  wiki = await startWiki();
  proxy = await startProxy(wiki.api);
  tmp = await tempDir();
});

after(async () => {
  await proxy?.close();
  await wiki?.close();
  await tmp?.cleanup();
});

const env = () =>
  cliEnv(tmp.dir, { MWUP_API: proxy.api, MWUP_USER: wiki.username, MWUP_PASSWORD: wiki.password });

const UNITS: Record<string, number> = { B: 1, KiB: KiB, MiB: KiB * KiB, GiB: KiB * KiB * KiB };

/** The rates (bytes/s) of the "uploading" progress lines. */
function rates(stderr: string): number[] {
  return [...stderr.matchAll(/: uploading \d+% \([^,]+, ([\d.]+) (B|KiB|MiB|GiB)\/s\)/g)].map(
    (m) => Number(m[1]) * (UNITS[m[2] as string] as number),
  );
}

/**
 * Starts `mwup upload` through the proxy and sends `signal` while the answer to chunk `k` is held
 * (the wiki has stored chunk k; the CLI does not know it yet).
 */
async function interrupted(path: string, name: string, state: string, k: number, signal: NodeJS.Signals) {
  const base = proxy.requests.filter((q) => q.isChunk).length;
  proxy.rule = (q) => (q.isChunk && q.chunkIndex === base + k ? 'hold' : 'pass');
  const held = proxy.waitFor((q) => q.isChunk && q.chunkIndex === base + k);
  const p = startCli(
    ['upload', path, '--filename', name, '--chunk-size', '64K', '--state', state, '--no-progress'],
    env(),
  );
  await held;
  p.child.kill(signal);
  const r = await p.done;
  proxy.release(true);
  proxy.rule = () => 'pass';
  return r;
}

describe('signals', () => {
  it('SIGINT: exit 130 with the state saved; resume continues from the wiki offset, rate of this run only', async () => {
    const path = join(tmp.dir, 'sigint.png');
    const size = 32 * CHUNK + 3;
    const sha1 = await writePng(path, size);
    const name = uniqueName('CliSigint');
    const state = join(tmp.dir, 'sigint-state.json');

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
    const before = proxy.requests.length;
    proxy.rule = (q) => {
      if (!q.isChunk) return 'pass';
      setTimeout(() => proxy.release(), 150);
      return 'hold';
    };
    let resumed: Awaited<ReturnType<typeof runCli>>;
    try {
      resumed = await runCli(['resume', '--state', state, '--no-progress'], env());
    } finally {
      proxy.rule = () => 'pass';
    }
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    const offsets = proxy.requests
      .slice(before)
      .filter((q) => q.isChunk)
      .map((q) => Number(q.fields.offset));
    assert.equal(offsets[0], 24 * CHUNK, 'continued where the wiki was, not where the state file was');
    const shown = rates(resumed.stderr);
    assert.ok(shown.length >= 3, resumed.stderr);
    // 1.5 MiB were on the wiki before: counted, they would show several MiB/s.
    for (const rate of shown) assert.ok(rate < KiB * KiB, `rate ${rate} B/s:\n${resumed.stderr}`);
    assert.deepEqual(await downloadedSha1(clientFor(wiki, wiki.api), name), { sha1, size });
    assert.deepEqual(JSON.parse(await readFile(state, 'utf8')).uploads, {});
  });

  it('SIGTERM: exit 143 with the state saved; resume finishes it', async () => {
    const path = join(tmp.dir, 'sigterm.png');
    const size = 6 * CHUNK + 11;
    const sha1 = await writePng(path, size);
    const name = uniqueName('CliSigterm');
    const state = join(tmp.dir, 'sigterm-state.json');

    const r = await interrupted(path, name, state, 3, 'SIGTERM');
    assert.equal(r.code, 143, r.stdout + r.stderr);
    assert.match(r.stderr, /SIGTERM/);
    const doc = JSON.parse(await readFile(state, 'utf8'));
    assert.equal((Object.values(doc.uploads)[0] as { token: { offset: number } }).token.offset, 2 * CHUNK);

    const resumed = await runCli(['resume', '--state', state, '--json'], env());
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.equal(jsonOf(resumed).results[0].status, 'uploaded');
    assert.deepEqual(await downloadedSha1(clientFor(wiki, wiki.api), name), { sha1, size });
  });

  it('SIGINT during mwup resume: exit 130, the upload still in the state file', async () => {
    const path = join(tmp.dir, 'sigint-resume.png');
    const size = 8 * CHUNK + 1;
    const sha1 = await writePng(path, size);
    const name = uniqueName('CliSigintResume');
    const state = join(tmp.dir, 'sigint-resume-state.json');
    assert.equal((await interrupted(path, name, state, 2, 'SIGINT')).code, 130);

    const base = proxy.requests.filter((q) => q.isChunk).length;
    proxy.rule = (q) => (q.isChunk && q.chunkIndex === base + 2 ? 'hold' : 'pass');
    const held = proxy.waitFor((q) => q.isChunk && q.chunkIndex === base + 2);
    const p = startCli(['resume', '--state', state, '--no-progress'], env());
    await held;
    p.child.kill('SIGINT');
    const r = await p.done;
    proxy.release(true);
    proxy.rule = () => 'pass';
    assert.equal(r.code, 130, r.stdout + r.stderr);
    const doc = JSON.parse(await readFile(state, 'utf8'));
    assert.equal(Object.keys(doc.uploads).length, 1);

    const done = await runCli(['resume', '--state', state], env());
    assert.equal(done.code, 0, done.stdout + done.stderr);
    assert.deepEqual(await downloadedSha1(clientFor(wiki, wiki.api), name), { sha1, size });
  });
});
