import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UPLOAD_GRANTS } from '../../src/admin/first-start.js';
import { type RunningServer, startServer } from '../../src/app.js';
import { type Config, type DatabaseConfig, type DeepPartial, loadConfig } from '../../src/config.js';
import { createTestDatabase } from '../scaleout/pg.js';
import { missingServers, removeAll, s3Config } from '../scaleout/s3-env.js';

/**
 * The engines test servers run on. `embedded` (the default): SQLite and a local directory in the
 * server's data directory. `scaleout` (MWUP_TEST_BACKEND=scaleout, as `npm run test:scaleout` runs
 * the upload and query suites): a new PostgreSQL database per server, dropped when it closes, and a
 * key prefix of its own in the S3 test bucket, emptied then. A test that names its own database or
 * storage gets what it names.
 */
export const TEST_BACKEND: 'embedded' | 'scaleout' =
  process.env.MWUP_TEST_BACKEND === 'scaleout' ? 'scaleout' : 'embedded';

/** Why a test cannot run on the scale-out engines, as a `skip` option; false on the embedded ones. */
export const embeddedOnly = (reason: string): string | false =>
  TEST_BACKEND === 'scaleout' ? `embedded engines only: ${reason}` : false;

/** The database and storage of one test server on the engines chosen, and how to remove them. */
async function engines(
  overrides: DeepPartial<Config> | undefined,
): Promise<{ config: DeepPartial<Config>; drop(): Promise<void> }> {
  const none = { config: {}, drop: async () => {} };
  if (TEST_BACKEND !== 'scaleout') return none;
  const missing = missingServers({ pg: true, s3: true });
  if (missing) throw new Error(`MWUP_TEST_BACKEND=scaleout: ${missing}`);
  const config: DeepPartial<Config> = {};
  const drops: (() => Promise<void>)[] = [];
  if (!overrides?.database) {
    const pg = await createTestDatabase();
    config.database = { driver: 'postgres', url: pg.url };
    drops.push(pg.drop);
  }
  if (!overrides?.storage) {
    const prefix = `api-${randomUUID()}/`;
    config.storage = { driver: 's3', ...s3Config(prefix) };
    drops.push(() => removeAll(prefix));
  }
  return {
    config,
    async drop() {
      for (const d of drops) await d();
    },
  };
}

export interface TestServer {
  origin: string;
  api: string;
  dataDir: string;
  server: RunningServer;
  config: Config;
  close(): Promise<void>;
}

/** Test defaults: everything a client test might need switched on, loopback allowed for url= uploads. */
export function testConfig(dataDir: string, overrides?: DeepPartial<Config>): Config {
  const base: DeepPartial<Config> = {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    database: { driver: 'sqlite', file: join(dataDir, 'wiki.sqlite') },
    storage: { driver: 'local', dir: join(dataDir, 'blobs') },
    admin: { name: 'Admin', password: 'admin-password-123' },
    uploads: { asyncUploads: true },
    copyUploads: { enabled: true, allowAddresses: ['127.0.0.0/8', '::1/128'] },
    jobs: { pollIntervalMs: 50 },
    loginThrottle: { count: 1000, windowSeconds: 60 },
  };
  const env: NodeJS.ProcessEnv = { MWUP_DATA_DIR: dataDir };
  const cfg = loadConfig(env, base);
  return overrides ? mergeDeep<Config>(cfg, overrides) : cfg;
}

function mergeDeep<T>(a: T, b: DeepPartial<T>): T {
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b as Record<string, unknown>)) {
    const cur = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)
        ? mergeDeep(cur, v as DeepPartial<typeof cur>)
        : v;
  }
  return out as T;
}

