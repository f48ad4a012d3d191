/**
 * A multipart body read from its socket (socket-body.ts) fed to the multipart parser, but for its
 * first file part: that one is handed out as a {@link SocketPartStream}, which storage can have
 * written into a file on the addon's threads (the bytes never reach JavaScript) or read as a stream.
 * The parser sees the body without that part, as if it had never been sent, so it parses the text
 * fields (and any other part) as usual.
 *
 * Only a body whose first line is the boundary's, ending in CRLF, is taken apart so; any other (a
 * preamble, LF line ends) goes to the parser whole, through the same path as a body read by Node.
 */
import { createRequire } from 'node:module';
import { Readable, type Writable } from 'node:stream';
import type { FileSinkBody, FillableBody, Filled } from '../storage/blob-store.js';
import { feedMultipart } from './multipart-lf.js';
import type { SocketBody } from './socket-body.js';

/** The multipart parser's own parameter parser and basename, so a part is named exactly as it would. */
const busboyUtil = createRequire(import.meta.url);
const parseParams = busboyUtil('@fastify/busboy/lib/utils/parseParams.js') as (
  header: string,
) => Array<string | [string, string]>;
const basename = busboyUtil('@fastify/busboy/lib/utils/basename.js') as (path: string) => string;

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');
/** A part's headers longer than this go to the parser (which has its own limit). */
const HEADERS_MAX = 16 * 1024;
/** The largest piece read for the parser or a part read as a stream. */
const PIECE = 256 * 1024;
const PART_PIECE = 1024 * 1024;

/** The field and file name of a file part's headers, or null for anything else (left to the parser). */
export function filePartHeader(headers: Buffer): { field: string; fileName: string } | null {
  let disposition: string | undefined;
  for (const line of headers.toString('latin1').split('\r\n')) {
    // Folded lines and the like: the parser's business.
    if (line.startsWith(' ') || line.startsWith('\t')) return null;
    const colon = line.indexOf(':');
    if (colon < 0) return null;
    if (line.slice(0, colon).trim().toLowerCase() === 'content-disposition') {
      disposition ??= line.slice(colon + 1).trim();
    }
  }
  if (disposition === undefined) return null;
  const [type, ...params] = parseParams(disposition);
  if (typeof type !== 'string' || !/^form-data$/i.test(type)) return null;
  let field: string | undefined;
  let fileName: string | undefined;
  for (const p of params) {
    if (!Array.isArray(p)) continue;
    if (/^name$/i.test(p[0])) field = p[1];
    else if (/^filename$/i.test(p[0])) fileName = p[1];
  }
  if (field === undefined || fileName === undefined) return null;
  if (/[\r\n]/.test(field) || /[\r\n]/.test(fileName)) return null;
  return { field, fileName: basename(fileName) };
}

/**
 * The content of a file part read from the socket: written into a file by {@link sinkInto}, copied
 * into buffers by {@link fillInto}, or read as a stream. {@link consumed} settles once the part and
 * its closing delimiter have been read.
 */
export class SocketPartStream extends Readable implements FileSinkBody, FillableBody {
  private mode: 'none' | 'read' | 'sink' | 'fill' = 'none';
  readonly consumed: Promise<void>;
  private settle!: (err?: unknown) => void;

  constructor(
    private readonly body: SocketBody,
    private readonly delimiter: Buffer,
  ) {
    super({ highWaterMark: 0 });
    this.consumed = new Promise<void>((resolve, reject) => {
      this.settle = (err) => (err ? reject(err) : resolve());
    });
    this.consumed.catch(() => {}); // observed by the feeder
  }

  override _read(): void {
    if (this.mode === 'sink' || this.mode === 'fill') return;
    this.mode = 'read';
    this.body.readPart(this.delimiter, PART_PIECE).then(
      ({ bytes, found }) => {
        if (bytes.length) this.push(bytes);
        if (found) {
          this.push(null);
          this.settle();
        } else if (bytes.length === 0) this.destroy(unexpectedEndOfPart());
      },
      (e: Error) => this.destroy(e),
    );
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.settle(err ?? unexpectedEndOfPart());
    done(err);
  }

  async sinkInto(
    fd: number,
    position: number,
    opts: { limit: number; syncEvery: number },
  ): Promise<{ size: number; sha1: string }> {
    if (this.mode !== 'none') throw new Error('the part is already being read');
    this.mode = 'sink';
    try {
      const written = await this.body.sink(fd, position, this.delimiter, opts.limit, opts.syncEvery);
      this.settle();
      this.push(null);
      return written;
    } catch (e) {
      this.settle(e);
      throw e;
    }
  }

  /** The SHA-1 state the first fill continues (null: a new hash). */
  private hashStart: Uint8Array | null = null;

  hashFrom(state: Uint8Array): void {
    if (this.mode !== 'none') throw new Error('the part is already being read');
    this.hashStart = state;
  }

