/**
 * Shared by the client and CLI tests: a wiki to talk to (our server, started in-process, or an external
 * MediaWiki given by MWUP_TEST_API / MWUP_TEST_USER / MWUP_TEST_PASSWORD), fixtures that start and
 * stop it (with a temporary directory and a proxy, see local-servers.ts) around a test file or suite,
 * and byte-exact checks of what landed on the wiki.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { MwClient, type MwClientOptions } from '../../src/index.js';
import { writePng } from './fixtures.js';
import { startProxy, type TestProxy } from './local-servers.js';

export interface Wiki {
  api: string;
  username: string;
  password: string;
  /** A sysop with the `delete` grant, when there is one (MWUP_TEST_ADMIN_USER / _PASSWORD outside). */
  admin?: { username: string; password: string };
  /** An outside wiki (real MediaWiki): tests that need to kill the server are skipped. */
  external: boolean;
  dataDir?: string;
  close(): Promise<void>;
}

/** `$wgUploadSizeWarning` of the test server. */
export const LARGE_FILE_WARNING = 3 * 1024 * 1024;

/** Starts our server with a bot account, or uses the external wiki from the environment. */
export async function startWiki(): Promise<Wiki> {
  const env = process.env;
  if (env.MWUP_TEST_API) {
    return {
      api: env.MWUP_TEST_API,
      username: env.MWUP_TEST_USER ?? '',
      password: env.MWUP_TEST_PASSWORD ?? '',
      ...(env.MWUP_TEST_ADMIN_USER
        ? { admin: { username: env.MWUP_TEST_ADMIN_USER, password: env.MWUP_TEST_ADMIN_PASSWORD ?? '' } }
        : {}),
      external: true,
      close: async () => {},
    };
  }
  const { startTestServer, createAccount, createBotPassword, UPLOAD_GRANTS } = await import(
    '../../../server/test/helpers/server.js'
  );
  // Plain users may upload by URL, as on the reference wiki ($wgGroupPermissions['user']['upload_by_url']).
  // Files above 3 MiB raise `large-file` ($wgUploadSizeWarning); other tests stay below that.
  const s = await startTestServer({
    groupPermissions: { user: { upload_by_url: true } },
    uploads: { sizeWarning: LARGE_FILE_WARNING },
  });
  await createAccount(s, { name: 'UploadBot', password: 'UploadBot-main-password-1' });
  const bot = await createBotPassword(s, { user: 'UploadBot', appId: 'bot' });
  await createAccount(s, { name: 'DeleteBot', password: 'DeleteBot-main-password-1', groups: ['sysop'] });
  const admin = await createBotPassword(s, {
    user: 'DeleteBot',
    appId: 'bot',
    grants: [...UPLOAD_GRANTS, 'delete'],
  });
  return {
    api: s.api,
    username: bot.lgname,
    password: bot.password,
    admin: { username: admin.lgname, password: admin.password },
    external: false,
    dataDir: s.dataDir,
    close: () => s.close(),
  };
}

export function clientFor(
  wiki: { username: string; password: string },
  api: string,
  extra: Partial<MwClientOptions> = {},
) {
  return new MwClient({
    api,
    username: wiki.username,
    password: wiki.password,
    backoff: { baseMs: 50, maxMs: 500 },
    pollIntervalMs: 100,
    pollMaxIntervalMs: 1000,
    ...extra,
  });
}

/** A file name no other test (or earlier run against an external wiki) uses. */
export function uniqueName(prefix: string, ext = 'png'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}.${ext}`;
}

/** A new PNG of exactly `size` bytes in `dir`, under a file name (`name`) no other test uses. */
export async function newPng(
  dir: string,
  prefix: string,
  size: number,
): Promise<{ path: string; name: string; size: number; sha1: string }> {
  const name = uniqueName(prefix);
  const path = join(dir, name);
  return { path, name, size, sha1: await writePng(path, size) };
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mwup-client-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Downloads the current version of a file and hashes the bytes (byte-exact check). */
export async function downloadedSha1(
  client: MwClient,
  filename: string,
): Promise<{ sha1: string; size: number }> {
  const info = await client.imageInfo(filename);
  if (!info?.url) throw new Error(`File:${filename} has no current version`);
  const res = await fetch(info.url);
  if (!res.ok) throw new Error(`GET ${info.url}: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { sha1: createHash('sha1').update(bytes).digest('hex'), size: bytes.byteLength };
}

