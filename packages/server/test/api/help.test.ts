/** action=help and the bare api.php: MediaWiki's help page, generated from the declarations and MediaWiki's messages. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('action=help', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ siteName: 'RefWiki' });
  });
  after(() => s?.close());

  it("answers a module's help page in HTML, with MediaWiki's texts, flags and parameters", async () => {
    const r = await fetch(`${s.api}?action=help&modules=upload`);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
    const html = await r.text();
    assert.match(html, /<title>MediaWiki API help - RefWiki<\/title>/);
    assert.match(
      html,
      /<h2 class="apihelp-header apihelp-module-name" dir="ltr" lang="en" id="upload">action=upload<\/h2>/,
    );
    assert.match(html, /This module only accepts POST requests\./);
    assert.match(html, /<p>Upload a file, or get the status of pending uploads\.\n<\/p>/);
    assert.match(html, /<li>Upload file contents directly, using the <var>file<\/var> parameter\.<\/li>/);
    assert.match(
      html,
      /<dt><span dir="ltr" lang="en">filename<\/span><\/dt><dd class="description"><p>Target filename\.\n<\/p><\/dd>/,
    );
    assert.match(html, /A "csrf" token retrieved from/);
  });

  it('wraps the page in the structured formats, and prefixes parameters of query submodules', async () => {
    const j = await (await fetch(`${s.api}?action=help&modules=query%2Ballimages&format=json`)).json();
    assert.equal(j.help.mime, 'text/html');
    assert.equal(j.help.filename, 'api-help.html');
    assert.match(j.help.help, /list=allimages \(ai\)/);
    assert.match(j.help.help, /<span dir="ltr" lang="en">ailimit<\/span>/);
  });

  it('is what a bare api.php answers, and lists the modules with submodules=1', async () => {
    const bare = await (await fetch(s.api)).text();
    assert.match(bare, /id="main">Main module<\/h2>/);
    const all = await (await fetch(`${s.api}?action=help&submodules=1`)).text();
    for (const m of ['upload', 'query', 'purge', 'paraminfo'])
      assert.match(all, new RegExp(`id="${m}">action=${m}</h2>`));
    const bad = await (await fetch(`${s.api}?action=help&modules=nosuch&format=json`)).json();
    assert.match(bad.warnings.help['*'], /does not have a submodule "nosuch"/);
  });
});
