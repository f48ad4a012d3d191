import type { Identity } from '../auth/identity.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { MwError, recoverable } from '../errors.js';
import type { FileRepo, PublishResult } from '../files/repo.js';
import { checkTags } from '../files/tags.js';
import type { FileProps } from '../files/types.js';
import { canonicalExtensionForMime, TAIL_BYTES } from '../mime/index.js';
import type { BlobStore } from '../storage/blob-store.js';
import {
  type ContentSource,
  checkName,
  detectMime,
  mediaProps,
  type NameCheck,
  verifyContent,
} from './analyze.js';
import { HEAD_BYTES } from './receive.js';
import type { StashEntry, UploadStash } from './stash.js';
import { computeWarnings, type UploadWarnings } from './warnings.js';

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

/** An upload that passed verification. */
export interface Verified {
  file: UploadFile;
  name: NameCheck;
  props: FileProps;
}

export interface PublishOptions {
  comment: string;
  text: string | null;
  tags: string[];
  watch: { watch: boolean; expiry: string | null } | null;
}

/** What a client asked an upload to do once the bytes are in. */
export interface ProcessOptions extends PublishOptions {
  filename: string;
  stash: boolean;
  ignoreWarnings: boolean;
}

/** How an upload ended (errors are thrown). */
export type UploadOutcome =
  | { kind: 'warning'; warnings: UploadWarnings; filekey: string }
  | { kind: 'stashed'; warnings: UploadWarnings; entry: StashEntry }
  | { kind: 'published'; warnings: UploadWarnings; result: PublishResult };

interface Deps {
  config: Config;
  log?: { error(obj: unknown, msg?: string): void };
  db: Db;
  blobs: BlobStore;
  files: FileRepo;
  stash: UploadStash;
}

export const emptyFile = () => new MwError('empty-file', 'The file you submitted was empty.');

/**
 * The upload pipeline after the bytes are stored: verify → warn → stash | publish.
 * Shared by every source (file, chunks, stash, url).
 */
export class UploadService {
  constructor(private readonly d: Deps) {}

  content(file: Pick<UploadFile, 'blobKey' | 'size' | 'head' | 'tail'>): ContentSource {
    return {
      size: file.size,
      head: file.head,
      ...(file.tail ? { tail: file.tail } : {}),
      open: () => this.d.blobs.read(file.blobKey),
      openFrom: (offset: number) => this.d.blobs.read(file.blobKey, { start: offset, end: file.size - 1 }),
    };
  }

  /** The last bytes of a stored blob (what ZIP-based type detection needs). */
  async readTail(blobKey: string, size: number): Promise<Buffer> {
    if (size <= HEAD_BYTES) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    for await (const c of this.d.blobs.read(blobKey, {
      start: Math.max(0, size - TAIL_BYTES),
      end: size - 1,
    })) {
      parts.push(c as Buffer);
    }
    return Buffer.concat(parts);
  }

  /** The first bytes of a stored blob (for files that come from the stash). */
  async readHead(blobKey: string, size: number): Promise<Buffer> {
    if (size === 0) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    for await (const c of this.d.blobs.read(blobKey, { start: 0, end: Math.min(size, HEAD_BYTES) - 1 })) {
      parts.push(c as Buffer);
    }
    return Buffer.concat(parts);
  }

  /** The file behind a stash entry. */
  async fromStash(e: StashEntry): Promise<UploadFile> {
    const head = await this.readHead(e.blobKey, e.size);
    return {
      blobKey: e.blobKey,
      size: e.size,
      sha1: e.sha1 ?? '',
      head,
      ...(e.size > HEAD_BYTES ? { tail: await this.readTail(e.blobKey, e.size) } : {}),
      sourceType: 'stash',
      stashKey: e.key,
    };
  }

  private mimeOnce(file: UploadFile): () => Promise<string> {
    let p: Promise<string> | undefined;
    return () => {
      p ??= detectMime(this.content(file));
      return p;
    };
  }

  /** Only the name rules (chunks, async publish): MediaWiki's validateName. */
  async verifyName(file: UploadFile, desiredName: string): Promise<NameCheck> {
    return checkName(desiredName, this.d.config, this.mimeOnce(file));
  }

