/**
 * What every fuzz suite shares: one test server with a logged-in bot and administrator, the checks
 * every answer must pass (an answer arrived, below HTTP 500, no internal API error), a raw socket
 * for bodies fetch cannot send, and the checks after a run: the process still answers, nothing is
 * left in blob storage that no row refers to, every stash entry is one a client was told about,
 * bounded memory.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, relative, sep } from 'node:path';
import { GRANT_PERMISSIONS } from '../../src/auth/rights.js';
import { TestClient } from '../helpers/client.js';
import { createBot, createBotPassword, startTestServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The seed of every property: a failure found once is found again. FUZZ_SEED (another seed) and
 * FUZZ_RUNS (a factor on the number of runs) explore further by hand; the suite never sets them.
 */
export const SEED = Number(process.env.FUZZ_SEED ?? 20261204);

/** The options of fc.assert: the seed, `n` runs (times FUZZ_RUNS), the error in the report. */
export const fuzzOptions = (n: number) => ({
  seed: SEED,
  numRuns: Math.max(1, Math.round(n * Number(process.env.FUZZ_RUNS ?? 1))),
  includeErrorInReport: true,
});

/** How much the process may grow over one suite (it runs the server in this process). */
const RSS_GROWTH_LIMIT = 200 * 1024 * 1024;

