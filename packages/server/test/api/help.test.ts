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
    const plain = await fetch(`${s.api}?action=help&modules=query%2Ballimages&format=json`);
    assert.equal(plain.headers.get('content-type'), 'text/html; charset=utf-8');
    const j = await (await fetch(`${s.api}?action=help&modules=query%2Ballimages&format=json&wrap=1`)).json();
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
      assert.match(all, new RegExp(`id="${m}">action=${m}</h3>`));
    const bad = await (await fetch(`${s.api}?action=help&modules=nosuch&format=json&wrap=1`)).json();
    assert.match(bad.warnings.help['*'], /does not have a submodule "nosuch"/);
  });

  // The fragments below are MediaWiki 1.39's own help page (action=help&modules=…), byte for byte.
  it('lays out parameters as MediaWiki 1.39: deprecation first, plain value lists, its link trail', async () => {
    const html = await (await fetch(`${s.api}?action=help&modules=upload`)).text();
    assert.ok(
      html.includes(
        '<h2 class="apihelp-header apihelp-module-name" dir="ltr" lang="en" id="upload">action=upload</h2><div class="apihelp-linktrail">(<a href="/w/index.php/Special:ApiHelp/main" class="apihelp-linktrail" dir="ltr" lang="en">main</a> | <b dir="ltr" lang="en">upload</b>)</div>',
      ),
    );
    assert.ok(
      html.includes(
        '<dt><span dir="ltr" lang="en">watch</span></dt><dd class="info"><strong class="apihelp-deprecated">Deprecated.</strong></dd><dd class="description"><p>Watch the page.\n</p></dd><dd class="info">Type: boolean (<a href="/w/api.php?action=help&amp;modules=main#main/datatype/boolean">details</a>)</dd>',
      ),
    );
    assert.ok(
      html.includes(
        '<dd class="info">One of the following values: nochange, preferences, watch</dd><dd class="info">Default: preferences</dd>',
      ),
    );
    assert.ok(
      html.includes(
        '<div class="apihelp-block-head">Specific parameters:</div><div class="apihelp-block-header">Other general parameters are available.</div>',
      ),
    );
  });

  it('describes each value where MediaWiki does, and shows the examples', async () => {
    const html = await (await fetch(`${s.api}?action=help&modules=query%2Brecentchanges`)).text();
    assert.ok(
      html.includes(
        '<dt><span dir="ltr" lang="en">rcdir</span></dt><dd class="description"><p>In which direction to enumerate:\n</p><dl><dt><span dir="ltr" lang="en">newer</span></dt>\n<dd>List oldest first. Note: rcstart has to be before rcend.</dd>\n<dt><span dir="ltr" lang="en">older</span></dt>\n<dd>List newest first (default). Note: rcstart has to be later than rcend.</dd></dl></dd><dd class="info">One of the following values: newer, older</dd><dd class="info">Default: older</dd>',
      ),
    );
    assert.ok(
      html.includes(
        '<dd class="info">Values (separate with <kbd>|</kbd> or <a href="/w/api.php?action=help&amp;modules=main#main/datatypes">alternative</a>): -1, -2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15</dd><dd class="info">To specify all values, use <kbd>*</kbd>.</dd>',
      ),
    );
    assert.ok(
      html.includes(
        '<div class="apihelp-block apihelp-examples"><div class="apihelp-block-head">Examples:</div><dl><dt>List recent changes.</dt><dd><a href="/w/api.php?action=query&amp;list=recentchanges" dir="ltr" rel="nofollow">api.php?action=query&amp;list=recentchanges</a> <a href="/w/index.php/Special:ApiSandbox#action=query&amp;list=recentchanges"><small>[open in sandbox]</small></a></dd>',
      ),
    );
    const token = await (await fetch(`${s.api}?action=help&modules=checktoken`)).text();
    assert.ok(
      token.includes(
        '<p>Check the validity of a token from <kbd><a href="/w/api.php?action=help&amp;modules=query%2Btokens">action=query&amp;meta=tokens</a></kbd>.\n</p>\n\n<div class="apihelp-block apihelp-parameters">',
      ),
    );
    assert.ok(token.includes('<div class="apihelp-block-head">Example:</div>'));
  });

  it('gives the same descriptions and examples to action=paraminfo, in every help format', async () => {
    const info = async (helpformat: string) =>
      (
        await (
          await fetch(
            `${s.api}?action=paraminfo&modules=query%2Brecentchanges&helpformat=${helpformat}&format=json&formatversion=2`,
          )
        ).json()
      ).paraminfo.modules[0];
    const dir = (m: { parameters: { name: string; description: unknown }[] }) =>
      m.parameters.find((p) => p.name === 'dir')!.description;
    const wikitext = await info('wikitext');
    assert.equal(
      dir(wikitext),
      'In which direction to enumerate:\n\n;<span dir="ltr" lang="en">newer</span>:List oldest first. Note: rcstart has to be before rcend.\n;<span dir="ltr" lang="en">older</span>:List newest first (default). Note: rcstart has to be later than rcend.',
    );
    assert.deepEqual(wikitext.examples[1], {
      query: 'action=query&generator=recentchanges&grcshow=!patrolled&prop=info',
      description: 'Get page info about recent unpatrolled changes.',
    });
    const html = await info('html');
    assert.equal(
      dir(html),
      '<p>In which direction to enumerate:\n</p>\n<dl><dt><span dir="ltr" lang="en">newer</span></dt>\n<dd>List oldest first. Note: rcstart has to be before rcend.</dd>\n<dt><span dir="ltr" lang="en">older</span></dt>\n<dd>List newest first (default). Note: rcstart has to be later than rcend.</dd></dl>',
    );
    const raw = await info('raw');
    assert.deepEqual(dir(raw), [
      { key: 'api-help-param-direction', params: ['rc', 'dir', 'recentchanges', 'query+recentchanges'] },
      {
        key: 'api-help-paramvalue-direction-newer',
        params: ['rc', 'dir', 'recentchanges', 'query+recentchanges', 'newer'],
        forvalue: 'newer',
      },
      {
        key: 'api-help-paramvalue-direction-older',
        params: ['rc', 'dir', 'recentchanges', 'query+recentchanges', 'older'],
        forvalue: 'older',
      },
    ]);
    assert.deepEqual(raw.examples[1].description, {
      key: 'apihelp-query+recentchanges-example-generator',
      params: ['rc', 'recentchanges', 'query+recentchanges'],
    });
    assert.deepEqual(Object.keys(raw).slice(-4), [
      'helpurls',
      'examples',
      'parameters',
      'templatedparameters',
    ]);
  });

  it("adds MediaWiki's table of contents with toc, and closes the main module with its permissions and data types", async () => {
    const toc = await (await fetch(`${s.api}?action=help&modules=checktoken%7Cupload&toc=1`)).text();
    assert.ok(
      toc.includes(
        '<div id="toc" class="toc" role="navigation" aria-labelledby="mw-toc-heading"><input type="checkbox" role="button" id="toctogglecheckbox" class="toctogglecheckbox" style="display:none"><div class="toctitle" lang="en" dir="ltr"><h2 id="mw-toc-heading">Contents</h2><span class="toctogglespan"><label class="toctogglelabel" for="toctogglecheckbox"></label></span></div>\n<ul>\n<li class="toclevel-1"><a href="#checktoken"><span class="tocnumber">1</span> <span class="toctext">action=checktoken</span></a></li>\n<li class="toclevel-1"><a href="#upload"><span class="tocnumber">2</span> <span class="toctext">action=upload</span></a></li>\n</ul>\n</div>\n<h2 class="apihelp-header apihelp-module-name"',
      ),
    );
    const nested = await (await fetch(`${s.api}?action=help&modules=query&submodules=1&toc=1`)).text();
    assert.match(
      nested,
      /<span class="tocnumber">1\.1<\/span> <span class="toctext">prop=duplicatefiles \(df\)<\/span>/,
    );
    assert.match(nested, /meta=userinfo \(ui\)<\/span><\/a><\/li>\n<\/ul>\n<\/li><\/ul><\/div>\n<h2/);
    const main = await (await fetch(s.api)).text();
    assert.ok(
      main.includes(
        '<div class="apihelp-block apihelp-permissions"><div class="apihelp-block-head">Permissions:</div><dl><dt>writeapi</dt><dd>Use of the write API</dd><dd>Granted to: all, user and bot</dd><dt>apihighlimits</dt><dd>Use higher limits in API queries (slow queries: 500; fast queries: 5000). The limits for slow queries also apply to multivalue parameters.</dd><dd>Granted to: bot and sysop</dd></dl></div>',
      ),
    );
    assert.ok(
      main.includes(
        '<h3 class="apihelp-header"><span id="main.2Fdatatypes"></span><span class="mw-headline" id="main/datatypes">Data types</span></h3><p>Input to MediaWiki should be NFC-normalized UTF-8.',
      ),
    );
    assert.ok(
      main.includes(
        '<dt id="main/datatype/boolean"><span id="main.2Fdatatype.2Fboolean"></span>boolean</dt>',
      ),
    );
    assert.ok(
      main.includes(
        'or file a bug report at <a rel="nofollow" class="external free" href="https://phabricator.wikimedia.org/">https://phabricator.wikimedia.org/</a>.',
      ),
    );
  });
});
