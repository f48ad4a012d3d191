/**
 * OAuth 2 owner-only access tokens (`Authorization: Bearer`), as MediaWiki with Extension:OAuth
 * answers them: the token's user with the token's grants, no login and no session cookie; a token
 * that is unknown, revoked or expired fails the request with `mwoauth-invalid-authorization`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { filesUnder, pngOfSize, sha1 } from '../helpers/files.js';
import {
  createAccount,
  createBot,
  startTestServer,
  type TestServer,
  UPLOAD_GRANTS,
} from '../helpers/server.js';

type Params = Record<string, string>;
// biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary JSON
type Answer = { status: number; headers: Headers; json: any; text: string };

const ALLOWED_ORIGIN = 'https://tools.example';

/** One request with a bearer token (and, if given, a cookie); GET, urlencoded POST or multipart. */
function call(
  api: string,
  token: string | undefined,
  params: Params,
  opts: {
    method?: 'GET' | 'POST';
    file?: { field: string; name: string; data: Buffer };
    headers?: Params;
  } = {},
): Promise<Answer> {
  const headers: Params = {
    ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
    ...opts.headers,
  };
  const c = new TestClient(api);
  if ((opts.method ?? 'GET') === 'GET' && !opts.file) return c.get(params, headers);
  const files = opts.file && { [opts.file.field]: { data: opts.file.data, filename: opts.file.name } };
  return c.post(params, { headers, ...(files ? { files } : {}) });
}

const noCookie = (r: Answer) => assert.deepEqual(r.headers.getSetCookie(), [], 'no Set-Cookie');

const INVALID = 'The authorization headers in your request are not valid: Invalid access token';

