/**
 * Know before sending (`precheck`): the client hashes the file, asks the wiki, and sends nothing for a
 * file the wiki already has under the target name (`Unchanged`) or under another name (a `duplicate`
 * warning, unless accepted). Bytes are counted at a proxy in front of the real server.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type { UploadResult } from '../../src/index.js';
import { pngOfSize, sha1Hex, writePng } from './fixtures.js';
import { clientFor, downloadedSha1, uniqueName, useWiki } from './helpers.js';
import { traffic, withRule } from './local-servers.js';

const KiB = 1024;

const ctx = useWiki({ proxy: true });

function is<K extends UploadResult['result']>(
  r: UploadResult,
  kind: K,
): asserts r is Extract<UploadResult, { result: K }> {
  assert.equal(r.result, kind, `expected ${kind}, got ${JSON.stringify(r)}`);
}

describe('precheck', () => {
  for (const [what, size, opts] of [
    ['a direct upload', 200 * KiB, {}],
    ['a chunked upload', 5 * 64 * KiB + 7, { chunkSize: 64 * KiB }],
  ] as const) {
    it(`re-running ${what} sends no file bytes and answers Unchanged`, async () => {
      const path = join(ctx.tmp, uniqueName('PreSame'));
      const sha1 = await writePng(path, size);
      const name = uniqueName('PreSame');
      const client = clientFor(ctx.wiki, ctx.proxy.api);
      const first = await client.upload(path, { filename: name, precheck: true, ...opts });
      is(first, 'Success');

      const again = await traffic(ctx.proxy, () =>
        clientFor(ctx.wiki, ctx.proxy.api).upload(path, { filename: name, precheck: true, ...opts }),
      );
      is(again.value, 'Unchanged');
      assert.equal(again.value.sha1, sha1);
      assert.equal(again.value.filename, name);
      assert.equal(again.value.imageinfo?.sha1, sha1);
      assert.equal(again.uploads.length, 0);
      assert.ok(again.bytes < 4 * KiB, `${again.bytes} request bytes for a ${size}-byte file`);
      assert.deepEqual(await downloadedSha1(client, name), { sha1, size });
    });
  }

  it('finds the target under its normalised title (spaces, first letter, illegal characters)', async () => {
    const bytes = pngOfSize(30 * KiB);
    const stem = uniqueName('pre odd').replace(/\.png$/, '');
    const given = `${stem}:part.png`;
    const client = clientFor(ctx.wiki, ctx.proxy.api);
    const first = await client.upload(bytes, { filename: given, ignoreWarnings: ['badfilename'] });
    is(first, 'Success');
    assert.equal(first.filename, `P${stem.slice(1).replace(/ /g, '_')}-part.png`);
    const again = await traffic(ctx.proxy, () => client.upload(bytes, { filename: given, precheck: true }));
    is(again.value, 'Unchanged');
    assert.equal(again.value.filename, first.filename);
    assert.equal(again.uploads.length, 0);
  });

  it('refuses a duplicate under another name before sending; accepted with ignoreWarnings', async () => {
    const bytes = pngOfSize(120 * KiB);
    const original = uniqueName('PreOriginal');
    const client = clientFor(ctx.wiki, ctx.proxy.api);
    is(await client.upload(bytes, { filename: original }), 'Success');

    const copy = uniqueName('PreCopy');
    const refused = await traffic(ctx.proxy, () => client.upload(bytes, { filename: copy, precheck: true }));
    is(refused.value, 'Warning');
    assert.deepEqual(refused.value.warnings, { duplicate: [original] });
    assert.equal(refused.value.filekey, undefined);
    assert.equal(refused.value.sha1, sha1Hex(bytes));
    assert.equal(refused.uploads.length, 0);
    assert.ok(refused.bytes < 4 * KiB);
    assert.equal(await client.imageInfo(copy), undefined);

    // Another accepted warning is not enough.
    const still = await traffic(ctx.proxy, () =>
      client.upload(bytes, { filename: copy, precheck: true, ignoreWarnings: ['exists'] }),
    );
    is(still.value, 'Warning');
    assert.equal(still.uploads.length, 0);

    const accepted = await client.upload(bytes, {
      filename: copy,
      precheck: true,
      ignoreWarnings: ['duplicate'],
    });
    is(accepted, 'Success');
    assert.deepEqual(accepted.warnings, { duplicate: [original] });
    assert.equal((await client.imageInfo(copy))?.sha1, sha1Hex(bytes));
  });

  it('leaves every other warning to the server: a changed file under an existing name', async () => {
    const name = uniqueName('PreChanged');
    const client = clientFor(ctx.wiki, ctx.proxy.api);
    is(await client.upload(pngOfSize(10 * KiB), { filename: name }), 'Success');
    const r = await traffic(ctx.proxy, () =>
      client.upload(pngOfSize(11 * KiB), { filename: name, precheck: true }),
    );
    is(r.value, 'Warning');
    assert.ok(r.value.warnings.exists, JSON.stringify(r.value.warnings));
    assert.ok(r.value.filekey, 'the server stashed the file');
    assert.equal(r.uploads.length, 1);
  });

  it('is off by default in the library: the bytes go to the server, which answers nochange', async () => {
    const bytes = pngOfSize(40 * KiB);
    const name = uniqueName('PreDefault');
    const client = clientFor(ctx.wiki, ctx.proxy.api);
    is(await client.upload(bytes, { filename: name }), 'Success');
    const r = await traffic(ctx.proxy, () => client.upload(bytes, { filename: name }));
    is(r.value, 'Warning');
    assert.ok(r.value.warnings.nochange);
    assert.ok(r.bytes > 40 * KiB);
  });

  it('a stream cannot be hashed beforehand: it is sent and the server decides', async () => {
    const bytes = pngOfSize(20 * KiB);
    const name = uniqueName('PreStream');
    const client = clientFor(ctx.wiki, ctx.proxy.api);
    is(await client.upload(bytes, { filename: name }), 'Success');
    const r = await client.upload(Readable.from([bytes]), {
      filename: name,
      size: bytes.byteLength,
      precheck: true,
    });
    is(r, 'Warning');
    assert.ok(r.warnings.nochange);
  });

  it('a wiki that refuses the query gets the file, and its own warnings decide', async () => {
    const bytes = pngOfSize(25 * KiB);
    const name = uniqueName('PreRefused');
    const client = clientFor(ctx.wiki, ctx.proxy.api);
    is(await client.upload(bytes, { filename: name }), 'Success');
    const r = await withRule(
      ctx.proxy,
      (q) =>
        q.fields.list === 'allimages'
          ? {
              status: 200,
              body: JSON.stringify({ error: { code: 'unknown_list', info: 'Unrecognized value for list.' } }),
            }
          : 'pass',
      () => traffic(ctx.proxy, () => client.upload(bytes, { filename: name, precheck: true })),
    );
    is(r.value, 'Warning');
    assert.ok(r.value.warnings.nochange);
    assert.equal(r.uploads.length, 1);
  });
});
