/**
 * Shared file repositories both ways with the real MediaWiki 1.39 of ../shared/refwiki:
 * - MediaWiki as this server's shared repository (ForeignAPIRepo settings pointing at its api.php);
 * - this server as MediaWiki's: a second MediaWiki is started for the test (PHP's built-in server,
 *   `MW_CONFIG_FILE` naming a copy of the reference wiki's LocalSettings.php with a copy of its
 *   SQLite files and a `$wgForeignFileRepos` entry for this server), so the reference wiki itself
 *   is not changed.
 * Skipped when the reference wiki does not answer (MWUP_REFWIKI_API, default
 * http://127.0.0.1:8081/w/api.php) or, for the second part, when PHP or its files are missing.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { png, sha1 } from '../helpers/files.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const REF_API = process.env.MWUP_REFWIKI_API ?? 'http://127.0.0.1:8081/w/api.php';
const REF_BOT = { lgname: 'Admin@bot', password: 'adminbotpassword1234567890abcdef' };
const REF_SETTINGS = process.env.MWUP_REFWIKI_LOCALSETTINGS ?? '/var/lib/mediawiki/LocalSettings.php';
const MW_DIR = process.env.MWUP_REFWIKI_MEDIAWIKI ?? '/usr/share/mediawiki';

async function refwikiAnswers(): Promise<boolean> {
  try {
    const r = await fetch(`${REF_API}?action=query&meta=siteinfo&format=json`, {
      signal: AbortSignal.timeout(5000),
    });
    return r.ok && /MediaWiki 1\.39/.test(JSON.stringify(await r.json()));
  } catch {
    return false;
  }
}

function phpMissing(): string | false {
  try {
    execFileSync('php', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'php is not installed';
  }
  if (!existsSync(REF_SETTINGS)) return `no ${REF_SETTINGS}`;
  if (!existsSync(join(MW_DIR, 'api.php'))) return `no MediaWiki in ${MW_DIR}`;
  return false;
}

const unique = () => randomBytes(4).toString('hex');
const refUp = await refwikiAnswers();
const NO_SHARED_GRANTS = ['basic', 'editpage', 'createeditmovepage', 'uploadfile'];

describe('MediaWiki 1.39 as the shared repository of this server', {
  skip: !refUp && `the reference wiki does not answer at ${REF_API}`,
}, () => {
  let s: TestServer;
  let ref: TestClient;
  let plain: TestClient;
  const name = `Mwup shared ${unique()}.png`;
  const dbKey = name.replace(/ /g, '_');
  const data = png(64, 32);

  before(async () => {
    ref = new TestClient(REF_API);
    await ref.login(REF_BOT.lgname, REF_BOT.password);
    const up = await ref.upload(
      { filename: name, text: 'Described on the reference wiki.', ignorewarnings: 1 },
      data,
    );
    assert.equal(up.json.upload?.result, 'Success', up.text);
    s = await startTestServer({
      foreignFileRepos: [
        { name: 'shared', apibase: REF_API, fetchDescription: true, apiThumbCacheExpiry: 0 },
      ],
    });
    const p = await createBot(s, 'Plain', { grants: NO_SHARED_GRANTS });
    plain = new TestClient(s.api);
    await plain.login(p.lgname, p.password);
  });
  after(() => s?.close());

  it('lists it in meta=filerepoinfo with what its siteinfo says', async () => {
    const r = await plain.get({ action: 'query', meta: 'filerepoinfo', formatversion: 2 });
    const origin = new URL(REF_API).origin;
    assert.deepEqual(r.json.query.repos[0], {
      name: 'shared',
      displayname: 'a shared repository',
      rootUrl: false,
      local: false,
      url: false,
      thumbUrl: false,
      initialCapital: true,
      scriptDirUrl: `${origin}/w`,
      fetchDescription: true,
      apiurl: REF_API,
      articlepath: '/w/index.php/$1',
      server: origin,
      favicon: `${origin}/favicon.ico`,
      canUpload: false,
    });
  });

  it('answers prop=imageinfo of its file with its URLs and thumbnails', async () => {
    const q = { action: 'query', titles: `File:${name}`, prop: 'imageinfo', formatversion: 2 };
    const props = { iiprop: 'timestamp|user|url|size|sha1|mime', iiurlwidth: 32 };
    const there = (await ref.get({ ...q, ...props })).json.query.pages[0];
    const here = (await plain.get({ ...q, ...props })).json.query.pages[0];
    assert.equal(here.imagerepository, 'shared');
    const [a, b] = [there.imageinfo[0], here.imageinfo[0]];
    assert.equal(b.user, `shared>${a.user}`);
    for (const k of [
      'timestamp',
      'size',
      'width',
      'height',
      'sha1',
      'mime',
      'url',
      'descriptionurl',
      'thumburl',
    ])
      assert.deepEqual(b[k], a[k], k);
    assert.equal(b.sha1, sha1(data));
    assert.equal((await fetch(b.thumburl)).status, 200);
  });

  it('refuses to hide it without reupload-shared, and warns about its duplicates', async () => {
    const refused = await plain.upload({ filename: name }, png(5, 5));
    assert.equal(refused.json.error?.code, 'fileexists-shared-forbidden', refused.text);
    const dupe = await plain.upload({ filename: `Copy ${unique()}.png` }, data);
    assert.ok(dupe.json.upload?.warnings?.duplicate?.includes(dbKey), dupe.text);
  });

  it('shows it on the file page with the description fetched from there', async () => {
    const res = await fetch(`${s.origin}/w/index.php/File:${encodeURIComponent(dbKey)}`);
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, /Described on the reference wiki\./);
    assert.match(body, /class="sharedUploadNotice"/);
  });
});

/** A port nothing listens on (for PHP's server). */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((res) => srv.close(() => res()));
  return port;
}

