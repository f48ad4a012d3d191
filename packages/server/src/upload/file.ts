import type { BlobStore } from '../storage/blob-store.js';
import type { ContentSource } from './analyze.js';

/** The bytes of an upload, wherever they came from, already in blob storage. */
export interface UploadFile {
  blobKey: string;
  size: number;
  sha1: string;
  head: Buffer;
  /** The last bytes (up to TAIL_BYTES), when known. */
  tail?: Buffer;
  sourceType: 'file' | 'url' | 'stash' | 'chunks';
  /** Set when the bytes come from (or were put into) the stash. */
  stashKey?: string;
}

/** The bytes of an upload as the analysis steps read them. */
export function contentOf(
  blobs: BlobStore,
  file: Pick<UploadFile, 'blobKey' | 'size' | 'head' | 'tail'>,
): ContentSource {
  return {
    size: file.size,
    head: file.head,
    ...(file.tail ? { tail: file.tail } : {}),
    open: () => blobs.read(file.blobKey),
    openFrom: (offset: number) => blobs.read(file.blobKey, { start: offset, end: file.size - 1 }),
  };
}
