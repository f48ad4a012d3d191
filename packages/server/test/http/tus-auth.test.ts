/**
 * The tus endpoint with OAuth 2 bearer tokens (`Authorization: Bearer`) instead of the session
 * cookie: the token's user with the token's grants; a token that is not valid is refused 401 with
 * `mwoauth-invalid-authorization`; browsers may send the header across origins.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tus from 'tus-js-client';
import { TestClient } from '../helpers/client.js';
import { pngOfSize, sha1 } from '../helpers/files.js';
import {
  createAccount,
  createBot,
  startTestServer,
  type TestServer,
  UPLOAD_GRANTS,
} from '../helpers/server.js';
import { b64 } from './tus-requests.js';

const ORIGIN = 'https://tools.example';

describe('tus uploads with OAuth 2 bearer tokens', () => {
  let s: TestServer;
  let endpoint: string;
  let userId: number;
  let token: string;
  const newToken = async (grants: string[], name?: string, user = userId) =>
    (await s.server.services.oauthTokens.create(user, grants, { name })).token;

  before(async () => {
    s = await startTestServer({ corsOrigins: [ORIGIN] });
    endpoint = `${s.origin}/w/tus/`;
    userId = (await createAccount(s, { name: 'TusOAuthUser', password: 'TusOAuthUser-password-1' })).id;
    token = await newToken(UPLOAD_GRANTS, 'tus uploads');
  });
  after(() => s.close());

  const create = (
    bearer: string | null,
    filename: string,
    length: number,
    extra: Record<string, string> = {},
  ) =>
    fetch(endpoint, {
      method: 'POST',
      headers: {
        'Tus-Resumable': '1.0.0',
        ...(bearer !== null ? { Authorization: `Bearer ${bearer}` } : {}),
        'Upload-Length': String(length),
        'Upload-Metadata': `filename ${b64(filename)}`,
        ...extra,
      },
    });

  /** An API request with the bearer token. */
  async function api(params: Record<string, string>, method: 'GET' | 'POST' = 'GET') {
    const auth = { Authorization: `Bearer ${token}` };
    const all = new URLSearchParams({ format: 'json', formatversion: '2', ...params });
    const r =
      method === 'GET'
        ? await fetch(`${s.api}?${all}`, { headers: auth })
        : await fetch(s.api, { method: 'POST', headers: auth, body: all });
    // biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary JSON
    return (await r.json()) as any;
  }

  it('uploads with tus-js-client and a bearer token, resumes, and publishes with the same token', async () => {
    const data = pngOfSize(200_000);
    const headers = { Authorization: `Bearer ${token}` };
    let upload!: tus.Upload;
    await new Promise<void>((resolve, reject) => {
      upload = new tus.Upload(data, {
        endpoint,
        headers,
        metadata: { filename: 'Tus bearer.png', filetype: 'image/png' },
        chunkSize: 64 * 1024,
        retryDelays: [],
        onError: reject,
        onChunkComplete: () => void upload.abort().then(resolve, reject),
      });
      upload.start();
    });
    const head = await fetch(upload.url!, {
      method: 'HEAD',
      headers: { 'Tus-Resumable': '1.0.0', ...headers },
    });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('upload-offset'), String(64 * 1024));
    const filekey = await new Promise<string | null>((resolve, reject) => {
      const again = new tus.Upload(data, {
        uploadUrl: upload.url,
        headers,
        chunkSize: 64 * 1024,
        retryDelays: [],
        onError: reject,
        onSuccess: (p) => resolve(p.lastResponse.getHeader('Upload-Filekey') ?? null),
      });
      again.start();
    });
    assert.ok(filekey);
    const stashed = await api({ action: 'query', list: 'mystashedfiles', msfprop: 'size' });
    assert.ok(stashed.query.mystashedfiles.some((f: { filekey: string }) => f.filekey === filekey));
    const csrf = (await api({ action: 'query', meta: 'tokens' })).query.tokens.csrftoken;
    const pub = await api({ action: 'upload', filekey, filename: 'Tus bearer.png', token: csrf }, 'POST');
    assert.equal(pub.upload?.result, 'Success', JSON.stringify(pub));
    assert.equal(pub.upload.imageinfo.sha1, sha1(data));
    assert.equal(pub.upload.imageinfo.user, 'TusOAuthUser');
  });

  it('refuses a token whose grants do not include uploading (403 permissiondenied)', async () => {
    const basic = await newToken(['basic'], 'basic only');
    const r = await create(basic, 'Tus basic grant.png', 10);
    assert.equal(r.status, 403);
    assert.equal(r.headers.get('mediawiki-api-error'), 'permissiondenied');
  });

  it('refuses an unknown, malformed or revoked token with 401 mwoauth-invalid-authorization', async () => {
    const revoked = await newToken(UPLOAD_GRANTS, 'soon revoked');
    const r0 = await create(revoked, 'Tus revoked.png', 10);
    assert.equal(r0.status, 201);
    const url = r0.headers.get('location')!;
    assert.ok(await s.server.services.oauthTokens.revoke('soon revoked'));
    const head = await fetch(url, {
      method: 'HEAD',
      headers: { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${revoked}` },
    });
    assert.equal(head.status, 401);
    assert.equal(head.headers.get('mediawiki-api-error'), 'mwoauth-invalid-authorization');
    for (const bad of [revoked, 'x'.repeat(43), 'not a token']) {
      const r = await create(bad, 'Tus bad token.png', 10, { Origin: ORIGIN });
      assert.equal(r.status, 401, bad);
      assert.equal(r.headers.get('mediawiki-api-error'), 'mwoauth-invalid-authorization');
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.match(await r.text(), /mwoauth-invalid-authorization/);
      assert.equal(r.headers.get('access-control-allow-origin'), ORIGIN, 'readable by the page');
    }
    // Nothing was created for the refused requests.
    const list = await api({ action: 'query', list: 'mystashedfiles' });
    assert.ok(!JSON.stringify(list).includes('bad token'));
  });

  it("keeps uploads to their user: another user's token gets 403", async () => {
    const r = await create(token, 'Tus token owner.png', 100);
    const url = r.headers.get('location')!;
    const otherId = (await createAccount(s, { name: 'TusOtherUser', password: 'TusOtherUser-password-1' }))
      .id;
    const otherToken = await newToken(UPLOAD_GRANTS, 'other user', otherId);
    const head = await fetch(url, {
      method: 'HEAD',
      headers: { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${otherToken}` },
    });
    assert.equal(head.status, 403);
  });

  it('takes the token over a session cookie, as the API does', async () => {
    const b = await createBot(s, 'TusCookieBot');
    const c = new TestClient(s.api);
    await c.login(b.lgname, b.password);
    const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const r = await create('y'.repeat(43), 'Tus both.png', 10, { cookie });
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('mediawiki-api-error'), 'mwoauth-invalid-authorization');
    const withCookie = await create(null, 'Tus cookie only.png', 10, { cookie });
    assert.equal(withCookie.status, 201);
  });

  it('allows the Authorization header in CORS preflights of allowed origins', async () => {
    const pre = await fetch(endpoint, {
      method: 'OPTIONS',
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, tus-resumable, upload-length, upload-metadata',
      },
    });
    assert.ok(pre.status < 300);
    assert.equal(pre.headers.get('access-control-allow-origin'), ORIGIN);
    const allowed = (pre.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    for (const h of ['authorization', 'tus-resumable', 'upload-length', 'upload-metadata'])
      assert.ok(allowed.includes(h), h);
  });
});
