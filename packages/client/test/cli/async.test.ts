/**
 * `--async` with an end: the wiki's stage (checkstatus `Poll` with `stage`) shows in the progress;
 * after `--wait-timeout` the CLI stops with exit 3 and the filekey, which `mwup status` and
 * `mwup resume` take up later.
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
import { cliEnv, jsonOf, runCli, runInProcess } from './cli-run.js';

const KiB = 1024;
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

const env = (api = proxy.api) =>
  cliEnv(tmp.dir, { MWUP_API: api, MWUP_USER: wiki.username, MWUP_PASSWORD: wiki.password });

const poll = (stage: string) => ({
  status: 200,
  body: JSON.stringify({ upload: { result: 'Poll', stage } }),
});

describe('mwup upload --async', () => {
  it('shows the stages of the background work and finishes', async (t) => {
    if (wiki.external) {
      t.skip('stages are simulated in front of our server');
      return;
    }
    const path = join(tmp.dir, 'async.png');
    const size = 4 * 64 * KiB + 1;
    const sha1 = await writePng(path, size);
    const name = uniqueName('CliAsync');
    // The first checkstatus of each key is answered as a wiki still busy would: assembling, then publish.
    const seen: string[] = [];
    proxy.rule = (q) => {
      const key = q.fields.filekey;
      if (q.fields.checkstatus !== '1' || !key || seen.includes(key)) return 'pass';
      seen.push(key);
      return poll(seen.length === 1 ? 'assembling' : 'publish');
    };
    try {
      const r = await runCli(
        ['upload', path, '--filename', name, '--chunk-size', '64K', '--async', '--no-progress'],
        env(),
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`${name}: assembling \\(wiki: queued\\)`));
      assert.match(r.stderr, new RegExp(`${name}: assembling \\(wiki: assembling\\)`));
      assert.match(r.stderr, new RegExp(`${name}: publishing \\(wiki: publish\\)`));
      assert.equal(seen.length, 2);
      assert.deepEqual(await downloadedSha1(clientFor(wiki, wiki.api), name), { sha1, size });
    } finally {
      proxy.rule = () => 'pass';
    }
  });

  it('stops after --wait-timeout with exit 3 and the filekey; status and resume take it up', async () => {
    const path = join(tmp.dir, 'slow.png');
    const size = 3 * 64 * KiB + 2;
    const sha1 = await writePng(path, size);
    const name = uniqueName('CliAsyncSlow');
    const state = join(tmp.dir, 'slow-state.json');
    // A wiki that never gets past "queued".
    proxy.rule = (q) => (q.fields.checkstatus === '1' ? poll('queued') : 'pass');
    const began = performance.now();
    let r: Awaited<ReturnType<typeof runCli>>;
    try {
      r = await runCli(
        [
          'upload',
          path,
          '--filename',
          name,
          '--chunk-size',
          '64K',
          '--async',
          '--wait-timeout',
          '2',
          '--state',
          state,
          '--json',
        ],
        env(),
      );
    } finally {
      proxy.rule = () => 'pass';
    }
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.ok(performance.now() - began >= 2000);
    const out = jsonOf(r).results[0];
    assert.equal(out.status, 'waiting');
    assert.equal(out.stage, 'queued');
    assert.equal(typeof out.filekey, 'string');
    assert.match(out.detail, new RegExp(`mwup status ${out.filekey.replace(/[.]/g, '\\.')}`));
    assert.equal(Object.keys(JSON.parse(await readFile(state, 'utf8')).uploads).length, 1);

    const st = await runCli(['status', out.filekey, '--json'], env(wiki.api));
    assert.equal(st.code, 0, st.stdout + st.stderr);
    assert.ok(['Poll', 'Success'].includes(jsonOf(st).status.result), st.stdout);

    const resumed = await runCli(['resume', '--state', state, '--json'], env());
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.equal(jsonOf(resumed).results[0].status, 'uploaded');
    assert.deepEqual(await downloadedSha1(clientFor(wiki, wiki.api), name), { sha1, size });
  });

  it('--wait-timeout needs --async and a whole number of seconds (exit 2)', async () => {
    const api = 'http://127.0.0.1:9/w/api.php';
    for (const extra of [
      ['--wait-timeout', '5'],
      ['--async', '--wait-timeout', '0'],
      ['--async', '--wait-timeout', 'soon'],
    ]) {
      const r = await runInProcess(['upload', 'x.png', '--api', api, ...extra], cliEnv(tmp.dir));
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /wait-timeout/);
    }
  });
});