  /**
   * Full verification in MediaWiki's order: empty file, size limit, content (MIME, scripts, MIME vs
   * extension), then the name rules (whose errors are recoverable).
   */
  async verify(
    file: UploadFile,
    desiredName: string,
    maxSize = this.d.config.uploads.maxUploadSize,
  ): Promise<Verified> {
    if (file.size === 0) throw emptyFile();
    if (file.size > maxSize) {
      throw new MwError('file-too-large', 'The file you submitted was too large.', { max: maxSize });
    }
    let name: NameCheck | null = null;
    let nameError: unknown = null;
    try {
      name = await checkName(desiredName, this.d.config, this.mimeOnce(file));
    } catch (e) {
      nameError = e;
    }
    const src = this.content(file);
    // A banned extension is only reported after the content checks (MediaWiki knows the final
    // extension by then, so a PNG named `x.exe` fails as a MIME mismatch first).
    const finalExt =
      name?.finalExt ??
      (nameError instanceof MwError && nameError.code === 'filetype-banned'
        ? String(nameError.data.filetype ?? '')
        : null);
    const checked = await verifyContent(src, finalExt, this.d.config);
    const props = await mediaProps(src, checked);
    if (nameError) throw nameError;
    return { file, name: name!, props };
  }

  warnings(v: { name: NameCheck; file: UploadFile }, who: Identity): Promise<UploadWarnings> {
    return computeWarnings(
      this.d,
      {
        dbKey: v.name.dbKey,
        finalExt: v.name.finalExt,
        nameWarnings: v.name.warnings,
        size: v.file.size,
        sha1: v.file.sha1,
      },
      who,
    );
  }

  /** Overwriting needs `reupload`, or `reupload-own` when the user uploaded the current version. */
  async checkOverwrite(dbKey: string, who: Identity): Promise<void> {
    const cur = await this.d.files.current(dbKey);
    if (!cur) return;
    if (who.rights.has('reupload')) return;
    if (who.rights.has('reupload-own') && who.user && cur.userId === who.user.id) return;
    throw recoverable(
      new MwError(
        'fileexists-forbidden',
        `A file with this name already exists, and cannot be overwritten.\nIf you still want to upload your file, please go back and use a new name.\n[[File:${dbKey}|thumb|center|${dbKey}]]`,
      ),
    );
  }

  /** Keep the file in the stash (or return its existing entry). */
  async stashFile(
    file: UploadFile,
    who: Identity,
    desiredName: string,
    props: FileProps | null,
  ): Promise<StashEntry> {
    if (!who.user) throw new MwError('stashnotloggedin', 'You must be logged in to upload this file.');
    if (file.stashKey) {
      const e = await this.d.stash.peek(file.stashKey);
      if (e) {
        if (props && !e.props)
          await this.d.stash.update(e.key, { props: JSON.stringify(props), mime: props.mime });
        return { ...e, props: props ?? e.props, mime: props?.mime ?? e.mime };
      }
    }
    const dot = desiredName.lastIndexOf('.');
    const ext = props?.mime
      ? stashExtension(props.mime, desiredName)
      : dot >= 0
        ? desiredName.slice(dot + 1)
        : '';
    const e = await this.d.stash.add({
      userId: who.user.id,
      blobKey: file.blobKey,
      filename: desiredName,
      size: file.size,
      sha1: file.sha1,
      mime: props?.mime ?? null,
      props,
      sourceType: file.sourceType === 'stash' ? 'file' : file.sourceType,
      ext,
    });
    file.stashKey = e.key;
    return e;
  }

