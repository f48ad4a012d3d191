import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type CheckReport, checkConsistency, type Problem } from '../../src/admin/check/index.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { TestClient } from '../helpers/client.js';
import { pngOfSize, sha1 } from '../helpers/files.js';
import { createBotPassword, startWithBot, type TestServer, UPLOAD_GRANTS } from '../helpers/server.js';
import { sendChunk } from '../upload/chunks.js';

const CLI = new URL('../../dist/admin/cli.js', import.meta.url).pathname;

/** Run `mwup-admin check` on the test server's database and blob store (named in a config file). */
async function cli(s: TestServer, ...args: string[]): Promise<{ code: number; out: string; err?: string }> {
  const config = join(s.dataDir, 'check-config.json');
  // The keys of the engine in use (the test server's configuration also holds the defaults of the others).
  const { database: d, storage: st } = s.config;
  const database =
    d.driver === 'postgres' ? { driver: d.driver, url: d.url } : { driver: d.driver, file: d.file };
  const { dir: _dir, ...s3 } = st as typeof st & { dir?: string };
  const storage = st.driver === 'local' ? { driver: st.driver, dir: st.dir } : s3;
  await writeFile(config, JSON.stringify({ database, storage }));
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^MWUP_(DATABASE|S3)_/.test(k)),
  );
  try {
    const r = await promisify(execFile)(process.execPath, [CLI, 'check', ...args], {
      env: { ...env, MWUP_DATA_DIR: s.dataDir, MWUP_CONFIG: config },
    });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout, err: err.stderr };
  }
}

