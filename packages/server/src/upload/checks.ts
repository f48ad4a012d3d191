import type { Identity } from '../auth/identity.js';
import type { Config } from '../config.js';
import { MwError, recoverable } from '../errors.js';
import type { LogEvents } from '../files/logs.js';
import type { NameState } from '../files/name-state.js';
import type { FileRepo } from '../files/repo.js';
import type { FileProps } from '../files/types.js';
import type { BlobStore } from '../storage/blob-store.js';
import { isoNow } from '../util/timestamp.js';
import { checkName, detectMime, mediaProps, type NameCheck, verifyContent } from './analyze.js';
import { contentOf, type UploadFile } from './file.js';
import type { ForeignRepos } from './foreign/group.js';
import { computeWarnings, type UploadWarnings } from './warnings.js';

/** An upload that passed verification. */
export interface Verified {
  file: UploadFile;
  name: NameCheck;
  props: FileProps;
}

/** The right a protection level asks for ($wgRestrictionLevels with MediaWiki's defaults). */
export const LEVEL_RIGHTS: Record<string, string> = {
  autoconfirmed: 'editsemiprotected',
  sysop: 'editprotected',
};

const emptyFile = () => new MwError('empty-file', 'The file you submitted was empty.');

/**
 * The checks of an upload, in MediaWiki's words: name rules, content verification, warnings,
 * overwrite rights and the upload rate limit. Shared by every source and by assembly.
 */
export class UploadChecks {
  constructor(
    private readonly d: {
      config: Config;
      blobs: BlobStore;
      files: FileRepo;
      logs: LogEvents;
      foreign: ForeignRepos;
    },
  ) {}

  private mimeOnce(file: UploadFile): () => Promise<string> {
    let p: Promise<string> | undefined;
    return () => {
      p ??= detectMime(contentOf(this.d.blobs, file));
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
    const src = contentOf(this.d.blobs, file);
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

  /** The warnings of an upload; `known` is what the caller read of the name already (see checkOverwrite). */
  warnings(
    v: { name: NameCheck; file: UploadFile },
    who: Identity,
    known?: NameState,
  ): Promise<UploadWarnings> {
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
      known,
    );
  }

  /**
   * Overwriting needs `reupload`, or `reupload-own` when the user uploaded the current version.
   * Returns what it read of the name (the warnings can use it rather than read it again).
   */
  async checkOverwrite(dbKey: string, who: Identity): Promise<NameState> {
    // Protected titles first (MediaWiki's verifyTitlePermissions: edit, upload, and create for a new page).
    const { current: cur, page, protections } = await this.d.files.nameState(dbKey, isoNow());
    const actions = new Set(['edit', 'upload', ...(page ? [] : ['create'])]);
    for (const pr of protections) {
      if (actions.has(pr.type) && !who.rights.has(LEVEL_RIGHTS[pr.level] ?? pr.level)) {
        throw recoverable(
          new MwError('protectedpage', 'This page has been protected to prevent editing or other actions.'),
        );
      }
    }
    const state: NameState = { current: cur, page };
    if (!cur) {
      await this.checkShared(dbKey, who);
      return state;
    }
    if (who.rights.has('reupload')) return state;
    if (who.rights.has('reupload-own') && who.user && cur.userId === who.user.id) return state;
    throw recoverable(
      new MwError(
        'fileexists-forbidden',
        `A file with this name already exists, and cannot be overwritten.\nIf you still want to upload your file, please go back and use a new name.\n[[File:${dbKey}|thumb|center|${dbKey}]]`,
      ),
    );
  }

  /**
   * A name no local file has but a shared repository's file does: uploading it would hide that file
   * here, which needs `reupload-shared` (UploadBase::checkOverwrite).
   */
  private async checkShared(dbKey: string, who: Identity): Promise<void> {
    if (who.rights.has('reupload-shared')) return;
    const shared = await this.d.foreign.findFile(dbKey);
    if (!shared) return;
    throw recoverable(
      new MwError(
        'fileexists-shared-forbidden',
        `A file with this name exists already in the shared file repository. If you still want to upload your file, please go back and use a new name. [[File:${shared.name}|thumb|center|${shared.name}]]`,
      ),
    );
  }

  /** Uploads per minute for users without `noratelimit` (0 = no limit). */
  async checkRateLimit(who: Identity): Promise<void> {
    const limit = this.d.config.uploads.rateLimitPerMinute;
    if (!limit || who.rights.has('noratelimit') || !who.user) return;
    const since = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    if ((await this.d.logs.uploadsSince(who.user.id, since)) >= limit) {
      throw new MwError(
        'ratelimited',
        "You've exceeded your rate limit. Please wait some time and try again.",
        { retryafter: 60 },
      );
    }
  }
}
