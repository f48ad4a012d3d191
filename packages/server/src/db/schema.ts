import type { Generated } from 'kysely';

/**
 * The database schema. Timestamps are ISO 8601 strings with second precision
 * (`2026-11-25T04:09:30Z`, as the API shows them) unless named `*_ms` (epoch milliseconds).
 * SHA-1 digests are 40-character lower-case hex.
 */
export interface Database {
  users: UsersTable;
  user_groups: UserGroupsTable;
  bot_passwords: BotPasswordsTable;
  sessions: SessionsTable;
  oauth_tokens: OAuthTokensTable;
  login_attempts: LoginAttemptsTable;
  pages: PagesTable;
  revisions: RevisionsTable;
  images: ImagesTable;
  oldimages: OldImagesTable;
  filearchive: FileArchiveTable;
  uploadstash: UploadStashTable;
  upload_status: UploadStatusTable;
  logging: LoggingTable;
  watchlist: WatchlistTable;
  change_tags: ChangeTagsTable;
  jobs: JobsTable;
  thumbnails: ThumbnailsTable;
  counters: CountersTable;
  protections: ProtectionsTable;
  file_links: FileLinksTable;
  recent_changes: RecentChangesTable;
  tus_uploads: TusUploadsTable;
}

export interface UsersTable {
  id: Generated<number>;
  name: string;
  password_hash: string | null;
  registration: string;
  edit_count: Generated<number>;
}

export interface UserGroupsTable {
  user_id: number;
  group_name: string;
  expiry: string | null;
}

export interface BotPasswordsTable {
  user_id: number;
  app_id: string;
  password_hash: string;
  /** JSON array of grant names. */
  grants: string;
  created: string;
}

/** An OAuth 2 owner-only access token, sent as `Authorization: Bearer TOKEN`. */
export interface OAuthTokensTable {
  id: Generated<number>;
  user_id: number;
  /** Unique; names the token in the admin command (revoke, list). */
  name: string;
  /** SHA-256 (hex) of the token; the token itself is never stored. */
  token_hash: string;
  /** JSON array of grant names. */
  grants: string;
  created: string;
  /** When the token stops working; null: never (as owner-only tokens of MediaWiki). */
  expires_ms: number | null;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the session cookie value; the value itself is never stored. */
  id: string;
  user_id: number | null;
  bot_app_id: string | null;
  /** Random secret the session's tokens are derived from. */
  token_secret: string;
  created_ms: number;
  expires_ms: number;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  /** Lower-cased account name and client address, joined. */
  key: string;
  at_ms: number;
}

export interface PagesTable {
  id: Generated<number>;
  namespace: number;
  title: string;
  latest_rev_id: number;
  touched: string;
  length: number;
  is_new: number;
}

export interface RevisionsTable {
  id: Generated<number>;
  page_id: number;
  parent_id: number;
  user_id: number;
  user_text: string;
  timestamp: string;
  comment: string;
  content: string;
  sha1: string;
  length: number;
  minor: number;
}

/** Columns shared by the current version of a file, its old versions and deleted versions. */
export interface FileVersionColumns {
  name: string;
  blob_key: string;
  size: number;
  width: number;
  height: number;
  bits: number;
  media_type: string;
  mime: string;
  /** JSON: the media handler's metadata (see src/media). */
  metadata: string;
  description: string;
  user_id: number;
  user_text: string;
  timestamp: string;
  sha1: string;
}

export interface ImagesTable extends FileVersionColumns {}

export interface OldImagesTable extends FileVersionColumns {
  id: Generated<number>;
  /** `YYYYMMDDHHMMSS!Name` */
  archive_name: string;
}

export interface FileArchiveTable extends FileVersionColumns {
  id: Generated<number>;
  /** Empty for what was the current version when deleted. */
  archive_name: string;
  deleted_timestamp: string;
  deleted_user_id: number;
  deleted_reason: string;
}