// --------------------------------------------------------------------------------------- fixtures

/** `value` once the `before` hook that sets it has run. */
function ready<T>(what: string, value: T | undefined): T {
  if (value === undefined) throw new Error(`${what} is not there before the tests start`);
  return value;
}

/** A temporary directory for the tests of this file (or suite), removed after them. */
export function useTempDir(): { readonly dir: string } {
  let tmp: Awaited<ReturnType<typeof tempDir>> | undefined;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp?.cleanup());
  return {
    get dir() {
      return ready('the temporary directory', tmp).dir;
    },
  };
}

export interface WikiFixture {
  readonly wiki: Wiki;
  /** A temporary directory, removed after the tests. */
  readonly tmp: string;
}

/**
 * The wiki of `startWiki`, a temporary directory and, with `proxy`, a proxy in front of the wiki, for
 * the tests of this file (or suite): started by `before` hooks, closed by `after` hooks. node:test runs
 * the `before` hooks of a file's top level at once, side by side: a hook of its own that needs the
 * wiki or the directory belongs in a `describe`, whose hooks run after them.
 */
export function useWiki(options?: { proxy?: false }): WikiFixture;
export function useWiki(options: { proxy: true }): WikiFixture & { readonly proxy: TestProxy };
export function useWiki(options: { proxy?: boolean } = {}): WikiFixture & { readonly proxy: TestProxy } {
  let wiki: Wiki | undefined;
  let proxy: TestProxy | undefined;
  before(async () => {
    wiki = await startWiki();
    if (options.proxy) proxy = await startProxy(wiki.api);
  });
  after(async () => {
    await proxy?.close();
    await wiki?.close();
  });
  const tmp = useTempDir();
  return {
    get wiki() {
      return ready('the wiki', wiki);
    },
    get proxy() {
      return ready('the proxy (useWiki({ proxy: true }))', proxy);
    },
    get tmp() {
      return tmp.dir;
    },
  };
}

export interface OAuthWiki {
  readonly api: string;
  /** A token that works. */
  readonly token: string;
  /** A token the wiki refuses: it was revoked. */
  readonly revoked: string;
  readonly proxy: TestProxy;
  readonly tmp: string;
}

/**
 * Our server (never an outside wiki) with an account `user` that signs in with OAuth 2 access tokens
 * instead of a bot password, a proxy in front of it and a temporary directory, for the tests of this
 * file (or suite): started by a `before` hook, closed by an `after` hook.
 */
export function useOAuthWiki(user: string): OAuthWiki {
  let s: (Omit<OAuthWiki, 'tmp'> & { close(): Promise<void> }) | undefined;
  before(async () => {
    const { startTestServer, createAccount, UPLOAD_GRANTS } = await import(
      '../../../server/test/helpers/server.js'
    );
    const server = await startTestServer();
    const close = () => server.close();
    try {
      const account = await createAccount(server, { name: user, password: `${user}-main-password-1` });
      const tokens = server.server.services.oauthTokens;
      const token = (await tokens.create(account.id, UPLOAD_GRANTS, { name: 'valid' })).token;
      const revoked = (await tokens.create(account.id, UPLOAD_GRANTS, { name: 'revoked' })).token;
      await tokens.revoke('revoked');
      s = { api: server.api, token, revoked, proxy: await startProxy(server.api), close };
    } catch (e) {
      await close();
      throw e;
    }
  });
  after(async () => {
    await s?.proxy.close();
    await s?.close();
  });
  const tmp = useTempDir();
  const get = () => ready('the OAuth wiki', s);
  return {
    get api() {
      return get().api;
    },
    get token() {
      return get().token;
    },
    get revoked() {
      return get().revoked;
    },
    get proxy() {
      return get().proxy;
    },
    get tmp() {
      return tmp.dir;
    },
  };
}
