/**
 * `@tus/server`'s data store onto our resumable uploads (src/upload/tus): the protocol handling is
 * the library's, the bytes, state and rules ours. The store learns who asks (and the request's
 * checksum) from the request state the route keeps for the duration of the request.
 */
import type { Readable } from 'node:stream';
import { DataStore, Upload } from '@tus/server';
import type { Identity } from '../../auth/identity.js';
import { MwError } from '../../errors.js';
import type { AppendOptions, TusUpload, TusUploads } from '../../upload/tus/store.js';
import { TusRefusal } from '../../upload/tus/store.js';

/** What the route knows of one tus request, and what the store found out while serving it. */
export interface TusRequestState {
  who: Identity;
  requestId: string;
  method: string;
  append: AppendOptions;
  /** The upload as last seen or written. */
  upload?: TusUpload;
  /** The refusal answered, for the `MediaWiki-API-Error` header. */
  error?: MwError;
  /** An unexpected error (answered 500), for the log. */
  failure?: unknown;
  /**
   * The request's body as Node reads it, which the store appends from. The library is given none:
   * its web-stream body, converted back to a Node stream and piped through two more stages, cost a
   * client that writes in 16 KiB pieces (tus-js-client) twice the server CPU per MiB.
   */
  body?: Readable;
}

/** The status of a refusal: the protocols' own, then MediaWiki's upload errors. */
function statusOf(e: MwError): number {
  if (e instanceof TusRefusal) return e.status;
  if (e.code === 'file-too-large') return 413;
  return 400;
}

export class StashDataStore extends DataStore {
  constructor(
    private readonly tus: TusUploads,
    private readonly state: () => TusRequestState,
    private readonly maxAgeMs: number,
  ) {
    super();
    this.extensions = [
      'creation',
      'creation-with-upload',
      'creation-defer-length',
      'termination',
      'expiration',
      'checksum',
    ];
  }

  /** Refusals become the library's `{ status_code, body }`; anything else is an internal error. */
  private async run<T>(fn: (s: TusRequestState) => Promise<T>): Promise<T> {
    const s = this.state();
    try {
      return await fn(s);
    } catch (e) {
      if (e instanceof MwError) {
        s.error = e;
        throw { status_code: statusOf(e), body: `${e.code}: ${e.info}\n` };
      }
      s.failure = e;
      throw e;
    }
  }

  /** The library dates expiry from creation: a creation date that makes it the stash entry's expiry. */
  private toUpload(u: TusUpload): Upload {
    return new Upload({
      id: u.id,
      size: u.length ?? undefined,
      offset: u.offset,
      metadata: u.metadata,
      creation_date: new Date(u.expiresMs - this.maxAgeMs).toISOString(),
    });
  }

  override async create(upload: Upload): Promise<Upload> {
    return this.run(async (s) => {
      s.upload = await this.tus.create(s.who, {
        id: upload.id,
        length: upload.size ?? null,
        metadata: upload.metadata ?? {},
      });
      upload.creation_date = this.toUpload(s.upload).creation_date;
      return upload;
    });
  }

  override async getUpload(id: string): Promise<Upload> {
    return this.run(async (s) => {
      const settle = s.method === 'HEAD' ? s.requestId : undefined;
      s.upload = await this.tus.find(id, s.who, { settle });
      return this.toUpload(s.upload);
    });
  }

  override async write(stream: Readable, id: string, offset: number): Promise<number> {
    return this.run(async (s) => {
      // The library's stream is empty when the route kept the body (it must still end).
      if (s.body) stream.resume();
      s.upload = await this.tus.append(id, s.who, s.requestId, offset, s.body ?? stream, s.append);
      return s.upload.offset;
    });
  }

  override async declareUploadLength(id: string, length: number): Promise<void> {
    return this.run((s) => this.tus.declareLength(id, s.who, length));
  }

  override async remove(id: string): Promise<void> {
    return this.run(async (s) => {
      await this.tus.remove(id, s.who, s.requestId);
      s.upload = undefined;
    });
  }

  override getExpiration(): number {
    return this.maxAgeMs;
  }

  override async deleteExpired(): Promise<number> {
    return this.tus.cleanup();
  }
}