/** Stash keys as the server makes them: `<time>.<random>.<user id>.<extension>`. */
const STASH_KEY = /[0-9a-z]{8,}\.[0-9a-z]{6}\.\d+\.[0-9a-z_]*/g;

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export class Fuzz {
  /** Requests sent, including the ones of setup and checks. */
  requests = 0;
  /** Stash keys any answer mentioned: entries a client knows about and may finish or remove. */
  readonly toldKeys = new Set<string>();
  /** Uploads whose answer could not name a stash key (format=none, an unreadable body). */
  blindUploads = 0;
  /** How many answers ended how (error codes, upload results): what the generators reach. */
  readonly outcomes = new Map<string, number>();
  private readonly rssStart = process.memoryUsage().rss;

  private constructor(
    readonly s: TestServer,
    /** FuzzBot (group bot, upload grants), logged in. */
    readonly bot: TestClient,
    readonly botId: number,
    /** The administrator, logged in with a bot password of every grant. */
    readonly admin: TestClient,
    readonly adminId: number,
  ) {}

  static async start(overrides?: Parameters<typeof startTestServer>[0]): Promise<Fuzz> {
    const s = await startTestServer({
      ...overrides,
      uploads: { stashLeaseSeconds: 2, ...overrides?.uploads },
    });
    const users = s.server.services.users;
    const b = await createBot(s, 'FuzzBot', { groups: ['bot'] });
    const bot = new TestClient(s.api);
    await bot.login(b.lgname, b.password);
    const a = await createBotPassword(s, {
      user: 'Admin',
      appId: 'fuzz',
      grants: Object.keys(GRANT_PERMISSIONS),
    });
    const admin = new TestClient(s.api);
    await admin.login(a.lgname, a.password);
    return new Fuzz(s, bot, (await users.byName('FuzzBot'))!.id, admin, (await users.byName('Admin'))!.id);
  }

  get origin(): string {
    return this.s.origin;
  }

  get api(): string {
    return this.s.api;
  }

  cookie(client: TestClient = this.bot): string {
    return [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Check an answer every request must get, and remember the stash keys it names. */
  check(what: string, a: Answer, upload = false): Answer {
    this.requests++;
    assert.ok(a.status < 500, `${what}: HTTP ${a.status}\n${a.text.slice(0, 2000)}`);
    const codes = a.headers.get('mediawiki-api-error') ?? '';
    assert.ok(!/internal_api_error/.test(codes), `${what}: ${codes}\n${a.text.slice(0, 2000)}`);
    assert.ok(!/internal_api_error/.test(a.text), `${what}: internal error\n${a.text.slice(0, 2000)}`);
    const outcome =
      codes || (a.status === 200 ? (/"result":"(\w+)"/.exec(a.text)?.[1] ?? 'ok') : `http-${a.status}`);
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    const keys = a.text.match(STASH_KEY) ?? [];
    for (const k of keys) this.toldKeys.add(k);
    // format=none: an answer without a body, so a stash entry it made is named to nobody.
    if (upload && a.status === 200 && a.text.trim() === '') this.blindUploads++;
    return a;
  }

  /**
   * Check the answer to bytes sent over a raw socket. `mayDrop`: the request is broken at the HTTP
   * level (a body cut short by the client, broken chunked framing), where Node itself may close the
   * connection without an answer; every other request must get one.
   */
  checkRaw(what: string, r: RawAnswer, mayDrop: boolean, upload = false): RawAnswer {
    if (r.status === null) {
      this.requests++;
      assert.ok(mayDrop, `${what}: the connection closed without an answer`);
      this.outcomes.set('dropped', (this.outcomes.get('dropped') ?? 0) + 1);
      return r;
    }
    const headers = new Headers();
    for (const line of r.head.split('\r\n').slice(1)) {
      const i = line.indexOf(':');
      if (i > 0) headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
    }
    this.check(what, { status: r.status, headers, text: r.body.toString('utf8') }, upload);
    return r;
  }

  /** fetch, then check(). */
  async fetch(what: string, url: string, init: RequestInit = {}, upload = false): Promise<Answer> {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    return this.check(what, { status: res.status, headers: res.headers, text }, upload);
  }

  /** `/healthz` answers. */
  async assertHealthy(): Promise<void> {
    const r = await this.fetch('healthz', `${this.origin}/healthz`);
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.text), { status: 'ok' });
  }

  /** Every blob file, by key, and what waits in the temporary directory of unfinished writes. */
  async storedBlobs(): Promise<{ keys: string[]; temp: string[] }> {
    const root = join(this.s.dataDir, 'blobs');
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const ent of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const full = join(dir, ent.name);
        if (full === join(root, '.tmp')) continue;
        if (ent.isDirectory()) await walk(full);
        else keys.push(relative(root, full).split(sep).join('/'));
      }
    };
    await walk(root);
    const temp = await readdir(join(root, '.tmp')).catch(() => []);
    return { keys: keys.sort(), temp };
  }

  /** Blob keys nothing refers to: no file version, stash entry or thumbnail. */
  async unreferencedBlobs(): Promise<string[]> {
    const db = this.s.server.db;
    const referenced = new Set<string>();
    for (const table of ['images', 'oldimages', 'filearchive', 'uploadstash', 'thumbnails'] as const) {
      for (const r of await db.selectFrom(table).select('blob_key').execute()) referenced.add(r.blob_key);
    }
    const { keys, temp } = await this.storedBlobs();
    return [...keys.filter((k) => !referenced.has(k)), ...temp.map((t) => `.tmp/${t}`)];
  }

  /**
   * After a run: jobs done, no unfinished write, no blob without a row, every row's blob there,
   * every stash entry named to a client (and listed to its owner by list=mystashedfiles).
   */
  async assertNoLeftovers(): Promise<void> {
    const sv = this.s.server;
    await waitFor(async () => (await sv.jobs.pending()).count === 0, 'the job queue is empty', 20_000);
    await waitFor(
      async () => (await this.unreferencedBlobs()).length === 0,
      'every request has removed what it stored',
      10_000,
    ).catch(() => {});
    assert.deepEqual(await this.unreferencedBlobs(), [], 'blobs or temporary files nothing refers to');

    const rows = await sv.db
      .selectFrom('uploadstash')
      .select(['key', 'user_id', 'blob_key', 'state'])
      .execute();
    const { keys } = await this.storedBlobs();
    const stored = new Set(keys);
    for (const r of rows) {
      assert.ok([this.botId, this.adminId].includes(r.user_id), `stash entry ${r.key} of user ${r.user_id}`);
      if (r.state === 'ready') assert.ok(stored.has(r.blob_key), `stash entry ${r.key} has its blob`);
    }
    const untold = rows.filter((r) => !this.toldKeys.has(r.key));
    assert.ok(
      untold.length <= this.blindUploads,
      `stash entries no answer named: ${JSON.stringify(untold)} (blind uploads: ${this.blindUploads})`,
    );
    for (const [client, id] of [
      [this.bot, this.botId],
      [this.admin, this.adminId],
    ] as const) {
      const own = rows.filter((r) => r.user_id === id).map((r) => r.key);
      assert.deepEqual(await this.listStash(client), own.sort(), 'list=mystashedfiles lists the stash table');
    }
  }

  /** A user's stash as list=mystashedfiles shows it. */
  async listStash(client: TestClient): Promise<string[]> {
    const out: string[] = [];
    let cont: Record<string, string> = {};
    for (;;) {
      const r = await client.get({ action: 'query', list: 'mystashedfiles', msflimit: 'max', ...cont });
      this.requests++;
      for (const e of r.json.query.mystashedfiles) out.push(e.filekey);
      if (!r.json.continue) return out.sort();
      cont = r.json.continue;
    }
  }

  /** The process did not grow by more than the limit over the suite. */
  assertMemory(): void {
    const growth = process.memoryUsage().rss - this.rssStart;
    assert.ok(growth < RSS_GROWTH_LIMIT, `RSS grew by ${Math.round(growth / 1048576)} MiB`);
  }

  async close(): Promise<void> {
    await this.s.close();
  }
}

