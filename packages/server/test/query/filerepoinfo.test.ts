/** meta=filerepoinfo as MediaWiki 1.39 answers it (recorded in fixtures/api-surface/), and its fri prop filter. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('meta=filerepoinfo', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ siteName: 'RefWiki' });
  });
  after(() => s?.close());

  for (const fv of [1, 2]) {
    it(`describes the local repository as MediaWiki does, formatversion ${fv}`, async () => {
      const rec = JSON.parse(
        readFileSync(new URL(`../fixtures/api-surface/filerepoinfo-fv${fv}.json`, import.meta.url), 'utf8'),
      );
      const r = await new TestClient(s.api).get({ action: 'query', meta: 'filerepoinfo', formatversion: fv });
      const want = JSON.parse(JSON.stringify(rec.response).replaceAll('http://127.0.0.1:8081', s.origin));
      assert.deepEqual(r.json, want);
    });
  }

  it('gives only the properties asked for', async () => {
    const r = await new TestClient(s.api).get({
      action: 'query',
      meta: 'filerepoinfo',
      friprop: 'name|canUpload',
      formatversion: 2,
    });
    assert.deepEqual(r.json.query.repos, [{ name: 'local', canUpload: true }]);
  });
});
