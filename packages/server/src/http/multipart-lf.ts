/**
 * Multipart bodies whose lines end in LF alone, as Python's email package writes them (pywikibot's
 * uploads). PHP accepts them; the multipart parser here wants CRLF. This stream adds the CR where a
 * structural line lacks it — boundary lines and part headers — and leaves part contents untouched.
 * A body whose first boundary line ends in CRLF passes through unchanged.
 */
import type { Readable, Writable } from 'node:stream';
import { Transform, type TransformCallback } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;
const CRLF = Buffer.from('\r\n');

/** The boundary of a multipart/form-data Content-Type, or null. */
export function multipartBoundary(contentType: string | undefined): string | null {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return m ? (m[1] ?? m[2] ?? null) : null;
}

/**
 * How the first boundary line (`--boundary`) at the start of `buf` ends: in CRLF, in a bare LF, or
 * `none` when the body does not start with it; null until `buf` holds enough to tell.
 */
function firstLineEnding(buf: Buffer, first: Buffer): 'crlf' | 'lf' | 'none' | null {
  if (buf.length < first.length + 2) return null;
  if (!buf.subarray(0, first.length).equals(first)) return 'none';
  const end = buf.indexOf(LF, first.length);
  if (end < 0) return null;
  return buf[end - 1] === CR ? 'crlf' : 'lf';
}

/** Bytes looked at for the first line's end before the body is handed to the normalizer anyway. */
const SNIFF_LIMIT = 64 * 1024;

/**
 * Feed a multipart body to `parser`: straight when its first boundary line ends in CRLF, as nearly
 * every client sends it, and through an {@link LfMultipartNormalizer} otherwise (a stream stage less
 * for the common case: each one holds a network read of every upload in progress). Returns what stops
 * the feeding (the rest of the body is then left unread).
 */
export function feedMultipart(body: Readable, boundary: string, parser: Writable): () => void {
  const first = Buffer.from(`--${boundary}`);
  const seen: Buffer[] = [];
  let seenBytes = 0;
  let target: Writable | null = null;
  const stopLooking = () => {
    body.off('readable', look);
    body.off('end', ended);
  };
  const start = (straight: boolean, head: Buffer, end: boolean) => {
    stopLooking();
    if (straight) target = parser;
    else {
      const normalizer = new LfMultipartNormalizer(boundary);
      normalizer.on('error', (e) => parser.destroy(e));
      normalizer.pipe(parser);
      target = normalizer;
    }
    if (end) {
      target.end(head);
      return;
    }
    if (head.length) target.write(head);
    body.pipe(target);
  };
  function look() {
    for (let chunk = body.read() as Buffer | null; chunk !== null; chunk = body.read() as Buffer | null) {
      seen.push(chunk);
      seenBytes += chunk.length;
      const head = seen.length === 1 ? chunk : Buffer.concat(seen);
      const ending = firstLineEnding(head, first);
      if (ending === null && seenBytes < SNIFF_LIMIT) continue;
      start(ending === 'crlf', head, false);
      return;
    }
  }
  // A body too short to tell: the normalizer leaves what it cannot decide as it is.
  function ended() {
    start(false, Buffer.concat(seen), true);
  }
  body.on('readable', look);
  body.once('end', ended);
  return () => {
    stopLooking();
    if (target) body.unpipe(target);
  };
}

type State = 'start' | 'body' | 'after-delimiter' | 'headers' | 'passthrough';

export class LfMultipartNormalizer extends Transform {
  private state: State = 'start';
  private carry = Buffer.alloc(0);
  /** `\n--boundary`: a delimiter inside the body. */
  private readonly delimiter: Buffer;
  /** The next line ends the delimiter line (not a header; never the blank line that ends them). */
  private inDelimiterLine = false;

  constructor(boundary: string) {
    super();
    this.delimiter = Buffer.from(`\n--${boundary}`);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.state === 'passthrough') {
      done(null, chunk);
      return;
    }
    const out: Buffer[] = [];
    let buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = Buffer.alloc(0);
    buf = this.run(buf, out);
    this.carry = Buffer.from(buf);
    done(null, out.length ? Buffer.concat(out) : undefined);
  }

  override _flush(done: TransformCallback): void {
    done(null, this.carry.length ? this.carry : undefined);
  }

  /** Consume what can be decided from `buf`; returns the bytes that need more input. */
  private run(buf: Buffer, out: Buffer[]): Buffer {
    for (;;) {
      switch (this.state) {
        case 'passthrough':
          out.push(buf);
          return Buffer.alloc(0);
        case 'start': {
          // The first boundary line starts the body (no preceding line break).
          const first = this.delimiter.subarray(1);
          const ending = firstLineEnding(buf, first);
          if (ending === null) return buf;
          if (ending === 'none') {
            this.state = 'body';
            continue;
          }
          if (ending === 'crlf') {
            this.state = 'passthrough';
            continue;
          }
          const end = buf.indexOf(LF, first.length);
          out.push(buf.subarray(0, end), CRLF);
          buf = buf.subarray(end + 1);
          this.state = 'headers';
          this.inDelimiterLine = false;
          continue;
        }
        case 'body': {
          const i = buf.indexOf(this.delimiter);
          if (i < 0) {
            const keep = Math.min(buf.length, this.delimiter.length - 1);
            out.push(buf.subarray(0, buf.length - keep));
            return buf.subarray(buf.length - keep);
          }
          out.push(buf.subarray(0, i));
          if (i === 0 || buf[i - 1] !== CR) out.push(Buffer.from([CR]));
          out.push(this.delimiter);
          buf = buf.subarray(i + this.delimiter.length);
          this.state = 'after-delimiter';
          continue;
        }
        case 'after-delimiter': {
          if (buf.length < 2) return buf;
          if (buf[0] === 0x2d && buf[1] === 0x2d) {
            // The closing delimiter: the rest is epilogue.
            this.state = 'passthrough';
            continue;
          }
          this.state = 'headers';
          this.inDelimiterLine = true;
          continue;
        }
        case 'headers': {
          const end = buf.indexOf(LF);
          if (end < 0) {
            // Header lines are short; a body that never ends one is left to the parser's limits.
            if (buf.length > 64 * 1024) this.state = 'passthrough';
            else return buf;
            continue;
          }
          const line = buf.subarray(0, end);
          const content = line.length && line[line.length - 1] === CR ? line.subarray(0, -1) : line;
          const blank = !this.inDelimiterLine && content.length === 0;
          out.push(content, CRLF);
          buf = buf.subarray(end + 1);
          this.inDelimiterLine = false;
          if (blank) this.state = 'body';
          continue;
        }
      }
    }
  }
}
