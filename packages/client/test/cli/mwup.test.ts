/**
 * The mwup CLI, run as a child process against a real server: exit codes, uploads, warnings policy,
 * dry runs, and resuming after the CLI or the server was killed mid-upload.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { pngOfSize, sha1Hex, writePng } from '../library/fixtures.js';
import { clientFor, downloadedSha1, newPng, uniqueName, useWiki } from '../library/helpers.js';
import { serveBytes, startProxy } from '../library/local-servers.js';
import {
  asWiki,
  CLIENT_ROOT,
  cliEnv,
  interruptedAtChunk,
  jsonOf,
  runCli,
  runInProcess,
  startCli,
} from './cli-run.js';

const KiB = 1024;
const ctx = useWiki({ proxy: true });

/** The environment of the wiki's bot account, at `api` (the wiki or the proxy in front of it). */
const asBot = (api = ctx.wiki.api) => asWiki(ctx.tmp, ctx.wiki, api);

describe('usage errors exit 2', () => {
  const cases: [string, string[]][] = [
    ['no command', []],
    ['unknown command', ['frobnicate']],
    ['unknown flag', ['upload', 'x.png', '--api', 'http://127.0.0.1:1/w/api.php', '--bogus']],
    ['no files', ['upload', '--api', 'http://127.0.0.1:1/w/api.php']],
    ['no wiki', ['upload', 'x.png']],
    [
      '--filename with two files',
      ['upload', 'a.png', 'b.png', '--api', 'http://127.0.0.1:1/w/api.php', '--filename', 'X.png'],
    ],
    ['bad chunk size', ['upload', 'a.png', '--api', 'http://127.0.0.1:1/w/api.php', '--chunk-size', 'huge']],
    ['bad api URL', ['upload', 'a.png', '--api', 'ftp://example.org/api.php']],
    [
      'from-url without --filename',
      ['from-url', 'http://127.0.0.1:1/x.png', '--api', 'http://127.0.0.1:1/w/api.php'],
    ],
  ];
  for (const [what, args] of cases) {
    it(what, async () => {
      const r = await runInProcess(args, cliEnv(ctx.tmp));
      assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
      if (args.length > 0) assert.match(r.stderr, /mwup: .+\nTry "mwup --help"/);
    });
  }

  it('--help exits 0 and lists the commands', async () => {
    const r = await runCli(['--help'], cliEnv(ctx.tmp));
    assert.equal(r.code, 0);
    for (const c of [
      'upload',
      'resume',
      'status',
      'from-url',
      '--ignore-warnings',
      '--concurrency',
      '--dry-run',
    ]) {
      assert.ok(r.stdout.includes(c), c);
    }
  });
});

