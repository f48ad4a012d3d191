import { createHash, type Hash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';

/**
 * Cut a stream into consecutive streams of `size` bytes (the last one shorter), each read only once
 * the one before it has been read to its end. Nothing is buffered beyond the piece of the source
 * being handed on. An error of the source fails the segment being read.
 */
export async function* segments(source: Readable, size: number): AsyncGenerator<Readable> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pending: Buffer = Buffer.alloc(0);
  let ended = false;
  const more = async (): Promise<boolean> => {
    if (pending.length > 0) return true;
    if (ended) return false;
    const r = await it.next();
    if (r.done) {
      ended = true;
      return false;
    }
    pending = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    return true;
  };
  while (await more()) {
    let left = size;
    const piece = async function* () {
      while (left > 0 && (await more())) {
        const take = pending.subarray(0, left);
        pending = pending.subarray(take.length);
        left -= take.length;
        yield take;
      }
    };
    yield Readable.from(piece(), { objectMode: false });
  }
}

/** Hashes what flows through with one of the algorithms of the tus checksum extension. */
export class ChecksumTap extends Transform {
  private readonly hash: Hash;

  constructor(algorithm: string) {
    super();
    this.hash = createHash(algorithm);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    cb(null, chunk);
  }

  digest(): Buffer {
    return this.hash.digest();
  }
}

/** The checksum algorithms offered (`Tus-Checksum-Algorithm`), by their tus names. */
export const CHECKSUM_ALGORITHMS: Record<string, string> = { sha1: 'sha1', sha256: 'sha256', md5: 'md5' };