export interface RawAnswer {
  /** The status of the first answer, null when the server closed without one. */
  status: number | null;
  head: string;
  body: Buffer;
}

/**
 * Send bytes as they are over a new connection and read until the server closes it. `endInput`:
 * half-close after the bytes (a body shorter than its Content-Length then ends there). Fails when no
 * answer and no close come within `ms` (a hang).
 */
export function rawRequest(
  origin: string,
  bytes: Buffer,
  opts: { endInput?: boolean; ms?: number } = {},
): Promise<RawAnswer> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const sock = connect({ host: url.hostname, port: Number(url.port), allowHalfOpen: true });
    const got: Buffer[] = [];
    const timer = setTimeout(() => {
      sock.destroy();
      const soFar = Buffer.concat(got).toString('latin1').slice(0, 300);
      reject(
        new Error(`no answer and no close within ${opts.ms ?? 10_000} ms (got ${JSON.stringify(soFar)})`),
      );
    }, opts.ms ?? 10_000);
    sock.on('data', (d: Buffer) => {
      got.push(d);
      // Once an answer is complete, close this side; the server then closes its side too.
      if (complete(Buffer.concat(got))) sock.end();
    });
    // The server closed its side: nothing more will come.
    sock.on('end', () => sock.end());
    // A reset is a close as well (the server may drop a connection whose input it refuses).
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(timer);
      // Interim answers (100 Continue) come before the one that counts.
      let all = Buffer.concat(got);
      while (/^HTTP\/1\.[01] 1\d\d /.test(all.subarray(0, 16).toString('latin1')) && all.includes('\r\n\r\n'))
        all = all.subarray(all.indexOf('\r\n\r\n') + 4);
      const end = all.indexOf('\r\n\r\n');
      const head = end >= 0 ? all.subarray(0, end).toString('latin1') : all.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({
        status: m ? Number(m[1]) : null,
        head,
        body: end >= 0 ? all.subarray(end + 4) : Buffer.alloc(0),
      });
    });
    sock.write(bytes, () => {
      if (opts.endInput) sock.end();
    });
  });
}

/** Whether `buf` holds a whole answer with a Content-Length or a chunked body. */
function complete(buf: Buffer): boolean {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const head = buf.subarray(0, end).toString('latin1');
  if (/^HTTP\/1\.[01] 1\d\d /.test(head)) return complete(buf.subarray(end + 4));
  const len = /\r\ncontent-length: *(\d+)/i.exec(head);
  if (len) return buf.length - end - 4 >= Number(len[1]);
  if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
    const body = buf.subarray(end + 4);
    return body.includes('\r\n0\r\n\r\n') || body.subarray(0, 5).toString() === '0\r\n\r\n';
  }
  return false;
}

/** The outcomes of a run, most frequent first (for the test's diagnostics). */
export const summary = (f: Fuzz): string =>
  `${f.requests} requests; ${[...f.outcomes]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ')}`;
