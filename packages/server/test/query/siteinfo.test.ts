/**
 * meta=siteinfo against what MediaWiki 1.39 answers (recorded in fixtures/api-surface/): every siprop
 * in the same order, every key in the same shape in both format versions, and MediaWiki's own facts
 * (magic words, special page aliases, languages, default options…) with the same values.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Json = unknown;
const recorded = (
  fv: 1 | 2,
): { request: Record<string, string | number>; response: { query: Record<string, Json> } } =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/api-surface/siteinfo-all-fv${fv}.json`, import.meta.url), 'utf8'),
  );

/** Props whose values describe the reference wiki's installation, not MediaWiki: compared by shape only. */
const SITE_SPECIFIC = new Set(['general', 'statistics', 'fileextensions', 'usergroups', 'namespaces']);
/**
 * Props that list the reference wiki's PHP libraries, extensions, hooks and installed skins. There are
 * none here (and the page views have a look of their own), so mwup answers with fewer entries.
 */
const OURS_DIFFER = new Set(['extensions', 'libraries', 'showhooks', 'skins']);
/** general.* values that name the reference wiki's host, versions or the time. */
const GENERAL_SITE_KEYS = new Set([
  'base',
  'logo',
  'generator',
  'phpversion',
  'phpsapi',
  'dbtype',
  'dbversion',
  'server',
  'servername',
  'wikiid',
  'time',
  'favicon',
  'sitename',
  'maxuploadsize',
]);

function shape(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return typeof v;
}

/** Every difference in keys and shapes between `want` and `got`, as paths. */
function shapeDiffs(want: Json, got: Json, path: string, out: string[]): string[] {
  if (shape(want) !== shape(got)) {
    out.push(`${path}: ${shape(want)} in MediaWiki, ${shape(got)} here`);
    return out;
  }
  if (shape(want) === 'object') {
    const w = want as Record<string, Json>;
    const g = got as Record<string, Json>;
    for (const k of Object.keys(w)) {
      if (!(k in g)) out.push(`${path}.${k}: missing here`);
      else shapeDiffs(w[k], g[k], `${path}.${k}`, out);
    }
    for (const k of Object.keys(g)) if (!(k in w)) out.push(`${path}.${k}: not in MediaWiki`);
  } else if (shape(want) === 'list') {
    const w = want as Json[];
    const g = got as Json[];
    if (w.length && g.length) shapeDiffs(w[0], g[0], `${path}[0]`, out);
  }
  return out;
}

for (const fv of [1, 2] as const) {
  describe(`meta=siteinfo, every siprop, formatversion ${fv}`, () => {
    let s: TestServer;
    let got: Record<string, Json>;
    const want = recorded(fv);
    before(async () => {
      s = await startTestServer({ siteName: 'RefWiki' });
      const params = Object.fromEntries(Object.entries(want.request).map(([k, v]) => [k, String(v)]));
      const r = await new TestClient(s.api).get(params);
      assert.equal(r.json.warnings, undefined, JSON.stringify(r.json.warnings));
      got = r.json.query;
    });
    after(() => s?.close());

    it('answers every siprop, in the order asked', () => {
      assert.deepEqual(Object.keys(got), Object.keys(want.response.query));
    });

    it('gives every key the shape MediaWiki gives it (objects keyed "0","1"…, false flags, content keys)', () => {
      const diffs: string[] = [];
      for (const [prop, value] of Object.entries(want.response.query)) {
        if (OURS_DIFFER.has(prop)) continue;
        shapeDiffs(value, got[prop], prop, diffs);
      }
      assert.deepEqual(diffs, []);
    });

    it("reports MediaWiki's own facts with MediaWiki's values", () => {
      for (const [prop, value] of Object.entries(want.response.query)) {
        if (SITE_SPECIFIC.has(prop) || OURS_DIFFER.has(prop)) continue;
        assert.deepEqual(got[prop], value, prop);
      }
      const general = want.response.query.general as Record<string, Json>;
      const ours = got.general as Record<string, Json>;
      assert.deepEqual(Object.keys(ours), Object.keys(general));
      for (const [k, v] of Object.entries(general)) {
        if (!GENERAL_SITE_KEYS.has(k)) assert.deepEqual(ours[k], v, `general.${k}`);
      }
    });

    it('lists extensions, libraries and hooks as empty lists, skins with Vector as default', () => {
      for (const prop of ['extensions', 'libraries', 'showhooks']) assert.deepEqual(got[prop], [], prop);
      const skins = got.skins as Record<string, Json>[];
      const vector = skins.find((x) => x.code === 'vector');
      assert.equal(vector?.default, fv === 2 ? true : '');
      assert.equal(vector?.[fv === 2 ? 'name' : '*'], 'Vector legacy (2010)');
    });
  });
}
