/**
 * action=paraminfo against MediaWiki 1.39's own answers (fixtures/api-surface/paraminfo-*): every
 * module we implement is described field for field as MediaWiki describes it. Where we accept less
 * than MediaWiki, the differences are listed here with their reason; a module not implemented yet
 * is listed too, so implementing it makes its fixture count.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';

const DIR = new URL('../fixtures/api-surface/', import.meta.url);
type Param = Record<string, unknown> & { name: string };
type Module = Record<string, unknown> & { parameters: Param[] };
interface Recording {
  request: Record<string, string | number>;
  response: { paraminfo: { modules: Module[] } };
}

/** Modules recorded but not implemented here yet. */
const NOT_IMPLEMENTED = new Set<string>([]);

/** Parameters MediaWiki has that we do not accept (and so do not list). */
const PARAMS_NOT_ACCEPTED: Record<string, string[]> = {
  // Page set modules here take titles and page ids, not revision ids or a generator.
  watch: ['revids', 'generator'],
  purge: ['revids', 'generator'],
  // No undo: there is no diff engine here.
  edit: ['undo', 'undoafter'],
  // No XML export and no revision ids as page set input.
  query: ['exportnowrap', 'exportschema', 'revids'],
  // No parser: revisions are not expanded, parsed or diffed.
  revisions: [
    'expandtemplates',
    'generatexml',
    'parse',
    'section',
    'diffto',
    'difftotext',
    'difftotextpst',
    'contentformat',
  ],
};

/**
 * Parameters whose value lists are a subset of MediaWiki's: the modules, formats or content models
 * we implement. Their `type` must be a subset of MediaWiki's, and `submodules` agree on it.
 */
const FEWER_VALUES: Record<string, string[]> = {
  main: ['action'],
  paraminfo: ['querymodules'],
  query: ['prop', 'list', 'meta', 'generator'],
  revisions: ['prop'],
  // No parsed descriptions or metadata of deleted files.
  filearchive: ['prop'],
};

const recordings = readdirSync(DIR)
  .filter((f) => /^paraminfo-.*-fv[12]\.json$/.test(f))
  .map((f) => ({ file: f, rec: JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Recording }));

