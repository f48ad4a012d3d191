/**
 * The mwup CLI, run as a child process against a real server: exit codes, uploads, warnings policy,
 * dry runs, and resuming after the CLI or the server was killed mid-upload.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/mwup.js';
import { pngOfSize, sha1Hex, writePng } from '../library/fixtures.js';
import {
  clientFor,
  downloadedSha1,
  serveBytes,
  startProxy,
  startWiki,
  type TestProxy,
  tempDir,
  uniqueName,
  type Wiki,
} from '../library/helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'src/cli/mwup.ts');
const KiB = 1024;

let wiki: Wiki;
let tmp: { dir: string; cleanup: () => Promise<void> };

before(async () => {
  wiki = await startWiki();
  tmp = await tempDir();
});

after(async () => {
  await wiki?.close();
  await tmp?.cleanup();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment without the caller's mwup settings; config and state live in the test's temp dir. */
function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('MWUP_')) delete env[k];
  return {
    ...env,
    XDG_CONFIG_HOME: join(tmp.dir, 'config'),
    XDG_STATE_HOME: join(tmp.dir, 'state'),
    ...extra,
  };
}

function start(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<Run>((res) => child.on('close', (code) => res({ code, stdout, stderr })));
  return { child, done };
}

const run = (args: string[], env: NodeJS.ProcessEnv = cliEnv()) => start(args, env).done;

/** The CLI's `main` in this process (no child): for checks that never reach a wiki. */
async function runInProcess(args: string[]): Promise<Run> {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    ({
      isTTY: false,
      write: (s: string) => {
        out[key] += s;
        return true;
      },
    }) as unknown as NodeJS.WriteStream;
  const code = await main(args, { stdout: sink('stdout'), stderr: sink('stderr'), env: cliEnv() });
  return { code, ...out };
}

function asWiki(api = wiki.api): NodeJS.ProcessEnv {
  return cliEnv({ MWUP_API: api, MWUP_USER: wiki.username, MWUP_PASSWORD: wiki.password });
}