describe('mwup upload', () => {
  it('uploads several files (direct and chunked) in parallel, byte-exact, exit 0', async () => {
    const single = join(ctx.tmp, 'single.png');
    const singleSha = await writePng(single, 20_000);
    const nameSingle = uniqueName('CliSingle');
    const one = await runCli(
      ['upload', single, '--filename', nameSingle, '--comment', 'from the cli', '--json'],
      asBot(),
    );
    assert.equal(one.code, 0, one.stdout + one.stderr);
    assert.equal(jsonOf(one).results[0].status, 'uploaded');
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    assert.deepEqual(await downloadedSha1(c, nameSingle), { sha1: singleSha, size: 20_000 });
    assert.equal((await c.imageInfo(nameSingle))?.comment, 'from the cli');

    const big = join(ctx.tmp, uniqueName('CliBig'));
    const small = join(ctx.tmp, uniqueName('CliSmall'));
    const bigSha = await writePng(big, 12 * 64 * KiB + 5);
    const smallSha = await writePng(small, 30_000);
    const r = await runCli(
      ['upload', big, small, '--chunk-size', '64K', '--concurrency', '2', '--json'],
      asBot(),
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const results = jsonOf(r).results as { item: string; status: string }[];
    assert.deepEqual(
      results.map((x) => [x.item, x.status]),
      [
        [big, 'uploaded'],
        [small, 'uploaded'],
      ],
    );
    assert.deepEqual(await downloadedSha1(c, basename(big)), { sha1: bigSha, size: 12 * 64 * KiB + 5 });
    assert.deepEqual(await downloadedSha1(c, basename(small)), { sha1: smallSha, size: 30_000 });
  });

  it('--ignore-warnings exists overwrites; a duplicate still stops the upload (exit 1)', async () => {
    const name = uniqueName('CliExists');
    const first = join(ctx.tmp, 'first.png');
    const second = join(ctx.tmp, 'second.png');
    await writePng(first, 3000);
    const secondSha = await writePng(second, 3100);
    assert.equal((await runCli(['upload', first, '--filename', name], asBot())).code, 0);

    const stopped = await runCli(['upload', second, '--filename', name], asBot());
    assert.equal(stopped.code, 1);
    assert.match(stopped.stdout, /warning/);
    assert.match(stopped.stdout, /exists/);

    const over = await runCli(
      ['upload', second, '--filename', name, '--ignore-warnings', 'exists', '--json'],
      asBot(),
    );
    assert.equal(over.code, 0, over.stdout + over.stderr);
    assert.equal(jsonOf(over).results[0].status, 'uploaded');
    assert.equal((await downloadedSha1(clientFor(ctx.wiki, ctx.wiki.api), name)).sha1, secondSha);

    const other = uniqueName('CliDuplicate');
    const dup = await runCli(
      ['upload', second, '--filename', other, '--ignore-warnings', 'exists', '--json'],
      asBot(),
    );
    assert.equal(dup.code, 1);
    const res = jsonOf(dup).results[0];
    assert.equal(res.status, 'warning');
    assert.deepEqual(Object.keys(res.result.warnings), ['duplicate']);
    // Found before sending: nothing is stashed, the hint is to accept the warning.
    assert.equal(res.result.filekey, undefined);
    assert.match(res.detail, /--ignore-warnings exists,duplicate/);
    assert.equal(await clientFor(ctx.wiki, ctx.wiki.api).imageInfo(other), undefined);
  });

  it('--dry-run sends no file and predicts warnings', async () => {
    const path = join(ctx.tmp, 'dry.png');
    await writePng(path, 4000);
    const name = uniqueName('CliDry');
    const r = await runCli(['upload', path, '--filename', name, '--dry-run', '--json'], asBot());
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(jsonOf(r).results[0].status, 'ok');
    assert.equal(await clientFor(ctx.wiki, ctx.wiki.api).imageInfo(name), undefined);

    assert.equal((await runCli(['upload', path, '--filename', name], asBot())).code, 0);
    const again = await runCli(
      ['upload', path, '--filename', `${name.replace(/\.png$/, '')}-2.png`, '--dry-run', '--json'],
      asBot(),
    );
    assert.equal(again.code, 1);
    const res = jsonOf(again).results[0];
    assert.equal(res.status, 'would-warn');
    assert.ok(res.result.warnings.duplicate);
  });

  it('from-url and a wrong password; the password never appears in the output', async () => {
    const bytes = pngOfSize(9000);
    const srv = await serveBytes(bytes);
    try {
      const name = uniqueName('CliUrl');
      const ok = await runCli(['from-url', srv.url, '--filename', name], asBot());
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.equal((await downloadedSha1(clientFor(ctx.wiki, ctx.wiki.api), name)).sha1, sha1Hex(bytes));
    } finally {
      await srv.close();
    }
    const password = 'wrong-password-0123456789abcdefgh';
    const bad = await runCli(
      ['upload', join(ctx.tmp, 'small.png'), '--user', ctx.wiki.username, '--password', password],
      cliEnv(ctx.tmp, { MWUP_API: ctx.wiki.api }),
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stderr + bad.stdout, /login/i);
    assert.ok(!(bad.stdout + bad.stderr).includes(password));
  });
});

describe('mwup resume', () => {
  /** Starts `mwup upload` through the proxy and kills it while the answer to chunk `k` is held. */
  async function killedMidUpload(path: string, name: string, state: string, k: number): Promise<void> {
    await interruptedAtChunk(
      ctx.proxy,
      k,
      ['upload', path, '--filename', name, '--chunk-size', '64K', '--state', state],
      asBot(ctx.proxy.api),
    );
  }

  it('continues an upload whose CLI was killed; status shows where it stands', async () => {
    const { path, size, sha1: sha, name } = await newPng(ctx.tmp, 'CliKilled', 10 * 64 * KiB + 3);
    const state = join(ctx.tmp, 'killed-state.json');
    await killedMidUpload(path, name, state, 5);

    const doc = JSON.parse(await readFile(state, 'utf8'));
    const entry = Object.values(doc.uploads)[0] as { id: string; token: { filekey: string; offset: number } };
    // The state file is written at the first chunk, then at most once a second: it may lag behind
    // the wiki, whose offset the resumed run continues from.
    assert.ok(
      entry.token.offset >= 64 * KiB && entry.token.offset <= 4 * 64 * KiB,
      String(entry.token.offset),
    );

    const st = await runCli(['status', entry.token.filekey, '--json'], asBot(ctx.proxy.api));
    assert.equal(st.code, 0, st.stdout + st.stderr);
    const status = jsonOf(st).status;
    assert.equal(status.result, 'Continue');
    assert.ok(status.offset >= 4 * 64 * KiB);

    const r = await runCli(['resume', '--state', state, '--json'], asBot(ctx.proxy.api));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(jsonOf(r).results[0].status, 'uploaded');
    assert.deepEqual(await downloadedSha1(clientFor(ctx.wiki, ctx.wiki.api), name), { sha1: sha, size });
    assert.deepEqual(JSON.parse(await readFile(state, 'utf8')).uploads, {});
  });

  it('running the same upload again continues the interrupted one instead of starting over', async () => {
    const { path, size, sha1: sha, name } = await newPng(ctx.tmp, 'CliAgain', 8 * 64 * KiB + 9);
    const state = join(ctx.tmp, 'again-state.json');
    await killedMidUpload(path, name, state, 4);
    const before = ctx.proxy.requests.length;
    const r = await runCli(
      ['upload', path, '--filename', name, '--chunk-size', '64K', '--state', state, '--json'],
      asBot(ctx.proxy.api),
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const offsets = ctx.proxy.requests
      .slice(before)
      .filter((q) => q.isChunk)
      .map((q) => Number(q.fields.offset));
    assert.ok(offsets.length > 0 && (offsets[0] as number) >= 3 * 64 * KiB, `resent from ${offsets[0]}`);
    assert.deepEqual(await downloadedSha1(clientFor(ctx.wiki, ctx.wiki.api), name), { sha1: sha, size });
  });

  it('refuses to resume when the local file changed (exit 1)', async () => {
    const path = join(ctx.tmp, 'changing.png');
    await writePng(path, 8 * 64 * KiB);
    const state = join(ctx.tmp, 'changing-state.json');
    await killedMidUpload(path, uniqueName('CliChanged'), state, 4);
    const fh = await open(path, 'r+');
    await fh.write(Buffer.from('changed'), 0, 7, 5000);
    await fh.close();
    const r = await runCli(['resume', '--state', state], asBot(ctx.proxy.api));
    assert.equal(r.code, 1);
    assert.match(r.stdout + r.stderr, /resume-file-changed/);
  });

  it('continues after the server was killed mid-upload and restarted', async (t) => {
    if (ctx.wiki.external) {
      t.skip('needs our own server process');
      return;
    }
    if (!existsSync(join(CLIENT_ROOT, '../server/dist/main.js'))) {
      t.skip('needs the built server (npm run build)');
      return;
    }
    const { spawnServerProcess } = await import('../../../server/test/helpers/server.js');
    const server = await spawnServerProcess({});
    const p2 = await startProxy(server.api);
    try {
      const { path, size, sha1: sha, name } = await newPng(ctx.tmp, 'CliServerKilled', 12 * 64 * KiB + 1);
      const state = join(ctx.tmp, 'server-killed-state.json');
      const env = cliEnv(ctx.tmp, {
        MWUP_API: p2.api,
        MWUP_USER: 'Admin',
        MWUP_PASSWORD: 'admin-password-123',
      });

      p2.rule = (q) => (q.isChunk && q.chunkIndex === 6 ? 'hold' : 'pass');
      const held = p2.waitFor((q) => q.isChunk && q.chunkIndex === 6);
      const up = startCli(
        ['upload', path, '--filename', name, '--chunk-size', '64K', '--state', state, '--retries', '1'],
        env,
      );
      await held;
      await server.kill('SIGKILL');
      p2.release(true);
      p2.rule = () => 'pass';
      const failed = await up.done;
      assert.equal(failed.code, 1, failed.stdout + failed.stderr);
      assert.match(failed.stdout, /mwup resume/);

      await server.restart();
      const r = await runCli(['resume', '--state', state, '--json'], env);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const c = clientFor({ username: 'Admin', password: 'admin-password-123' }, server.api);
      assert.deepEqual(await downloadedSha1(c, name), { sha1: sha, size });
    } finally {
      await p2.close();
      await server.kill();
    }
  });
});
