/** Request parameter values as the client accepts them; `false`/`undefined`/`null` leave the parameter out. */
export type ParamValue = string | number | boolean | readonly (string | number)[] | undefined | null;
export type Params = Record<string, ParamValue>;

/** A parsed API answer (formatversion=2). */
// biome-ignore lint/suspicious/noExplicitAny: API answers are dynamic JSON.
export type ApiResponse = Record<string, any>;

/** Upload warning keys as they appear on the wire (MediaWiki 1.39). */
export type UploadWarningCode =
  | 'badfilename'
  | 'filetype-unwanted-type'
  | 'large-file'
  | 'empty-file'
  | 'exists'
  | 'page-exists'
  | 'exists-normalized'
  | 'thumb'
  | 'thumb-name'
  | 'bad-prefix'
  | 'nochange'
  | 'duplicateversions'
  | 'was-deleted'
  | 'duplicate'
  | 'duplicate-archive';

/** `upload.warnings`: what each warning carries. */
export interface UploadWarnings {
  /** The name the file would get after normalisation. */
  badfilename?: string;
  'filetype-unwanted-type'?: unknown;
  'large-file'?: unknown;
  'empty-file'?: boolean;
  /** A file with this name exists. */
  exists?: string;
  'page-exists'?: string;
  /** The name of the other file (different extension spelling). */
  'exists-normalized'?: string;
  thumb?: string;
  'thumb-name'?: string;
  'bad-prefix'?: string;
  /** The upload is identical to the current version. */
  nochange?: { timestamp?: string };
  /** The upload is identical to these old versions. */
  duplicateversions?: { timestamp?: string }[];
  'was-deleted'?: string;
  /** Other files with the same content. */
  duplicate?: string[];
  'duplicate-archive'?: string;
  [key: string]: unknown;
}

/** `imageinfo` of a file version or of a stashed file. */
export interface ImageInfo {
  timestamp?: string;
  user?: string;
  userid?: number;
  size: number;
  width?: number;
  height?: number;
  comment?: string;
  canonicaltitle?: string;
  url?: string;
  descriptionurl?: string;
  /** Hex SHA-1 of the file. */
  sha1?: string;
  mime?: string;
  mediatype?: string;
  [key: string]: unknown;
}

export type UploadPhase = 'preparing' | 'uploading' | 'assembling' | 'publishing' | 'done';

export interface UploadProgress {
  filename: string;
  phase: UploadPhase;
  /** Bytes the server has confirmed (or, for a direct upload, sent). Never decreases. */
  bytesSent: number;
  totalBytes: number | undefined;
  /**
   * Of `bytesSent`, those the wiki already had from an earlier, interrupted run when this one resumed
   * (not sent by this call: leave them out of a transfer rate).
   */
  resumedBytes?: number;
  /**
   * While the wiki works in the background (`async`): its stage as `checkstatus` gives it, e.g.
   * `queued`, `assembling`, `publish`.
   */
  stage?: string;
}

/** What `watchlist` accepts. */
export type Watchlist = 'watch' | 'unwatch' | 'preferences' | 'nochange';

/** `true` ignores every warning, a list ignores only those codes (either spelling: `nochange`/`no-change`). */
export type IgnoreWarnings = boolean | readonly string[];

/** Options shared by every operation that publishes a file. */
export interface PublishOptions {
  comment?: string;
  /** Initial page text for a new file page (defaults to the comment on the server). */
  text?: string;
  tags?: string | readonly string[];
  watchlist?: Watchlist;
  watchlistexpiry?: string;
  ignoreWarnings?: IgnoreWarnings;
  /** Publish asynchronously and poll `checkstatus` (needs `$wgEnableAsyncUploads`). */
  async?: boolean;
  /**
   * With `async`: stop waiting for the wiki after this many ms of polling and reject with an
   * `UploadError` `wait-timeout` whose `data` has the `filekey` (for `checkStatus`) and the last `stage`;
   * the wiki goes on in the background. Default: no limit.
   */
  waitTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: UploadProgress) => void;
}