async function bytesOf(blobs: BlobStore, key: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of blobs.read(key)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('mwup-admin check: the database and the blob store agree', () => {
  let s: TestServer;
  let bot: TestClient;
  let blobs: BlobStore;
  const key = {} as Record<'current' | 'old' | 'deleted' | 'ready' | 'receiving' | 'thumb', string>;

  const check = (o: Partial<Parameters<typeof checkConsistency>[2]> = {}) =>
    checkConsistency(s.server.db, blobs, { sha1: false, graceMs: 3600_000, repair: false, ...o });
  /** The problems of a check, as kind and table, sorted. */
  const found = (r: CheckReport) => r.problems.map((p) => `${p.kind} ${p.subject.table}`).sort();
  /** Damage a blob, run `f`, put the blob back. */
  const damaged = async (k: string, damage: (b: Buffer) => Promise<void>, f: () => Promise<void>) => {
    const original = await bytesOf(blobs, k);
    await damage(original);
    try {
      await f();
    } finally {
      await blobs.write(k, Readable.from([original]));
    }
  };

  before(async () => {
    ({ s, bot } = await startWithBot());
    blobs = s.server.services.blobs;
    const db = s.server.db;
    const admin = new TestClient(s.api);
    const ap = await createBotPassword(s, {
      user: 'Admin',
      appId: 'check',
      grants: [...UPLOAD_GRANTS, 'delete'],
    });
    await admin.login(ap.lgname, ap.password);
    // A file with an old version, a deleted file, a stashed file, a chunked upload half way, a thumbnail.
    const v1 = pngOfSize(3000, 16, 16);
    const v2 = pngOfSize(3100, 16, 16);
    assert.equal(
      (await bot.upload({ filename: 'Kept.png', ignorewarnings: 1 }, v1)).json.upload.result,
      'Success',
    );
    assert.equal(
      (await bot.upload({ filename: 'Kept.png', ignorewarnings: 1 }, v2)).json.upload.result,
      'Success',
    );
    await bot.upload({ filename: 'Gone.png', ignorewarnings: 1 }, pngOfSize(2000));
    const del = await admin.post({ action: 'delete', title: 'File:Gone.png', token: await admin.csrf() });
    assert.ok(del.json.delete, del.text);
    const stashed = await bot.upload({ filename: 'Later.png', stash: 1 }, pngOfSize(2500));
    const first = await sendChunk(
      bot,
      { filename: 'Half.png', offset: 0, filesize: 4096 },
      pngOfSize(4096).subarray(0, 2048),
    );
    assert.equal(first.json.upload.result, 'Continue');
    const ii = await bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Kept.png',
      iiprop: 'url',
      iiurlwidth: 8,
    });
    const page = Object.values(ii.json.query.pages)[0] as { imageinfo: { thumburl: string }[] };
    assert.equal((await fetch(page.imageinfo[0]!.thumburl)).status, 200);

    key.current = (
      await db
        .selectFrom('images')
        .select('blob_key')
        .where('name', '=', 'Kept.png')
        .executeTakeFirstOrThrow()
    ).blob_key;
    key.old = (await db.selectFrom('oldimages').select('blob_key').executeTakeFirstOrThrow()).blob_key;
    key.deleted = (await db.selectFrom('filearchive').select('blob_key').executeTakeFirstOrThrow()).blob_key;
    const stash = (k: string) =>
      db.selectFrom('uploadstash').select('blob_key').where('key', '=', k).executeTakeFirstOrThrow();
    key.ready = (await stash(stashed.json.upload.filekey)).blob_key;
    key.receiving = (await stash(first.json.upload.filekey)).blob_key;
    key.thumb = (await db.selectFrom('thumbnails').select('blob_key').executeTakeFirstOrThrow()).blob_key;
    assert.equal(sha1(await bytesOf(blobs, key.current)), sha1(v2));
  });
  after(() => s?.close());

  it('finds a consistent wiki consistent: exit 0, every kind of row counted', async () => {
    const r = await check({ sha1: true });
    assert.deepEqual(r.problems, []);
    assert.equal(r.ok, true);
    assert.deepEqual(
      { ...r.counts, bytesHashed: undefined, filePages: undefined },
      {
        currentVersions: 1,
        oldVersions: 1,
        deletedVersions: 1,
        stashEntries: 2,
        thumbnails: 1,
        blobs: 6,
        bytesHashed: undefined,
        filePages: undefined,
      },
    );
    assert.ok(r.counts.bytesHashed >= 3000 + 3100 + 2000 + 2500);
    const c = await cli(s, '--sha1');
    assert.equal(c.code, 0, `${c.out}${c.err}`);
    assert.match(c.out, /\nConsistent\.$/m);
  });

  it('exits 2 when there is nothing to check (no database where it looks)', async () => {
    const dir = join(s.dataDir, 'not-a-wiki');
    const r = await promisify(execFile)(process.execPath, [CLI, 'check'], {
      // None of the caller's settings (a shell with the scale-out services' MWUP_S3_* would pick S3).
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MWUP_'))),
        MWUP_DATA_DIR: dir,
      },
    }).catch((e: { code: number; stderr: string }) => e);
    assert.equal((r as { code?: number }).code, 2);
    assert.match((r as { stderr: string }).stderr, /no database at .*not-a-wiki/);
    assert.equal(existsSync(join(dir, 'wiki.sqlite')), false);
  });

  it('reports a missing blob of the current, an old and a deleted version', async () => {
    for (const [k, table] of [
      [key.current, 'images'],
      [key.old, 'oldimages'],
      [key.deleted, 'filearchive'],
    ] as const) {
      await damaged(
        k!,
        () => blobs.delete(k!),
        async () => {
          const r = await check();
          assert.deepEqual(found(r), [`missing-blob ${table}`]);
          assert.equal(r.problems[0]!.blobKey, k);
          assert.equal(r.ok, false);
        },
      );
    }
    assert.deepEqual((await check()).problems, []);
  });

  it('reports a truncated blob (exit 1, in JSON with both sizes)', async () => {
    await damaged(
      key.old,
      (b) => blobs.write(key.old, Readable.from([b.subarray(0, 1000)])).then(() => {}),
      async () => {
        const c = await cli(s, '--json');
        assert.equal(c.code, 1, `${c.out}${c.err}`);
        const r = JSON.parse(c.out) as CheckReport;
        assert.equal(r.ok, false);
        assert.deepEqual(
          r.problems.map((p: Problem) => [p.kind, p.subject.table, p.expected, p.actual]),
          [['size-mismatch', 'oldimages', 3000, 1000]],
        );
        const text = await cli(s);
        assert.equal(text.code, 1);
        assert.match(
          text.out,
          /size-mismatch +old version \d{14}!Kept\.png: 3000 bytes recorded, 1000 stored/,
        );
        assert.match(text.out, /NOT consistent: 1 problem\./);
      },
    );
  });

  it('compares SHA-1s only when asked: the same size with other bytes', async () => {
    await damaged(
      key.current,
      async (b) => {
        const other = Buffer.from(b);
        other[other.length - 20]! ^= 0xff;
        await blobs.write(key.current, Readable.from([other]));
      },
      async () => {
        assert.deepEqual((await check()).problems, []);
        assert.deepEqual(found(await check({ sha1: true })), ['sha1-mismatch images']);
      },
    );
  });

  it('reports missing stash blobs: a stashed file and a chunked upload receiving', async () => {
    for (const k of [key.ready, key.receiving]) {
      await damaged(
        k!,
        () => blobs.delete(k!),
        async () => {
          const r = await check();
          assert.deepEqual(found(r), ['missing-blob uploadstash']);
          assert.equal(r.problems[0]!.blobKey, k);
        },
      );
    }
    // A chunk cut off while being appended leaves more bytes than recorded: allowed while receiving.
    await damaged(
      key.receiving,
      (b) => blobs.write(key.receiving, Readable.from([b, Buffer.alloc(100)])).then(() => {}),
      async () => assert.deepEqual((await check()).problems, []),
    );
    // Fewer are not.
    await damaged(
      key.receiving,
      (b) => blobs.write(key.receiving, Readable.from([b.subarray(0, 100)])).then(() => {}),
      async () => assert.deepEqual(found(await check()), ['size-mismatch uploadstash']),
    );
  });

  it('notes a recent unreferenced blob, reports it as an orphan past the grace period, and repairs only that', async () => {
    const orphan = 'upload/ff/ff00000000000000000000000000feed';
    await blobs.write(orphan, Readable.from([Buffer.from('left over')]));
    let r = await check();
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.notes.filter((n) => n.kind === 'recent-unreferenced-blob').map((n) => n.blobKey),
      [orphan],
    );
    const path = blobs.localPath(orphan);
    if (path) {
      // Two days old: past the default grace period (a day) of the CLI.
      const old = new Date(Date.now() - 2 * 86400_000);
      await utimes(path, old, old);
      const c = await cli(s, '--json');
      assert.equal(c.code, 1, `${c.out}${c.err}`);
      assert.deepEqual(
        (JSON.parse(c.out) as CheckReport).problems.map((p) => [p.kind, p.blobKey]),
        [['orphan-blob', orphan]],
      );
    }
    r = await check({ graceMs: 0 });
    assert.deepEqual(found(r), ['orphan-blob blobs']);
    r = await check({ graceMs: 0, repair: true });
    assert.equal(r.ok, true);
    assert.deepEqual(
      r.problems.map((p) => [p.kind, p.blobKey, p.repaired]),
      [['orphan-blob', orphan, true]],
    );
    assert.equal(await blobs.stat(orphan), null);
    // Everything referenced is still there.
    for (const k of Object.values(key)) assert.ok(await blobs.stat(k), k);
    assert.deepEqual((await check({ graceMs: 0 })).problems, []);
  });

  it('treats thumbnails as a cache: a missing one is a note, one of the wrong size a problem', async () => {
    await damaged(
      key.thumb,
      () => blobs.delete(key.thumb),
      async () => {
        const r = await check();
        assert.deepEqual(r.problems, []);
        assert.deepEqual(
          r.notes.map((n) => n.kind),
          ['thumbnail-not-stored'],
        );
      },
    );
    await damaged(
      key.thumb,
      (b) => blobs.write(key.thumb, Readable.from([b.subarray(0, 10)])).then(() => {}),
      async () => assert.deepEqual(found(await check()), ['thumbnail-size-mismatch thumbnails']),
    );
  });

  it('reports a file without its page, old versions without a current file and a page without its file', async () => {
    const db = s.server.db;
    const page = await db
      .selectFrom('pages')
      .selectAll()
      .where('namespace', '=', 6)
      .where('title', '=', 'Kept.png')
      .executeTakeFirstOrThrow();
    await db.deleteFrom('pages').where('id', '=', page.id).execute();
    try {
      assert.deepEqual(found(await check()), ['file-without-page images']);
    } finally {
      await db.insertInto('pages').values(page).execute();
    }
    const current = await db
      .selectFrom('images')
      .selectAll()
      .where('name', '=', 'Kept.png')
      .executeTakeFirstOrThrow();
    await db.deleteFrom('images').where('name', '=', 'Kept.png').execute();
    try {
      const r = await check({ graceMs: 0 });
      // Its blob is referenced by nothing now, either.
      assert.deepEqual(found(r), [
        'old-version-without-file oldimages',
        'orphan-blob blobs',
        'page-without-file pages',
      ]);
    } finally {
      await db.insertInto('images').values(current).execute();
    }
    assert.deepEqual((await check({ sha1: true, graceMs: 0 })).problems, []);
  });
});
