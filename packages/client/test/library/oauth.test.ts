/**
 * The client with an OAuth 2 access token (`oauthToken`) against our server: every request carries
 * `Authorization: Bearer`, none a cookie, there is no login; direct and chunked uploads land. A token
 * the wiki refuses fails with MediaWiki's error at once.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApiError, MwClient, type UploadResult } from '../../src/index.js';
import { writePng } from './fixtures.js';
import { downloadedSha1, uniqueName, useOAuthWiki } from './helpers.js';

const KiB = 1024;

function success(r: UploadResult): asserts r is Extract<UploadResult, { result: 'Success' }> {
  assert.equal(r.result, 'Success', `expected Success, got ${JSON.stringify(r)}`);
}

describe('the client with an OAuth token', () => {
  const ctx = useOAuthWiki('TokenBot');
  const client = (oauthToken: string) =>
    new MwClient({ api: ctx.proxy.api, oauthToken, backoff: { baseMs: 50, maxMs: 500 }, maxRetries: 2 });

  it('uploads directly and in chunks with the bearer token, without cookies or login', async () => {
    const start = ctx.proxy.requests.length;
    const c = client(ctx.token);
    assert.equal(c.cookieJar, undefined, 'no cookie jar');
    const small = join(ctx.tmp, 'small.png');
    const smallSha1 = await writePng(small, 30_000);
    const smallName = uniqueName('Token direct');
    const r1 = await c.upload(small, { filename: smallName, comment: 'with a token' });
    success(r1);
    assert.equal(r1.sha1, smallSha1);

    const big = join(ctx.tmp, 'big.png');
    const size = 5 * 64 * KiB + 123;
    const bigSha1 = await writePng(big, size);
    const bigName = uniqueName('Token chunked');
    const r2 = await c.upload(big, { filename: bigName, chunkSize: 64 * KiB });
    success(r2);
    assert.deepEqual(await downloadedSha1(c, bigName), { sha1: bigSha1, size });
    assert.equal((await c.imageInfo(smallName))?.user, 'TokenBot');

    const sent = ctx.proxy.requests.slice(start);
    assert.ok(sent.filter((q) => q.isChunk).length >= 6, 'the chunks went through the proxy');
    for (const q of sent) {
      assert.equal(q.headers.authorization, `Bearer ${ctx.token}`, `${q.method} ${JSON.stringify(q.fields)}`);
      assert.equal(q.headers.cookie, undefined);
      assert.notEqual(q.fields.action, 'login');
      assert.notEqual(q.fields.type, 'login');
    }
    assert.deepEqual(await c.userInfo().then((u) => u.name), 'TokenBot');
  });

  it('fails at once with the wiki’s error when the token is refused', async () => {
    for (const t of [ctx.revoked, 'not-a-token-at-all-not-a-token']) {
      const c = client(t);
      const file = join(ctx.tmp, 'refused.png');
      await writePng(file, 5000);
      await assert.rejects(c.upload(file, { filename: uniqueName('Refused') }), (e: unknown) => {
        assert.ok(e instanceof ApiError, String(e));
        assert.equal(e.code, 'mwoauth-invalid-authorization');
        assert.match(e.info, /not valid: Invalid access token/);
        return true;
      });
    }
  });

  it('takes the token over a bot password given with it', async () => {
    const c = new MwClient({
      api: ctx.proxy.api,
      oauthToken: ctx.token,
      username: 'Nobody@bot',
      password: 'wrong-password-1',
    });
    const start = ctx.proxy.requests.length;
    assert.equal((await c.login()).name, 'TokenBot');
    assert.ok(ctx.proxy.requests.slice(start).every((q) => q.fields.action !== 'login'));
  });
});
