import { actorFor, type Identity } from '../auth/identity.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { MwError } from '../errors.js';
import type { NameState } from '../files/name-state.js';
import { ChangedSinceChecked, type FileRepo, type PublishResult } from '../files/repo.js';
import { checkTags } from '../files/tags.js';
import type { FileProps } from '../files/types.js';
import { canonicalExtensionForMime } from '../mime/index.js';
import type { BlobStore } from '../storage/blob-store.js';
import { detectMime } from './analyze.js';
import type { UploadChecks, Verified } from './checks.js';
import { contentOf, type UploadFile } from './file.js';
import type { UploadHooks } from './hooks.js';
import type { ReadyEntry, StashTransitions } from './stash/state.js';
import type { UploadStash } from './stash/store.js';
import type { UploadWarnings } from './warnings.js';

/** A change of the uploader's watchlist (null: leave it alone). */
export type WatchChange = { watch: boolean; expiry: string | null } | null;

export interface PublishOptions {
  comment: string;
  text: string | null;
  tags: string[];
  watch: WatchChange;
  /** The SHA-1 of the current version the warnings were checked against (see PublishInput). */
  checkedAgainst?: string | null;
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
  | { kind: 'stashed'; warnings: UploadWarnings; entry: ReadyEntry }
  | { kind: 'published'; warnings: UploadWarnings; result: PublishResult };

/** Extension of a stash key: the canonical one for the MIME type (as UploadStash names its files), else the name's. */
export function stashExtension(mime: string, desiredName: string): string {
  const canonical = canonicalExtensionForMime(mime);
  if (canonical) return canonical;
  const dot = desiredName.lastIndexOf('.');
  const fromName = dot >= 0 ? desiredName.slice(dot + 1).toLowerCase() : '';
  return /^\w{1,10}$/.test(fromName) ? fromName : '';
}

const stashException = (code: string, info: string) => ({
  stasherrors: [
    { message: 'uploadstash-exception', params: [code, info], code: 'uploadstash-exception', type: 'error' },
  ],
});

/**
 * The upload pipeline once the bytes are stored: verify → warn → stash | publish, the same for
 * every source (file, chunks, stash, url). MediaWiki's getContextResult.
 */
export class UploadPipeline {
  constructor(
    private readonly d: {
      config: Config;
      blobs: BlobStore;
      files: FileRepo;
      stash: UploadStash;
      transitions: StashTransitions;
      checks: UploadChecks;
      hooks?: UploadHooks;
    },
  ) {}

  /**
   * Verify, warn, then stash or publish. Recoverable errors come back with the file stashed
   * (`filekey` in the error data). A file that ends neither stashed nor published is removed.
   */
  async process(
    file: UploadFile,
    o: ProcessOptions,
    who: Identity,
    /** Runs in the publishing transaction (a job records its outcome there: a crash loses neither). */
    onPublish?: (trx: Db, published: { name: string; warnings: UploadWarnings }) => Promise<void>,
  ): Promise<UploadOutcome> {
    const { checks } = this.d;
    let kept = false;
    try {
      let v: Verified;
      // What the overwrite check read of the name: the first warnings check uses it.
      let known: NameState | undefined;
      try {
        v = await checks.verify(file, o.filename);
        if (!o.stash) known = await checks.checkOverwrite(v.name.dbKey, who);
      } catch (e) {
        if (e instanceof MwError && e.recoverable) {
          kept = true;
          throw await this.keepForRetry(e, file, who, o.filename);
        }
        throw e;
      }
      for (let attempt = 1; ; attempt++) {
        // What the warnings are about must still hold when the file is published (under the name's
        // lock): if another upload took the name meanwhile, the warnings are checked again.
        const currentSha1 = async () => (await this.d.files.current(v.name.dbKey))?.sha1 ?? null;
        // Once the name changed under the warnings, what was read of it before is read again.
        let state = attempt === 1 ? known : undefined;
        let checkedAgainst: string | null | undefined;
        if (!o.ignoreWarnings) {
          state ??= await this.d.files.nameState(v.name.dbKey);
          checkedAgainst = state.current?.sha1 ?? null;
        }
        const warnings = await checks.warnings(v, who, state);
        // A version published while the warnings were gathered may show in some and not in others.
        if (checkedAgainst !== undefined && attempt < 5 && (await currentSha1()) !== checkedAgainst) continue;
        const hasWarnings = Object.keys(warnings).length > 0;
        if ((hasWarnings && !o.ignoreWarnings) || o.stash) {
          const entry = await this.stashFile(file, who, o.filename, v.props);
          kept = true;
          return hasWarnings && !o.ignoreWarnings
            ? { kind: 'warning', warnings, filekey: entry.key }
            : { kind: 'stashed', warnings, entry };
        }
        await checks.checkRateLimit(who);
        try {
          const within = onPublish && ((trx: Db) => onPublish(trx, { name: v.name.dbKey, warnings }));
          const result = await this.publish(v, { ...o, checkedAgainst }, who, within);
          kept = true;
          return { kind: 'published', warnings, result };
        } catch (e) {
          if (e instanceof ChangedSinceChecked && attempt < 5) continue;
          if (e instanceof MwError && e.code === 'fileexists-no-change') {
            e.recoverable = true;
            kept = true;
            throw await this.keepForRetry(e, file, who, o.filename);
          }
          throw e;
        }
      }
    } finally {
      if (!kept) await this.dropUnstashed(file);
    }
  }

