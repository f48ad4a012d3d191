/**
 * Running the mwup CLI in tests: as a child process (exit codes, signals, kills mid-upload) or in this
 * process (usage errors, timing without the start-up of a new Node), always with an environment free
 * of the caller's mwup settings.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/mwup.js';
import type { Wiki } from '../library/helpers.js';
import type { TestProxy } from '../library/local-servers.js';

/** The client package's folder: where spawned runs start unless told otherwise. */
export const CLIENT_ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(CLIENT_ROOT, 'src/cli/mwup.ts');

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment without the caller's mwup settings; config and state live under `dir`. */
export function cliEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('MWUP_')) delete env[k];
  return {
    ...env,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_STATE_HOME: join(dir, 'state'),
    ...extra,
  };
}

/** The environment that logs in to `wiki` at `api` (the wiki itself or a proxy in front of it). */
export function asWiki(dir: string, wiki: Wiki, api = wiki.api): NodeJS.ProcessEnv {
  return cliEnv(dir, { MWUP_API: api, MWUP_USER: wiki.username, MWUP_PASSWORD: wiki.password });
}

export interface Started {
  child: ChildProcess;
  done: Promise<Run>;
  /** Output so far. */
  readonly stderr: string;
  /** Resolves when stderr has a line matching `re`. */
  waitForStderr(re: RegExp): Promise<string>;
}

/** Starts the CLI as a child process (from its TypeScript source) in `cwd`. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, cwd = CLIENT_ROOT): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd, env, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  const waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of [...waiters]) {
      const m = w.re.exec(stderr);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m[0]);
      }
    }
  });
  const done = new Promise<Run>((res) =>
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr })),
  );
  return {
    child,
    done,
    get stderr() {
      return stderr;
    },
    waitForStderr(re) {
      const m = re.exec(stderr);
      if (m) return Promise.resolve(m[0]);
      return new Promise((resolve, reject) => {
        waiters.push({ re, resolve });
        done.then((r) => reject(new Error(`exited (${r.code}) before ${re}:\n${r.stdout}\n${r.stderr}`)));
      });
    },
  };
}

/** Runs the CLI as a child process to its end. */
export const runCli = (args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Run> =>
  startCli(args, env, cwd).done;

/**
 * Starts the CLI with `args` (talking to the wiki through `proxy`) and sends `signal` while the answer
 * to the `k`-th chunk from now is held: the wiki has stored that chunk, the CLI does not know it yet.
 * Resolves with the run once it ended; the proxy forwards everything again.
 */
export async function interruptedAtChunk(
  proxy: TestProxy,
  k: number,
  args: string[],
  env: NodeJS.ProcessEnv,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<Run> {
  const base = proxy.requests.filter((q) => q.isChunk).length;
  proxy.rule = (q) => (q.isChunk && q.chunkIndex === base + k ? 'hold' : 'pass');
  const held = proxy.waitFor((q) => q.isChunk && q.chunkIndex === base + k);
  const p = startCli(args, env);
  await held;
  p.child.kill(signal);
  const r = await p.done;
  proxy.release(true);
  proxy.rule = () => 'pass';
  return r;
}

/** The CLI's `main` in this process, for runs that end before reaching a wiki; `ms` is how long it took. */
export async function runInProcess(args: string[], env: NodeJS.ProcessEnv): Promise<Run & { ms: number }> {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    ({
      isTTY: false,
      write: (s: string) => {
        out[key] += s;
        return true;
      },
    }) as unknown as NodeJS.WriteStream;
  const began = performance.now();
  const code = await main(args, { stdout: sink('stdout'), stderr: sink('stderr'), env });
  return { code, signal: null, ms: performance.now() - began, ...out };
}

/** The `--json` document of a run. */
// biome-ignore lint/suspicious/noExplicitAny: JSON output
export function jsonOf(r: Run): any {
  try {
    return JSON.parse(r.stdout);
  } catch {
    assert.fail(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}
