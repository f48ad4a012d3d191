import { createHash, randomUUID } from 'node:crypto';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import type { ReceivedFile } from '../api/context.js';
import { MwError } from '../errors.js';
import { TAIL_BYTES } from '../mime/index.js';
import type { BlobStore } from '../storage/blob-store.js';
import { resumableSha1 } from './sha1.js';

/** How many leading bytes of each upload are kept in memory for type detection and verification. */
export const HEAD_BYTES = 1024 * 1024;

/** Where a file part goes: a new temporary blob, or appended to a chunked upload in progress. */
export type ReceivePlan =
  | { kind: 'blob' }
  | { kind: 'append'; stashKey: string; blobKey: string; offset: number; hashState: string | null };

/** A streaming tap: counts, hashes and keeps the head of the bytes flowing through, enforcing a size limit. */
class Tap extends Transform {
  size = 0;
  private readonly headParts: Buffer[] = [];
  private headLen = 0;
  private tailParts: Buffer[] = [];
  private tailLen = 0;

  constructor(
    private readonly limit: number,
    private readonly update: (b: Buffer) => Promise<void> | undefined | void,
    /** How many leading bytes to keep (later chunks of a chunked upload need none). */
    private readonly headLimit = HEAD_BYTES,
    /** Whether to keep the last TAIL_BYTES (whole files only). */
    private readonly withTail = true,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.limit) {
      cb(fileTooLarge(this.limit));
      return;
    }
    let wait: Promise<void> | undefined | void;
    try {
      wait = this.update(chunk);
    } catch (e) {
      cb(e as Error);
      return;
    }
    if (this.headLen < this.headLimit) {
      const take = chunk.subarray(0, this.headLimit - this.headLen);
      this.headParts.push(Buffer.from(take));
      this.headLen += take.length;
    }
    if (this.withTail) this.keepTail(chunk);
    if (wait) wait.then(() => cb(null, chunk), cb);
    else cb(null, chunk);
  }

  /** Keep the last TAIL_BYTES seen (whole chunks, trimmed from the front). */
  private keepTail(chunk: Buffer): void {
    this.tailParts.push(chunk);
    this.tailLen += chunk.length;
    while (this.tailParts.length > 1 && this.tailLen - this.tailParts[0]!.length >= TAIL_BYTES) {
      this.tailLen -= this.tailParts.shift()!.length;
    }
  }

  head(): Buffer {
    return Buffer.concat(this.headParts);
  }

  tail(): Buffer {
    const all = Buffer.concat(this.tailParts);
    return Buffer.from(all.subarray(Math.max(0, all.length - TAIL_BYTES)));
  }
}

export function fileTooLarge(limit: number): MwError {
  return new MwError(
    'file-too-large',
    `The file you submitted was too large. Maximum is ${limit.toLocaleString('en-US')} bytes.`,
    {
      max: limit,
    },
  );
}

/**
 * Pipe `src` into `tap`, passing errors of the source on (pipe() alone does not). When the tap fails
 * (size limit) the source is only unpiped: its owner decides whether to drain or destroy it.
 */
function through(src: Readable, tap: Tap): Tap {
  src.on('error', (e) => tap.destroy(e));
  tap.on('error', () => src.unpipe(tap));
  return src.pipe(tap);
}

/** A new key for an uploaded blob. Blob keys are never reused. */
export function newBlobKey(kind: 'upload' | 'thumb' = 'upload'): string {
  const id = randomUUID().replace(/-/g, '');
  return `${kind}/${id.slice(0, 2)}/${id}`;
}

/**
 * Stream an uploaded part into storage while sizing and hashing it. Never buffers the part:
 * only its first HEAD_BYTES are kept. On any failure nothing is left behind.
 */
export async function receivePart(
  blobs: BlobStore,
  field: string,
  partName: string,
  stream: Readable,
  plan: ReceivePlan,
  limit: number,
): Promise<ReceivedFile> {
  if (plan.kind === 'append') {
    const hasher = resumableSha1(plan.hashState ? Buffer.from(plan.hashState, 'base64') : null);
    const tap = new Tap(limit, (b) => hasher.update(b), plan.offset === 0 ? HEAD_BYTES : 0, false);
    let hashState: string;
    try {
      await blobs.append(plan.blobKey, plan.offset, through(stream, tap));
      hashState = Buffer.from(await hasher.save()).toString('base64');
    } catch (e) {
      hasher.discard();
      // The first chunk of an upload that never came to be: nothing may stay behind.
      if (plan.offset === 0 && plan.stashKey === '') await blobs.delete(plan.blobKey);
      throw e;
    }
    return {
      field,
      partName,
      size: tap.size,
      sha1: '',
      head: tap.head(),
      target: {
        kind: 'append',
        stashKey: plan.stashKey,
        blobKey: plan.blobKey,
        offset: plan.offset,
        hashState,
      },
      claimed: false,
    };
  }
  const hash = createHash('sha1');
  const tap = new Tap(limit, (b) => {
    hash.update(b);
  });
  const blobKey = newBlobKey();
  await blobs.write(blobKey, through(stream, tap));
  return {
    field,
    partName,
    size: tap.size,
    sha1: hash.digest('hex'),
    head: tap.head(),
    tail: tap.tail(),
    target: { kind: 'blob', blobKey },
    claimed: false,
  };
}
