/**
 * A node dies (SIGKILL) in the middle of a tus PATCH; the client asks another node of the cluster
 * (one PostgreSQL database, one S3 bucket) where the upload stands and sends the rest there. What
 * the dead node had confirmed (whole segments) is kept, the upload completes and publishes with the
 * file's SHA-1.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { TestClient } from '../helpers/client.js';
import { pngOfSize, sha1 } from '../helpers/files.js';
import type { ServerProcess } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { type Cluster, startCluster } from './cluster.js';
import { missingServers } from './s3-env.js';

const skip = missingServers({ s3: true, pg: true });
const MiB = 1024 * 1024;
/** What the server stores and confirms at a time (src/upload/tus/store.ts). */
const SEGMENT = 8 * MiB;

const cookieOf = (c: TestClient) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

describe('a tus PATCH cut off by a dead node, continued on another node', { skip: skip ?? false }, () => {
  let cluster: Cluster;
  let a: ServerProcess;
  let b: ServerProcess;
  before(async () => {
    cluster = await startCluster(2, { name: 'tus-takeover' });
    [a, b] = cluster.nodes as [ServerProcess, ServerProcess];
  });
  after(() => cluster?.dispose());

  it('keeps what the dead node confirmed; the rest goes to the other node and the file publishes', async () => {
    const data = pngOfSize(20 * MiB + 123);
    const onA = await cluster.client(a);
    const onB = await cluster.client(b, onA);
    const tus = (node: ServerProcess) => node.api.replace(/api\.php$/, 'tus/');
    const created = await fetch(tus(a), {
      method: 'POST',
      headers: {
        'Tus-Resumable': '1.0.0',
        cookie: cookieOf(onA),
        'Upload-Length': String(data.length),
        'Upload-Metadata': `filename ${Buffer.from('Tus taken over.png').toString('base64')}`,
      },
    });
    assert.equal(created.status, 201, await created.text());
    const id = new URL(created.headers.get('location')!).pathname.split('/').pop()!;
    const onNode = (node: ServerProcess) => `${tus(node)}${id}`;
    const head = (node: ServerProcess) =>
      fetch(onNode(node), { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0', cookie: cookieOf(onB) } });

    // The whole file in one PATCH to node A; a segment and a half of it arrive, then A dies.
    const url = new URL(onNode(a));
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'PATCH',
      headers: {
        'Tus-Resumable': '1.0.0',
        cookie: cookieOf(onA),
        'Upload-Offset': '0',
        'Content-Type': 'application/offset+octet-stream',
        'Content-Length': String(data.length),
      },
    });
    req.on('error', () => {});
    req.write(data.subarray(0, SEGMENT + SEGMENT / 2));
    await waitFor(
      async () => (await head(b)).headers.get('upload-offset') === String(SEGMENT),
      'the first segment is confirmed (seen from node B)',
      60_000,
    );
    await a.kill('SIGKILL');
    req.destroy();

    // Node B says where the upload stands and takes the rest once the dead node's lease is over.
    const h = await head(b);
    assert.equal(h.status, 200);
    const offset = Number(h.headers.get('upload-offset'));
    assert.equal(offset, SEGMENT, 'no confirmed byte is lost, none unconfirmed is counted');
    const rest = await fetch(onNode(b), {
      method: 'PATCH',
      headers: {
        'Tus-Resumable': '1.0.0',
        cookie: cookieOf(onB),
        'Upload-Offset': String(offset),
        'Content-Type': 'application/offset+octet-stream',
      },
      body: new Uint8Array(data.subarray(offset)),
    });
    assert.equal(rest.status, 204, await rest.text());
    const filekey = rest.headers.get('upload-filekey');
    assert.ok(filekey);
    const done = await onB.post({
      action: 'upload',
      filekey,
      filename: 'Tus taken over.png',
      ignorewarnings: 1,
      token: await onB.csrf(),
    });
    assert.equal(done.json.upload?.result, 'Success', done.text);
    assert.equal(done.json.upload.imageinfo.sha1, sha1(data));
    const file = await fetch(done.json.upload.imageinfo.url);
    assert.equal(sha1(Buffer.from(await file.arrayBuffer())), sha1(data));
  });
});
