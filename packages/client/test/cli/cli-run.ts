/**
 * Running the mwup CLI in tests: as a child process (exit codes, signals) or in this process (timing
 * without the start-up of a new Node), with an environment free of the caller's mwup settings.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/mwup.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'src/cli/mwup.ts');

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

export interface Started {
  child: ChildProcess;
  done: Promise<Run>;
  /** Output so far. */
  readonly stderr: string;
  /** Resolves when stderr has a line matching `re`. */
  waitForStderr(re: RegExp): Promise<string>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env, stdio: 'pipe' });
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

export const runCli = (args: string[], env: NodeJS.ProcessEnv) => startCli(args, env).done;

/** The CLI's `main` in this process; `ms` is how long the command took. */
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

// biome-ignore lint/suspicious/noExplicitAny: JSON output
export const jsonOf = (r: Run): any => {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
};
