/**
 * Upload sources. The upload engine reads a source range by range ([start, end)), just before it sends
 * each range, so memory stays at about one chunk whatever the file size. Sources here are isomorphic;
 * the Node entry adds file paths (see node.ts).
 */
import { UploadError } from './errors.js';

export interface UploadSource {
  /** Total size in bytes; undefined for a stream whose end has not been reached. */
  readonly size: number | undefined;
  readonly name?: string | undefined;
  readonly type?: string | undefined;
  /** Whether any range can be read again (files, Blobs, buffers), or only forward (streams). */
  readonly seekable: boolean;
  /** Local path and mtime, for resume tokens. */
  readonly path?: string;
  readonly mtimeMs?: number;
  /** Bytes [start, end). Shorter only at the end of a stream of unknown size. */
  read(start: number, end: number, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * Optional: bytes [start, end) as a Blob that is read only while it is sent (a file-backed Blob, a
   * slice of a browser File). When present the engine sends it instead of copying the bytes.
   */
  blob?(start: number, end: number): Blob;
  /** Optional: reads bytes from `start` into `target` (up to its length); returns how many were read. */
  readInto?(start: number, target: Uint8Array, signal?: AbortSignal): Promise<number>;
  close(): Promise<void>;
}

/** What `upload()` accepts as a source (the Node entry also accepts a file path string). */
export type UploadSourceInput =
  | UploadSource
  | Blob
  | ArrayBuffer
  | ArrayBufferView
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

export function isUploadSource(x: unknown): x is UploadSource {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as UploadSource).read === 'function' &&
    typeof (x as UploadSource).close === 'function' &&
    'seekable' in x
  );
}

function checkRange(start: number, end: number, size: number | undefined): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`Invalid range [${start}, ${end})`);
  }
  if (size !== undefined && end > size) throw new RangeError(`Range [${start}, ${end}) beyond size ${size}`);
}

export class BytesSource implements UploadSource {
  readonly seekable = true;
  readonly size: number;
  readonly #bytes: Uint8Array;
  constructor(
    bytes: Uint8Array,
    readonly name?: string,
    readonly type?: string,
  ) {
    this.#bytes = bytes;
    this.size = bytes.byteLength;
  }
  async read(start: number, end: number): Promise<Uint8Array> {
    checkRange(start, end, this.size);
    return this.#bytes.subarray(start, end);
  }
  async close(): Promise<void> {}
}

export class BlobSource implements UploadSource {
  readonly seekable = true;
  readonly size: number;
  readonly name: string | undefined;
  readonly type: string | undefined;
  readonly #blob: Blob;
  constructor(blob: Blob, name?: string) {
    this.#blob = blob;
    this.size = blob.size;
    this.name = name ?? (typeof (blob as File).name === 'string' ? (blob as File).name : undefined);
    this.type = blob.type || undefined;
  }
  async read(start: number, end: number): Promise<Uint8Array> {
    checkRange(start, end, this.size);
    return new Uint8Array(await this.#blob.slice(start, end).arrayBuffer());
  }
  blob(start: number, end: number): Blob {
    checkRange(start, end, this.size);
    return this.#blob.slice(start, end);
  }
  async close(): Promise<void> {}
}

/**
 * A forward-only source over a stream. The range returned last can be read again (a chunk is re-sent
 * after a lost response); earlier bytes are gone, so jumping back further is an error.
 */
export class StreamSource implements UploadSource {
  readonly seekable = false;
  #size: number | undefined;
  readonly #iter: AsyncIterator<Uint8Array>;
  #buf: Uint8Array[] = [];
  #bufBytes = 0;
  /** Stream offset of the first byte in #buf. */
  #pos = 0;
  #done = false;
  #last: { start: number; data: Uint8Array } | undefined;

  constructor(
    input: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
    size?: number,
    readonly name?: string,
    readonly type?: string,
  ) {
    this.#size = size;
    const iterable: AsyncIterable<Uint8Array> =
      Symbol.asyncIterator in input
        ? (input as AsyncIterable<Uint8Array>)
        : readerIterable(input as ReadableStream);
    this.#iter = iterable[Symbol.asyncIterator]();
  }

  get size(): number | undefined {
    return this.#size;
  }

  async read(start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
    checkRange(start, end, this.#size);
    const last = this.#last;
    if (last && start >= last.start && end <= last.start + last.data.byteLength) {
      return last.data.subarray(start - last.start, end - last.start);
    }
    if (start < this.#pos) {
      throw new UploadError({
        code: 'source-not-seekable',
        info: `Cannot go back to byte ${start} of a stream that is already at byte ${this.#pos}.`,
      });
    }
    while (!this.#done && this.#pos + this.#bufBytes < end) {
      signal?.throwIfAborted();
      const r = await this.#iter.next();
      if (r.done) {
        this.#done = true;
        const total = this.#pos + this.#bufBytes;
        if (this.#size !== undefined && this.#size !== total) {
          throw new UploadError({
            code: 'source-size-mismatch',
            info: `The stream ended after ${total} bytes, but its size was given as ${this.#size}.`,
          });
        }
        this.#size = total;
        break;
      }
      const piece = r.value instanceof Uint8Array ? r.value : new Uint8Array(r.value as ArrayBuffer);
      if (piece.byteLength > 0) {
        this.#buf.push(piece);
        this.#bufBytes += piece.byteLength;
      }
    }
    // Drop whatever lies before `start`, then take [start, end).
    this.#consume(start - this.#pos);
    const want = Math.min(end, this.#pos + this.#bufBytes) - start;
    const out = new Uint8Array(want);
    let filled = 0;
    while (filled < want) {
      const head = this.#buf[0] as Uint8Array;
      const take = Math.min(head.byteLength, want - filled);
      out.set(head.subarray(0, take), filled);
      filled += take;
      this.#consume(take);
    }
    this.#last = { start, data: out };
    return out;
  }

  #consume(n: number): void {
    let left = n;
    while (left > 0) {
      const head = this.#buf[0];
      if (!head) break;
      if (head.byteLength <= left) {
        this.#buf.shift();
        left -= head.byteLength;
        this.#bufBytes -= head.byteLength;
        this.#pos += head.byteLength;
      } else {
        this.#buf[0] = head.subarray(left);
        this.#bufBytes -= left;
        this.#pos += left;
        left = 0;
      }
    }
  }

  async close(): Promise<void> {
    if (!this.#done) await this.#iter.return?.();
  }
}

async function* readerIterable(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Turns any isomorphic input into an UploadSource. */
export function toUploadSource(
  input: UploadSourceInput,
  opts: { name?: string; size?: number } = {},
): UploadSource {
  if (isUploadSource(input)) return input;
  if (typeof Blob !== 'undefined' && input instanceof Blob) return new BlobSource(input, opts.name);
  if (input instanceof ArrayBuffer) return new BytesSource(new Uint8Array(input), opts.name);
  if (ArrayBuffer.isView(input)) {
    return new BytesSource(new Uint8Array(input.buffer, input.byteOffset, input.byteLength), opts.name);
  }
  if (
    (typeof ReadableStream !== 'undefined' && input instanceof ReadableStream) ||
    (typeof input === 'object' && input !== null && Symbol.asyncIterator in input)
  ) {
    return new StreamSource(input as ReadableStream<Uint8Array>, opts.size, opts.name);
  }
  throw new TypeError('Unsupported upload source: give a Blob, bytes, a stream or (in Node) a file path.');
}
