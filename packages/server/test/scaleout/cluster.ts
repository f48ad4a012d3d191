/**
 * A cluster of server processes for the multi-node tests: one new PostgreSQL database, one key
 * prefix in the S3 test bucket, `n` processes started together on them, and a bot password for the
 * administrator (set with the admin CLI, as an operator would).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { Config, DeepPartial } from '../../src/config.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/index.js';
import { TestClient } from '../helpers/client.js';
import { type ServerProcess, spawnServerProcess } from '../helpers/server.js';
import { createTestDatabase, type TestDatabase } from './pg.js';
import { removeAll, s3Config } from './s3-env.js';

export interface Cluster {
  nodes: ServerProcess[];
  db: TestDatabase;
  /** Key prefix of the cluster's objects in the test bucket. */
  prefix: string;
  bot: { lgname: string; password: string };
  /** A client of `node`, logged in as the bot, or sharing the session of `as`. */
  client(node: ServerProcess, as?: TestClient): Promise<TestClient>;
  /** The test's own connection to the cluster's database (closed by `dispose`). */
  database(): Promise<DatabaseHandle>;
  /** Kill every node, drop the database, remove the objects. */
  dispose(): Promise<void>;
}

/** Start `n` server processes at once on a new database and S3 prefix. */
export async function startCluster(n: number, opts: { name: string }): Promise<Cluster> {
  const db = await createTestDatabase();
  const prefix = `${opts.name}-${randomUUID()}/`;
  const config: DeepPartial<Config> = {
    database: { driver: 'postgres', url: db.url },
    storage: { driver: 's3', ...s3Config(prefix) },
  };
  const started = await Promise.allSettled(Array.from({ length: n }, () => spawnServerProcess({ config })));
  const nodes = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  let handle: Promise<DatabaseHandle> | undefined;
  const dispose = async () => {
    await Promise.all(nodes.map((p) => p.dispose()));
    await (await handle)?.close();
    await db.drop();
    await removeAll(prefix);
  };
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await dispose();
    throw failed.reason;
  }
  const bot = { lgname: 'Admin@bot', password: `bot-password-${randomUUID()}` };
  const first = nodes[0]!;
  await promisify(execFile)(
    process.execPath,
    [
      new URL('../../dist/admin/cli.js', import.meta.url).pathname,
      'bot-password',
      'Admin',
      'bot',
      '--password',
      bot.password,
    ],
    {
      env: { ...process.env, MWUP_DATA_DIR: first.dataDir, MWUP_CONFIG: `${first.dataDir}/test-config.json` },
    },
  );
  return {
    nodes,
    db,
    prefix,
    bot,
    async client(node, as) {
      const c = new TestClient(node.api);
      if (as) for (const [k, v] of as.cookies) c.cookies.set(k, v);
      else await c.login(bot.lgname, bot.password);
      return c;
    },
    database() {
      handle ??= openDatabase(first.database);
      return handle;
    },
    dispose,
  };
}

/** The node whose process runs as `pid` (job and lease owners begin with the process id). */
export function nodeOfOwner(nodes: ServerProcess[], owner: string): ServerProcess | undefined {
  const pid = Number(owner.split('-')[0]);
  return nodes.find((p) => p.child.pid === pid);
}
