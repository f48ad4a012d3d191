/**
 * Isomorphic entry: everything that runs in browsers and Node alike (fetch, FormData, Blob, streams,
 * AbortSignal). Sources are Blobs/Files, bytes or streams.
 */
export {
  CLIENT_VERSION,
  encodeParams,
  type FileTransport,
  MwApi,
  type MwApiOptions,
  type RequestFile,
  type RequestOptions,
  type SiteInfo,
  type TransportAnswer,
} from './api.js';
export {
  bareFilename,
  MwClient,
  type MwClientOptions,
  type PublishStashOptions,
  type UrlUploadOptions,
} from './client.js';
export { CookieJar, type SerializedCookie } from './cookies.js';
export {
  ApiError,
  HttpError,
  isAbortError,
  isMwClientError,
  isRetryableApiCode,
  isStashNotFound,
  LoginError,
  MwClientError,
  STASH_NOT_FOUND_CODES,
  UploadError,
} from './errors.js';
export { Sha1Tracker, sha1Hex, sha1OfSource } from './hash.js';
export {
  BlobSource,
  BytesSource,
  StreamSource,
  toUploadSource,
  type UploadSource,
  type UploadSourceInput,
} from './source.js';
export type * from './types.js';
export { DEFAULT_CHUNK_SIZE } from './upload/index.js';
export { formatBytes, parseSize } from './util.js';
export { describeWarning, describeWarnings, normalizeWarningCode, warningsIgnorable } from './warnings.js';
