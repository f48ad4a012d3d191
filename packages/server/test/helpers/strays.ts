/** What an upload that failed must not leave in storage. */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import type { S3BlobStore } from '../../src/storage/s3.js';
import type { TestServer } from './server.js';
import { waitFor } from './wait.js';

/** Unfinished writes (`.tmp/…` on disk, multipart uploads in S3), and blobs no row refers to. */
export async function storageStrays(s: TestServer): Promise<string[]> {
  const known = new Set<string>();
  for (const t of ['images', 'oldimages', 'filearchive', 'uploadstash', 'thumbnails'] as const)
    for (const r of await s.server.db.selectFrom(t).select('blob_key').execute()) known.add(r.blob_key);
  const out: string[] = [];
  for await (const b of s.server.services.blobs.list('upload/')) if (!known.has(b.key)) out.push(b.key);
  const st = s.config.storage;
  if (st.driver === 's3') {
    const { client } = s.server.services.blobs as S3BlobStore;
    const open = await client.send(new ListMultipartUploadsCommand({ Bucket: st.bucket, Prefix: st.prefix }));
    return [...out, ...(open.Uploads ?? []).map((u) => `multipart:${u.Key}`)];
  }
  const tmp = await readdir(join(s.config.dataDir, 'blobs', '.tmp')).catch(() => []);
  return [...out, ...tmp.map((t) => `.tmp/${t}`)];
}

/** Nothing stray is left (once what is being removed is gone). */
export async function assertNoStrays(s: TestServer): Promise<void> {
  await waitFor(async () => (await storageStrays(s)).length === 0, 'nothing is left in storage').catch(
    () => {},
  );
  assert.deepEqual(await storageStrays(s), []);
}