  /** Remove the bytes of an upload that did not come from (and did not go into) the stash. */
  private async dropUnstashed(file: UploadFile): Promise<void> {
    if (file.sourceType !== 'stash' && !file.stashKey) await this.d.blobs.delete(file.blobKey);
  }

  /** Keep the file in the stash, ready (or return its existing entry). */
  async stashFile(
    file: UploadFile,
    who: Identity,
    desiredName: string,
    props: FileProps | null,
  ): Promise<ReadyEntry> {
    if (!who.user) throw new MwError('stashnotloggedin', 'You must be logged in to upload this file.');
    if (file.stashKey) {
      const e = await this.d.stash.peek(file.stashKey);
      if (e?.state === 'ready') {
        if (props && !e.props) await this.d.stash.setProps(e.key, props);
        return { ...e, props: props ?? e.props, mime: props?.mime ?? e.mime };
      }
    }
    // MediaWiki names stash keys by the type of the content (its temporary file has no extension).
    const mime = props?.mime ?? (await detectMime(contentOf(this.d.blobs, file)));
    const ext = stashExtension(mime, desiredName);
    const e = await this.d.stash.addFile({
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

  /** Stash the file of a recoverable error and say so in the error (MediaWiki's dieRecoverableError). */
  private async keepForRetry(
    e: MwError,
    file: UploadFile,
    who: Identity,
    filename: string,
  ): Promise<MwError> {
    if (e.code === 'fileexists-no-change') {
      // The bytes are the current version already: nothing worth keeping. Say why, in MediaWiki's shape.
      await this.dropUnstashed(file);
      return e.withData(
        stashException('NoChange', 'The file was not stashed: it is identical to the current version.'),
      );
    }
    try {
      const entry = await this.stashFile(file, who, filename, null);
      return e.withData({ filekey: entry.key, sessionkey: entry.key, invalidparameter: 'filename' });
    } catch (se) {
      await this.dropUnstashed(file);
      const msg = se instanceof Error ? se.message : String(se);
      return e.withData(stashException(se instanceof MwError ? se.code : 'Error', msg));
    }
  }

  /**
   * Publish a verified upload atomically. A file from the stash leaves it in the same transaction
   * (ready → published): of two requests publishing one key, one does, the other gets MediaWiki's
   * not-found error. `within` adds to that transaction (a job records its outcome there).
   */
  async publish(
    v: Verified,
    opts: PublishOptions,
    who: Identity,
    within?: (trx: Db) => Promise<void>,
  ): Promise<PublishResult> {
    checkTags(this.d.config, opts.tags, who.rights.has('applychangetags'));
    const stashKey = v.file.stashKey;
    if (stashKey) await this.d.hooks?.beforePublish?.(stashKey);
    return this.d.files.publish(
      {
        name: v.name.dbKey,
        blobKey: v.file.blobKey,
        size: v.file.size,
        sha1: v.file.sha1,
        props: v.props,
        comment: opts.comment,
        text: opts.text,
        actor: actorFor(who),
        tags: opts.tags,
        watch: opts.watch,
        checkedAgainst: opts.checkedAgainst,
      },
      async (trx) => {
        if (stashKey) await this.d.transitions.published(trx, stashKey);
        await within?.(trx);
      },
    );
  }
}