/** A second MediaWiki from the reference wiki's settings and a copy of its data, using `sharedApi`. */
async function startMediaWiki(
  sharedApi: string,
): Promise<{ api: string; origin: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mwup-mw-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const settings = readFileSync(REF_SETTINGS, 'utf8');
  const dataDir = /\$wgSQLiteDataDir\s*=\s*"([^"]+)"/.exec(settings)?.[1];
  if (!dataDir) throw new Error(`no $wgSQLiteDataDir in ${REF_SETTINGS}`);
  const data = join(dir, 'data');
  await mkdir(join(data, 'locks'), { recursive: true });
  for (const f of await readdir(dataDir))
    if (f.endsWith('.sqlite')) await cp(join(dataDir, f), join(data, f));
  await mkdir(join(dir, 'images'));
  await mkdir(join(dir, 'www'));
  await symlink(MW_DIR, join(dir, 'www', 'w'));
  const local = settings
    .split(dataDir)
    .join(data)
    .replace(/\$wgServer\s*=\s*"[^"]*";/, `$wgServer = "${origin}";`);
  await writeFile(
    join(dir, 'LocalSettings.php'),
    `${local}
$wgUploadDirectory = "${join(dir, 'images')}";
$wgUploadPath = "$wgScriptPath/images";
$wgMainCacheType = CACHE_NONE;
$wgParserCacheType = CACHE_NONE;
$wgForeignFileRepos[] = [
  'class' => ForeignAPIRepo::class,
  'name' => 'shared',
  'apibase' => '${sharedApi}',
  'fetchDescription' => true,
  'apiThumbCacheExpiry' => 0,
];
`,
  );
  const child: ChildProcess = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', join(dir, 'www')], {
    cwd: join(dir, 'www'),
    env: { ...process.env, MW_CONFIG_FILE: join(dir, 'LocalSettings.php') },
    stdio: 'ignore',
  });
  const api = `${origin}/w/api.php`;
  await waitFor(
    async () => {
      try {
        return (await fetch(`${api}?action=query&meta=siteinfo&format=json`)).ok;
      } catch {
        return false;
      }
    },
    'the second MediaWiki answers',
    30_000,
  );
  return {
    api,
    origin,
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((res) => {
          child.once('exit', () => res());
          child.kill('SIGTERM');
        });
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe('this server as the shared repository of MediaWiki 1.39', {
  skip: (!refUp && `the reference wiki does not answer at ${REF_API}`) || phpMissing(),
}, () => {
  let s: TestServer;
  let mw: Awaited<ReturnType<typeof startMediaWiki>>;
  let ours: TestClient;
  const data = png(120, 80);
  const name = 'Ours for MediaWiki.png';

  before(async () => {
    s = await startTestServer();
    const b = await createBot(s, 'HomeBot', { groups: ['bot'] });
    ours = new TestClient(s.api);
    await ours.login(b.lgname, b.password);
    const up = await ours.upload(
      { filename: name, comment: 'from mwup', text: 'Our own description.' },
      data,
    );
    assert.equal(up.json.upload?.result, 'Success', up.text);
    mw = await startMediaWiki(s.api);
  });
  after(async () => {
    await mw?.stop();
    await s?.close();
  });

  it('MediaWiki lists this server in meta=filerepoinfo', async () => {
    const r = await (
      await fetch(`${mw.api}?action=query&meta=filerepoinfo&format=json&formatversion=2`)
    ).json();
    const repo = r.query.repos[0];
    assert.equal(repo.apiurl, s.api);
    assert.equal(repo.server, s.origin, 'from our meta=siteinfo');
    assert.equal(repo.articlepath, '/w/index.php/$1');
  });

  it("MediaWiki answers prop=imageinfo and prop=duplicatefiles of this server's file", async () => {
    const q = new URLSearchParams({
      action: 'query',
      titles: `File:${name}`,
      prop: 'imageinfo|duplicatefiles',
      iiprop: 'timestamp|user|url|size|sha1|mime|metadata|extmetadata',
      iiurlwidth: '60',
      format: 'json',
      formatversion: '2',
    });
    const page = (await (await fetch(`${mw.api}?${q}`)).json()).query.pages[0];
    assert.equal(page.imagerepository, 'shared');
    const ii = page.imageinfo[0];
    const own = (
      await ours.get({
        action: 'query',
        titles: `File:${name}`,
        prop: 'imageinfo',
        iiprop: 'url',
        iiurlwidth: 60,
        formatversion: 2,
      })
    ).json.query.pages[0].imageinfo[0];
    assert.equal(ii.user, 'shared>HomeBot');
    assert.equal(ii.sha1, sha1(data));
    assert.equal(ii.size, data.length);
    assert.equal(ii.url, own.url);
    assert.equal(ii.thumburl, own.thumburl, 'the thumbnail found through iiurlwidth');
    assert.deepEqual(ii.responsiveUrls, own.responsiveUrls);
    assert.equal((await fetch(ii.thumburl)).status, 200);
    // findBySha1: list=allimages&aisha1base36=…
    assert.deepEqual(
      page.duplicatefiles.map((d: { name: string; shared: boolean }) => [d.name, d.shared]),
      [['Ours_for_MediaWiki.png', true]],
    );
  });

  it("MediaWiki shows this server's file on its file page with our description (action=render)", async () => {
    const res = await fetch(`${mw.origin}/w/index.php?title=${encodeURIComponent(`File:${name}`)}`);
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.ok(body.includes(`src="${s.origin}/w/images/`), 'the image is ours');
    assert.match(body, /<div id="shared-image-desc">[\s\S]*Our own description\./);
  });
});