// biome-ignore lint/suspicious/noExplicitAny: JSON output
const json = (r: Run): any => {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
};

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
      const r = await runInProcess(args);
      assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
      if (args.length > 0) assert.match(r.stderr, /mwup: .+\nTry "mwup --help"/);
    });
  }

  it('--help exits 0 and lists the commands', async () => {
    const r = await run(['--help']);
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
    const single = join(tmp.dir, 'single.png');
    const singleSha = await writePng(single, 20_000);
    const nameSingle = uniqueName('CliSingle');
    const one = await run(
      ['upload', single, '--filename', nameSingle, '--comment', 'from the cli', '--json'],
      asWiki(),
    );
    assert.equal(one.code, 0, one.stdout + one.stderr);
    assert.equal(json(one).results[0].status, 'uploaded');
    const c = clientFor(wiki, wiki.api);
    assert.deepEqual(await downloadedSha1(c, nameSingle), { sha1: singleSha, size: 20_000 });
    assert.equal((await c.imageInfo(nameSingle))?.comment, 'from the cli');

    const big = join(tmp.dir, uniqueName('CliBig'));
    const small = join(tmp.dir, uniqueName('CliSmall'));
    const bigSha = await writePng(big, 12 * 64 * KiB + 5);
    const smallSha = await writePng(small, 30_000);
    const r = await run(
      ['upload', big, small, '--chunk-size', '64K', '--concurrency', '2', '--json'],
      asWiki(),
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const results = json(r).results as { item: string; status: string }[];
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
    const first = join(tmp.dir, 'first.png');
    const second = join(tmp.dir, 'second.png');
    await writePng(first, 3000);
    const secondSha = await writePng(second, 3100);
    assert.equal((await run(['upload', first, '--filename', name], asWiki())).code, 0);

    const stopped = await run(['upload', second, '--filename', name], asWiki());
    assert.equal(stopped.code, 1);
    assert.match(stopped.stdout, /warning/);
    assert.match(stopped.stdout, /exists/);

    const over = await run(
      ['upload', second, '--filename', name, '--ignore-warnings', 'exists', '--json'],
      asWiki(),
    );
    assert.equal(over.code, 0, over.stdout + over.stderr);
    assert.equal(json(over).results[0].status, 'uploaded');
    assert.equal((await downloadedSha1(clientFor(wiki, wiki.api), name)).sha1, secondSha);

    const other = uniqueName('CliDuplicate');
    const dup = await run(
      ['upload', second, '--filename', other, '--ignore-warnings', 'exists', '--json'],
      asWiki(),
    );
    assert.equal(dup.code, 1);
    const res = json(dup).results[0];
    assert.equal(res.status, 'warning');
    assert.deepEqual(Object.keys(res.result.warnings), ['duplicate']);
    // Found before sending: nothing is stashed, the hint is to accept the warning.
    assert.equal(res.result.filekey, undefined);
    assert.match(res.detail, /--ignore-warnings exists,duplicate/);
    assert.equal(await clientFor(wiki, wiki.api).imageInfo(other), undefined);
  });

  it('--dry-run sends no file and predicts warnings', async () => {
    const path = join(tmp.dir, 'dry.png');
    await writePng(path, 4000);
    const name = uniqueName('CliDry');
    const r = await run(['upload', path, '--filename', name, '--dry-run', '--json'], asWiki());
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(json(r).results[0].status, 'ok');
    assert.equal(await clientFor(wiki, wiki.api).imageInfo(name), undefined);

    assert.equal((await run(['upload', path, '--filename', name], asWiki())).code, 0);
    const again = await run(
      ['upload', path, '--filename', `${name.replace(/\.png$/, '')}-2.png`, '--dry-run', '--json'],
      asWiki(),
    );
    assert.equal(again.code, 1);
    const res = json(again).results[0];
    assert.equal(res.status, 'would-warn');
    assert.ok(res.result.warnings.duplicate);
  });

  it('from-url and a wrong password; the password never appears in the output', async () => {
    const bytes = pngOfSize(9000);
    const srv = await serveBytes(bytes);
    try {
      const name = uniqueName('CliUrl');
      const ok = await run(['from-url', srv.url, '--filename', name], asWiki());
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.equal((await downloadedSha1(clientFor(wiki, wiki.api), name)).sha1, sha1Hex(bytes));
    } finally {
      await srv.close();
    }
    const password = 'wrong-password-0123456789abcdefgh';
    const bad = await run(
      ['upload', join(tmp.dir, 'small.png'), '--user', wiki.username, '--password', password],
      cliEnv({ MWUP_API: wiki.api }),
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stderr + bad.stdout, /login/i);
    assert.ok(!(bad.stdout + bad.stderr).includes(password));
  });
});