describe('action=paraminfo describes modules as MediaWiki 1.39 does', () => {
  let s: TestServer;
  let client: TestClient;
  before(async () => {
    s = await startTestServer();
    // The recordings were made anonymously (without apihighlimits, `limit` is 50).
    client = new TestClient(s.api);
  });
  after(() => s?.close());

  for (const { file, rec } of recordings) {
    const path = String(rec.request.modules);
    it(`${path}, formatversion ${rec.request.formatversion}`, async () => {
      const params = Object.fromEntries(Object.entries(rec.request).map(([k, v]) => [k, String(v)]));
      const got = (await client.get(params)).json;
      const ours = got.paraminfo.modules[0] as Module | undefined;
      if (NOT_IMPLEMENTED.has(path)) {
        assert.equal(ours, undefined, `${path} is implemented now: remove it from NOT_IMPLEMENTED`);
        return;
      }
      assert.ok(ours, `${file}: no description (${JSON.stringify(got.warnings)})`);
      const want = rec.response.paraminfo.modules[0]!;
      const name = String(want.name);
      const { parameters: wantParams, licenselink: _l1, ...wantFields } = want;
      const { parameters: ourParams, licenselink, ...ourFields } = ours;
      assert.deepEqual(ourFields, wantFields);
      assert.equal(licenselink, `${s.origin}/w/index.php/Special:Version/License/MediaWiki`);
      const skipped = PARAMS_NOT_ACCEPTED[name] ?? [];
      const expected = wantParams.filter((p) => !skipped.includes(p.name));
      assert.deepEqual(
        ourParams.map((p) => p.name),
        expected.map((p) => p.name),
      );
      for (const [i, w] of expected.entries()) {
        const o = ourParams[i]!;
        const fewer = FEWER_VALUES[name]?.includes(w.name);
        const { index: _i1, ...wRest } = w;
        const { index, ...oRest } = o;
        assert.equal(index, i + 1);
        if (fewer) {
          const values = o.type as string[];
          assert.ok(
            values.every((v) => (w.type as string[]).includes(v)),
            `${w.name}: ${values} within MediaWiki's`,
          );
          for (const k of ['type', 'submodules', 'deprecatedvalues', 'internalvalues']) {
            delete (wRest as Record<string, unknown>)[k];
            delete (oRest as Record<string, unknown>)[k];
          }
        }
        assert.deepEqual(Object.entries(oRest), Object.entries(wRest), `${name}.${w.name}`);
      }
    });
  }

  it('answers several modules at once, query+*, * and unknown names as MediaWiki does', async () => {
    const r = await client.get({
      action: 'paraminfo',
      modules: 'main|paraminfo|query|nosuch|query+nosuch',
      formatversion: 2,
    });
    assert.deepEqual(
      r.json.paraminfo.modules.map((m: Module) => m.path),
      ['main', 'paraminfo', 'query'],
    );
    assert.equal(
      r.json.warnings.paraminfo.warnings,
      'The module "main" does not have a submodule "nosuch".\nThe module "query" does not have a submodule "nosuch".',
    );
    const all = await client.get({ action: 'paraminfo', modules: 'query+*', formatversion: 2 });
    const paths = all.json.paraminfo.modules.map((m: Module) => m.path);
    assert.ok(paths.includes('query+imageinfo') && paths.includes('query+tokens'));
    assert.deepEqual(paths, [...paths].sort());
    const top = await client.get({ action: 'paraminfo', modules: '*', formatversion: 2 });
    assert.ok(top.json.paraminfo.modules.some((m: Module) => m.name === 'upload'));
  });

  it('describes the main module, the page set and the formats', async () => {
    const r = await client.get({
      action: 'paraminfo',
      mainmodule: 1,
      pagesetmodule: 1,
      formatmodules: 'json|xml',
      formatversion: 2,
    });
    const pi = r.json.paraminfo;
    assert.equal(pi.mainmodule.classname, 'ApiMain');
    assert.equal(pi.pagesetmodule.classname, 'ApiPageSet');
    assert.deepEqual(
      pi.pagesetmodule.parameters.map((p: Param) => p.name),
      ['titles', 'pageids', 'generator', 'redirects', 'converttitles'],
    );
    assert.deepEqual(
      pi.formatmodules.map((m: Module) => [m.name, m.parameters.map((p) => p.name)]),
      [
        ['json', ['callback', 'utf8', 'ascii', 'formatversion']],
        ['xml', ['xslt', 'includexmlnamespace']],
      ],
    );
  });

  it('gives a bot with apihighlimits the high limit of multi-value parameters', async () => {
    const b = await createBot(s, 'UploadBot', { groups: ['bot'] });
    const bot = new TestClient(s.api);
    await bot.login(b.lgname, b.password);
    const r = await bot.get({ action: 'paraminfo', modules: 'upload', formatversion: 2 });
    const tags = r.json.paraminfo.modules[0].parameters.find((p: Param) => p.name === 'tags');
    assert.equal(tags.limit, 500);
  });

  it("adds MediaWiki's help texts with helpformat=wikitext, html and raw", async () => {
    const get = async (helpformat: string) =>
      (await client.get({ action: 'paraminfo', modules: 'checktoken|upload', helpformat, formatversion: 2 }))
        .json.paraminfo.modules;
    const [wt, upWt] = await get('wikitext');
    assert.equal(
      wt.description,
      'Check the validity of a token from <kbd>[[Special:ApiHelp/query+tokens|action=query&meta=tokens]]</kbd>.\n\n',
    );
    assert.deepEqual(Object.keys(wt).slice(8, 11), ['licenselink', 'description', 'readrights']);
    assert.deepEqual(Object.keys(wt.parameters[0]).slice(0, 3), ['index', 'name', 'description']);
    assert.equal(wt.parameters[0].description, 'Type of token being tested.');
    assert.equal(upWt.parameters.find((p: Param) => p.name === 'filename').description, 'Target filename.');
    const [html] = await get('html');
    assert.equal(
      html.description,
      `Check the validity of a token from <kbd><a href="/w/index.php/Special:ApiHelp/query%2Btokens" title="Special:ApiHelp/query+tokens">action=query&amp;meta=tokens</a></kbd>.`,
    );
    const [raw, upRaw] = await get('raw');
    assert.deepEqual(raw.description, [
      { key: 'apihelp-checktoken-summary', params: ['', 'checktoken', 'checktoken'] },
      { key: 'apihelp-checktoken-extended-description', params: ['', 'checktoken', 'checktoken'] },
    ]);
    assert.deepEqual(upRaw.parameters.at(-1).description, [
      { key: 'api-help-param-token', params: ['csrf', '', 'token', 'upload', 'upload'] },
    ]);
  });
});