  /**
   * MediaWiki's getContextResult after the bytes are stored: verify, warn, then stash or publish.
   * Recoverable errors come back with the file stashed (`filekey` in the error data). A file that
   * ends neither stashed nor published is removed.
   */
  async process(file: UploadFile, o: ProcessOptions, who: Identity): Promise<UploadOutcome> {
    let kept = false;
    try {
      let v: Verified;
      try {
        v = await this.verify(file, o.filename);
        if (!o.stash) await this.checkOverwrite(v.name.dbKey, who);
      } catch (e) {
        if (e instanceof MwError && e.recoverable) {
          kept = true;
          throw await this.keepForRetry(e, file, who, o.filename);
        }
        throw e;
      }
      const warnings = await this.warnings(v, who);
      const hasWarnings = Object.keys(warnings).length > 0;
      if ((hasWarnings && !o.ignoreWarnings) || o.stash) {
        const entry = await this.stashFile(file, who, o.filename, v.props);
        kept = true;
        return hasWarnings && !o.ignoreWarnings
          ? { kind: 'warning', warnings, filekey: entry.key }
          : { kind: 'stashed', warnings, entry };
      }
      await this.checkRateLimit(who);
      try {
        const result = await this.publish(v, o, who);
        kept = true;
        return { kind: 'published', warnings, result };
      } catch (e) {
        if (e instanceof MwError && e.code === 'fileexists-no-change') {
          e.recoverable = true;
          kept = true;
          throw await this.keepForRetry(e, file, who, o.filename);
        }
        throw e;
      }
    } finally {
      if (!kept && file.sourceType !== 'stash' && !file.stashKey) await this.d.blobs.delete(file.blobKey);
    }
  }

  /** Stash the file of a recoverable error and say so in the error (MediaWiki's dieRecoverableError). */
  private async keepForRetry(
    e: MwError,
    file: UploadFile,
    who: Identity,
    filename: string,
  ): Promise<MwError> {
    if (e.code === 'fileexists-no-change') {
      // The bytes are the current version already: nothing worth keeping. Say why, in MediaWiki's shape.
      if (file.sourceType !== 'stash' && !file.stashKey) await this.d.blobs.delete(file.blobKey);
      return e.withData({
        stasherrors: [
          {
            message: 'uploadstash-exception',
            params: ['NoChange', 'The file was not stashed: it is identical to the current version.'],
            code: 'uploadstash-exception',
            type: 'error',
          },
        ],
      });
    }
    try {
      const entry = await this.stashFile(file, who, filename, null);
      return e.withData({ filekey: entry.key, sessionkey: entry.key, invalidparameter: 'filename' });
    } catch (se) {
      if (file.sourceType !== 'stash' && !file.stashKey) await this.d.blobs.delete(file.blobKey);
      const msg = se instanceof Error ? se.message : String(se);
      return e.withData({
        stasherrors: [
          {
            message: 'uploadstash-exception',
            params: [se instanceof MwError ? se.code : 'Error', msg],
            code: 'uploadstash-exception',
            type: 'error',
          },
        ],
      });
    }
  }

  /** Uploads per minute for users without `noratelimit` (0 = no limit). */
  private async checkRateLimit(who: Identity): Promise<void> {
    const limit = this.d.config.uploads.rateLimitPerMinute;
    if (!limit || who.rights.has('noratelimit') || !who.user) return;
    const since = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const r = await this.d.db
      .selectFrom('logging')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('type', '=', 'upload')
      .where('user_id', '=', who.user.id)
      .where('timestamp', '>=', since)
      .executeTakeFirst();
    if (Number(r?.n ?? 0) >= limit) {
      throw new MwError(
        'ratelimited',
        "You've exceeded your rate limit. Please wait some time and try again.",
        { retryafter: 60 },
      );
    }
  }

  /** Publish a verified upload (atomically) and drop its stash entry. */
  async publish(v: Verified, opts: PublishOptions, who: Identity): Promise<PublishResult> {
    const user = who.user!;
    checkTags(this.d.config, opts.tags, who.rights.has('applychangetags'));
    const result = await this.d.files.publish({
      name: v.name.dbKey,
      blobKey: v.file.blobKey,
      size: v.file.size,
      sha1: v.file.sha1,
      props: v.props,
      comment: opts.comment,
      text: opts.text,
      actor: { id: user.id, name: user.name },
      tags: opts.tags,
      watch: opts.watch,
    });
    if (v.file.stashKey) await this.d.stash.remove(v.file.stashKey, { keepBlob: true });
    return result;
  }
}

/** Extension of a stash key: the canonical one for the MIME type (as UploadStash names its files), else the name's. */
export function stashExtension(mime: string, desiredName: string): string {
  const canonical = canonicalExtensionForMime(mime);
  if (canonical) return canonical;
  const dot = desiredName.lastIndexOf('.');
  const fromName = dot >= 0 ? desiredName.slice(dot + 1).toLowerCase() : '';
  return /^\w{1,10}$/.test(fromName) ? fromName : '';
}
