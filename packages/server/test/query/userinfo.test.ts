/**
 * meta=userinfo with every uiprop, anonymous and as a bot logged in with a bot password, against what
 * MediaWiki 1.39 answers (recorded in fixtures/api-surface/): the same keys in the same shapes in
 * both format versions, the default options, the Accept-Language list, and edit count and latest
 * contribution that follow the user's uploads.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { acceptLanguages } from '../../src/api/query/meta-userinfo.js';
import { TestClient } from '../helpers/client.js';
import { png } from '../helpers/files.js';
import { startWithBot, type TestServer } from '../helpers/server.js';

type Json = unknown;
type Recording = {
  request: Record<string, string | number>;
  response: { query: { userinfo: Record<string, Json> } };
};
const recorded = (who: 'anon' | 'bot', fv: 1 | 2): Recording =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/api-surface/userinfo-${who}-fv${fv}.json`, import.meta.url), 'utf8'),
  );

const kind = (v: Json) => (v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v);
/** Keys whose value shapes differ from MediaWiki's, as paths (one level into objects). */
function shapeDiffs(want: Record<string, Json>, got: Record<string, Json>): string[] {
  const out: string[] = [];
  for (const k of new Set([...Object.keys(want), ...Object.keys(got)])) {
    if (!(k in got)) out.push(`${k}: missing here`);
    else if (!(k in want)) out.push(`${k}: not in MediaWiki`);
    else if (kind(want[k]) !== kind(got[k]))
      out.push(`${k}: ${kind(want[k])} in MediaWiki, ${kind(got[k])} here`);
    else if (kind(want[k]) === 'object' && k !== 'options') {
      const w = want[k] as Record<string, Json>;
      const g = got[k] as Record<string, Json>;
      for (const kk of new Set([...Object.keys(w), ...Object.keys(g)]))
        if (kind(w[kk]) !== kind(g[kk]))
          out.push(`${k}.${kk}: ${kind(w[kk])} in MediaWiki, ${kind(g[kk])} here`);
    }
  }
  return out;
}

describe('meta=userinfo, every uiprop', () => {
  let s: TestServer;
  let bot: TestClient;
  const anon = () => new TestClient(s.api);
  const ask = (c: TestClient, rec: Recording) =>
    c.get(Object.fromEntries(Object.entries(rec.request).map(([k, v]) => [k, String(v)])), {
      'Accept-Language': '*',
    });
  before(async () => {
    ({ s, bot } = await startWithBot());
  });
  after(() => s?.close());

  for (const fv of [1, 2] as const) {
    it(`anonymous, formatversion ${fv}: MediaWiki's keys, shapes and values`, async () => {
      const want = recorded('anon', fv).response.query.userinfo;
      const got = (await ask(anon(), recorded('anon', fv))).json.query.userinfo;
      assert.deepEqual(shapeDiffs(want, got), []);
      const { name: _n, ...rest } = want;
      const { name: _m, ...ours } = got;
      assert.deepEqual(ours, rest);
    });

    it(`a bot password session, formatversion ${fv}: MediaWiki's keys and shapes (no e-mail without the grant)`, async () => {
      const want = recorded('bot', fv).response.query.userinfo;
      await bot.upload(
        { filename: `Userinfo ${fv}.png`, ignorewarnings: 1, token: await bot.csrf() },
        png(3 + fv, 3),
      );
      const got = (await ask(bot, recorded('bot', fv))).json.query.userinfo;
      assert.deepEqual(shapeDiffs(want, got), []);
      assert.deepEqual(got.options, want.options);
      assert.deepEqual(got.acceptlang, want.acceptlang);
      assert.deepEqual(got.attachedlocal, want.attachedlocal);
      assert.equal(got.email, undefined);
    });
  }

  it('counts uploads as edits and reports the latest one', async () => {
    const rec = recorded('bot', 2);
    const before = (await ask(bot, rec)).json.query.userinfo;
    const r = await bot.upload({ filename: 'Userinfo count.png', token: await bot.csrf() }, png(9, 9));
    assert.equal(r.json.upload.result, 'Success');
    const now = (await ask(bot, rec)).json.query.userinfo;
    assert.equal(now.editcount, before.editcount + 1);
    assert.equal(now.latestcontrib, r.json.upload.imageinfo.timestamp);
  });

  it('orders Accept-Language by preference and drops q=0', () => {
    assert.deepEqual(acceptLanguages('de-DE, en;q=0.8, fr;q=0, *;q=0.5, EN-gb;q=0.9'), [
      { q: 1, code: 'de-de' },
      { q: 0.9, code: 'en-gb' },
      { q: 0.8, code: 'en' },
      { q: 0.5, code: '*' },
    ]);
    assert.deepEqual(acceptLanguages(''), []);
  });
});
