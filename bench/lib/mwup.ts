/** The mwup server as a child process (`node dist/main.js`, so that its RSS can be read), with a bot password. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Login } from './client.js';
import { ROOT, stopChild } from './proc.js';

const MIB = 1024 * 1024;
export const BOT_LOGIN: Login = { user: 'Admin@bot', password: 'bench-bot-password-0123456789abcdef' };

export interface Server {
  child: ChildProcess;
  api: string;
  dataDir: string;
  login: Login;
  stop(): Promise<void>;
}

/**
 * The environment settings and Node flags the server's own first line runs it with
 * (`#!/usr/bin/env -S NAME=value node --flag…`, as the `mwup-server` command and `npm start` do), so
 * the bench measures the server as it is run.
 */
function launchOf(main: string): { env: Record<string, string>; flags: string[] } {
  const first = readFileSync(main, 'utf8').split('\n', 1)[0] ?? '';
  const words = first.replace(/^#!\S*env\s+(-S\s+)?/, '').split(/\s+/);
  const env: Record<string, string> = {};
  while (words[0] && /^\w+=/.test(words[0])) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  return { env, flags: words[0] === 'node' ? words.slice(1).filter((w) => w.startsWith('--')) : [] };
}

/**
 * Runs the built server (with its own Node flags and BENCH_NODE_ARGS) in `env`; resolves with its
 * API address once it prints it, after which its output is only drained.
 */
export async function launchServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; api: string }> {
  const main = join(ROOT, 'packages/server/dist/main.js');
  const launch = launchOf(main);
  const child = spawn(
    process.execPath,
    [...launch.flags, ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), main],
    { env: { ...launch.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const api = await new Promise<string>((res, rej) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d;
        const m = /API at (\S+)/.exec(out);
        if (!m) return;
        child.stdout!.removeAllListeners('data').resume();
        res(m[1]!);
      });
      child.once('exit', (c) => rej(new Error(`server exited ${c}`)));
    });
    return { child, api };
  } catch (e) {
    await stopChild(child);
    throw e;
  }
}

/** Starts the built server on a free port with SQLite and local blobs in a new temporary data directory. */
export async function startServer(config: Record<string, unknown> = {}): Promise<Server> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mwup-bench-'));
  const env = {
    ...process.env,
    MWUP_DATA_DIR: dataDir,
    MWUP_PORT: '0',
    MWUP_ADMIN_PASSWORD: 'bench-admin-password',
  };
  await writeFile(
    join(dataDir, 'config.json'),
    JSON.stringify({
      uploads: { maxUploadSize: 8 * 1024 * MIB },
      copyUploads: { enabled: true, allowAddresses: ['127.0.0.0/8'], timeoutSeconds: 600 },
      groupPermissions: { sysop: { upload_by_url: true } },
      ...config,
    }),
  );
  let launched: { child: ChildProcess; api: string };
  try {
    launched = await launchServer(env);
  } catch (e) {
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
  const { child, api } = launched;
  const stop = async () => {
    await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'packages/server/dist/admin/cli.js'),
        'bot-password',
        'Admin',
        'bot',
        '--password',
        BOT_LOGIN.password,
        '--grants',
        'basic,highvolume,editpage,createeditmovepage,uploadfile,uploadeditmovefile',
      ],
      { env },
    );
    return { child, api, dataDir, login: BOT_LOGIN, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