describe('mwup resume', () => {
  let proxy: TestProxy;
  before(async () => {
    proxy = await startProxy(wiki.api);
  });
  after(async () => {
    await proxy?.close();
  });

  /** Starts `mwup upload` through the proxy and kills it while the answer to chunk `k` is held. */
  async function killedMidUpload(path: string, name: string, state: string, k: number): Promise<void> {
    const base = proxy.requests.filter((q) => q.isChunk).length;
    proxy.rule = (q) => (q.isChunk && q.chunkIndex === base + k ? 'hold' : 'pass');
    const held = proxy.waitFor((q) => q.isChunk && q.chunkIndex === base + k);
    const p = start(
      ['upload', path, '--filename', name, '--chunk-size', '64K', '--state', state],
      asWiki(proxy.api),
    );
    await held;
    p.child.kill('SIGKILL');
    await p.done;
    proxy.release(true);
    proxy.rule = () => 'pass';
  }

  it('continues an upload whose CLI was killed; status shows where it stands', async () => {
    const path = join(tmp.dir, 'killed.png');
    const size = 10 * 64 * KiB + 3;
    const sha = await writePng(path, size);
    const name = uniqueName('CliKilled');
    const state = join(tmp.dir, 'killed-state.json');
    await killedMidUpload(path, name, state, 5);

    const doc = JSON.parse(await readFile(state, 'utf8'));
    const entry = Object.values(doc.uploads)[0] as { id: string; token: { filekey: string; offset: number } };
    // The state file is written at the first chunk, then at most once a second: it may lag behind
    // the wiki, whose offset the resumed run continues from.
    assert.ok(
      entry.token.offset >= 64 * KiB && entry.token.offset <= 4 * 64 * KiB,
      String(entry.token.offset),
    );

    const st = await run(['status', entry.token.filekey, '--json'], asWiki(proxy.api));
    assert.equal(st.code, 0, st.stdout + st.stderr);
    const status = json(st).status;
    assert.equal(status.result, 'Continue');
    assert.ok(status.offset >= 4 * 64 * KiB);

    const r = await run(['resume', '--state', state, '--json'], asWiki(proxy.api));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(json(r).results[0].status, 'uploaded');
    assert.deepEqual(await downloadedSha1(clientFor(wiki, wiki.api), name), { sha1: sha, size });
    assert.deepEqual(JSON.parse(await readFile(state, 'utf8')).uploads, {});
  });

  it('running the same upload again continues the interrupted one instead of starting over', async () => {
    const path = join(tmp.dir, 'again.png');
    const size = 8 * 64 * KiB + 9;
    const sha = await writePng(path, size);
    const name = uniqueName('CliAgain');
    const state = join(tmp.dir, 'again-state.json');
    await killedMidUpload(path, name, state, 4);
    const before = proxy.requests.length;
    const r = await run(
      ['upload', path, '--filename', name, '--chunk-size', '64K', '--state', state, '--json'],
      asWiki(proxy.api),
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const offsets = proxy.requests
      .slice(before)
      .filter((q) => q.isChunk)
      .map((q) => Number(q.fields.offset));
    assert.ok(offsets.length > 0 && (offsets[0] as number) >= 3 * 64 * KiB, `resent from ${offsets[0]}`);
    assert.deepEqual(await downloadedSha1(clientFor(wiki, wiki.api), name), { sha1: sha, size });
  });

  it('refuses to resume when the local file changed (exit 1)', async () => {
    const path = join(tmp.dir, 'changing.png');
    await writePng(path, 8 * 64 * KiB);
    const state = join(tmp.dir, 'changing-state.json');
    await killedMidUpload(path, uniqueName('CliChanged'), state, 4);
    const fh = await open(path, 'r+');
    await fh.write(Buffer.from('changed'), 0, 7, 5000);
    await fh.close();
    const r = await run(['resume', '--state', state], asWiki(proxy.api));
    assert.equal(r.code, 1);
    assert.match(r.stdout + r.stderr, /resume-file-changed/);
  });

  it('continues after the server was killed mid-upload and restarted', async (t) => {
    if (wiki.external) {
      t.skip('needs our own server process');
      return;
    }
    if (!existsSync(join(ROOT, '../server/dist/main.js'))) {
      t.skip('needs the built server (npm run build)');
      return;
    }
    const { spawnServerProcess } = await import('../../../server/test/helpers/server.js');
    const server = await spawnServerProcess({});
    const p2 = await startProxy(server.api);
    try {
      const path = join(tmp.dir, 'server-killed.png');
      const size = 12 * 64 * KiB + 1;
      const sha = await writePng(path, size);
      const name = uniqueName('CliServerKilled');
      const state = join(tmp.dir, 'server-killed-state.json');
      const env = cliEnv({ MWUP_API: p2.api, MWUP_USER: 'Admin', MWUP_PASSWORD: 'admin-password-123' });

      p2.rule = (q) => (q.isChunk && q.chunkIndex === 6 ? 'hold' : 'pass');
      const held = p2.waitFor((q) => q.isChunk && q.chunkIndex === 6);
      const up = start(
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
      const r = await run(['resume', '--state', state, '--json'], env);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const c = clientFor({ username: 'Admin', password: 'admin-password-123' }, server.api);
      assert.deepEqual(await downloadedSha1(c, name), { sha1: sha, size });
    } finally {
      await p2.close();
      await server.kill();
    }
  });
});
