/**
 * `--async` with an end: the wiki's stage (checkstatus `Poll` with `stage`) shows in the progress;
 * after `--wait-timeout` the CLI stops with exit 3 and the filekey, which `mwup status` and
 * `mwup resume` take up later.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { clientFor, downloadedSha1, newPng, useWiki } from '../library/helpers.js';
import { withRule } from '../library/local-servers.js';
import { asWiki, cliEnv, jsonOf, runCli, runInProcess } from './cli-run.js';

const KiB = 1024;
const ctx = useWiki({ proxy: true });

const env = (api = ctx.proxy.api) => asWiki(ctx.tmp, ctx.wiki, api);

const poll = (stage: string) => ({
  status: 200,
  body: JSON.stringify({ upload: { result: 'Poll', stage } }),
});

describe('mwup upload --async', () => {
  it('shows the stages of the background work and finishes', async (t) => {
    if (ctx.wiki.external) {
      t.skip('stages are simulated in front of our server');
      return;
    }
    const { path, size, sha1, name } = await newPng(ctx.tmp, 'CliAsync', 4 * 64 * KiB + 1);
    // The first checkstatus of each key is answered as a wiki still busy would: assembling, then publish.
    const seen: string[] = [];
    const r = await withRule(
      ctx.proxy,
      (q) => {
        const key = q.fields.filekey;
        if (q.fields.checkstatus !== '1' || !key || seen.includes(key)) return 'pass';
        seen.push(key);
        return poll(seen.length === 1 ? 'assembling' : 'publish');
      },
      () =>
        runCli(
          ['upload', path, '--filename', name, '--chunk-size', '64K', '--async', '--no-progress'],
          env(),
        ),
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`${name}: assembling \\(wiki: queued\\)`));
    assert.match(r.stderr, new RegExp(`${name}: assembling \\(wiki: assembling\\)`));
    assert.match(r.stderr, new RegExp(`${name}: publishing \\(wiki: publish\\)`));
    assert.equal(seen.length, 2);
    assert.deepEqual(await downloadedSha1(clientFor(ctx.wiki, ctx.wiki.api), name), { sha1, size });
  });

  it('stops after --wait-timeout with exit 3 and the filekey; status and resume take it up', async () => {
    const { path, size, sha1, name } = await newPng(ctx.tmp, 'CliAsyncSlow', 3 * 64 * KiB + 2);
    const state = join(ctx.tmp, 'slow-state.json');
    const began = performance.now();
    const r = await withRule(
      ctx.proxy,
      // A wiki that never gets past "queued".
      (q) => (q.fields.checkstatus === '1' ? poll('queued') : 'pass'),
      () =>
        runCli(
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
        ),
    );
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.ok(performance.now() - began >= 2000);
    const out = jsonOf(r).results[0];
    assert.equal(out.status, 'waiting');
    assert.equal(out.stage, 'queued');
    assert.equal(typeof out.filekey, 'string');
    assert.match(out.detail, new RegExp(`mwup status ${out.filekey.replace(/[.]/g, '\\.')}`));
    assert.equal(Object.keys(JSON.parse(await readFile(state, 'utf8')).uploads).length, 1);

    const st = await runCli(['status', out.filekey, '--json'], env(ctx.wiki.api));
    assert.equal(st.code, 0, st.stdout + st.stderr);
    assert.ok(['Poll', 'Success'].includes(jsonOf(st).status.result), st.stdout);

    const resumed = await runCli(['resume', '--state', state, '--json'], env());
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.equal(jsonOf(resumed).results[0].status, 'uploaded');
    assert.deepEqual(await downloadedSha1(clientFor(ctx.wiki, ctx.wiki.api), name), { sha1, size });
  });

  it('--wait-timeout needs --async and a whole number of seconds (exit 2)', async () => {
    const api = 'http://127.0.0.1:9/w/api.php';
    for (const extra of [
      ['--wait-timeout', '5'],
      ['--async', '--wait-timeout', '0'],
      ['--async', '--wait-timeout', 'soon'],
    ]) {
      const r = await runInProcess(['upload', 'x.png', '--api', api, ...extra], cliEnv(ctx.tmp));
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /wait-timeout/);
    }
  });
});
