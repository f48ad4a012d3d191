/**
 * `mwup upload` asks the wiki before sending (on by default): a file already there under its name is
 * "unchanged" (exit 0, no byte sent), one there under another name stops as `duplicate` before any
 * byte is sent, in a dry run and a normal run alike, until `--ignore-warnings duplicate`. Request
 * bytes are counted at a proxy in front of the real server.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writePng } from '../library/fixtures.js';
import { clientFor, downloadedSha1, uniqueName, useWiki } from '../library/helpers.js';
import { traffic } from '../library/local-servers.js';
import { asWiki, jsonOf, type Run, runCli } from './cli-run.js';

const KiB = 1024;
const ctx = useWiki({ proxy: true });

/** Runs the CLI through the proxy; counts upload requests and request-body bytes. */
async function counted(args: string[]): Promise<Run & { uploads: number; bytes: number }> {
  const t = await traffic(ctx.proxy, () => runCli(args, asWiki(ctx.tmp, ctx.wiki, ctx.proxy.api)));
  return { ...t.value, uploads: t.uploads.length, bytes: t.bytes };
}

describe('mwup upload: know before sending', () => {
  it('re-running an upload sends no file bytes, reports "unchanged" and exits 0', async () => {
    const small = join(ctx.tmp, uniqueName('KnownSmall'));
    const big = join(ctx.tmp, uniqueName('KnownBig'));
    const smallSha = await writePng(small, 150 * KiB);
    const bigSha = await writePng(big, 6 * 64 * KiB + 11);
    const args = [small, big, '--chunk-size', '64K', '--json'];
    const first = await counted(['upload', ...args]);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.ok(first.bytes > 150 * KiB + 6 * 64 * KiB);

    const again = await counted(['upload', ...args]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    const results = jsonOf(again).results;
    assert.deepEqual(
      results.map((x: { status: string }) => x.status),
      ['unchanged', 'unchanged'],
    );
    assert.equal(results[0].result.result, 'Unchanged');
    assert.equal(results[0].result.sha1, smallSha);
    assert.equal(results[1].result.sha1, bigSha);
    assert.equal(again.uploads, 0);
    assert.ok(again.bytes < 8 * KiB, `${again.bytes} request bytes`);

    const human = await counted(['upload', small, '--no-progress']);
    assert.equal(human.code, 0, human.stdout + human.stderr);
    assert.match(human.stderr, /: unchanged — already on the wiki with identical content; nothing uploaded/);
    assert.match(human.stdout, /unchanged/);
    assert.equal(human.uploads, 0);
  });

  it('--no-precheck sends the file and lets the server say it is unchanged', async () => {
    const path = join(ctx.tmp, uniqueName('KnownResend'));
    await writePng(path, 100 * KiB);
    const initial = await counted(['upload', path]);
    assert.equal(initial.code, 0, initial.stdout + initial.stderr);
    const r = await counted(['upload', path, '--no-precheck', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(jsonOf(r).results[0].status, 'unchanged');
    assert.ok(r.bytes > 100 * KiB);
  });

  it('a duplicate under another name is refused before sending, by a dry run too; accepted with --ignore-warnings duplicate', async () => {
    const path = join(ctx.tmp, uniqueName('KnownOriginal'));
    const sha = await writePng(path, 90 * KiB);
    const initial = await counted(['upload', path]);
    assert.equal(initial.code, 0, initial.stdout + initial.stderr);
    const other = uniqueName('KnownCopy');
    const original = path.slice(ctx.tmp.length + 1);

    const dry = await counted(['upload', path, '--filename', other, '--dry-run', '--json']);
    assert.equal(dry.code, 1, dry.stdout + dry.stderr);
    assert.equal(jsonOf(dry).results[0].status, 'would-warn');
    assert.deepEqual(jsonOf(dry).results[0].result.warnings.duplicate, [original]);
    assert.equal(dry.uploads, 0);

    const refused = await counted(['upload', path, '--filename', other, '--json']);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    const res = jsonOf(refused).results[0];
    assert.equal(res.status, 'warning');
    assert.deepEqual(res.result.warnings, { duplicate: [original] });
    assert.equal(res.result.filekey, undefined);
    assert.match(
      res.detail,
      /Nothing was sent\. To upload anyway: run again with --ignore-warnings duplicate/,
    );
    assert.equal(refused.uploads, 0);
    assert.ok(refused.bytes < 8 * KiB);
    assert.equal(await clientFor(ctx.wiki, ctx.wiki.api).imageInfo(other), undefined);

    const dryOk = await counted([
      'upload',
      path,
      '--filename',
      other,
      '--dry-run',
      '--ignore-warnings',
      'duplicate',
      '--json',
    ]);
    assert.equal(dryOk.code, 0, dryOk.stdout + dryOk.stderr);
    assert.equal(jsonOf(dryOk).results[0].status, 'ok');

    const accepted = await counted([
      'upload',
      path,
      '--filename',
      other,
      '--ignore-warnings',
      'duplicate',
      '--json',
    ]);
    assert.equal(accepted.code, 0, accepted.stdout + accepted.stderr);
    assert.equal(jsonOf(accepted).results[0].status, 'uploaded');
    assert.deepEqual(await downloadedSha1(clientFor(ctx.wiki, ctx.wiki.api), other), {
      sha1: sha,
      size: 90 * KiB,
    });
  });
});
