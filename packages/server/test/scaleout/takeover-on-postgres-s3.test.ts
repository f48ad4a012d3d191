/**
 * A node dies (SIGKILL) while receiving a chunk; the client sends the chunk again to another node
 * of the cluster (one PostgreSQL database, one S3 bucket). With the default lease the other node
 * takes the upload over within 10 s, and the upload completes with the file's SHA-1.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pngOfSize, sha1 } from '../helpers/files.js';
import { startPartialUpload, waitUntilReceiving } from '../helpers/partial-upload.js';
import type { ServerProcess } from '../helpers/server.js';
import { type Cluster, startCluster } from './cluster.js';
import { missingServers } from './s3-env.js';

const skip = missingServers({ s3: true, pg: true });

describe('a chunk cut off by a dead node, sent again to another node', { skip: skip ?? false }, () => {
  let cluster: Cluster;
  let a: ServerProcess;
  let b: ServerProcess;
  before(async () => {
    cluster = await startCluster(2, { name: 'takeover' });
    [a, b] = cluster.nodes as [ServerProcess, ServerProcess];
  });
  after(() => cluster?.dispose());

  it('is taken over within 10 s and the upload completes', async () => {
    const data = pngOfSize(3 * 1024 * 1024);
    const chunk = 1024 * 1024;
    const onA = await cluster.client(a);
    const token = await onA.csrf();
    const fields = {
      action: 'upload',
      stash: 1,
      filename: 'Taken over.png',
      filesize: data.length,
      ignorewarnings: 1,
      token,
    };
    const first = await onA.post(
      { ...fields, offset: 0 },
      { files: { chunk: { data: data.subarray(0, chunk) } } },
    );
    const key = first.json.upload.filekey as string;

    // The second chunk to node A: its fields and half of its bytes, then A dies.
    const req = startPartialUpload({
      api: a.api,
      cookies: onA.cookies,
      fields: { ...fields, format: 'json', offset: chunk, filekey: key },
      fileField: 'chunk',
      bytes: data.subarray(chunk, chunk + chunk / 2),
    });
    await waitUntilReceiving(a.database, key);
    await a.kill('SIGKILL');
    req.destroy();
    const killedAt = Date.now();

    // The client sends the chunk again, to node B: B waits for the dead node's lease, then appends.
    const onB = await cluster.client(b, onA);
    let offset = chunk;
    const again = await onB.post(
      { ...fields, offset, filekey: key },
      { files: { chunk: { data: data.subarray(offset, offset + chunk) } } },
    );
    const takeoverMs = Date.now() - killedAt;
    assert.equal(again.json.upload?.result, 'Continue', again.text);
    assert.ok(takeoverMs <= 10_000, `taken over after ${takeoverMs} ms`);
    offset = again.json.upload.offset;
    let last = again;
    while (offset < data.length) {
      last = await onB.post(
        { ...fields, offset, filekey: key },
        { files: { chunk: { data: data.subarray(offset, offset + chunk) } } },
      );
      offset = last.json.upload.offset ?? data.length;
    }
    assert.equal(last.json.upload?.result, 'Success', last.text);
    assert.equal(last.json.upload.imageinfo.sha1, sha1(data));
    const done = await onB.post({
      action: 'upload',
      filekey: last.json.upload.filekey,
      filename: 'Taken over.png',
      ignorewarnings: 1,
      token: await onB.csrf(),
    });
    assert.equal(done.json.upload?.result, 'Success', done.text);
    assert.equal(done.json.upload.imageinfo.sha1, sha1(data));
  });
});
