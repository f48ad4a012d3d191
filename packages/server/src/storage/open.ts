import type { StorageConfig } from '../config.js';
import type { BlobStore } from './blob-store.js';
import { LocalBlobStore } from './local.js';

/** The blob store the configuration names (the server's and the admin tools' one way to open it). */
export async function openBlobStore(cfg: StorageConfig): Promise<BlobStore> {
  if (cfg.driver === 'local') return new LocalBlobStore(cfg.dir);
  if (cfg.driver === 's3') {
    // Loaded only when used: the AWS SDK is large.
    const { S3BlobStore } = await import('./s3.js');
    return new S3BlobStore(cfg);
  }
  throw new Error(`storage driver ${(cfg as { driver: string }).driver} is not available`);
}
