/**
 * What the scale-out benchmark needs besides the server and client of ./mwup.ts: the CPU time of the
 * processes involved (mwup nodes, Swift, memcached, PostgreSQL), read from /proc while a test runs,
 * and the database's transaction count.
 */
import { readdir, readFile } from 'node:fs/promises';
import pg from 'pg';
import { cpuOf } from './proc.js';

async function cmdline(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

async function children(pid: number): Promise<number[]> {
  try {
    const s = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return s.split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** A process and its descendants. */
async function tree(pid: number): Promise<number[]> {
  const out = [pid];
  for (const c of await children(pid)) out.push(...(await tree(c)));
  return out;
}

/** Which group a process of the storage services belongs to, by its command line. */
function serviceGroup(cmd: string): string | null {
  if (cmd.includes('swift-proxy-server')) return 'swift-proxy';
  if (/swift-(object|container|account)/.test(cmd)) return 'swift-storage';
  if (/(^|\/)memcached\b/.test(cmd)) return 'memcached';
  return null;
}

/** The top processes of Swift, memcached and PostgreSQL (the postmaster) running on this machine. */
export async function findServices(): Promise<{ services: Map<number, string>; postmaster: number | null }> {
  const services = new Map<number, string>();
  let postmaster: number | null = null;
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const cmd = await cmdline(pid);
    const g = serviceGroup(cmd);
    if (g) services.set(pid, g);
    if (/\/postgres\s+-D\s/.test(cmd)) postmaster = pid;
  }
  return { services, postmaster };
}

export interface Watched {
  /** mwup server processes. */
  nodes: number[];
  /** The benchmark's database on PostgreSQL: its backends count, other databases' do not. */
  database?: string;
}

/** CPU seconds by group over the watch (user + system, and system alone), and the wall time it lasted. */
export interface CpuUse {
  seconds: number;
  cpu: Record<string, number>;
  sys: Record<string, number>;
}

/**
 * Watch the CPU time of mwup's nodes (group `node`, and `node0`, `node1`… each, `main0`, `main1`…
 * for the thread that runs each one's event loop), Swift's proxy and
 * storage servers, memcached and PostgreSQL (the benchmark database's backends and the server's own
 * background processes) until `stop`. Processes are sampled every 200 ms, so that a backend that
 * exits meanwhile still counts up to its last sample; this process counts as `bench`.
 */
export async function watchCpu(w: Watched): Promise<{ stop(): Promise<CpuUse> }> {
  const { services, postmaster } = await findServices();
  const first = new Map<number, [number, number]>();
  const last = new Map<number, [number, number]>();
  const groupOf = new Map<number, string>();
  /** The main threads of the nodes (their event loops), by negative pid. */
  const mains = new Map<number, number>();
  const sample = async () => {
    const pids = new Map<number, string>();
    w.nodes.forEach((p, i) => {
      pids.set(p, `node${i}`);
    });
    for (const [pid, g] of services) for (const p of await tree(pid)) pids.set(p, g);
    if (postmaster) {
      pids.set(postmaster, 'postgres');
      for (const p of await children(postmaster)) {
        const cmd = await cmdline(p);
        // Backends read "postgres: <cluster>: <user> <database> <address> <state>".
        const backend = /^postgres: \S+: (\S+) (\S+) \S+\(\d+\)/.exec(cmd);
        if (!backend || backend[2] === w.database) pids.set(p, 'postgres');
      }
    }
    await Promise.all(
      [...pids].map(async ([pid, g]) => {
        const c = await cpuOf(pid);
        if (c === null) return;
        // A process first seen after the start began during the watch: all its time counts.
        if (!first.has(pid)) first.set(pid, sampled ? [0, 0] : c);
        last.set(pid, c);
        groupOf.set(pid, g);
      }),
    );
    await Promise.all(
      w.nodes.map(async (pid) => {
        const c = await cpuOf(pid, pid);
        if (c === null) return;
        if (!first.has(-pid)) first.set(-pid, c);
        last.set(-pid, c);
        mains.set(-pid, pid);
      }),
    );
    sampled = true;
  };
  let sampled = false;
  await sample();
  const bench0 = process.cpuUsage();
  const t0 = performance.now();
  let running = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(sample);
  }, 200);
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await sample();
      const seconds = (performance.now() - t0) / 1000;
      const b = process.cpuUsage(bench0);
      const cpu: Record<string, number> = { node: 0 };
      const sys: Record<string, number> = { node: 0 };
      for (const [key, pid] of mains) {
        const [u0, s0] = first.get(key)!;
        const [u1, s1] = last.get(key)!;
        cpu[`main${w.nodes.indexOf(pid)}`] = u1 - u0 + s1 - s0;
      }
      for (const [pid, g] of groupOf) {
        const [u0, s0] = first.get(pid)!;
        const [u1, s1] = last.get(pid)!;
        const groups = g.startsWith('node') ? [g, 'node'] : [g];
        for (const k of groups) {
          cpu[k] = (cpu[k] ?? 0) + (u1 - u0 + s1 - s0);
          sys[k] = (sys[k] ?? 0) + (s1 - s0);
        }
      }
      cpu.bench = (b.user + b.system) / 1e6;
      sys.bench = b.system / 1e6;
      return { seconds, cpu, sys };
    },
  };
}

/**
 * Transactions committed and rolled back in `database` so far, by PostgreSQL's statistics, read over
 * a connection to another database (`adminUrl`) so that reading them adds none. A backend publishes
 * its counts when it exits, or when idle at most once a second (some may lag by up to 10 s).
 */
export async function transactions(adminUrl: string, database: string): Promise<number> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>(
      'select xact_commit + xact_rollback as n from pg_stat_database where datname = $1',
      [database],
    );
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await c.end();
  }
}