export interface UploadStashTable {
  key: string;
  user_id: number;
  blob_key: string;
  /** Where the entry stands (src/upload/stash/state.ts): chunks arriving, being assembled, a file. */
  state: 'receiving' | 'assembling' | 'ready';
  /** The file name the client asked for. */
  filename: string;
  /** Bytes stored so far (chunks) or the file size (ready). */
  size: number;
  /** Announced total size of a chunked upload. */
  expected_size: number | null;
  /** Hex SHA-1 once the file is complete. */
  sha1: string | null;
  /**
   * The SHA-1 state of the bytes received so far (chunked uploads): a portable `sha1:` state
   * (util/sha1-state.ts), a `kept:` token naming a hash kept in the process that hashed them, or
   * (uploads begun before 2026-12-05) hash-wasm's whole state in base64 (util/sha1.ts).
   */
  hash_state: string | null;
  chunk_count: number;
  mime: string | null;
  /** JSON: media properties (width, height, bits, media type, metadata). */
  props: string | null;
  source_type: string | null;
  timestamp: string;
  expires_ms: number;
  /** Who works on the entry (a request appending a chunk, or an assembly), and until when. */
  lease_owner: string | null;
  lease_until_ms: number | null;
}

/** A resumable upload (tus, IETF resumable uploads): its URL id, and the stash entry holding its bytes. */
export interface TusUploadsTable {
  /** The id in the upload's URL. */
  id: string;
  user_id: number;
  /** The stash entry: receiving while bytes arrive, then the finished file's key. */
  stash_key: string;
  /** JSON: the client's metadata (Upload-Metadata), values decoded. */
  metadata: string;
  /** The announced total size; null while deferred. */
  length: number | null;
  created_ms: number;
  expires_ms: number;
}

export interface UploadStatusTable {
  /** The file key the status is reported under. */
  key: string;
  user_id: number;
  /** JSON: { result, stage, … } or an error. */
  data: string;
  updated_ms: number;
  expires_ms: number;
}

export interface LoggingTable {
  id: Generated<number>;
  type: string;
  action: string;
  timestamp: string;
  user_id: number;
  user_text: string;
  namespace: number;
  title: string;
  page_id: number;
  comment: string;
  /** JSON object. */
  params: string;
}

export interface WatchlistTable {
  user_id: number;
  namespace: number;
  title: string;
  expiry: string | null;
}

export interface ChangeTagsTable {
  id: Generated<number>;
  tag: string;
  log_id: number | null;
  rev_id: number | null;
}

export interface JobsTable {
  id: Generated<number>;
  type: string;
  /** Jobs with the same non-null key are not queued twice while one is pending. */
  dedupe_key: string | null;
  /** JSON */
  params: string;
  /** 'queued' | 'running' | 'done' | 'failed' */
  status: string;
  attempts: number;
  max_attempts: number;
  run_after_ms: number;
  locked_by: string | null;
  locked_until_ms: number | null;
  last_error: string | null;
  created_ms: number;
  updated_ms: number;
}

export interface ThumbnailsTable {
  /** `<sha1>/<width>px.<ext>` */
  key: string;
  blob_key: string;
  mime: string;
  size: number;
  created_ms: number;
}

export interface CountersTable {
  name: string;
  value: number;
}

export interface ProtectionsTable {
  namespace: number;
  title: string;
  /** edit, move, upload or create. */
  type: string;
  /** autoconfirmed or sysop. */
  level: string;
  /** ISO 8601; null for ever. */
  expiry: string | null;
}

export interface FileLinksTable {
  page_id: number;
  /** DB key of the file used. */
  name: string;
}

/** MediaWiki's recentchanges: one row per edit and per log entry that recent changes show. */
export interface RecentChangesTable {
  id: Generated<number>;
  timestamp: string;
  /** edit, new or log. */
  type: string;
  namespace: number;
  title: string;
  page_id: number;
  /** The revision made (for a log entry: the revision it made, such as an upload's); 0 for none. */
  rev_id: number;
  old_rev_id: number;
  user_id: number;
  user_text: string;
  comment: string;
  minor: number;
  bot: number;
  /** 0 unpatrolled, 1 patrolled, 2 autopatrolled (MediaWiki's rc_patrolled). */
  patrolled: number;
  old_len: number;
  new_len: number;
  /** The log entry of a `log` row; 0 otherwise. */
  log_id: number;
}
