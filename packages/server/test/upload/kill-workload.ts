/**
 * What the kill test needs around a server process it kills: a ledger of the uploads that answered
 * Success (checked against imageinfo and the bytes served), the consistency check through the
 * admin CLI, a URL server that holds a download half way, and waits on the blob directory.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CheckReport } from '../../src/admin/check/index.js';
import type { ApiAnswer, TestClient } from '../helpers/client.js';
import { sha1 } from '../helpers/files.js';
import type { ServerProcess } from '../helpers/server.js';

const CLI = new URL('../../dist/admin/cli.js', import.meta.url).pathname;

/** `mwup-admin` on the server's data directory and configuration. */
export async function admin(srv: ServerProcess, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: { ...process.env, MWUP_DATA_DIR: srv.dataDir, MWUP_CONFIG: join(srv.dataDir, 'test-config.json') },
    });
    return { code: 0, out: r.stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: `${err.stdout}${err.stderr}` };
  }
}

/** `mwup-admin check --sha1 --json`: asserts exit 0 and no problem; returns the report. */
export async function assertConsistent(srv: ServerProcess, when: string): Promise<CheckReport> {
  const { code, out } = await admin(srv, 'check', '--sha1', '--json');
  let report: CheckReport;
  try {
    report = JSON.parse(out) as CheckReport;
  } catch {
    assert.fail(`${when}: check did not answer JSON (exit ${code}):\n${out}`);
  }
  assert.deepEqual(report.problems, [], `${when}: the check found problems`);
  assert.equal(code, 0, `${when}: check exited ${code}`);
  return report;
}

/** Keys of the blobs nothing references (yet): what a killed upload may leave for maintenance. */
export const unreferenced = (r: CheckReport): Set<string> =>
  new Set(r.notes.filter((n) => n.kind === 'recent-unreferenced-blob').map((n) => n.blobKey!));

/** What the wiki must hold: every version that answered Success, and the files deleted. */
export class Ledger {
  private readonly files = new Map<string, { versions: Buffer[]; deleted: boolean }>();
  /** Names a request was changing when the server was killed: not checked until settled. */
  private readonly unsettled = new Set<string>();

  inFlight(...names: string[]): void {
    for (const n of names) this.unsettled.add(n);
  }

  published(name: string, bytes: Buffer): void {
    this.unsettled.delete(name);
    const f = this.files.get(name) ?? { versions: [], deleted: false };
    if (f.versions.at(-1)?.equals(bytes)) return;
    f.versions.push(bytes);
    this.files.set(name, f);
  }

  deleted(name: string): void {
    const f = this.files.get(name);
    assert.ok(f, `${name} was never published`);
    this.unsettled.delete(name);
    f.deleted = true;
  }

  /** The current version's SHA-1 as the ledger has it. */
  current(name: string): Buffer | undefined {
    return this.files.get(name)?.versions.at(-1);
  }

  /** Files that exist (not deleted). */
  get existing(): number {
    return [...this.files.values()].filter((f) => !f.deleted).length;
  }

  /** Every version is in imageinfo with its SHA-1, and its URL serves its bytes; deleted files are gone. */
  async verify(c: TestClient, when: string): Promise<void> {
    for (const [name, f] of this.files) {
      if (this.unsettled.has(name)) continue;
      const r = await c.get({
        action: 'query',
        prop: 'imageinfo',
        titles: `File:${name}`,
        iiprop: 'sha1|url|size',
        iilimit: 'max',
      });
      const page = Object.values(r.json.query.pages)[0] as {
        missing?: string;
        imageinfo?: { sha1: string; url: string; size: number }[];
      };
      if (f.deleted) {
        assert.equal(page.imageinfo, undefined, `${when}: ${name} was deleted`);
        continue;
      }
      assert.ok(page.imageinfo, `${when}: ${name} is missing`);
      assert.equal(page.imageinfo[0]!.sha1, sha1(f.versions.at(-1)!), `${when}: current version of ${name}`);
      const bySha1 = new Map(page.imageinfo.map((i) => [i.sha1, i]));
      for (const v of f.versions) {
        const info = bySha1.get(sha1(v));
        assert.ok(info, `${when}: a version of ${name} (${sha1(v)}) is missing`);
        const res = await fetch(info.url);
        assert.equal(res.status, 200, `${when}: ${info.url}`);
        const served = Buffer.from(await res.arrayBuffer());
        assert.ok(
          served.equals(v),
          `${when}: ${info.url} serves other bytes (${served.length} of ${v.length})`,
        );
      }
    }
  }
}

/** The current version's SHA-1 of a file, or null. */
export async function currentSha1(c: TestClient, name: string): Promise<string | null> {
  const r = await c.get({ action: 'query', prop: 'imageinfo', titles: `File:${name}`, iiprop: 'sha1' });
  const page = Object.values(r.json.query.pages)[0] as { imageinfo?: { sha1: string }[] };
  return page.imageinfo?.[0]?.sha1 ?? null;
}

/** An answer, or the error of a request the kill cut off. */
export type Outcome = { answer: ApiAnswer } | { error: unknown };

export const outcome = (p: Promise<ApiAnswer>): Promise<Outcome> =>
  p.then(
    (answer) => ({ answer }),
    (error: unknown) => ({ error }),
  );

export const resultOf = (o: Outcome): string | undefined =>
  'answer' in o
    ? (o.answer.json?.upload?.result ?? (o.answer.json?.delete ? 'Deleted' : undefined))
    : undefined;

/**
 * Serves files over HTTP for uploads by URL. A path served with `hold` answers its first request
 * with the headers and the first half of the bytes, then nothing more (until its connection
 * closes); later requests wait until the path is released, then get the whole file. Other paths
 * answer at once.
 */
export class HoldingFileServer {
  private server: Server | null = null;
  private readonly files = new Map<
    string,
    { bytes: Buffer; hold: boolean; released: Promise<void>; release(): void }
  >();
  private readonly open = new Set<ServerResponse>();
  /** Paths whose first half has been sent to a request that is held. */
  readonly halfSent = new Set<string>();
  /** Requests received, by path. */
  readonly requests = new Map<string, number>();

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const f = this.files.get(path);
      if (!f) {
        res.writeHead(404).end();
        return;
      }
      this.requests.set(path, (this.requests.get(path) ?? 0) + 1);
      this.open.add(res);
      res.on('close', () => this.open.delete(res));
      if (f.hold) {
        f.hold = false;
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': f.bytes.length });
        res.write(f.bytes.subarray(0, f.bytes.length >> 1), () => this.halfSent.add(path));
        return;
      }
      await f.released;
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': f.bytes.length });
      res.end(f.bytes);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
  }

  /** The URL of `bytes` at `path`. */
  serve(path: string, bytes: Buffer, opts: { hold: boolean }): string {
    let release = () => {};
    const released = opts.hold ? new Promise<void>((r) => (release = r)) : Promise.resolve();
    this.files.set(path, { bytes, hold: opts.hold, released, release: () => release() });
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}${path}`;
  }

  /** Let the requests for a held path have the whole file. */
  release(path: string): void {
    this.files.get(path)?.release();
  }

  async close(): Promise<void> {
    for (const f of this.files.values()) f.release();
    for (const r of this.open) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Files under a directory (recursively) with their sizes; empty when it does not exist. */
export function filesWithSizes(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(dir)) return out;
  for (const d of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!d.isFile()) continue;
    const full = join(d.parentPath, d.name);
    try {
      out.set(full.slice(dir.length + 1), statSync(full).size);
    } catch {
      // Renamed or removed meanwhile.
    }
  }
  return out;
}
