import type { Readable } from 'node:stream';
import type { Session } from '../auth/sessions.js';
import type { Config } from '../config.js';
import type { BlobStore } from '../storage/blob-store.js';
import { type ReceivedFile, type ReceivePlan, receivePart } from './receive.js';
import type { ChunkSource } from './sources/chunk.js';

/** What the HTTP layer knows of an API request while its body arrives. */
export interface PartContext {
  /** Unique per request (the owner of a lease taken for it). */
  requestId: string;
  /** The request's session (loaded once per request). */
  session(): Promise<Session | null>;
  /** A parameter: the text fields before the part, else the query string. */
  param(name: string): string | undefined;
  /** Work for after the answer is sent (a lease taken while receiving is released there). */
  cleanups: (() => Promise<void>)[];
}

/**
 * Stores the file parts of API requests as they arrive, hashing while receiving: a chunk of a chunked
 * upload goes straight onto its upload's blob (under the entry's lease) when the request looks
 * valid, anything else into a new blob that the upload then takes or that is discarded.
 */
export class PartReceiver {
  constructor(
    private readonly d: {
      config: Config;
      blobs: BlobStore;
      chunks: ChunkSource;
    },
  ) {}

  async receive(
    ctx: PartContext,
    part: { field: string; partName: string; stream: Readable },
  ): Promise<ReceivedFile> {
    const { plan, limit } = await this.plan(ctx, part.field);
    return receivePart(this.d.blobs, part, plan, limit);
  }

  private async plan(ctx: PartContext, field: string): Promise<{ plan: ReceivePlan; limit: number }> {
    const limit = this.d.config.uploads.maxUploadSize;
    if (field !== 'chunk' || ctx.param('action') !== 'upload') return { plan: { kind: 'blob' }, limit };
    const session = await ctx.session();
    const rawOffset = ctx.param('offset')?.trim();
    const offset = rawOffset !== undefined && /^\d+$/.test(rawOffset) ? Number(rawOffset) : undefined;
    const filekey = ctx.param('filekey') || ctx.param('sessionkey') || undefined;
    const { plan, release } = await this.d.chunks.plan(
      session?.userId ?? null,
      filekey,
      offset,
      ctx.requestId,
    );
    if (release) ctx.cleanups.push(release);
    return { plan, limit: plan.kind === 'append' ? Math.max(0, limit - plan.upload.entry.size) : limit };
  }

  /** Remove what a part left behind when no upload took it (appended bytes past the stored size are overwritten by the next chunk). */
  async discard(f: ReceivedFile): Promise<void> {
    if (f.claimed || f.stored.kind === 'append') return;
    await this.d.blobs.delete(f.stored.blobKey);
  }
}
