/** `mwup upload --protocol tus`: the files go over the wiki's tus endpoint and are published as usual. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writePng } from '../library/fixtures.js';
import { clientFor, downloadedSha1, uniqueName, useWiki } from '../library/helpers.js';
import { asWiki, cliEnv, jsonOf, runCli, runInProcess } from './cli-run.js';

const ctx = useWiki();

describe('mwup upload --protocol tus', () => {
  it('uploads files over tus, byte-exact; --ignore-warnings applies to them as to chunked uploads', async () => {
    const name = uniqueName('CliTus');
    const path = join(ctx.tmp, name);
    const sha1 = await writePng(path, 5 * 64 * 1024 + 3);
    const env = asWiki(ctx.tmp, ctx.wiki);
    const r = await runCli(['upload', path, '--protocol', 'tus', '--chunk-size', '64K', '--json'], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(jsonOf(r).results[0].status, 'uploaded');
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    assert.deepEqual(await downloadedSha1(c, name), { sha1, size: 5 * 64 * 1024 + 3 });

    const other = join(ctx.tmp, 'other.png');
    const otherSha1 = await writePng(other, 100_000);
    const args = ['upload', other, '--filename', name, '--protocol', 'tus', '--json'];
    const stopped = await runCli(args, env);
    assert.equal(stopped.code, 1, stopped.stdout + stopped.stderr);
    assert.equal(jsonOf(stopped).results[0].status, 'warning');
    const forced = await runCli([...args, '--ignore-warnings', 'exists'], env);
    assert.equal(forced.code, 0, forced.stdout + forced.stderr);
    assert.equal((await c.imageInfo(name))?.sha1, otherSha1);
  });

  it('refuses an unknown protocol (exit 2)', async () => {
    const r = await runInProcess(
      ['upload', 'a.png', '--api', 'http://127.0.0.1:1/w/api.php', '--protocol', 'ftp'],
      cliEnv(ctx.tmp),
    );
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /--protocol must be chunked or tus/);
  });
});
