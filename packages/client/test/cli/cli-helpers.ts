/** Running the mwup CLI in tests: as a child process against a wiki, or in-process for usage errors. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/mwup.js';
import type { Wiki } from '../library/helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'src/cli/mwup.ts');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment without the caller's mwup settings; config and state live under `dir`. */
export function cliEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('MWUP_')) delete env[k];
  return { ...env, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), ...extra };
}

/** The environment that logs in to `wiki` at `api` (the wiki itself or a proxy in front of it). */
export function asWiki(dir: string, wiki: Wiki, api = wiki.api): NodeJS.ProcessEnv {
  return cliEnv(dir, { MWUP_API: api, MWUP_USER: wiki.username, MWUP_PASSWORD: wiki.password });
}

/** Runs the CLI as a child process (from its TypeScript source) in `cwd`. */
export function run(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd, env, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((res) => child.on('close', (code) => res({ code, stdout, stderr })));
}

/** The CLI's `main` in this process, for runs that end before reaching a wiki. */
export async function runInProcess(args: string[], dir: string): Promise<Run> {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    ({
      isTTY: false,
      write: (s: string) => {
        out[key] += s;
        return true;
      },
    }) as unknown as NodeJS.WriteStream;
  const code = await main(args, { stdout: sink('stdout'), stderr: sink('stderr'), env: cliEnv(dir) });
  return { code, ...out };
}

/** The `--json` document of a run. */
// biome-ignore lint/suspicious/noExplicitAny: JSON output
export function json(r: Run): any {
  try {
    return JSON.parse(r.stdout);
  } catch {
    assert.fail(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}
