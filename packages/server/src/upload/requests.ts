/**
 * What the API asks of the upload layer (one request per `action=upload`) and what it answers.
 * The answers are MediaWiki's result shapes (Success, Warning, Continue, Poll) as data; the API
 * renders them (with imageinfo).
 */
import type { Identity } from '../auth/identity.js';
import type { PublishedPage } from '../files/imageinfo.js';
import type { FileVersion } from '../files/types.js';
import type { ProcessOptions, UploadOutcome, WatchChange } from './pipeline.js';
import type { ReceivedFile } from './receive.js';
import type { ReadyEntry } from './stash/state.js';
import type { UploadWarnings } from './warnings.js';

/** Who asks, for which request, and how to check that they may upload (the API's permission errors). */
export interface Caller {
  who: Identity;
  /** Unique per request: the owner of the leases it takes. */
  requestId: string;
  /** Throws MediaWiki's error when the caller may not upload (by URL: also `upload_by_url`). */
  authorize(byUrl: boolean): void;
}

/** What the client wants done with the file. */
export interface Target {
  filename: string;
  stash: boolean;
  ignoreWarnings: boolean;
  /** `async`, where asynchronous uploads are enabled. */
  async: boolean;
  comment: string;
  text: string | null;
  tags: string[];
  /** The watchlist change; read when MediaWiki reads it (its errors come at that point). */
  watch(): WatchChange;
}

export type UploadRequest =
  | { kind: 'file'; part: ReceivedFile; target: Target }
  | { kind: 'stash'; filekey: string; target: Target }
  | { kind: 'chunk'; part: ReceivedFile; filekey?: string; offset: number; filesize: number; target: Target }
  | { kind: 'url'; url: string; target: Target }
  /** `checkstatus` for a file key. */
  | { kind: 'status'; filekey: string }
  /** `checkstatus` for an async URL upload, keyed by its URL and file name. */
  | { kind: 'url-status'; url: string; filename?: string };

export type UploadAnswer =
  | { result: 'Warning'; warnings: UploadWarnings; filekey?: string }
  /** A chunk was stored; send the next one at `offset`. */
  | { result: 'Continue'; offset: number; filekey: string }
  /** `checkstatus` of a chunked upload in progress. */
  | { result: 'Continue'; stage: 'uploading'; offset: number }
  | {
      result: 'Poll';
      stage: string;
      progress?: { bytes: number; total?: number };
      filekey?: string;
      filename?: string;
    }
  /** In the stash under `filekey` (imageinfo from `stashed`, when known). */
  | {
      result: 'Success';
      stage?: string;
      filekey: string;
      sessionkey?: string;
      warnings: UploadWarnings;
      stashed: ReadyEntry | null;
    }
  /** Published as `filename` (imageinfo from `published`, when known). */
  | {
      result: 'Success';
      stage?: string;
      filename: string;
      warnings: UploadWarnings;
      published: FileVersion | null;
      /** What publishing it wrote of its page, when this request published it. */
      page?: PublishedPage;
    };

/** The answer for how the pipeline ended. */
export function outcomeAnswer(o: UploadOutcome): UploadAnswer {
  if (o.kind === 'warning') return { result: 'Warning', warnings: o.warnings, filekey: o.filekey };
  if (o.kind === 'stashed') {
    const key = o.entry.key;
    return { result: 'Success', filekey: key, sessionkey: key, warnings: o.warnings, stashed: o.entry };
  }
  const { file, pageId, pageCreated, previous } = o.result;
  return {
    result: 'Success',
    filename: file.name,
    warnings: o.warnings,
    published: file,
    page: { id: pageId, existed: !pageCreated, replaced: previous !== null },
  };
}

/** The pipeline's options for a target (reads the watchlist change). */
export function processOptions(t: Target): ProcessOptions {
  return {
    filename: t.filename,
    stash: t.stash,
    ignoreWarnings: t.ignoreWarnings,
    comment: t.comment,
    text: t.text,
    tags: t.tags,
    watch: t.watch(),
  };
}
