/**
 * `mwup` with an OAuth 2 access token: `--oauth-token-file FILE` or `MWUP_OAUTH_TOKEN` instead of a
 * bot password; a refused token fails once with the wiki's error; a file that holds no token is a
 * usage error. The token never shows in the output.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writePng } from '../library/fixtures.js';
import { startProxy, type TestProxy, tempDir, uniqueName } from '../library/helpers.js';
import { cliEnv, json, run, runInProcess } from './cli-helpers.js';

describe('mwup with an OAuth token', () => {
  let server: { api: string; close(): Promise<void> };
  let token: string;
  let revoked: string;
  let proxy: TestProxy;
  let tmp: { dir: string; cleanup: () => Promise<void> };

  before(async () => {
    const { startTestServer, createAccount, UPLOAD_GRANTS } = await import(
      '../../../server/test/helpers/server.js'
    );
    const s = await startTestServer();
    server = s;
    const user = await createAccount(s, { name: 'CliTokenBot', password: 'CliTokenBot-password-1' });
    const tokens = s.server.services.oauthTokens;
    token = (await tokens.create(user.id, UPLOAD_GRANTS)).token;
    revoked = (await tokens.create(user.id, UPLOAD_GRANTS, { name: 'gone' })).token;
    await tokens.revoke('gone');
    proxy = await startProxy(s.api);
    tmp = await tempDir();
  });
  after(async () => {
    await proxy?.close();
    await server?.close();
    await tmp?.cleanup();
  });

  const png = async (name: string) => {
    const path = join(tmp.dir, name);
    await writePng(path, 20_000);
    return path;
  };

  it('uploads with --oauth-token-file, sending the token and no cookie', async () => {
    const tokenFile = join(tmp.dir, 'token.txt');
    await writeFile(tokenFile, `${token}\n`);
    const start = proxy.requests.length;
    const name = uniqueName('Cli token file');
    const r = await run(
      [
        'upload',
        await png('a.png'),
        '--filename',
        name,
        '--api',
        proxy.api,
        '--oauth-token-file',
        tokenFile,
        '--json',
      ],
      cliEnv(tmp.dir),
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(json(r).results[0].status, 'uploaded');
    assert.ok(!r.stdout.includes(token) && !r.stderr.includes(token));
    const sent = proxy.requests.slice(start);
    assert.ok(sent.length > 0);
    for (const q of sent) {
      assert.equal(q.headers.authorization, `Bearer ${token}`);
      assert.equal(q.headers.cookie, undefined);
      assert.notEqual(q.fields.action, 'login');
    }
  });

  it('uploads with MWUP_OAUTH_TOKEN, ignoring a bot password set beside it', async () => {
    const name = uniqueName('Cli token env');
    const r = await run(
      ['upload', await png('b.png'), '--filename', name, '--json'],
      cliEnv(tmp.dir, {
        MWUP_API: server.api,
        MWUP_OAUTH_TOKEN: token,
        MWUP_USER: 'Nobody@bot',
        MWUP_PASSWORD: 'not-the-password',
      }),
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(json(r).results[0].status, 'uploaded');
  });

  it('fails once with the wiki’s error and a hint when the token is refused', async () => {
    const r = await run(
      ['upload', await png('c.png'), await png('d.png'), '--json'],
      cliEnv(tmp.dir, { MWUP_API: server.api, MWUP_OAUTH_TOKEN: revoked }),
    );
    assert.equal(r.code, 1, r.stderr + r.stdout);
    const out = json(r);
    assert.equal(out.ok, false);
    const failed = out.results.find((o: { error?: { code: string } }) => o.error);
    assert.equal(failed.error.code, 'mwoauth-invalid-authorization');
    assert.match(failed.error.hint, /refused the OAuth token/);
    assert.ok(!r.stdout.includes(revoked) && !r.stderr.includes(revoked));
  });

  it('refuses a token file that cannot be read or holds no token (usage error)', async () => {
    const missing = await runInProcess(
      ['status', 'x', '--api', server.api, '--oauth-token-file', join(tmp.dir, 'none')],
      tmp.dir,
    );
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot read the OAuth token file/);
    const twoLines = join(tmp.dir, 'two-lines.txt');
    await writeFile(twoLines, 'first line\nsecond line\n');
    const bad = await runInProcess(
      ['status', 'x', '--api', server.api, '--oauth-token-file', twoLines],
      tmp.dir,
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /does not hold an OAuth token/);
    assert.ok(!bad.stderr.includes('second line'));
  });
});
