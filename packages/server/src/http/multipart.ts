import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';
import { MwError } from '../errors.js';
import type { ReceivedFile } from '../upload/receive.js';
import { feedMultipart, multipartBoundary } from './multipart-lf.js';
import { feedFromSocket, type SocketPartStream } from './multipart-socket.js';
import { SocketBody } from './socket-body.js';

const createBusboy = (cfg: ConstructorParameters<typeof Busboy>[0]) => new Busboy(cfg);

export interface MultipartLimits {
  fieldBytes: number;
  maxFiles: number;
  maxFields: number;
  /**
   * From what size a body may be read from its socket (socket-body.ts: socketBodyMinBytes); null
   * or absent: never.
   */
  fromSocket?: number | null;
}

/** Called for each file part, with the text fields seen before it; must consume the stream. */
export type FileHandler = (
  field: string,
  partName: string,
  stream: Readable,
  fieldsSoFar: Map<string, string>,
) => Promise<ReceivedFile>;

export interface MultipartResult {
  fields: Map<string, string>;
  files: Map<string, ReceivedFile>;
}

/**
 * Parse a multipart/form-data body: text fields into a map, file parts streamed through `onFile`
 * one after another. On failure every file received so far is handed to `discard`.
 */
export function parseMultipart(
  req: IncomingMessage,
  limits: MultipartLimits,
  onFile: FileHandler,
  discard: (f: ReceivedFile) => Promise<void>,
  /** Text fields are added here as they arrive (so an early error can still be rendered as asked). */
  fields: Map<string, string> = new Map(),
): Promise<MultipartResult> {
  return new Promise((resolve, reject) => {
    const files = new Map<string, ReceivedFile>();
    const taken = new Set<string>();
    let failure: unknown = null;
    let pending: Promise<void> = Promise.resolve();
    const active = new Set<Readable>();
    let bb: ReturnType<typeof createBusboy>;
    try {
      bb = createBusboy({
        headers: req.headers as ConstructorParameters<typeof Busboy>[0]['headers'],
        defCharset: 'utf8',
        // What a file part may buffer ahead of its consumer: one network read. More buys no speed
        // (storage batches its writes) and costs memory per upload in progress.
        fileHwm: 64 * 1024,
        // As PHP: a part is a file upload exactly when it has a filename.
        isPartAFile: (_f, _ct, fileName) => fileName !== undefined,
        limits: {
          fieldSize: limits.fieldBytes,
          fields: limits.maxFields,
          files: limits.maxFiles,
          parts: limits.maxFields + limits.maxFiles,
          headerPairs: 100,
        },
      });
    } catch (e) {
      reject(
        new MwError('badmultipart', `Could not parse the multipart/form-data body: ${(e as Error).message}`),
      );
      return;
    }
    const fail = (e: unknown) => {
      if (!failure) failure = e;
    };
    bb.on('field', (name: string, value: string, _nt: boolean, valueTruncated: boolean) => {
      if (valueTruncated) {
        fail(
          new MwError(
            'toolarge',
            `The value of "${name}" is longer than ${limits.fieldBytes.toLocaleString('en-US')} bytes.`,
          ),
        );
        return;
      }
      fields.set(name, value);
    });
    let fileParts = 0;
    const onFilePart = (name: string, stream: Readable, filename: string) => {
      // The parser counts its own file parts; one taken from a socket's body is counted here.
      if (++fileParts > limits.maxFiles) {
        fail(new MwError('toomanyfiles', `At most ${limits.maxFiles} file parts are accepted.`));
        stream.resume();
        return;
      }
      // What the parser reports through the part (a body that ends inside it) is a broken body,
      // answered as such; a part that is skipped must not let it go unheard either.
      let partError: unknown;
      stream.on('error', (e) => {
        partError ??= e;
      });
      // The first part of a name counts, taken when it starts (a later one may start before it is stored).
      if (failure || taken.has(name)) {
        stream.resume();
        return;
      }
      taken.add(name);
      active.add(stream);
      stream.once('close', () => active.delete(stream));
      stream.once('end', () => active.delete(stream));
      const snapshot = new Map(fields);
      const job = onFile(name, filename, stream, snapshot).then(
        (f) => {
          if (failure) return discard(f);
          files.set(name, f);
        },
        (e) => {
          fail(
            partError !== undefined && !(e instanceof MwError)
              ? new MwError(
                  'badmultipart',
                  `Could not parse the multipart/form-data body: ${(partError as Error).message}`,
                )
              : e,
          );
          // Answer now; the rest of the body is read and thrown away by the HTTP layer.
          void finish();
        },
      );
      pending = pending.then(() => job);
    };
    bb.on('file', (name: string, stream: Readable, filename: string) => onFilePart(name, stream, filename));
    bb.on('filesLimit', () =>
      fail(new MwError('toomanyfiles', `At most ${limits.maxFiles} file parts are accepted.`)),
    );
    bb.on('fieldsLimit', () =>
      fail(new MwError('toomanyfields', `At most ${limits.maxFields} fields are accepted.`)),
    );
    let settled = false;
    /** The body when it is read from the socket here (a large one: socket-body.ts). */
    let socketBody: SocketBody | null = null;
    const complete = () => (socketBody ? socketBody.complete : req.complete);
    let stopWatchingSocket = () => {};
    let unpipe = () => {
      req.unpipe(bb);
    };
    const finish = async (err?: unknown) => {
      await pending.catch(() => {});
      if (settled) return;
      settled = true;
      stopWatchingSocket();
      if (err) fail(err);
      // The rest of a body the parser no longer reads (after a failure, or when it stopped early,
      // as with an empty boundary) is read and dropped, so that the connection is not left stalled.
      if (failure || !complete()) {
        unpipe();
        if (socketBody) void socketBody.drain().catch(() => {});
        else req.resume();
      }
      if (failure) {
        for (const f of files.values()) await discard(f).catch(() => {});
        reject(failure);
      } else resolve({ fields, files });
    };
    bb.on('finish', () => void finish());
    bb.on(
      'error',
      (e: Error) =>
        void finish(
          new MwError('badmultipart', `Could not parse the multipart/form-data body: ${e.message}`),
        ),
    );
    // A client that goes away mid-body: fail the part being stored, so that its blob is removed.
    const disconnected = (e?: Error) => {
      const err =
        e ?? new MwError('aborted', 'The client disconnected before the request body was complete.');
      for (const st of active) st.destroy(err);
      bb.destroy(err);
    };
    const closed = () => {
      if (!complete()) disconnected();
    };
    req.on('close', closed);
    // A connection closed after the answer was sent (a body cut off for being too slow) ends the
    // socket but not the request: watch the socket too.
    const socket = req.socket;
    socket?.once('close', closed);
    stopWatchingSocket = () => socket?.off('close', closed);
    req.on('error', (e) => disconnected(e));
    const boundary = multipartBoundary(req.headers['content-type']);
    socketBody = boundary && limits.fromSocket ? SocketBody.take(req, limits.fromSocket) : null;
    if (socketBody && boundary) {
      // Its first file part may never pass through the parser (multipart-socket.ts).
      const takeFile = (field: string, fileName: string, stream: SocketPartStream) => {
        if (failure || taken.has(field) || fileParts >= limits.maxFiles) return false;
        onFilePart(field, stream, fileName);
        return true;
      };
      unpipe = feedFromSocket(socketBody, boundary, bb, takeFile, (e) => disconnected(e));
    } else if (boundary) unpipe = feedMultipart(req, boundary, bb);
    else req.pipe(bb);
  });
}
