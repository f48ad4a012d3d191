/** Child processes of the benchmarks: started from inline JavaScript, stopped, and their memory read from /proc. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

/** The kernel's figure for a process, in bytes: `VmHWM` is its peak resident set, `VmRSS` the current one. */
export async function procMemory(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const s = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(s)![1]) * 1024;
}
export const peakRss = (pid: number) => procMemory(pid, 'VmHWM');
export const currentRss = (pid: number) => procMemory(pid, 'VmRSS');
/** Sets a process's peak RSS (VmHWM) back to its current RSS, so that the next reading covers only what follows. */
export const resetPeakRss = (pid: number) => writeFile(`/proc/${pid}/clear_refs`, '5');

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const HZ = 100;

/**
 * User and system CPU time of a process in seconds (utime, stime), or null when it is gone; with
 * `thread`, of that thread of it alone.
 */
export async function cpuOf(pid: number, thread?: number): Promise<[number, number] | null> {
  try {
    const s = await readFile(thread ? `/proc/${pid}/task/${thread}/stat` : `/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return [Number(f[11]) / HZ, Number(f[12]) / HZ];
  } catch {
    return null;
  }
}

export interface Child {
  child: ChildProcess;
  port: number;
  /** The child's peak RSS so far, in bytes. */
  peakRss(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Runs `code` in a plain `node` (no TypeScript loader, whose worker thread would count in its RSS),
 * from the repository's root so that its packages resolve. The code prints the port it listens on.
 */
export async function startChild(code: string, args: string[] = [], module = false): Promise<Child> {
  const child = spawn(process.execPath, [...(module ? ['--input-type=module'] : []), '-e', code, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((res, rej) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /^(\d+)\n/.exec(out);
      if (m) res(Number(m[1]));
    });
    child.once('exit', (c) => rej(new Error(`child exited with ${c} before listening`)));
  });
  return { child, port, peakRss: () => peakRss(child.pid!), stop: () => stopChild(child) };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
