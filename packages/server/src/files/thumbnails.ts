/**
 * The thumbnail cache: rendered thumbnails are blobs (`thumbs/…`) listed in the `thumbnails` table,
 * keyed by the source's SHA-1 and the thumbnail's parameters, so every server sharing the database
 * and the blob store serves a thumbnail rendered once by any of them.
 *
 * Rendering is bounded per process: at most `concurrency` at once, at most `maxQueue` waiting (more
 * are refused with a 503 ThumbnailError). Concurrent requests for one thumbnail share a single
 * rendering in the process, and in the cluster: a node renders under a lock named for the
 * thumbnail, and a node that finds the lock taken waits for the other's result.
 */
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit, { type LimitFunction } from 'p-limit';
import type { ThumbnailConfig } from '../config.js';
import type { Db } from '../db/index.js';
import {
  type RenderInput,
  renderThumbnail,
  type ScaledPlan,
  ThumbnailError,
  thumbnailErrorText,
} from '../media/thumbnail/index.js';
import type { HandlerMetadata } from '../media/types.js';
import type { BlobStore } from '../storage/blob-store.js';

/** The file a thumbnail is made of. */
export interface ThumbnailSource {
  blobKey: string;
  /** Hex SHA-1 of the bytes: thumbnails are shared by every file with the same content. */
  sha1: string;
  mime: string;
  size: number;
  handlerMetadata?: HandlerMetadata;
}

/** A rendered thumbnail in the blob store. */
export interface StoredThumbnail {
  blobKey: string;
  mime: string;
  size: number;
}

/** Runs `fn` unless another node runs work of the same name; returns whether it ran. */
export type OncePerCluster = (name: string, fn: () => Promise<void>) => Promise<boolean>;

/** How long a node waits for a thumbnail another node renders before rendering it itself. */
const WAIT_FOR_OTHER_NODE_MS = 60_000;

export class ThumbnailStore {
  private readonly limit: LimitFunction;
  /** Renderings in progress in this process, by cache key. */
  private readonly rendering = new Map<string, Promise<StoredThumbnail>>();

  constructor(
    private readonly db: Db,
    private readonly blobs: BlobStore,
    private readonly config: ThumbnailConfig,
    /** Told of each thumbnail actually rendered (metrics). */
    private readonly onRender: () => void = () => {},
    /** The cluster's lock (one process alone: always free). */
    private readonly once: OncePerCluster = (_name, fn) => fn().then(() => true),
  ) {
    this.limit = pLimit(Math.max(1, Math.floor(config.concurrency)));
  }

  /** The cache key of a thumbnail (`<sha1>/120px.png`). */
  static key(sha1: string, plan: ScaledPlan): string {
    return `${sha1}/${plan.paramString}.${plan.thumbExt}`;
  }

  /** Renderings running and waiting in this process. */
  get load(): { active: number; waiting: number } {
    return { active: this.limit.activeCount, waiting: this.limit.pendingCount };
  }

  /** The stored thumbnail for a key, when its row and its blob both exist. */
  async find(key: string): Promise<StoredThumbnail | null> {
    const row = await this.db
      .selectFrom('thumbnails')
      .select(['blob_key', 'mime', 'size'])
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row || !(await this.blobs.stat(row.blob_key))) return null;
    return { blobKey: row.blob_key, mime: row.mime, size: Number(row.size) };
  }

  /**
   * The stored thumbnail of `src` for a plan (from thumbPlan, so the file's pixel area was checked
   * against the limits before anything is decoded), rendered if missing. Throws ThumbnailError.
   */
  async ensure(src: ThumbnailSource, plan: ScaledPlan): Promise<StoredThumbnail> {
    const key = ThumbnailStore.key(src.sha1, plan);
    const stored = await this.find(key);
    if (stored) return stored;
    let pending = this.rendering.get(key);
    if (!pending) {
      if (this.limit.pendingCount >= this.config.maxQueue) {
        throw new ThumbnailError(thumbnailErrorText('Too many thumbnails are being rendered'), 503);
      }
      pending = this.produce(key, src, plan).finally(() => this.rendering.delete(key));
      this.rendering.set(key, pending);
    }
    return pending;
  }

  /**
   * Render under the cluster's lock for the key; while another node holds it, wait (without taking
   * one of this node's rendering slots) until its thumbnail is stored.
   */
  private async produce(key: string, src: ThumbnailSource, plan: ScaledPlan): Promise<StoredThumbnail> {
    const deadline = Date.now() + WAIT_FOR_OTHER_NODE_MS;
    for (let wait = 25; ; wait = Math.min(wait * 2, 400)) {
      let out: StoredThumbnail | undefined;
      const ran = await this.limit(() =>
        this.once(`thumb:${key}`, async () => {
          out = (await this.find(key)) ?? (await this.render(key, src, plan));
        }),
      );
      if (ran) return out!;
      // Another node renders it: its result, else (it failed or died) the lock again after a while.
      const stored = await this.find(key);
      if (stored) return stored;
      if (Date.now() > deadline) return this.limit(() => this.render(key, src, plan));
      await sleep(wait);
    }
  }

  private async render(key: string, src: ThumbnailSource, plan: ScaledPlan): Promise<StoredThumbnail> {
    if (!(await this.blobs.stat(src.blobKey))) {
      throw new ThumbnailError(thumbnailErrorText('The source file does not exist'), 404);
    }
    this.onRender();
    const input: RenderInput = {
      size: src.size,
      open: () => this.blobs.read(src.blobKey),
      path: this.blobs.localPath(src.blobKey),
    };
    const cfg = this.config;
    const img = await renderThumbnail(input, src.mime, plan.physicalWidth, plan.physicalHeight, {
      ...cfg,
      ...(src.handlerMetadata ? { handlerMetadata: src.handlerMetadata } : {}),
    });
    const ext = plan.thumbExt.replace(/[^A-Za-z0-9]/g, '') || 'bin';
    const blobKey = `thumbs/${src.sha1.slice(0, 2)}/${src.sha1}/${plan.paramString}.${ext}`;
    const size = await this.blobs.write(blobKey, Readable.from([img.body]));
    await this.db
      .insertInto('thumbnails')
      .values({ key, blob_key: blobKey, mime: img.mime, size, created_ms: Date.now() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ blob_key: blobKey, mime: img.mime, size }))
      .execute();
    return { blobKey, mime: img.mime, size };
  }
}