describe('OAuth 2 owner-only access tokens (Authorization: Bearer)', () => {
  let s: TestServer;
  let token: string;
  let userId: number;
  const csrf = async (t: string) => {
    const r = await call(s.api, t, { action: 'query', meta: 'tokens' });
    noCookie(r);
    return r.json.query.tokens.csrftoken as string;
  };
  const newToken = async (grants: string[], opts: { name?: string; expiresMs?: number } = {}) =>
    (await s.server.services.oauthTokens.create(userId, grants, opts)).token;

  before(async () => {
    s = await startTestServer({ corsOrigins: [ALLOWED_ORIGIN] });
    userId = (
      await createAccount(s, { name: 'OAuthUser', password: 'OAuthUser-password-1', groups: ['sysop'] })
    ).id;
    token = await newToken(UPLOAD_GRANTS, { name: 'uploads' });
  });
  after(() => s.close());

  it("acts as the token's user, its rights limited by the grants, with no session cookie", async () => {
    const r = await call(s.api, token, { action: 'query', meta: 'userinfo', uiprop: 'groups|rights' });
    assert.equal(r.status, 200);
    noCookie(r);
    const ui = r.json.query.userinfo;
    assert.equal(ui.name, 'OAuthUser');
    assert.equal(ui.id, userId);
    assert.ok(ui.groups.includes('sysop'));
    assert.ok(ui.rights.includes('upload'));
    assert.ok(!ui.rights.includes('delete'), 'sysop rights outside the grants are not given');
    assert.ok(!ui.rights.includes('block'));
  });

  it('gets a CSRF token from meta=tokens and uploads a file; queries see the upload', async () => {
    const t = await csrf(token);
    assert.match(t, /^[0-9a-f]{40}\+\\$/);
    const data = pngOfSize(3000);
    const up = await call(
      s.api,
      token,
      { action: 'upload', filename: 'OAuth upload.png', token: t, comment: 'by bearer' },
      { file: { field: 'file', name: 'a.png', data } },
    );
    noCookie(up);
    assert.equal(up.json.upload?.result, 'Success', up.text);
    const q = await call(s.api, token, {
      action: 'query',
      titles: 'File:OAuth upload.png',
      prop: 'imageinfo',
      iiprop: 'user|sha1|size',
      formatversion: '2',
    });
    noCookie(q);
    const ii = q.json.query.pages[0].imageinfo[0];
    assert.equal(ii.user, 'OAuthUser');
    assert.equal(ii.sha1, sha1(data));
  });

  it('uploads in chunks: the stash belongs to the token user', async () => {
    const t = await csrf(token);
    const data = pngOfSize(5000);
    const parts = [data.subarray(0, 2048), data.subarray(2048, 4096), data.subarray(4096)];
    let filekey: string | undefined;
    let offset = 0;
    for (const part of parts) {
      const r = await call(
        s.api,
        token,
        {
          action: 'upload',
          stash: '1',
          filename: 'OAuth chunks.png',
          filesize: String(data.length),
          offset: String(offset),
          token: t,
          ...(filekey ? { filekey } : {}),
        },
        { file: { field: 'chunk', name: 'blob', data: part } },
      );
      noCookie(r);
      assert.ok(r.json.upload, r.text);
      filekey = r.json.upload.filekey;
      offset += part.length;
    }
    const done = await call(
      s.api,
      token,
      { action: 'upload', filename: 'OAuth chunks.png', filekey: filekey as string, token: t },
      { method: 'POST' },
    );
    assert.equal(done.json.upload?.result, 'Success', done.text);
    assert.equal(done.json.upload.imageinfo.sha1, sha1(data));
  });

  it('limits rights to the grants: without uploadfile an upload is refused as for a bot password', async () => {
    const readOnly = await newToken(['basic']);
    const ui = await call(s.api, readOnly, { action: 'query', meta: 'userinfo', uiprop: 'rights' });
    assert.ok(!ui.json.query.userinfo.rights.includes('upload'));
    const up = await call(
      s.api,
      readOnly,
      { action: 'upload', filename: 'Not allowed.png', token: await csrf(readOnly) },
      { file: { field: 'file', name: 'a.png', data: pngOfSize(1000) } },
    );
    noCookie(up);
    assert.equal(up.json.error?.code, 'permissiondenied', up.text);
    // The same answer a bot password without the grant gets.
    const bp = await createBot(s, 'NoUploadGrant', { groups: ['sysop'], grants: ['basic'] });
    const c = new TestClient(s.api);
    await c.login(bp.lgname, bp.password);
    const viaBp = await c.upload({ filename: 'Not allowed either.png' }, pngOfSize(1000));
    assert.equal(viaBp.json.error?.code, 'permissiondenied');
    assert.equal(up.json.error.info, viaBp.json.error.info);
  });

  it('refuses a garbage, an empty, a revoked and an expired token with MediaWiki’s error (HTTP 200)', async () => {
    const revoked = await newToken(UPLOAD_GRANTS, { name: 'soon revoked' });
    const before = await call(s.api, revoked, { action: 'query', meta: 'userinfo' });
    assert.equal(before.json.query.userinfo.name, 'OAuthUser');
    assert.ok(await s.server.services.oauthTokens.revoke('soon revoked'));
    const expired = await newToken(UPLOAD_GRANTS, { expiresMs: Date.now() - 1000 });
    for (const t of ['garbage', '', revoked, expired, `${token}x`]) {
      const r = await call(s.api, t, { action: 'query', meta: 'userinfo' });
      assert.equal(r.status, 200);
      noCookie(r);
      assert.equal(r.headers.get('mediawiki-api-error'), 'mwoauth-invalid-authorization');
      assert.equal(r.json.error.code, 'mwoauth-invalid-authorization', `token ${JSON.stringify(t)}`);
      assert.equal(r.json.error.info, INVALID);
      assert.equal(r.json.query, undefined);
    }
    // Every module is refused, help included; the error is the main module's, in any error format.
    const raw = await call(s.api, 'garbage', { action: 'help', errorformat: 'raw', formatversion: '2' });
    assert.deepEqual(raw.json.errors, [
      {
        code: 'mwoauth-invalid-authorization',
        key: 'mwoauth-invalid-authorization',
        params: ['Invalid access token'],
        module: 'main',
      },
    ]);
    const plain = await call(s.api, 'garbage', { action: 'query', errorformat: 'plaintext' });
    assert.equal(plain.json.errors[0].module, 'main');
    assert.equal(plain.json.errors[0]['*'], INVALID);
  });

  it('refuses an upload with a bad token before storing anything', async () => {
    const st = s.config.storage;
    const blobs = () => (st.driver === 'local' ? filesUnder(st.dir) : []);
    const stored = blobs();
    const up = await call(
      s.api,
      'garbage-token-garbage-token',
      { action: 'upload', filename: 'Refused.png', token: '+\\' },
      { file: { field: 'file', name: 'a.png', data: pngOfSize(200_000) } },
    );
    assert.equal(up.json?.error?.code, 'mwoauth-invalid-authorization', up.text);
    const q = await call(s.api, token, { action: 'query', titles: 'File:Refused.png', formatversion: '2' });
    assert.equal(q.json.query.pages[0].missing, true);
    assert.deepEqual(blobs(), stored, 'no blob left behind');
  });

  it('refuses action=login and action=logout as MediaWiki does for OAuth sessions', async () => {
    const lt = await call(s.api, token, { action: 'query', meta: 'tokens', type: 'login' });
    noCookie(lt);
    const login = await call(
      s.api,
      token,
      {
        action: 'login',
        lgname: 'OAuthUser',
        lgpassword: 'OAuthUser-password-1',
        lgtoken: lt.json.query.tokens.logintoken,
      },
      { method: 'POST' },
    );
    noCookie(login);
    assert.deepEqual(login.json, {
      login: {
        result: 'Aborted',
        reason: 'Cannot log in when using MediaWiki\\Extension\\OAuth\\SessionProvider sessions.',
      },
    });
    const plain = await call(
      s.api,
      token,
      { action: 'login', lgname: 'X', lgpassword: 'y', errorformat: 'plaintext', formatversion: '2' },
      { method: 'POST' },
    );
    assert.deepEqual(plain.json.login.reason, {
      code: 'api-login-fail-badsessionprovider',
      text: 'Cannot log in when using MediaWiki\\Extension\\OAuth\\SessionProvider sessions.',
    });
    const logout = await call(
      s.api,
      token,
      { action: 'logout', token: await csrf(token) },
      { method: 'POST' },
    );
    noCookie(logout);
    assert.equal(logout.json.error.code, 'cannotlogout');
    assert.equal(
      logout.json.error.info,
      'Logging out is not possible when using MediaWiki\\Extension\\OAuth\\SessionProvider sessions.',
    );
    // The token still works: nothing was logged out.
    const ui = await call(s.api, token, { action: 'query', meta: 'userinfo' });
    assert.equal(ui.json.query.userinfo.name, 'OAuthUser');
  });

  it('uses the bearer token over a session cookie sent with it', async () => {
    const bot = await createBot(s, 'CookieUser');
    const c = new TestClient(s.api);
    await c.login(bot.lgname, bot.password);
    const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const both = await call(s.api, token, { action: 'query', meta: 'userinfo' }, { headers: { cookie } });
    assert.equal(both.json.query.userinfo.name, 'OAuthUser');
    noCookie(both);
    const bad = await call(s.api, 'garbage', { action: 'query', meta: 'userinfo' }, { headers: { cookie } });
    assert.equal(bad.json.error.code, 'mwoauth-invalid-authorization');
    // A CSRF token of the cookie session is not the bearer token's.
    const cookieCsrf = await c.token('csrf');
    const r = await call(
      s.api,
      token,
      { action: 'upload', filename: 'Mixed.png', token: cookieCsrf },
      { file: { field: 'file', name: 'a.png', data: pngOfSize(1000) }, headers: { cookie } },
    );
    assert.equal(r.json.error?.code, 'badtoken');
  });

  it('ignores an Authorization header that is not a bearer token', async () => {
    const r = await call(
      s.api,
      undefined,
      { action: 'query', meta: 'userinfo' },
      { headers: { authorization: 'Basic eDp5' } },
    );
    assert.equal(r.json.query.userinfo.anon, '');
  });

  it('answers CORS preflights allowing the Authorization header, as MediaWiki', async () => {
    const preflight = (query: string, headers: Params) =>
      fetch(`${s.api}?${query}`, {
        method: 'OPTIONS',
        headers: { 'access-control-request-method': 'POST', ...headers },
      });
    const allowed = await preflight(`origin=${encodeURIComponent(ALLOWED_ORIGIN)}&action=upload`, {
      origin: ALLOWED_ORIGIN,
      'access-control-request-headers': 'authorization,api-user-agent',
    });
    assert.equal(allowed.status, 200);
    assert.equal(await allowed.text(), '');
    assert.equal(allowed.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(allowed.headers.get('access-control-allow-headers'), 'authorization,api-user-agent');
    assert.equal(allowed.headers.get('access-control-allow-methods'), 'POST, GET, HEAD');
    assert.equal(allowed.headers.get('vary'), 'Origin');

    const anon = await preflight('origin=*', {
      origin: 'https://anywhere.example',
      'access-control-request-headers': 'Authorization',
    });
    assert.equal(anon.headers.get('access-control-allow-origin'), '*');
    assert.equal(anon.headers.get('access-control-allow-credentials'), 'false');
    assert.equal(anon.headers.get('access-control-allow-headers'), 'Authorization');

    const unknownHeader = await preflight('origin=*', {
      origin: 'https://anywhere.example',
      'access-control-request-headers': 'x-custom',
    });
    assert.equal(unknownHeader.status, 200);
    assert.equal(unknownHeader.headers.get('access-control-allow-origin'), null);
    assert.equal(
      unknownHeader.headers.get('mediawiki-cors-rejection'),
      'Unsupported header requested in preflight',
    );

    const other = await preflight('origin=https%3A%2F%2Fevil.example', { origin: 'https://evil.example' });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    assert.equal(other.headers.get('mediawiki-cors-rejection'), 'Origin mismatch');

    const mismatch = await preflight(`origin=${encodeURIComponent(ALLOWED_ORIGIN)}`, {
      origin: 'https://evil.example',
    });
    assert.equal(mismatch.status, 403);
    assert.equal(await mismatch.text(), "'origin' parameter does not match Origin header\n");
  });

  it('serves a cross-origin request of an allowed origin with the bearer token', async () => {
    const r = await call(
      s.api,
      token,
      { action: 'query', meta: 'userinfo', origin: ALLOWED_ORIGIN },
      { headers: { origin: ALLOWED_ORIGIN } },
    );
    assert.equal(r.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    assert.equal(r.json.query.userinfo.name, 'OAuthUser');
    noCookie(r);
  });
});
