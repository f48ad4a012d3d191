/**
 * Arbitrary target names through action=upload with a real PNG: control and format characters,
 * bidi marks, combining sequences, astral characters, names at and past 255 bytes, prefixes,
 * slashes, colons. Every answer is below HTTP 500 and no internal error; a name that was accepted
 * leads to the same bytes through prop=imageinfo and the file URL it gives.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { png, sha1 } from '../helpers/files.js';
import { embeddedOnly } from '../helpers/server.js';
import { fileName, mostly, weirdText } from './arbitraries.js';
import { Fuzz, fuzzOptions, summary } from './harness.js';

const skip = embeddedOnly('reads the local blob directory');

const name = fc.oneof(
  { weight: 4, arbitrary: fileName },
  { weight: 2, arbitrary: weirdText(30).map((s) => `${s}.png`) },
  {
    weight: 2,
    arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((s) => `${s}.png`),
  },
  { weight: 1, arbitrary: fc.integer({ min: 236, max: 262 }).map((n) => `${'n'.repeat(n)}.png`) },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 90 }).map((n) => `${'€'.repeat(n)}.png`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'foo:bar.png',
      '  spaced   out  .png',
      '__under__.png',
      'ǆungla.png',
      'ßtraße.png',
      'ﬁle.png',
      'İstanbul.png',
      '\u202eevil\u202c.png',
      'a\u0301.png',
      'Ω.png',
      'x.png.png',
      'X.PNG',
      '%41.png',
      '&lt;tag&gt;.png',
      '[[link]].png',
      '{{tpl}}.png',
      'Talk:Foo.png',
      'Special:Foo.png',
      '~~~.png',
      'file:file.png',
    ),
  },
);

describe('fuzz: target names', { skip }, () => {
  let f: Fuzz;
  before(async () => {
    f = await Fuzz.start({ uploads: { fileExtensions: ['png'] } });
  });
  after(() => f?.close());

  it('every name is answered below 500, and an accepted name serves the bytes uploaded', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        name,
        mostly([true], [false], 4),
        mostly([false], [true], 4),
        async (filename, ignorewarnings, stash) => {
          const data = png(2, 2);
          const what = `upload as ${JSON.stringify(filename)}`;
          const u = await f.bot.upload({ filename, ignorewarnings, stash }, data);
          f.check(what, { status: u.status, headers: u.headers, text: u.text }, true);
          const up = u.json?.upload;
          if (up?.result !== 'Success' || stash) return;
          accepted++;
          const info = await f.bot.get({
            action: 'query',
            prop: 'imageinfo',
            titles: `File:${up.filename}`,
            iiprop: 'sha1|url|size',
            formatversion: 2,
          });
          f.check(`imageinfo of ${JSON.stringify(up.filename)}`, {
            status: info.status,
            headers: info.headers,
            text: info.text,
          });
          const page = info.json.query.pages[0];
          assert.equal(page.title, `File:${up.filename.replaceAll('_', ' ')}`, what);
          assert.equal(page.imageinfo[0].sha1, sha1(data), what);
          const res = await fetch(page.imageinfo[0].url);
          const bytes = Buffer.from(await res.arrayBuffer());
          f.check(`GET ${page.imageinfo[0].url}`, { status: res.status, headers: res.headers, text: '' });
          assert.equal(res.status, 200, `${what}: ${page.imageinfo[0].url}`);
          assert.equal(sha1(bytes), sha1(data), `${what}: ${page.imageinfo[0].url}`);
        },
      ),
      fuzzOptions(120),
    );
    assert.ok(accepted > 20, `only ${accepted} names were accepted`);
  });

  it('afterwards the server answers, with no leftovers and bounded memory', async (t) => {
    await f.assertHealthy();
    await f.assertNoLeftovers();
    f.assertMemory();
    t.diagnostic(summary(f));
  });
});
