/**
 * Graceful shutdown of the built server (`node dist/main.js`): SIGTERM stops accepting connections,
 * lets requests in flight finish (for `shutdownTimeoutSeconds` at most), then exits; a second signal
 * exits at once.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type ServerProcess, spawnServerProcess } from '../helpers/server.js';

interface LogLine {
  msg: string;
  [k: string]: unknown;
}

/** The JSON log lines the server writes from now on, and a way to wait for one. */
function logOf(child: ChildProcess) {
  const lines: LogLine[] = [];
  const waiting = new Set<() => void>();
  let rest = '';
  child.stdout!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop()!;
    for (const p of parts) if (p.startsWith('{')) lines.push(JSON.parse(p) as LogLine);
    for (const w of waiting) w();
  });
  return {
    lines,
    waitFor(test: (l: LogLine) => boolean, what: string): Promise<LogLine> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no log line ${what}: ${JSON.stringify(lines)}`)),
          20_000,
        );
        const check = () => {
          const hit = lines.find(test);
          if (!hit) return;
          clearTimeout(timer);
          waiting.delete(check);
          resolve(hit);
        };
        waiting.add(check);
        check();
      });
    },
  };
}

/** A POST whose body is sent in two parts: the request is in flight until `finish()`. */
function slowPost(port: number, body: string) {
  const req = request({
    host: '127.0.0.1',
    port,
    path: '/w/api.php',
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(body),
    },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => {
        text += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, 10));
  return { response, finish: () => req.end(body.slice(10)) };
}

/** Whether new connections are refused, waiting (a bounded while) for it. */
async function refusesConnections(port: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
    });
    if (refused) return true;
    await delay(25);
  }
  return false;
}

async function withServer(
  config: { shutdownTimeoutSeconds: number },
  fn: (srv: ServerProcess, log: ReturnType<typeof logOf>) => Promise<void>,
) {
  const srv = await spawnServerProcess({ config: { logRequests: true, ...config } });
  try {
    await fn(srv, logOf(srv.child));
  } finally {
    await srv.kill('SIGKILL');
    await rm(srv.dataDir, { recursive: true, force: true });
  }
}

const BODY = 'action=query&meta=siteinfo&siprop=general&format=json';
const inFlight = (l: LogLine) => l.msg === 'incoming request';

describe('graceful shutdown', () => {
  it('on SIGTERM stops accepting, lets the request in flight finish, then exits 0', () =>
    withServer({ shutdownTimeoutSeconds: 30 }, async (srv, log) => {
      const slow = slowPost(srv.port, BODY);
      await log.waitFor(inFlight, 'for the request');
      const exited = once(srv.child, 'exit');
      srv.child.kill('SIGTERM');
      await log.waitFor((l) => l.msg === 'shutting down', 'about shutting down');
      assert.ok(await refusesConnections(srv.port), 'new connections are refused');
      slow.finish();
      const res = await slow.response;
      assert.equal(res.status, 200);
      assert.equal(JSON.parse(res.body).query.general.scriptpath, '/w');
      assert.deepEqual(await exited, [0, null]);
      assert.ok(!log.lines.some((l) => /closing the connections/.test(l.msg)));
    }));

  it('closes the connection of a request that takes longer than shutdownTimeoutSeconds, then exits 0', () =>
    withServer({ shutdownTimeoutSeconds: 1 }, async (srv, log) => {
      const slow = slowPost(srv.port, BODY);
      await log.waitFor(inFlight, 'for the request');
      const exited = once(srv.child, 'exit');
      const t0 = Date.now();
      srv.child.kill('SIGTERM');
      await assert.rejects(slow.response, /socket hang up|ECONNRESET/);
      assert.deepEqual(await exited, [0, null]);
      assert.ok(Date.now() - t0 < 15_000, 'the wait is bounded');
      await log.waitFor(
        (l) => /closing the connections of requests still running/.test(l.msg),
        'about closing',
      );
    }));

  it('exits at once on a second signal', () =>
    withServer({ shutdownTimeoutSeconds: 60 }, async (srv, log) => {
      const slow = slowPost(srv.port, BODY);
      slow.response.catch(() => {});
      await log.waitFor(inFlight, 'for the request');
      const exited = once(srv.child, 'exit');
      srv.child.kill('SIGTERM');
      await log.waitFor((l) => l.msg === 'shutting down', 'about shutting down');
      srv.child.kill('SIGINT');
      assert.deepEqual(await exited, [1, null]);
    }));
});