export interface UploadOptions extends PublishOptions {
  /** Target name. Defaults to the source's own name (a path's basename, a File's name). */
  filename?: string;
  /** Only stash the file: the result is `Stashed` with a `filekey` to publish later. */
  stash?: boolean;
  /**
   * Size of the first chunk in bytes (default 5 MiB). Later chunks grow while the server takes them
   * quickly, up to `maxChunkSize`.
   */
  chunkSize?: number;
  /**
   * Largest chunk in bytes the size may grow to (default 64 MiB, 16 MiB for a stream; when `chunkSize`
   * is given and this is not, chunks keep that size).
   */
  maxChunkSize?: number;
  /** Files up to this size go in one request; larger ones are chunked (default: the chunk size). */
  chunkThreshold?: number;
  /**
   * `chunked` (default): MediaWiki's own protocol (one request up to `chunkThreshold`, chunks above).
   * `tus`: every file goes over tus 1.0 to the wiki's `tus/` endpoint beside `api.php` (mwup serves
   * one), in PATCH requests of `chunkSize` (growing as chunks do) continuing from the offset the
   * server confirms, into the stash; then it is published with `action=upload&filekey`, with the same
   * results and warnings as a chunked upload.
   */
  protocol?: UploadProtocol;
  /** Total size, for stream sources whose size is not known otherwise. */
  size?: number;
  /** Continue an interrupted upload. The local file is checked against the token first. */
  resume?: ResumeToken;
  /** Called whenever the upload reaches a state a new process could continue from. */
  onResumeToken?: (token: ResumeToken) => void | Promise<void>;
  /** Compare the server's SHA-1 with the local one before publishing (default true). */
  verifySha1?: boolean;
  /**
   * Know before sending (default false; the CLI turns it on): hash the file locally, then ask the wiki
   * (`prop=imageinfo` of the target, `list=allimages&aisha1=`). When the target's current version has
   * the same SHA-1 the result is `Unchanged` and no byte is sent; when other files have the same
   * content the result is a `Warning` with `duplicate` (and no `filekey`: nothing was sent) unless
   * `ignoreWarnings` covers `duplicate`. Every other warning still comes from the server. Needs a file,
   * Blob or buffer (a stream is sent without the check); not applied with `stash` or `resume`.
   */
  precheck?: boolean;
}

/** How file bytes travel: MediaWiki's chunked protocol, or tus 1.0. */
export type UploadProtocol = 'chunked' | 'tus';

/** Where an interrupted upload stands. Serialisable as JSON. */
export interface ResumeToken {
  v: 1;
  api: string;
  filename: string;
  /** `uploading`: chunks go to `filekey` from `offset`. `assembling`: the final chunk is in, assembly runs
   * asynchronously under `filekey`. `stashed`: the whole file is stashed under `filekey`. `publishing`:
   * an async publish of `filekey` is under way. */
  stage: 'uploading' | 'assembling' | 'stashed' | 'publishing';
  filekey: string;
  offset: number;
  filesize: number;
  /** Hex SHA-1 of bytes [0, offset) of the file. */
  sha1: string;
  chunkSize: number;
  /**
   * The upload's URL when it goes over tus: at stage `uploading` it continues there (and `filekey` is
   * empty until the file is stashed).
   */
  tusUrl?: string;
  /** Local path and modification time, when the source was a file. Informational. */
  path?: string;
  mtimeMs?: number;
  updatedAt: string;
}

export type UploadResult = UploadSuccess | UploadStashed | UploadWarning | UploadUnchanged;

export interface UploadSuccess {
  result: 'Success';
  filename: string;
  imageinfo?: ImageInfo;
  /** Warnings the server reported although they were ignored (e.g. `exists` on an overwrite). */
  warnings?: UploadWarnings;
  /** Hex SHA-1 the client computed for the bytes it sent, when it sent any. */
  sha1?: string;
  /** The same bytes were already the current version (found after a lost response). */
  alreadyUploaded?: boolean;
}

export interface UploadStashed {
  result: 'Stashed';
  filekey: string;
  filename: string;
  imageinfo?: ImageInfo;
  warnings?: UploadWarnings;
  sha1?: string;
}

/** `precheck` found the file identical to the target's current version: nothing was sent. */
export interface UploadUnchanged {
  result: 'Unchanged';
  filename: string;
  /** Hex SHA-1 of the local file (and of the current version). */
  sha1: string;
  /** The current version. */
  imageinfo?: ImageInfo;
}

/**
 * The server refused to publish without confirmation. Continue with `publishStash(filekey, …)`. A
 * `duplicate` found by `precheck` comes without `filekey`: nothing was sent; upload again with
 * `ignoreWarnings` covering `duplicate`.
 */
export interface UploadWarning {
  result: 'Warning';
  filename: string;
  warnings: UploadWarnings;
  /** The stashed file, ready to be published with `ignoreWarnings`. Absent if stashing failed. */
  filekey?: string;
  stasherrors?: unknown[];
  sha1?: string;
}

/** What `checkStatus` learns about a file key. */
export type UploadStatus =
  | { result: 'Continue'; stage: 'uploading'; offset: number }
  | { result: 'Poll'; stage: string }
  | {
      result: 'Success';
      stage: 'assembling';
      filekey: string;
      imageinfo?: ImageInfo;
      warnings?: UploadWarnings;
    }
  | {
      result: 'Success';
      stage: 'publish';
      filename: string;
      imageinfo?: ImageInfo;
      warnings?: UploadWarnings;
    }
  | { result: 'Success'; stage: string; filekey?: string; filename?: string; imageinfo?: ImageInfo };

/** Result of a dry run (`checkUpload`): nothing is sent but queries. */
export interface UploadCheck {
  filename: string;
  /** The title the file page would have, when the server answered. */
  title?: string;
  size: number;
  sha1: string;
  /** Warnings the server is expected to raise. */
  warnings: UploadWarnings;
  /** Errors the upload would certainly fail with. */
  errors: { code: string; info: string }[];
  /** Checks the server could not answer. */
  unchecked: string[];
}
