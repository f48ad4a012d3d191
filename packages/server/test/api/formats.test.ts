/**
 * The output formats (json, php, xml, their HTML views, none) against what MediaWiki 1.39 answers to
 * the same requests (recorded in fixtures/formats/): the same bytes, content type and file name.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { phpSerialize } from '../../src/api/formats/php.js';
import { xmlName } from '../../src/api/formats/xml.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface Answer {
  query: string;
  contentType: string;
  disposition: string;
  body: string;
  requestHeaders?: Record<string, string>;
}
const recorded: { answers: Answer[] } = JSON.parse(
  readFileSync(new URL('../fixtures/formats/mediawiki-1.39.json', import.meta.url), 'utf8'),
);
const REF_ORIGIN = 'http://127.0.0.1:8081';

/** Tokens differ per session: compare them by shape. */
const maskTokens = (s: string) => s.replace(/[0-9a-f]{40}\+\\/g, 'TOKEN+\\');
const prettyPart = (html: string) => {
  const m = /<pre class="api-pretty-content">([\s\S]*)<\/pre>/.exec(html);
  return m ? m[1]! : html;
};

describe('output formats answer byte for byte as MediaWiki does', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({
      siteName: 'RefWiki',
      uploads: {
        fileExtensions: ['png', 'gif', 'jpg', 'jpeg', 'webp', 'pdf', 'svg', 'txt', 'bin', 'ogg', 'webm'],
      },
    });
  });
  after(() => s?.close());

  for (const want of recorded.answers) {
    it(want.query, async () => {
      const res = await fetch(`${s.api}?${want.query}`, { headers: want.requestHeaders ?? {} });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type')?.toLowerCase(), want.contentType.toLowerCase());
      assert.equal(res.headers.get('content-disposition'), want.disposition);
      const body = await res.text();
      const fm = /format=\w+fm/.test(want.query);
      // PHP strings carry their length: the documentation link names the server.
      const delta = s.origin.length - REF_ORIGIN.length;
      const expected = maskTokens(
        want.body
          .replace(
            /s:(\d+):"See http:\/\/127\.0\.0\.1:8081/g,
            (_, n) => `s:${Number(n) + delta}:"See ${REF_ORIGIN}`,
          )
          .replaceAll(REF_ORIGIN, s.origin),
      );
      assert.equal(maskTokens(fm ? prettyPart(body) : body), expected);
    });
  }

  it('links the plain format from an HTML view', async () => {
    const html = await (await fetch(`${s.api}?action=query&meta=siteinfo&format=jsonfm`)).text();
    assert.match(html, /<title>MediaWiki API result - RefWiki<\/title>/);
    assert.match(html, /href="[^"]*format=json"><kbd>format=json<\/kbd>/);
  });
});

describe('PHP serialization and XML names', () => {
  it("writes PHP's serialize() forms", () => {
    assert.equal(
      phpSerialize({ a: [true, false, null], '7': 1.5, é: 'ü' }),
      'a:2:{i:7;d:1.5;s:2:"é";s:2:"ü";}'.replace(
        'a:2:{i:7;d:1.5;',
        'a:3:{i:7;d:1.5;s:1:"a";a:3:{i:0;b:1;i:1;b:0;i:2;N;}',
      ),
    );
  });
  it('escapes keys that are not XML names as MediaWiki does', () => {
    assert.equal(xmlName('ok-name.1'), 'ok-name.1');
    assert.equal(xmlName('1st'), '_1st');
    assert.equal(xmlName('a b.c'), '_a.20.b.2E.c');
    assert.equal(xmlName(''), '_');
  });
});
