/** Prometheus metrics: requests by module and outcome, uploads by kind and result, bytes, jobs, stash, thumbnails. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { png } from '../helpers/files.js';
import { createBot, startTestServer, TEST_BACKEND, type TestServer } from '../helpers/server.js';

describe('metrics', () => {
  let s: TestServer;
  let bot: TestClient;
  before(async () => {
    s = await startTestServer();
    const b = await createBot(s, 'UploadBot', { groups: ['bot'] });
    bot = new TestClient(s.api);
    await bot.login(b.lgname, b.password);
  });
  after(() => s.close());

  const scrape = async () => {
    const r = await fetch(`${s.origin}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
    return r.text();
  };
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('count requests, uploads and their bytes, thumbnails, and read the queue and the stash', async () => {
    const data = png(40, 30);
    const up = await bot.upload({ filename: 'Metered.png', ignorewarnings: 1 }, data);
    assert.equal(up.json.upload.result, 'Success');
    const warned = await bot.upload({ filename: 'Metered.png' }, png(41, 30));
    assert.equal(warned.json.upload.result, 'Warning');
    await bot.get({ action: 'query', list: 'recentchanges', rcshow: 'minor|!minor' });
    const info = await bot.get({
      action: 'query',
      titles: 'File:Metered.png',
      prop: 'imageinfo',
      iiprop: 'url',
      iiurlwidth: 20,
      formatversion: 2,
    });
    const thumb = await fetch(info.json.query.pages[0].imageinfo[0].thumburl);
    assert.equal(thumb.status, 200);

    const text = await scrape();
    assert.equal(value(text, 'mwup_api_requests_total{module="upload",code="ok"}'), 2);
    assert.equal(value(text, 'mwup_api_requests_total{module="query",code="show"}'), 1);
    assert.equal(value(text, 'mwup_uploads_total{kind="file",result="Success"}'), 1);
    assert.equal(value(text, 'mwup_uploads_total{kind="file",result="Warning"}'), 1);
    assert.equal(value(text, 'mwup_upload_bytes_total'), data.length + png(41, 30).length);
    assert.equal(value(text, 'mwup_thumbnail_renders_total'), 1);
    assert.equal(value(text, 'mwup_stash_entries'), 1, 'the warned upload waits in the stash');
    assert.equal(value(text, 'mwup_jobs_pending'), 0);
    assert.ok((value(text, 'mwup_api_request_duration_seconds_count{module="upload"}') ?? 0) >= 2);
    assert.ok(text.includes('mwup_process_resident_memory_bytes'));
  });

  it('time lock waits: stash entries (chunks), and file names where the database locks them', async () => {
    const data = png(64, 64);
    const half = Math.ceil(data.length / 2);
    const fields = { filename: 'Chunked metered.png', filesize: data.length, stash: 1, ignorewarnings: 1 };
    const first = await bot.upload({ ...fields, offset: 0 }, data.subarray(0, half), 'chunk');
    const filekey = first.json.upload.filekey;
    const last = await bot.upload({ ...fields, offset: half, filekey }, data.subarray(half), 'chunk');
    assert.equal(last.json.upload.result, 'Success', JSON.stringify(last.json));
    const text = await scrape();
    assert.ok((value(text, 'mwup_lock_wait_seconds_count{lock="stash"}') ?? 0) >= 1, text);
    // PostgreSQL locks a name while publishing (SQLite serialises whole transactions instead).
    const fileWaits = value(text, 'mwup_lock_wait_seconds_count{lock="file"}');
    if (TEST_BACKEND === 'scaleout') assert.ok((fileWaits ?? 0) >= 1);
    else assert.equal(fileWaits, undefined);
    assert.equal(value(text, 'mwup_uploads_in_progress'), 0);
  });

  it('are not served when switched off', async () => {
    const off = await startTestServer({ metrics: { enabled: false } });
    try {
      assert.equal((await fetch(`${off.origin}/metrics`)).status, 404);
    } finally {
      await off.close();
    }
  });
});
