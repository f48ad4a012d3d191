/**
 * `uploads.webProtocol`: Special:Upload tells its uploader (`data-upload-protocol`) whether files
 * larger than a chunk go as chunked uploads or over tus, and the tus endpoint takes the session of a
 * login through the web pages, as the uploader's requests carry it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isResumeToken } from '../../assets/uploader/resume-store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { mainOf, plainBrowser } from './pages-setup.js';
import { API, token } from './uploader-fakes.js';

describe('uploads.webProtocol on Special:Upload', () => {
  let chunked: TestServer;
  let tus: TestServer;
  before(async () => {
    [chunked, tus] = await Promise.all([
      startTestServer(),
      startTestServer({ uploads: { webProtocol: 'tus' } }),
    ]);
  });
  after(() => Promise.all([chunked?.close(), tus?.close()]));

  it('passes the protocol to the uploader: chunked by default, tus when configured', async () => {
    const a = await plainBrowser(chunked, 'WebChunked');
    assert.match(mainOf((await a.get('/wiki/Special:Upload')).text), /data-upload-protocol="chunked"/);
    const b = await plainBrowser(tus, 'WebTus');
    const page = await b.get('/wiki/Special:Upload');
    assert.match(mainOf(page.text), /data-upload-protocol="tus"/);
    // The page may talk to its own origin, where the tus endpoint is.
    assert.match(page.csp ?? '', /(connect-src|default-src) [^;]*'self'/);
  });

  it("lets the web login's session create a tus upload, as the uploader does", async () => {
    const b = await plainBrowser(tus, 'WebTusSession');
    const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const create = (headers: Record<string, string>) =>
      fetch(`${tus.origin}/w/tus/`, {
        method: 'POST',
        headers: {
          'Tus-Resumable': '1.0.0',
          'Upload-Length': '100',
          'Upload-Metadata': `filename ${Buffer.from('Web session.png').toString('base64')}`,
          ...headers,
        },
      });
    const r = await create({ cookie });
    assert.equal(r.status, 201, await r.text());
    assert.ok(r.headers.get('location'));
    assert.equal((await create({})).status, 401);
  });
});

describe("the uploader's resume tokens of tus uploads", () => {
  it('keeps one without a filekey yet when its tus URL is on the wiki, and no other', () => {
    const tus = (over: Record<string, unknown>) => ({ ...token({ filekey: '' }), ...over });
    assert.equal(isResumeToken(tus({ tusUrl: new URL('/w/tus/abc', API).toString() })), true);
    assert.equal(isResumeToken(tus({})), false, 'neither a filekey nor a tus URL');
    assert.equal(isResumeToken(tus({ tusUrl: 'https://elsewhere.example/w/tus/abc' })), false);
    assert.equal(isResumeToken(tus({ tusUrl: 'not a url' })), false);
    assert.equal(isResumeToken(tus({ tusUrl: `${API}/../tus/x`, stage: 'stashed' })), false);
  });
});
