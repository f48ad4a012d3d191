/**
 * A tus upload whose stored bytes are lost from storage between requests (removed by hand, a lost
 * volume): the next PATCH is answered 410 with MediaWiki's stash error, and the upload is gone, so a
 * client resuming it starts again instead of failing on it for ever.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestClient } from '../helpers/client.js';
import { pngOfSize } from '../helpers/files.js';
import { startWithBot, type TestServer } from '../helpers/server.js';
import { b64, tusFetch } from './tus-requests.js';

describe('tus uploads whose stored bytes are lost', () => {
  let s: TestServer;
  let c: TestClient;
  before(async () => {
    ({ s, bot: c } = await startWithBot());
  });
  after(() => s.close());

  const nothing = async function* () {};
  const lose = {
    all: (blobKey: string) => s.server.services.blobs.delete(blobKey),
    part: async (blobKey: string) => {
      await s.server.services.blobs.append(blobKey, 1000, nothing());
    },
  };

  for (const what of ['all', 'part'] as const) {
    it(`answers the next PATCH 410 and removes the upload (${what} of the bytes lost)`, async () => {
      const data = pngOfSize(3000);
      const created = await tusFetch(`${s.origin}/w/tus/`, c, {
        method: 'POST',
        headers: {
          'Upload-Length': String(data.length),
          'Upload-Metadata': `filename ${b64(`Tus lost ${what}.png`)}`,
        },
      });
      assert.equal(created.status, 201);
      const url = created.headers.get('location')!;
      const patch = (from: number, to: number) =>
        tusFetch(url, c, {
          method: 'PATCH',
          headers: { 'Upload-Offset': String(from), 'Content-Type': 'application/offset+octet-stream' },
          body: data.subarray(from, to),
        });
      assert.equal((await patch(0, 1500)).status, 204);
      const id = url.split('/').pop()!;
      const row = await s.server.db
        .selectFrom('tus_uploads')
        .select('stash_key')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const entry = await s.server.services.uploads.stash.peek(row.stash_key);
      assert.ok(entry);
      await lose[what](entry.blobKey);

      const next = await patch(1500, data.length);
      assert.equal(next.status, 410);
      assert.equal(next.headers.get('mediawiki-api-error'), 'uploadstash-file-not-found-not-exists');
      assert.match(await next.text(), /Cannot find path, or not a plain file\./);
      const head = await tusFetch(url, c, { method: 'HEAD' });
      assert.equal(head.status, 404, 'a client resuming it is told to start again');
      assert.equal(await s.server.services.uploads.stash.peek(row.stash_key), null);
      assert.equal(await s.server.services.blobs.stat(entry.blobKey), null, 'nothing of it is left');
    });
  }
});