/** Start the real server in this process on an ephemeral port with a fresh data directory. */
export async function startTestServer(
  overrides?: DeepPartial<Config>,
  opts: Parameters<typeof startServer>[1] = {},
): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mwup-test-'));
  const backend = await engines(overrides);
  const config = testConfig(dataDir, mergeDeep<DeepPartial<Config>>(backend.config, overrides ?? {}));
  let server: RunningServer;
  try {
    server = await startServer(config, opts);
  } catch (e) {
    await backend.drop();
    throw e;
  }
  return {
    origin: server.origin,
    api: server.api,
    dataDir,
    server,
    config,
    async close() {
      await server.close();
      await backend.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createAccount(
  s: TestServer,
  opts: { name: string; password: string; groups?: string[] },
): Promise<{ id: number; name: string }> {
  const u = await s.server.services.users.create(opts.name, opts.password, opts.groups ?? []);
  return { id: u.id, name: u.name };
}

export { UPLOAD_GRANTS };

export async function createBotPassword(
  s: TestServer,
  opts: { user: string; appId: string; grants?: string[]; password?: string },
): Promise<{ lgname: string; password: string }> {
  const users = s.server.services.users;
  const u = await users.byName(opts.user);
  if (!u) throw new Error(`no user ${opts.user}`);
  const password = await users.createBotPassword(
    u.id,
    opts.appId,
    opts.grants ?? UPLOAD_GRANTS,
    opts.password,
  );
  return { lgname: `${u.name}@${opts.appId}`, password };
}

/** A user with a bot password, ready to log in. */
export async function createBot(
  s: TestServer,
  name = 'UploadBot',
  opts: { groups?: string[]; grants?: string[] } = {},
): Promise<{ lgname: string; password: string }> {
  await createAccount(s, { name, password: `${name}-main-password-1`, groups: opts.groups ?? [] });
  return createBotPassword(s, { user: name, appId: 'bot', grants: opts.grants });
}

export interface ServerProcess {
  origin: string;
  api: string;
  dataDir: string;
  port: number;
  child: ChildProcess;
  /** The server's database, for tests that look at what a killed server left behind. */
  database: DatabaseConfig;
  kill(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
  /** Kill the server and remove its data directory, database and stored blobs. */
  dispose(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Run the built server (`node dist/main.js`) as a child process, for tests that kill and restart it.
 * Configuration goes through MWUP_CONFIG (a JSON file written into the data directory).
 */
export async function spawnServerProcess(opts: {
  dataDir?: string;
  port?: number;
  config?: DeepPartial<Config>;
}): Promise<ServerProcess> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'mwup-proc-')));
  const { writeFile } = await import('node:fs/promises');
  const cfgFile = join(dataDir, 'test-config.json');
  const backend = await engines(opts.config);
  const base: DeepPartial<Config> = {
    admin: { name: 'Admin', password: 'admin-password-123' },
    copyUploads: { enabled: true, allowAddresses: ['127.0.0.0/8', '::1/128'] },
    jobs: { pollIntervalMs: 50 },
    loginThrottle: { count: 1000, windowSeconds: 60 },
    ...backend.config,
    ...(opts.config ?? {}),
  };
  await writeFile(cfgFile, JSON.stringify(base));
  let port = opts.port ?? 0;
  const proc: ServerProcess = {
    origin: '',
    api: '',
    dataDir,
    port,
    database: (base.database as DatabaseConfig | undefined) ?? {
      driver: 'sqlite',
      file: join(dataDir, 'wiki.sqlite'),
    },
    child: undefined as unknown as ChildProcess,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      const c = proc.child;
      if (c.exitCode !== null || c.signalCode !== null) return;
      await new Promise<void>((res) => {
        c.once('exit', () => res());
        c.kill(signal);
      });
    },
    async restart() {
      await proc.kill('SIGKILL');
      await launch();
    },
    async dispose() {
      await proc.kill('SIGKILL');
      await backend.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  const launch = async () => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/main.js')], {
      env: {
        ...process.env,
        MWUP_DATA_DIR: dataDir,
        MWUP_CONFIG: cfgFile,
        MWUP_PORT: String(port),
        MWUP_HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.child = child;
    let out = '';
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`server did not start:\n${out}`)), 20000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /API at (http:\/\/[^\s]+)\/w\/api\.php/.exec(out);
        if (m) {
          clearTimeout(timer);
          proc.origin = m[1]!;
          proc.api = `${m[1]}/w/api.php`;
          port = Number(new URL(m[1]!).port);
          proc.port = port;
          res();
        }
      });
      child.stderr!.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        rej(new Error(`server exited with ${code}:\n${out}`));
      });
    });
  };
  await launch();
  return proc;
}

/** A test server with UploadBot (bot group, upload grants) logged in through a bot password. */
export async function startWithBot(
  overrides?: DeepPartial<Config>,
): Promise<{ s: TestServer; bot: import('./client.js').TestClient }> {
  const { TestClient } = await import('./client.js');
  const s = await startTestServer(overrides);
  const b = await createBot(s, 'UploadBot', { groups: ['bot'] });
  const bot = new TestClient(s.api);
  await bot.login(b.lgname, b.password);
  return { s, bot };
}
