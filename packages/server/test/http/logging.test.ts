import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { startServer } from '../../src/app.js';
import type { Config, DeepPartial } from '../../src/config.js';
import { TestClient } from '../helpers/client.js';
import { testConfig } from '../helpers/server.js';

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  err?: { message: string };
  [k: string]: unknown;
}

/** A server whose log lines are kept (pino, as the server makes it, writing into an array). */
async function serverWithLog(overrides: DeepPartial<Config>) {
  const dir = await mkdtemp(join(tmpdir(), 'mwup-log-'));
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as LogLine);
      done();
    },
  });
  const server = await startServer(testConfig(dir, overrides), { logger: pino({ level: 'info' }, sink) });
  return {
    server,
    lines,
    client: new TestClient(server.api),
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe('logging (pino, through Fastify)', () => {
  let quiet: Awaited<ReturnType<typeof serverWithLog>>;
  let verbose: Awaited<ReturnType<typeof serverWithLog>>;
  before(async () => {
    quiet = await serverWithLog({ logRequests: false });
    verbose = await serverWithLog({ logRequests: true });
  });
  after(async () => {
    await quiet.close();
    await verbose.close();
  });

  it('logs each request with its request id when logRequests is on', async () => {
    const r = await verbose.client.get({ action: 'query', meta: 'siteinfo' });
    assert.equal(r.status, 200);
    const incoming = verbose.lines.filter((l) => l.msg === 'incoming request');
    const done = verbose.lines.filter((l) => l.msg === 'request completed');
    assert.equal(incoming.length, 1);
    assert.equal(done.length, 1);
    assert.match(incoming[0]!.reqId!, /^[0-9a-f]{24}$/);
    assert.equal(done[0]!.reqId, incoming[0]!.reqId);
    assert.equal((done[0]!.res as { statusCode: number }).statusCode, 200);
  });

  it('logs no request lines when logRequests is off, but logs an internal error with the id the answer shows', async () => {
    const sessions = quiet.server.services.sessions;
    const load = sessions.load;
    sessions.load = async () => {
      throw new Error('disk on fire');
    };
    try {
      const r = await quiet.client.get({ action: 'query', meta: 'userinfo' });
      assert.equal(r.json.error.code, 'internal_api_error_Error');
      const id = /^\[([0-9a-f]{24})\] Exception caught: disk on fire$/.exec(r.json.error.info)?.[1];
      assert.ok(id, r.json.error.info);
      const errors = quiet.lines.filter((l) => l.level >= 50);
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.reqId, id);
      assert.equal(errors[0]!.err?.message, 'disk on fire');
    } finally {
      sessions.load = load;
    }
    assert.deepEqual(
      quiet.lines.filter((l) => /request/.test(l.msg)),
      [],
      'no request lines',
    );
  });
});
