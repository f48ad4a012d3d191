/**
 * `mwup` with an OAuth 2 access token: `--oauth-token-file FILE` or `MWUP_OAUTH_TOKEN` instead of a
 * bot password; a refused token fails once with the wiki's error; a file that holds no token is a
 * usage error. The token never shows in the output.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writePng } from '../library/fixtures.js';
import { uniqueName, useOAuthWiki } from '../library/helpers.js';
import { cliEnv, jsonOf, runCli, runInProcess } from './cli-run.js';

describe('mwup with an OAuth token', () => {
  const ctx = useOAuthWiki('CliTokenBot');

  const png = async (name: string) => {
    const path = join(ctx.tmp, name);
    await writePng(path, 20_000);
    return path;
  };

  it('uploads with --oauth-token-file, sending the token and no cookie', async () => {
    const tokenFile = join(ctx.tmp, 'token.txt');
    await writeFile(tokenFile, `${ctx.token}\n`);
    const start = ctx.proxy.requests.length;
    const name = uniqueName('Cli token file');
    const r = await runCli(
      [
        'upload',
        await png('a.png'),
        '--filename',
        name,
        '--api',
        ctx.proxy.api,
        '--oauth-token-file',
        tokenFile,
        '--json',
      ],
      cliEnv(ctx.tmp),
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(jsonOf(r).results[0].status, 'uploaded');
    assert.ok(!r.stdout.includes(ctx.token) && !r.stderr.includes(ctx.token));
    const sent = ctx.proxy.requests.slice(start);
    assert.ok(sent.length > 0);
    for (const q of sent) {
      assert.equal(q.headers.authorization, `Bearer ${ctx.token}`);
      assert.equal(q.headers.cookie, undefined);
      assert.notEqual(q.fields.action, 'login');
    }
  });

  it('uploads with MWUP_OAUTH_TOKEN, ignoring a bot password set beside it', async () => {
    const name = uniqueName('Cli token env');
    const r = await runCli(
      ['upload', await png('b.png'), '--filename', name, '--json'],
      cliEnv(ctx.tmp, {
        MWUP_API: ctx.api,
        MWUP_OAUTH_TOKEN: ctx.token,
        MWUP_USER: 'Nobody@bot',
        MWUP_PASSWORD: 'not-the-password',
      }),
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(jsonOf(r).results[0].status, 'uploaded');
  });

  it('fails once with the wiki’s error and a hint when the token is refused', async () => {
    const r = await runCli(
      ['upload', await png('c.png'), await png('d.png'), '--json'],
      cliEnv(ctx.tmp, { MWUP_API: ctx.api, MWUP_OAUTH_TOKEN: ctx.revoked }),
    );
    assert.equal(r.code, 1, r.stderr + r.stdout);
    const out = jsonOf(r);
    assert.equal(out.ok, false);
    const failed = out.results.find((o: { error?: { code: string } }) => o.error);
    assert.equal(failed.error.code, 'mwoauth-invalid-authorization');
    assert.match(failed.error.hint, /refused the OAuth token/);
    assert.ok(!r.stdout.includes(ctx.revoked) && !r.stderr.includes(ctx.revoked));
  });

  it('refuses a token file that cannot be read or holds no token (usage error)', async () => {
    const missing = await runInProcess(
      ['status', 'x', '--api', ctx.api, '--oauth-token-file', join(ctx.tmp, 'none')],
      cliEnv(ctx.tmp),
    );
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot read the OAuth token file/);
    const twoLines = join(ctx.tmp, 'two-lines.txt');
    await writeFile(twoLines, 'first line\nsecond line\n');
    const bad = await runInProcess(
      ['status', 'x', '--api', ctx.api, '--oauth-token-file', twoLines],
      cliEnv(ctx.tmp),
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /does not hold an OAuth token/);
    assert.ok(!bad.stderr.includes('second line'));
  });
});
