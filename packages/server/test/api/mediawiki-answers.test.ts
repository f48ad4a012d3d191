/**
 * Answers where MediaWiki 1.39's exact behaviour is easy to miss (each checked against a real
 * MediaWiki 1.39): assertion failures, clamped integers, empty values, login without a session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { png } from '../helpers/files.js';
import { startWithBot, type TestServer } from '../helpers/server.js';

describe("MediaWiki's exact answers", () => {
  let s: TestServer;
  let bot: TestClient;
  before(async () => {
    ({ s, bot } = await startWithBot());
  });
  after(() => s?.close());

  it('assertnameduserfailed carries no extra fields and is reported for the main module', async () => {
    const bc = await bot.get({ action: 'query', assertuser: 'Nobody' });
    assert.deepEqual(Object.keys(bc.json.error).sort(), ['*', 'code', 'info']);
    const plain = await bot.get({
      action: 'query',
      assertuser: 'Nobody',
      formatversion: 2,
      errorformat: 'plaintext',
    });
    assert.deepEqual(plain.json.errors, [
      {
        code: 'assertnameduserfailed',
        text: 'You are no longer logged in as "Nobody", so the action could not be completed.',
        module: 'main',
      },
    ]);
    const bot2 = await bot.get({
      action: 'query',
      assert: 'anon',
      formatversion: 2,
      errorformat: 'plaintext',
    });
    assert.equal(bot2.json.errors[0].module, 'main');
  });

  it('clamps an integer below its minimum, warns, and goes on with the clamped value (offset=-5 is offset 0)', async () => {
    const data = png(5, 5);
    const first = await bot.upload(
      {
        filename: 'Clamped offset.png',
        stash: 1,
        filesize: data.length,
        offset: -5,
        token: await bot.csrf(),
      },
      data,
      'chunk',
    );
    assert.equal(first.json.upload?.result, 'Success', JSON.stringify(first.json));
    assert.deepEqual(first.json.warnings, {
      upload: { '*': 'The value "-5" for parameter "offset" must be no less than 0.' },
    });
    const withKey = await bot.upload(
      {
        filename: 'Clamped offset.png',
        stash: 1,
        filesize: data.length,
        offset: -5,
        filekey: first.json.upload.filekey,
        token: await bot.csrf(),
      },
      data,
      'chunk',
    );
    assert.equal(withKey.json.error.code, 'filekeynotallowed');
  });

  it('treats an empty token as a missing one', async () => {
    const r = await bot.upload({ filename: 'Empty token.png', token: '' }, png(6, 6));
    assert.equal(r.json.error.code, 'missingparam');
    assert.equal(r.json.error.info, 'The "token" parameter must be set.');
  });

  it('answers a login without a session cookie as a timed-out session', async () => {
    const r = await new TestClient(s.api).post({
      action: 'login',
      lgname: 'UploadBot@x',
      lgpassword: 'x',
      lgtoken: 'abc+\\',
    });
    assert.deepEqual(r.json.login, {
      result: 'Failed',
      reason: 'Unable to continue login. Your session most likely timed out.',
    });
    const c = new TestClient(s.api);
    await c.token('login');
    const wrong = await c.post({
      action: 'login',
      lgname: 'UploadBot@x',
      lgpassword: 'x',
      lgtoken: 'abc+\\',
    });
    assert.deepEqual(wrong.json.login, { result: 'WrongToken' });
  });

  it('refuses an empty file name as illegal-filename and keeps the file in the stash under its type', async () => {
    const r = await bot.post(
      { action: 'upload', filename: '', token: await bot.csrf() },
      { files: { file: { data: png(7, 7), filename: 'a.png' } } },
    );
    assert.equal(r.json.error.code, 'illegal-filename');
    assert.equal(r.json.error.filename, '');
    assert.equal(r.json.error.invalidparameter, 'filename');
    assert.match(r.json.error.filekey, /\.png$/);
    const again = await bot.post({
      action: 'upload',
      filename: 'Empty name retried.png',
      filekey: r.json.error.filekey,
      token: await bot.csrf(),
    });
    assert.equal(again.json.upload?.result, 'Success', JSON.stringify(again.json));
  });

  it('names conflicting sources in the order the module declares them', async () => {
    const r = await bot.upload({ filename: 'Mix.png', filekey: 'k.png', token: await bot.csrf() }, png(8, 8));
    assert.equal(r.json.error.info, 'The parameters "file" and "filekey" can not be used together.');
  });

  it('publishes by the filekey of a Warning answered to a chunk that was the whole file', async () => {
    const name = 'Whole chunk warned.png';
    const first = await bot.upload({ filename: name, ignorewarnings: 1, token: await bot.csrf() }, png(9, 3));
    assert.equal(first.json.upload.result, 'Success');
    const data = png(3, 9);
    const chunk = await bot.upload(
      { filename: name, stash: 1, filesize: data.length, offset: 0, token: await bot.csrf() },
      data,
      'chunk',
    );
    assert.equal(chunk.json.upload.result, 'Warning');
    assert.ok(chunk.json.upload.warnings.exists);
    const publish = await bot.post({
      action: 'upload',
      filename: name,
      filekey: chunk.json.upload.filekey,
      ignorewarnings: 1,
      token: await bot.csrf(),
    });
    assert.equal(publish.json.upload?.result, 'Success', JSON.stringify(publish.json));
    assert.equal(publish.json.upload.imageinfo.width, 3);
  });

  it('puts the message of errorformat=html under html in formatversion 2, and last as * in 1', async () => {
    const fv2 = await bot.get({
      action: 'query',
      list: 'allimages',
      aifoo: 1,
      formatversion: 2,
      errorformat: 'html',
    });
    assert.deepEqual(fv2.json.warnings, [
      { code: 'unrecognizedparams', html: 'Unrecognized parameter: aifoo.', module: 'main' },
    ]);
    const fv1 = await bot.get({ action: 'query', list: 'allimages', aifoo: 1, errorformat: 'html' });
    assert.deepEqual(Object.entries(fv1.json.warnings[0]), [
      ['code', 'unrecognizedparams'],
      ['module', 'main'],
      ['*', 'Unrecognized parameter: aifoo.'],
    ]);
  });

  it("gives errorformat=raw MediaWiki's message keys and parameters, and submodules their query+ path", async () => {
    const raw = (q: Record<string, string | number>) =>
      bot.get({ ...q, formatversion: 2, errorformat: 'raw' }).then((r) => r.json);
    const limit = await raw({ action: 'query', list: 'allimages', ailimit: 99999, aiprop: '' });
    assert.deepEqual(limit.warnings, [
      {
        code: 'outofrange',
        key: 'paramvalidator-outofrange-minmax',
        params: [{ plaintext: 'ailimit' }, { plaintext: '99999' }, { num: 1 }, { num: 5000 }],
        data: { min: 1, curmax: 5000, max: 500, highmax: 5000 },
        module: 'query+allimages',
      },
    ]);
    const values = await raw({ action: 'query', meta: 'siteinfo', siprop: 'foo|bar|general' });
    assert.deepEqual(values.warnings[0].params, [
      { plaintext: 'siprop' },
      { plaintext: 'foo|bar|general' },
      { list: [{ plaintext: 'foo' }, { plaintext: 'bar' }], type: 'comma' },
      { num: 2 },
    ]);
    const unused = await raw({ action: 'query', meta: 'userinfo', uiwatch: 1, foo: 2 });
    assert.deepEqual(unused.warnings[0], {
      code: 'unrecognizedparams',
      key: 'apierror-unrecognizedparams',
      params: [{ list: { '3': 'uiwatch', '4': 'foo' }, type: 'comma' }, 2],
      module: 'main',
    });
    const big = await raw({ action: 'query', list: 'allimages', aiminsize: '99999999999999999999' });
    assert.deepEqual(big.errors[0], {
      code: 'badinteger',
      key: 'paramvalidator-badinteger',
      params: [{ plaintext: 'aiminsize' }, { plaintext: '99999999999999999999' }],
      module: 'query+allimages',
    });
    const token = await raw({ action: 'upload' });
    assert.deepEqual(token.errors[0].params, [{ plaintext: 'token' }]);
    // Errors a module raises itself carry MediaWiki's apierror-… key (answers of MediaWiki 1.39).
    const show = await raw({ action: 'query', list: 'recentchanges', rcshow: 'minor|!minor' });
    assert.deepEqual(show.errors[0], {
      code: 'show',
      key: 'apierror-show',
      params: [],
      module: 'query+recentchanges',
    });
    const cont = await raw({ action: 'query', list: 'logevents', lecontinue: 'zz' });
    assert.equal(cont.errors[0].key, 'apierror-badcontinue');
  });
});
