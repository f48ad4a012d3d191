import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';

describe('the Action API framework', () => {
  let s: TestServer;
  let anon: TestClient;
  let bot: TestClient;
  before(async () => {
    s = await startTestServer({ uploads: { maxUploadSize: 4096 }, maxFieldBytes: 64 * 1024 });
    anon = new TestClient(s.api);
    const b = await createBot(s);
    bot = new TestClient(s.api);
    await bot.login(b.lgname, b.password);
  });
  after(() => s.close());

  it('answers an unknown action with badvalue in MediaWiki shape (formatversion 1: docref under *)', async () => {
    const r = await anon.get({ action: 'nosuchaction' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(r.headers.get('mediawiki-api-error'), 'badvalue');
    assert.equal(r.json.error.code, 'badvalue');
    assert.equal(r.json.error.info, 'Unrecognized value for parameter "action": nosuchaction.');
    assert.match(r.json.error['*'], /^See http:\/\/127\.0\.0\.1:\d+\/w\/api\.php for API usage/);
    const r2 = await anon.get({ action: 'nosuchaction', formatversion: 2 });
    assert.match(r2.json.error.docref, /for API usage/);
    assert.equal(r2.json.error['*'], undefined);
  });

  it('renders errors in every errorformat', async () => {
    const plain = await anon.get({ action: 'nosuchaction', errorformat: 'plaintext' });
    assert.deepEqual(Object.keys(plain.json).sort(), ['*', 'errors']);
    assert.equal(plain.json.errors[0].code, 'badvalue');
    assert.equal(plain.json.errors[0].module, 'main');
    assert.match(plain.json.errors[0]['*'], /Unrecognized value/);
    const fv2 = await anon.get({ action: 'nosuchaction', errorformat: 'plaintext', formatversion: 2 });
    assert.match(fv2.json.errors[0].text, /Unrecognized value/);
    const none = await anon.get({ action: 'nosuchaction', errorformat: 'none' });
    assert.deepEqual(Object.keys(none.json.errors[0]).sort(), ['code', 'module']);
    const raw = await anon.get({ action: 'nosuchaction', errorformat: 'raw' });
    assert.equal(raw.json.errors[0].key, 'paramvalidator-badvalue-enumnotmulti');
  });

  it('warns about unknown parameters and booleans are true by presence', async () => {
    const r = await anon.get({ action: 'query', meta: 'userinfo', foo: 'bar', zap: '1' });
    assert.equal(r.json.warnings.main['*'], 'Unrecognized parameters: foo, zap.');
    const fv2 = await anon.get({ action: 'query', meta: 'userinfo', foo: 'bar', formatversion: 2 });
    assert.equal(fv2.json.warnings.main.warnings, 'Unrecognized parameter: foo.');
    assert.equal(fv2.json.batchcomplete, true);
    assert.equal(r.json.batchcomplete, '');
  });

  it('validates enums, multi-values (| and U+001F) and integers', async () => {
    const badEnum = await anon.get({ action: 'query', meta: 'userinfo', errorformat: 'bogus' });
    assert.equal(badEnum.json.error.code, 'badvalue');
    const multi = await anon.get({ action: 'query', meta: 'tokens', type: 'csrf|nosuch' });
    assert.equal(multi.json.warnings.tokens['*'], 'Unrecognized value for parameter "type": nosuch');
    assert.equal(multi.json.query.tokens.csrftoken, '+\\');
    const sep = await anon.get({ action: 'query', meta: '\x1ftokens\x1fuserinfo' });
    assert.ok(sep.json.query.tokens && sep.json.query.userinfo, 'the U+001F separator form');
    const badInt = await anon.get({ action: 'query', meta: 'userinfo', maxlag: 'abc' });
    assert.equal(badInt.json.error.code, 'badinteger');
    const many = await anon.get({
      action: 'query',
      titles: Array.from({ length: 51 }, (_, i) => `T${i}`).join('|'),
    });
    assert.equal(many.json.error.code, 'toomanyvalues');
  });

  it('clamps out-of-range integers with a warning (offset, filesize)', async () => {
    const r = await bot.post(
      {
        action: 'upload',
        filename: 'A.png',
        offset: -5,
        filesize: 10_000_000,
        stash: 1,
        token: await bot.csrf(),
      },
      { files: { chunk: { data: Buffer.from('x') } } },
    );
    assert.match(
      r.json.warnings.upload['*'],
      /The value "-5" for parameter "offset" must be no less than 0\./,
    );
    assert.match(
      r.json.warnings.upload['*'],
      /The value "10000000" for parameter "filesize" must be between 0 and 4,096\./,
    );
  });

  it('replaces control characters in text with U+FFFD and warns', async () => {
    const r = await bot.upload({ filename: 'Ctl\u0007x.png' }, Buffer.from('x'));
    assert.match(
      r.json.warnings.upload['*'],
      /The value passed for "filename" contains invalid or non-normalized data/,
    );
  });

  it('checks assert=user|bot|anon and assertuser', async () => {
    assert.equal(
      (await anon.get({ action: 'query', meta: 'userinfo', assert: 'user' })).json.error.code,
      'assertuserfailed',
    );
    assert.equal(
      (await bot.get({ action: 'query', meta: 'userinfo', assert: 'bot' })).json.error.code,
      'assertbotfailed',
    );
    assert.equal(
      (await bot.get({ action: 'query', meta: 'userinfo', assert: 'anon' })).json.error.code,
      'assertanonfailed',
    );
    assert.equal(
      (await bot.get({ action: 'query', meta: 'userinfo', assert: 'user' })).json.error,
      undefined,
    );
    assert.equal(
      (await bot.get({ action: 'query', meta: 'userinfo', assertuser: 'Someone' })).json.error.code,
      'assertnameduserfailed',
    );
    assert.equal(
      (await anon.get({ action: 'query', meta: 'userinfo', maxlag: 5 })).json.error,
      undefined,
      'maxlag is accepted',
    );
  });

  it('turns an oversized body into a MediaWiki-style error, never a 500', async () => {
    const res = await fetch(`${s.api}?format=json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `action=query&meta=userinfo&x=${'a'.repeat(100 * 1024)}`,
    });
    assert.equal(res.status, 413);
    const j = (await res.json()) as { error: { code: string } };
    assert.equal(j.error.code, 'toolarge');
    const field = await bot.post(
      { action: 'upload', filename: 'A.png', text: 'b'.repeat(100 * 1024), token: await bot.csrf() },
      { multipart: true },
    );
    assert.equal(field.json.error.code, 'toolarge');
  });

  it('renders errors found before the module runs like every other error (format, formatversion, errorformat)', async () => {
    const post = (query: string, body: string, type = 'application/x-www-form-urlencoded') =>
      fetch(`${s.api}?${query}`, { method: 'POST', headers: { 'content-type': type }, body });
    const big = `action=query&x=${'a'.repeat(100 * 1024)}`;
    const bc = await post('format=json', big);
    assert.equal(bc.status, 413);
    assert.equal(bc.headers.get('mediawiki-api-error'), 'toolarge');
    const bcJson = (await bc.json()) as { error: Record<string, string> };
    assert.match(bcJson.error['*']!, /for API usage\. Subscribe to the mediawiki-api-announce mailing list/);
    const plain = await post('format=json&formatversion=2&errorformat=plaintext', big);
    assert.equal(plain.status, 413);
    const j = (await plain.json()) as {
      errors: { code: string; text: string; module: string }[];
      docref: string;
    };
    assert.equal(j.errors[0]!.code, 'toolarge');
    assert.match(j.errors[0]!.text, /The request body is larger than 65,536 bytes\./);
    assert.equal(j.errors[0]!.module, 'main');
    assert.match(j.docref, /for API usage/);
    const none = await post('format=none', big);
    assert.equal(none.headers.get('mediawiki-api-error'), 'toolarge');
    assert.equal(await none.text(), '');
    const multipart = await post(
      'errorformat=raw&format=json',
      '--zzz\r\nContent-Disposition: form-data; name="action"\r\n\r\nquery',
      'multipart/form-data; boundary=zzz',
    );
    const m = (await multipart.json()) as { errors: { code: string; key: string }[] };
    assert.equal(m.errors[0]!.code, 'badmultipart');
    assert.equal(m.errors[0]!.key, 'badmultipart');
  });

  it('cuts an upload over the limit while it streams and answers file-too-large', async () => {
    const keys = async () => {
      const out: string[] = [];
      for await (const b of s.server.services.blobs.list('upload/')) out.push(b.key);
      return out.sort();
    };
    const before = await keys();
    const r = await bot.upload(
      { filename: 'Big.png', ignorewarnings: 1, formatversion: 2 },
      Buffer.alloc(100_000, 1),
    );
    assert.equal(r.json.error.code, 'file-too-large');
    assert.ok(r.json.error.docref, 'rendered in the format the request asked for');
    assert.deepEqual(await keys(), before, 'nothing left behind');
  });

  it('answers garbage multipart bodies with an error', async () => {
    const res = await fetch(`${s.api}?format=json`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
      body: '--zzz\r\nContent-Disposition: form-data; name="action"\r\n\r\nquery',
    });
    assert.equal(res.status, 200);
    const j = (await res.json()) as { error: { code: string } };
    assert.equal(j.error.code, 'badmultipart');
    const noBoundary = await fetch(`${s.api}?format=json`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data' },
      body: 'x',
    });
    assert.equal(((await noBoundary.json()) as { error: { code: string } }).error.code, 'badmultipart');
  });

  it('supports anonymous CORS with origin=*', async () => {
    const r = await bot.get(
      { action: 'query', meta: 'userinfo', origin: '*' },
      { origin: 'https://example.org' },
    );
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.equal(r.json.query.userinfo.anon, '', 'origin=* requests are anonymous');
    const bad = await anon.get(
      { action: 'query', meta: 'userinfo', origin: 'https://evil.example' },
      { origin: 'https://evil.example' },
    );
    assert.equal(bad.json.error.code, 'cors-origin-mismatch');
  });

  it('lists meta=siteinfo fields clients read', async () => {
    const r = await anon.get({
      action: 'query',
      meta: 'siteinfo',
      siprop: 'general|fileextensions|statistics',
    });
    const g = r.json.query.general;
    assert.match(g.generator, /^MediaWiki 1\.39\.\d+/);
    assert.equal(g.scriptpath, '/w');
    assert.equal(g.maxuploadsize, 4096);
    assert.equal(g.server, s.origin);
    assert.ok(r.json.query.fileextensions.some((e: { ext: string }) => e.ext === 'png'));
    assert.equal(typeof r.json.query.statistics.images, 'number');
  });

  it('lists meta=userinfo rights limited by bot-password grants', async () => {
    const r = await bot.get({ action: 'query', meta: 'userinfo', uiprop: 'rights|groups' });
    assert.ok(r.json.query.userinfo.rights.includes('upload'));
    assert.ok(!r.json.query.userinfo.rights.includes('delete'), 'no delete grant');
    assert.deepEqual(r.json.query.userinfo.groups, ['*', 'user', 'autoconfirmed']);
    const a = await anon.get({ action: 'query', meta: 'userinfo', uiprop: 'rights|groups' });
    assert.deepEqual(a.json.query.userinfo.groups, ['*']);
    assert.ok(!a.json.query.userinfo.rights.includes('upload'));
  });
});
