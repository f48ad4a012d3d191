import { DeleteObjectsCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { S3BlobStore, type S3StorageConfig } from '../../src/storage/s3.js';

/** Why the scale-out tests cannot run here, or null when the servers are configured. */
export function missingServers(need: { s3?: boolean; pg?: boolean }): string | null {
  const missing: string[] = [];
  if (need.s3 && !process.env.MWUP_S3_ENDPOINT) missing.push('MWUP_S3_ENDPOINT');
  if (need.pg && !process.env.MWUP_TEST_PG_URL) missing.push('MWUP_TEST_PG_URL');
  return missing.length
    ? `${missing.join(' and ')} not set: run .ci/services.sh, then source .ci/services.env`
    : null;
}

/** The S3 server from the environment, with objects under `prefix`. */
export function s3Config(prefix: string): S3StorageConfig {
  const env = process.env;
  return {
    bucket: env.MWUP_S3_BUCKET ?? 'mwup-test',
    endpoint: env.MWUP_S3_ENDPOINT,
    region: env.MWUP_S3_REGION ?? 'us-east-1',
    accessKeyId: env.MWUP_S3_ACCESS_KEY_ID,
    secretAccessKey: env.MWUP_S3_SECRET_ACCESS_KEY,
    forcePathStyle: env.MWUP_S3_FORCE_PATH_STYLE !== 'false',
    prefix,
  };
}

/** Remove every object under `prefix` of the test bucket (in batches; appendable parts included). */
export async function removeAll(prefix: string, store = new S3BlobStore(s3Config(prefix))): Promise<void> {
  const Bucket = s3Config('').bucket;
  try {
    for (;;) {
      const r = await store.client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix }));
      const keys = (r.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (keys.length === 0) return;
      await store.client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys, Quiet: true } }));
    }
  } finally {
    store.destroy();
  }
}

/**
 * What writers left under `prefix`: the keys of multipart uploads neither completed nor aborted, and
 * of parts of appendable blobs not sealed (`…~parts/…`).
 */
export async function leftOver(prefix: string): Promise<{ uploads: string[]; parts: string[] }> {
  const Bucket = s3Config('').bucket;
  const store = new S3BlobStore(s3Config(prefix));
  const uploads: string[] = [];
  const parts: string[] = [];
  try {
    let key: string | undefined;
    let id: string | undefined;
    do {
      const r = await store.client.send(
        new ListMultipartUploadsCommand({ Bucket, Prefix: prefix, KeyMarker: key, UploadIdMarker: id }),
      );
      for (const u of r.Uploads ?? []) uploads.push(u.Key!);
      [key, id] = r.IsTruncated ? [r.NextKeyMarker, r.NextUploadIdMarker] : [];
    } while (key);
    let token: string | undefined;
    do {
      const r = await store.client.send(
        new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of r.Contents ?? []) if (o.Key!.includes('~parts/')) parts.push(o.Key!);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
  } finally {
    store.destroy();
  }
  return { uploads, parts };
}
