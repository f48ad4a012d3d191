import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { S3BlobStore } from '../../src/storage/s3.js';
import { chunksOf, failingSource, listKeys, readAll } from '../contracts/blob-store.js';
import { waitFor } from '../helpers/wait.js';
import { missingServers, removeAll, s3Config } from './s3-env.js';
import { operationOf, S3Proxy } from './s3-proxy.js';

const skip = missingServers({ s3: true });
const MIB = 1024 * 1024;

/** What only the S3 store does (the contract every store keeps: scaleout/contracts-on-postgres-s3). */
if (skip) {
  describe('S3BlobStore specifics', { skip }, () => {
    it('needs an S3 server');
  });
} else {
  describe('S3BlobStore specifics', () => {
    const prefix = `specifics-${randomUUID()}/`;
    let store: S3BlobStore;
    /** Requests reach S3 through it: it sees them as they go over the wire. */
    const proxy = new S3Proxy();
    /** The operations sent since the last reset. */
    const sent = () => proxy.seen.map(operationOf);
    const reset = () => {
      proxy.seen = [];
    };
    before(async () => {
      const endpoint = await proxy.start(new URL(s3Config('').endpoint!));
      store = new S3BlobStore({ ...s3Config(prefix), endpoint });
    });
    after(async () => {
      await removeAll(prefix, store);
      await proxy.close();
    });

    /** The keys of the objects under the prefix (and `under` within it). */
    async function rawKeys(under = ''): Promise<string[]> {
      const r = await store.client.send(
        new ListObjectsV2Command({ Bucket: s3Config('').bucket, Prefix: prefix + under }),
      );
      return (r.Contents ?? []).map((o) => o.Key!.slice(prefix.length)).sort();
    }

    async function openUploads(): Promise<number> {
      const r = await store.client.send(
        new ListMultipartUploadsCommand({ Bucket: s3Config('').bucket, Prefix: prefix }),
      );
      return (r.Uploads ?? []).length;
    }

    /** Store an object as it is, under the store's prefix. */
    const putRaw = (key: string, body: string) =>
      store.client.send(new PutObjectCommand({ Bucket: s3Config('').bucket, Key: prefix + key, Body: body }));
    const part = (end: number, start?: number) =>
      `${String(end).padStart(16, '0')}${start === undefined ? '' : `.${String(start).padStart(16, '0')}`}`;

    it('keeps every object under the configured prefix, in the documented layout', async () => {
      await store.write('layout/w', chunksOf(Buffer.from('w')));
      await store.append('layout/a', 0, chunksOf(Buffer.from('abc')));
      await store.append('layout/a', 3, chunksOf(Buffer.from('de')));
      // Parts that fit one PutObject are named by their end, then their start: no marker.
      assert.deepEqual(await rawKeys(), [
        `layout/a~parts/${part(3, 0)}`,
        `layout/a~parts/${part(5, 3)}`,
        'layout/w',
      ]);
      assert.deepEqual(await listKeys(store, 'layout/'), ['layout/a', 'layout/w']);
      await store.seal('layout/a', 5);
      assert.deepEqual(await rawKeys(), ['layout/a', 'layout/w']);
      await store.delete('layout/a');
      await store.delete('layout/w');
      assert.deepEqual(await rawKeys(), []);
    });

    it('an append at the end costs one listing and the part', async () => {
      await store.append('cost/a', 0, chunksOf(Buffer.from('abc')));
      reset();
      await store.append('cost/a', 3, chunksOf(Buffer.from('def')));
      assert.deepEqual(sent(), ['ListObjectsV2', 'PutObject']);
      await store.delete('cost/a');
    });

    it("sends a chunk's requests around the S3 client's command pipeline", async () => {
      // The pipeline costs more CPU than a 5 MiB part's request itself (bench/README.md).
      const commands: string[] = [];
      const watch = 'watchCommands';
      store.client.middlewareStack.add(
        (next, context) => async (args) => {
          commands.push(context.commandName ?? '?');
          return next(args);
        },
        { step: 'initialize', name: watch },
      );
      try {
        await store.append('lean/a', 0, chunksOf(Buffer.from('abc')));
        await store.append('lean/a', 3, chunksOf(Buffer.from('def')));
        assert.equal((await store.stat('lean/a'))?.size, 6);
        assert.deepEqual(commands, []);
        await store.delete('lean/a');
      } finally {
        store.client.middlewareStack.remove(watch);
      }
    });

    it("corrects the client's clock from the server's answer when a request is refused for its time", async () => {
      const config = store.client.config as { systemClockOffset?: number };
      config.systemClockOffset = 3_600_000; // the clock an hour ahead
      try {
        reset();
        await store.write('clock/a', chunksOf(Buffer.from('on time')));
        assert.deepEqual(sent(), ['PutObject', 'PutObject'], 'refused once, then sent again');
        assert.ok(Math.abs(config.systemClockOffset) < 60_000, `offset ${config.systemClockOffset}`);
        assert.equal((await readAll(store.read('clock/a'))).toString(), 'on time');
        await store.delete('clock/a');
      } finally {
        config.systemClockOffset = 0;
      }
    });

    it('works under a prefix with characters that URLs and XML escape', async () => {
      const odd = new S3BlobStore(s3Config(`${prefix}odd & <co> "q" 'a' +%é~ ü/`));
      try {
        await odd.write('w/x', chunksOf(Buffer.from('written')));
        await odd.append('a/y', 0, chunksOf(Buffer.from('abc')));
        await odd.append('a/y', 3, chunksOf(Buffer.from('de')));
        assert.deepEqual(await listKeys(odd, ''), ['a/y', 'w/x']);
        assert.equal((await odd.stat('w/x'))?.size, 7);
        await odd.seal('a/y', 5);
        assert.equal((await readAll(odd.read('a/y'))).toString(), 'abcde');
        await odd.delete('a/y');
        await odd.delete('w/x');
        assert.deepEqual(await listKeys(odd, ''), []);
      } finally {
        await removeAll(`${prefix}odd & <co> "q" 'a' +%é~ ü/`);
      }
    });

    it('names a part larger than a part size by its start, with a marker at its end', async () => {
      const big = randomBytes(9 * MIB);
      await store.append('large/a', 0, chunksOf(Buffer.from('abc')));
      reset();
      await store.append('large/a', 3, chunksOf(big, MIB));
      assert.equal(sent().at(-1), 'PutObject', 'the marker, once the multipart upload completed');
      const end = 3 + big.length;
      assert.deepEqual(await rawKeys('large/'), [
        `large/a~parts/${part(3)}`,
        `large/a~parts/${part(3, 0)}`,
        `large/a~parts/${part(end)}.end`,
      ]);
      reset();
      await store.append('large/a', end, chunksOf(Buffer.from('z')));
      assert.deepEqual(sent(), ['ListObjectsV2', 'PutObject']);
      await store.seal('large/a', end + 1);
      assert.deepEqual(
        await readAll(store.read('large/a')),
        Buffer.concat([Buffer.from('abc'), big, Buffer.from('z')]),
      );
      await store.delete('large/a');
    });

    it('goes on with blobs stored in the earlier layout (parts by their start, markers at their ends)', async () => {
      await putRaw(`old/a~parts/${part(0)}`, 'abc');
      await putRaw(`old/a~parts/${part(3)}.end`, '');
      assert.deepEqual((await store.stat('old/a'))?.size, 3);
      reset();
      assert.equal(await store.append('old/a', 3, chunksOf(Buffer.from('de'))), 5);
      assert.deepEqual(sent(), ['ListObjectsV2', 'PutObject']);
      assert.equal((await readAll(store.read('old/a'))).toString(), 'abcde');
      // A retry at an earlier offset cuts the part back under its new name.
      assert.equal(await store.append('old/a', 2, chunksOf(Buffer.from('XY'))), 4);
      assert.deepEqual(await rawKeys('old/'), [`old/a~parts/${part(2, 0)}`, `old/a~parts/${part(4, 2)}`]);
      await store.seal('old/a', 4);
      assert.equal((await readAll(store.read('old/a'))).toString(), 'abXY');
      await store.delete('old/a');
    });

    it('keeps the shorter of two parts that begin at one offset (a cut back that stopped halfway)', async () => {
      await putRaw(`half/a~parts/${part(6, 0)}`, 'abcdef');
      await putRaw(`half/a~parts/${part(4, 0)}`, 'abcd');
      assert.equal((await store.stat('half/a'))?.size, 4);
      assert.equal((await readAll(store.read('half/a'))).toString(), 'abcd');
      assert.equal(await store.append('half/a', 4, chunksOf(Buffer.from('XY'))), 6);
      assert.deepEqual(await rawKeys('half/'), [`half/a~parts/${part(4, 0)}`, `half/a~parts/${part(6, 4)}`]);
      await store.seal('half/a', 6);
      assert.equal((await readAll(store.read('half/a'))).toString(), 'abcdXY');
      await store.delete('half/a');
    });

    it('seals parts of at least 5 MiB by copying on the server, without reading them', async () => {
      const parts = [randomBytes(5 * MIB), randomBytes(5 * MIB + 1), randomBytes(100)];
      let off = 0;
      for (const p of parts) off = await store.append('copy/a', off, chunksOf(p, MIB));
      reset();
      await store.seal('copy/a', off);
      assert.equal(sent().filter((c) => c === 'UploadPartCopy').length, 3);
      assert.ok(!sent().includes('GetObject'), sent().join());
      assert.ok(!sent().includes('UploadPart'), sent().join());
      assert.deepEqual(await readAll(store.read('copy/a')), Buffer.concat(parts));
      await store.delete('copy/a');
    });

    it('sends a part copy again when S3 answers 200 with an error in its body', async () => {
      const parts = [randomBytes(5 * MIB), randomBytes(100)];
      let off = 0;
      for (const p of parts) off = await store.append('copy200/a', off, chunksOf(p, MIB));
      proxy.set('error-in-200', 1, (r) => operationOf(r) === 'UploadPartCopy');
      try {
        await store.seal('copy200/a', off);
        assert.equal(proxy.faulted, 1);
      } finally {
        proxy.set('pass');
      }
      assert.deepEqual(await readAll(store.read('copy200/a')), Buffer.concat(parts));
      await store.delete('copy200/a');
    });

    it('seals one large part with a single server-side copy', async () => {
      const data = randomBytes(6 * MIB);
      await store.append('copy/one', 0, chunksOf(data, MIB));
      reset();
      await store.seal('copy/one', data.length);
      assert.ok(sent().includes('CopyObject'), sent().join());
      assert.ok(!sent().includes('GetObject'), sent().join());
      assert.deepEqual(await readAll(store.read('copy/one')), data);
      await store.delete('copy/one');
    });

    it('sends small parts again, in pieces of 5 MiB, and copies the rest of a large part', async () => {
      const parts = [randomBytes(3 * MIB), randomBytes(9 * MIB), randomBytes(10)];
      let off = 0;
      for (const p of parts) off = await store.append('mixed/a', off, chunksOf(p, MIB));
      reset();
      await store.seal('mixed/a', off);
      // 3 MiB and the first 2 MiB of the large part are sent; its other 7 MiB and the last part are copied.
      assert.equal(sent().filter((c) => c === 'UploadPart').length, 1, sent().join());
      assert.equal(sent().filter((c) => c === 'UploadPartCopy').length, 2, sent().join());
      assert.deepEqual(await readAll(store.read('mixed/a')), Buffer.concat(parts));
      await store.delete('mixed/a');
    });

    it('writes a large body in parts of exactly the part size, unsigned, without waiting to continue', async () => {
      // Pieces of 3 MiB straddle the 8 MiB part boundaries.
      const data = randomBytes(20 * MIB);
      reset();
      assert.equal(await store.write('parts/a', chunksOf(data, 3 * MIB)), data.length);
      const parts = proxy.seen.filter((r) => operationOf(r) === 'UploadPart');
      assert.deepEqual(
        parts.map((p) => Number(p.headers['content-length'])),
        [8 * MIB, 8 * MIB, 4 * MIB],
      );
      assert.ok(
        parts.every((p) => p.headers['x-amz-content-sha256'] === 'UNSIGNED-PAYLOAD' && !p.headers.expect),
      );
      assert.deepEqual(await readAll(store.read('parts/a')), data);
      await store.delete('parts/a');
    });

    it('a failed large write leaves no multipart upload behind', async () => {
      const before = await openUploads();
      await assert.rejects(store.write('abort/a', failingSource(randomBytes(20 * MIB), MIB)));
      await assert.rejects(store.append('abort/b', 0, failingSource(randomBytes(20 * MIB), MIB)));
      assert.equal(await openUploads(), before);
      assert.deepEqual(await listKeys(store, 'abort/'), []);
    });

    it('sweepTemp aborts multipart uploads left behind, but not one still receiving parts', async () => {
      const Bucket = s3Config('').bucket;
      await store.client.send(new CreateMultipartUploadCommand({ Bucket, Key: `${prefix}left/behind` }));
      const slow = await store.client.send(
        new CreateMultipartUploadCommand({ Bucket, Key: `${prefix}left/slow` }),
      );
      assert.equal(await openUploads(), 2);
      assert.equal(await store.sweepTemp(60_000), 0, 'both are recent');
      // Let both uploads grow older than the one-second limit below (the store keeps whole seconds),
      // then give one a fresh part.
      const listed = await store.client.send(
        new ListMultipartUploadsCommand({ Bucket, Prefix: `${prefix}left/` }),
      );
      const started = Math.max(...(listed.Uploads ?? []).map((u) => u.Initiated?.getTime() ?? Date.now()));
      await waitFor(() => Date.now() - started > 2000, 'both uploads are two seconds old');
      await store.client.send(
        new UploadPartCommand({
          Bucket,
          Key: `${prefix}left/slow`,
          UploadId: slow.UploadId,
          PartNumber: 1,
          Body: 'x',
        }),
      );
      assert.equal(await store.sweepTemp(1000), 1, 'the one without recent parts');
      assert.equal(await openUploads(), 1);
      assert.equal(await store.sweepTemp(-60_000), 1);
      assert.equal(await openUploads(), 0);
    });

    it('lists an interrupted seal (object and parts both present) once', async () => {
      await store.append('twice/a', 0, chunksOf(Buffer.from('abc')));
      await store.write('twice/a', chunksOf(Buffer.from('abc')));
      assert.deepEqual(await listKeys(store, 'twice/'), ['twice/a']);
      await store.seal('twice/a', 3);
      assert.deepEqual(await rawKeys().then((k) => k.filter((x) => x.startsWith('twice/'))), ['twice/a']);
      await store.delete('twice/a');
    });
  });
}
