/**
 * `mwup-admin oauth-token`: making, listing and revoking OAuth 2 access tokens on a running wiki; the
 * token printed alone on the last line works as `Authorization: Bearer` at once and stops working
 * when revoked.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createAccount, startTestServer, type TestServer } from '../helpers/server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'src/admin/cli.ts');

/** Runs `mwup-admin oauth-token …` (from its source) on the test server's database. */
async function cli(s: TestServer, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const config = join(s.dataDir, 'admin-config.json');
  const d = s.config.database;
  const database =
    d.driver === 'postgres' ? { driver: d.driver, url: d.url } : { driver: d.driver, file: d.file };
  await writeFile(config, JSON.stringify({ database }));
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^MWUP_(DATABASE|S3)_/.test(k)),
  );
  try {
    const r = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, 'oauth-token', ...args], {
      cwd: ROOT,
      env: { ...env, MWUP_DATA_DIR: s.dataDir, MWUP_CONFIG: config },
    });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout, err: err.stderr };
  }
}

async function whoAmI(s: TestServer, token: string) {
  const r = await fetch(`${s.api}?action=query&meta=userinfo&uiprop=rights&format=json`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await r.json()) as {
    query?: { userinfo: { name: string; rights: string[] } };
    error?: { code: string };
  };
}

describe('mwup-admin oauth-token', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    await createAccount(s, { name: 'Token owner', password: 'Token-owner-password-1' });
  });
  after(() => s.close());

  it('creates a token printed alone on the last line, lists it without it, and revokes it', async () => {
    const made = await cli(
      s,
      'create',
      'Token_owner',
      '--grants',
      'basic,editpage,uploadfile',
      '--name',
      'batch',
    );
    assert.equal(made.code, 0, made.err);
    const lines = made.out.trimEnd().split('\n');
    const token = lines.at(-1) as string;
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.match(made.out, /"batch" \(id \d+\) acting as Token owner/);
    assert.match(made.out, /grants: basic, editpage, uploadfile/);

    const me = await whoAmI(s, token);
    assert.equal(me.query?.userinfo.name, 'Token owner');
    assert.ok(me.query?.userinfo.rights.includes('upload'));

    const listed = await cli(s, 'list', 'Token owner');
    assert.equal(listed.code, 0, listed.err);
    assert.match(
      listed.out,
      /^\d+\tbatch\tToken owner\tbasic,editpage,uploadfile\tcreated \S+\texpires never$/m,
    );
    assert.ok(!listed.out.includes(token), 'the token itself is never shown again');

    const revoked = await cli(s, 'revoke', 'batch');
    assert.equal(revoked.code, 0, revoked.err);
    assert.match(revoked.out, /revoked token \d+ \("batch"\) of Token owner/);
    assert.equal((await whoAmI(s, token)).error?.code, 'mwoauth-invalid-authorization');
    assert.equal((await cli(s, 'list')).out, '');
  });

  it('gives a token an expiry and a name of its own, and revokes by id', async () => {
    const made = await cli(s, 'create', 'Token owner', '--expiry', '30 days');
    assert.equal(made.code, 0, made.err);
    const token = made.out.trimEnd().split('\n').at(-1) as string;
    const [, name, id] = /"(token-[0-9a-f]{8})" \(id (\d+)\)/.exec(made.out) ?? [];
    assert.ok(name && id, made.out);
    const expires = /expires: (\S+)/.exec(made.out)?.[1] as string;
    const days = (Date.parse(expires) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `expires ${expires}`);
    // Without --grants: the grants an upload bot needs, as bot-password gives.
    assert.ok((await whoAmI(s, token)).query?.userinfo.rights.includes('upload'));
    assert.equal((await cli(s, 'revoke', id)).code, 0);
    assert.equal((await whoAmI(s, token)).error?.code, 'mwoauth-invalid-authorization');
  });

  it('refuses what it cannot do, with a message and exit code 1', async () => {
    const cases: [string[], RegExp][] = [
      [['create', 'Nobody'], /No such user: Nobody/],
      [['create', 'Token owner', '--grants', 'basic,flying'], /Unknown grants: flying/],
      [['create', 'Token owner', '--name', '42'], /Invalid token name "42"/],
      [['create', 'Token owner', '--expiry', 'yesterday'], /Invalid value "yesterday" for expiry/],
      [['revoke', 'no such token'], /No OAuth token with the id or name "no such token"/],
      [['revoke', '99999999999999'], /No OAuth token with the id or name "99999999999999"/],
      [['revoke'], /Give the id or name of the token to revoke/],
      [['rotate'], /expected create, revoke or list/],
    ];
    await cli(s, 'create', 'Token owner', '--name', 'taken');
    cases.push([['create', 'Token owner', '--name', 'taken'], /A token named "taken" exists already/]);
    const runs = await Promise.all(cases.map(([args]) => cli(s, ...args)));
    for (const [i, [args, message]] of cases.entries()) {
      const r = runs[i] as Awaited<ReturnType<typeof cli>>;
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}`);
      assert.match(r.err, message);
      assert.equal(r.out, '', 'no token printed');
    }
  });
});