  async fillInto(target: Uint8Array): Promise<Filled> {
    if (this.mode !== 'none' && this.mode !== 'fill') throw new Error('the part is already being read');
    const start = this.mode === 'none' ? this.hashStart : undefined;
    this.mode = 'fill';
    try {
      const filled = await this.body.fill(target, this.delimiter, start);
      if (filled.sha1 !== null) {
        this.settle();
        this.push(null);
      }
      return filled;
    } catch (e) {
      this.settle(e);
      throw e;
    }
  }
}

const unexpectedEndOfPart = () => new Error('Part terminated early due to unexpected end of multipart data');

/**
 * Feed `body` to `parser`, handing its first file part to `takeFile` (which says whether it takes
 * it: a part it does not take goes to the parser). `failed` hears of a body that cannot be read
 * (the client gone). Returns what stops the feeding (the rest of the body is then left unread).
 */
export function feedFromSocket(
  body: SocketBody,
  boundary: string,
  parser: Writable,
  takeFile: (field: string, fileName: string, stream: SocketPartStream) => boolean,
  failed: (e: Error) => void,
): () => void {
  const dashBoundary = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let stopped = false;
  let stopWaiting = () => {};
  const stopping = new Promise<void>((resolve) => {
    stopWaiting = resolve;
  });
  let stopInner = () => {};
  const STOPPED = new Error('stopped');
  const write = async (bytes: Buffer) => {
    if (stopped) throw STOPPED;
    if (bytes.length && !parser.write(bytes)) {
      await Promise.race([new Promise((resolve) => parser.once('drain', resolve)), stopping]);
      if (stopped) throw STOPPED;
    }
  };
  /** The rest of the body, as it comes, to the parser. */
  const rest = async () => {
    for (let bytes = await body.read(PIECE); bytes !== null; bytes = await body.read(PIECE))
      await write(bytes);
    if (!stopped) parser.end();
  };
  /** A body this does not take apart: to the parser whole, as one read by Node. */
  const whole = (first: Buffer) => {
    const stream = Readable.from(
      (async function* () {
        if (first.length) yield first;
        for (let bytes = await body.read(PIECE); bytes !== null; bytes = await body.read(PIECE)) yield bytes;
      })(),
      { objectMode: false },
    );
    stream.on('error', (e) => failed(e));
    stopInner = feedMultipart(stream, boundary, parser);
  };
  /** A part passed to the parser: `start` (its headers so far), then its content and delimiter. */
  const passPart = async (start: Buffer[]): Promise<boolean> => {
    for (const b of start) await write(b);
    for (;;) {
      const { bytes, found } = await body.readPart(delimiter, PIECE);
      await write(bytes);
      if (found) {
        await write(delimiter);
        return true;
      }
      if (bytes.length === 0) {
        parser.end();
        return false;
      }
    }
  };
  const run = async () => {
    const first = await body.readExactly(dashBoundary.length + 2);
    if (!first.subarray(0, dashBoundary.length).equals(dashBoundary) || !first.subarray(-2).equals(CRLF)) {
      whole(first);
      return;
    }
    // The parser is given each delimiter without the CRLF after it: that goes with the part that
    // follows, when the part is the parser's.
    await write(dashBoundary);
    let fileTaken = false;
    for (;;) {
      // Just after a delimiter line: the part's headers, up to the blank line.
      const lead = await body.readExactly(2);
      if (lead.length < 2) {
        await write(CRLF);
        await write(lead);
        await rest();
        return;
      }
      if (lead.equals(CRLF)) {
        // No headers at all: the parser's business (it skips such a part).
        if (!(await passPart([CRLF, CRLF]))) return;
      } else {
        const part = await body.readPart(HEADERS_END, HEADERS_MAX);
        const headers = Buffer.concat([lead, part.bytes]);
        if (!part.found) {
          // Headers too long, or the body ends within them: the parser says what it makes of it.
          await write(CRLF);
          await write(headers);
          await rest();
          return;
        }
        const file = fileTaken ? null : filePartHeader(headers);
        // The parser tells of a field once the stream of its value has ended (a tick after it was
        // given the delimiter): the fields before the file are known before it is taken.
        if (file) await new Promise((resolve) => setImmediate(resolve));
        const stream = file && !stopped ? new SocketPartStream(body, delimiter) : null;
        if (file && stream && takeFile(file.field, file.fileName, stream)) {
          fileTaken = true;
          try {
            await Promise.race([stream.consumed, stopping]);
          } catch {
            // The part failed: its consumer reports why (a full disk is not a broken body).
            return;
          }
          if (stopped) return;
        } else if (!(await passPart([CRLF, headers, HEADERS_END]))) return;
      }
      // After the delimiter: CRLF and another part, or the closing `--` and the epilogue.
      const after = await body.readExactly(2);
      if (!after.equals(CRLF)) {
        await write(after);
        await rest();
        return;
      }
    }
  };
  run().catch((e: Error) => {
    if (e !== STOPPED && !stopped) failed(e);
  });
  return () => {
    stopped = true;
    stopWaiting();
    stopInner();
  };
}
