import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configRows } from '../../src/config/docs.js';
import { ConfigError, loadConfig } from '../../src/config.js';

/** The lines of the error `loadConfig` throws. */
function problems(env: NodeJS.ProcessEnv, overrides?: object): string[] {
  try {
    loadConfig(env, overrides as never);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems;
  }
  assert.fail('the configuration was accepted');
}

describe('configuration', () => {
  let dir: string;
  let file: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mwup-config-'));
    file = join(dir, 'config.json');
  });
  after(() => rm(dir, { recursive: true, force: true }));
  const env = (more: NodeJS.ProcessEnv = {}) => ({ MWUP_DATA_DIR: dir, MWUP_CONFIG: file, ...more });
  const withFile = (json: unknown) => writeFile(file, JSON.stringify(json));

  it('names the environment variable and what it expects when a value is bad', async () => {
    await withFile({});
    assert.deepEqual(problems(env({ MWUP_PORT: 'abc' })), ['MWUP_PORT: expected a port number, got "abc"']);
    assert.deepEqual(
      problems(env({ MWUP_PORT: '70000', MWUP_COPY_UPLOADS: 'maybe', MWUP_LOG_LEVEL: 'loud' })),
      [
        'MWUP_PORT: expected a port number, got "70000"',
        'MWUP_COPY_UPLOADS: expected true or false, got "maybe"',
        'MWUP_LOG_LEVEL: expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got "loud"',
      ],
    );
  });

  it('refuses a misspelt key in config.json, naming it (and the key it resembles)', async () => {
    await withFile({ uploads: { maxUplodSize: 5 } });
    assert.deepEqual(problems(env()), [
      `uploads.maxUplodSize: unknown key; did you mean uploads.maxUploadSize? (in ${file})`,
    ]);
    await withFile({ siteNmae: 'X', copyUploads: { domains: ['a'], allowedAddresses: [] } });
    assert.deepEqual(problems(env()), [
      `siteNmae: unknown key; did you mean siteName? (in ${file})`,
      `copyUploads.allowedAddresses: unknown key; did you mean copyUploads.allowAddresses? (in ${file})`,
    ]);
  });

  it('names every key of the wrong type in the file, with the value found', async () => {
    await withFile({
      uploads: { maxUploadSize: '5 MB' },
      database: { driver: 'mysql' },
      groupPermissions: { user: { upload: 'yes' } },
      changeTags: [{ name: 'bot' }],
    });
    assert.deepEqual(problems(env()), [
      `database.driver: expected one of "sqlite", "postgres", got "mysql" (in ${file})`,
      `groupPermissions.user.upload: expected true or false, got "yes" (in ${file})`,
      `uploads.maxUploadSize: expected a number of bytes, got "5 MB" (in ${file})`,
      'changeTags[0].active: missing; expected true or false',
    ]);
  });

  it('layers defaults, the file and the environment (which wins), merging sections key by key', async () => {
    await withFile({ port: 9000, siteName: 'File Wiki', uploads: { maxUploadSize: 1000 } });
    const c = loadConfig(env({ MWUP_PORT: '9001', MWUP_COPY_UPLOADS: 'true' }));
    assert.equal(c.port, 9001);
    assert.equal(c.siteName, 'File Wiki');
    assert.equal(c.uploads.maxUploadSize, 1000);
    assert.equal(c.uploads.minChunkSize, 1024, 'other keys of the section keep their defaults');
    assert.deepEqual(
      c.loginThrottle,
      { count: 5, windowSeconds: 300 },
      "MediaWiki's $wgPasswordAttemptThrottle",
    );
    assert.equal(c.copyUploads.enabled, true);
    assert.equal(c.server, 'http://127.0.0.1:9001', 'the public origin follows host and port');
    assert.deepEqual(c.database, { driver: 'sqlite', file: join(dir, 'wiki.sqlite') });
    assert.deepEqual(c.storage, { driver: 'local', dir: join(dir, 'blobs') });
    assert.equal(
      loadConfig(env({ MWUP_SERVER: 'https://wiki.example.org' })).server,
      'https://wiki.example.org',
    );
    assert.equal(loadConfig({ MWUP_CONFIG: file, MWUP_DATA_DIR: 'rel' }).dataDir, resolve('rel'));
  });

  it('chooses PostgreSQL and S3 from the environment, with the alternatives’ own defaults', async () => {
    await withFile({ storage: { driver: 's3', bucket: 'wiki', region: 'eu-1' } });
    const c = loadConfig(
      env({ MWUP_DATABASE_URL: 'postgres://x@db/wiki', MWUP_S3_ENDPOINT: 'http://s3:9000' }),
    );
    assert.deepEqual(c.database, {
      driver: 'postgres',
      url: 'postgres://x@db/wiki',
      poolSize: 10,
      statementTimeoutSeconds: 0,
    });
    assert.deepEqual(c.storage, {
      driver: 's3',
      bucket: 'wiki',
      region: 'eu-1',
      endpoint: 'http://s3:9000',
      forcePathStyle: true,
      prefix: '',
      maxAttempts: 5,
      requestTimeoutSeconds: 30,
    });
    await withFile({});
    assert.deepEqual(problems(env({ MWUP_S3_ENDPOINT: 'http://s3:9000' })), [
      'storage.bucket: missing; expected a string, needed with storage.driver "s3" (MWUP_S3_BUCKET sets it)',
    ]);
  });

  it('reports a config file that is not JSON, or missing when MWUP_CONFIG names it', async () => {
    await writeFile(file, '{"port": 80,}');
    assert.match(problems(env())[0]!, new RegExp(`^the config file ${file} is not valid JSON`));
    assert.match(problems(env({ MWUP_CONFIG: join(dir, 'nope.json') }))[0]!, /^cannot read the config file/);
  });

  it('has a meaning and a default for every key', () => {
    for (const row of configRows()) {
      assert.ok(row.meaning.length > 10, `${row.key} has a description`);
      const requiredOfAlternative = /^With `(postgres|s3)`/.test(row.meaning);
      assert.ok(row.def !== '(required)' || requiredOfAlternative, `${row.key} has a default`);
    }
  });

  it('stops the server before it starts, with the message on standard error', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: resolve(import.meta.dirname, '../..'),
      env: { ...process.env, MWUP_DATA_DIR: join(dir, 'never'), MWUP_PORT: 'abc', MWUP_CONFIG: '' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'mwup: invalid configuration:\n  MWUP_PORT: expected a port number, got "abc"\n');
    assert.equal(r.stdout, '');
    assert.ok(!existsSync(join(dir, 'never')), 'nothing was created');
  });
});
