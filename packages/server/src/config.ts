import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_PROHIBITED_EXTENSIONS } from './title/upload-name.js';

/** Everything the server can be configured with. `loadConfig` fills in the defaults. */
export interface Config {
  host: string;
  port: number;
  /** Directory for the embedded database and blob storage (created if missing). */
  dataDir: string;
  /** Public origin used in URLs the API hands out (imageinfo url, descriptionurl, docref…). */
  server: string;
  scriptPath: string;
  siteName: string;
  wikiId: string;
  /** Language code of the wiki's content. */
  lang: string;
  database: DatabaseConfig;
  storage: StorageConfig;
  /** The account created on first start when no user exists. Password generated and printed when absent. */
  admin: { name: string; password?: string };
  /** Group → rights. Merged over MediaWiki 1.39's defaults: `{ "user": { "upload": false } }` removes a right. */
  groupPermissions: Record<string, Record<string, boolean>>;
  uploads: UploadConfig;
  copyUploads: CopyUploadConfig;
  thumbnails: ThumbnailConfig;
  /** MediaWiki's $wgWatchlistExpiry: when false, `watchlistexpiry` is an unknown parameter. */
  watchlistExpiry: boolean;
  /** Change tags that users may apply to uploads (besides none). */
  changeTags: { name: string; active: boolean }[];
  sessions: { cookiePrefix: string; maxAgeSeconds: number; secure: boolean };
  /** Failed logins allowed per account and client address in `windowSeconds`. */
  loginThrottle: { count: number; windowSeconds: number };
  jobs: { workers: number; pollIntervalMs: number; leaseSeconds: number; maxAttempts: number };
  /** Largest urlencoded body / single multipart text field accepted, in bytes. */
  maxFieldBytes: number;
  /** How often expired stash entries, sessions and left-over blobs are removed. */
  maintenanceIntervalSeconds: number;
  /** Trust X-Forwarded-For from a reverse proxy (Fastify's trustProxy). */
  trustProxy: boolean | string;
  /** Origins allowed for credentialed CORS requests (`origin=` parameter). */
  corsOrigins: string[];
  /** Log requests (pino via Fastify). */
  logRequests: boolean;
}

export type DatabaseConfig = { driver: 'sqlite'; file: string } | { driver: 'postgres'; url: string };
export type StorageConfig =
  | { driver: 'local'; dir: string }
  | {
      driver: 's3';
      bucket: string;
      endpoint?: string;
      region: string;
      accessKeyId?: string;
      secretAccessKey?: string;
      forcePathStyle: boolean;
      prefix: string;
    };

export interface UploadConfig {
  enabled: boolean;
  /** Largest file, in bytes ($wgMaxUploadSize). */
  maxUploadSize: number;
  /** Minimum size of a non-final chunk ($wgMinUploadChunkSize). */
  minChunkSize: number;
  fileExtensions: string[];
  prohibitedExtensions: string[];
  checkFileExtensions: boolean;
  strictFileExtensions: boolean;
  illegalFileChars: string;
  /** Stash entries older than this many seconds are removed ($wgUploadStashMaxAge). */
  stashMaxAgeSeconds: number;
  /** $wgEnableAsyncUploads */
  asyncUploads: boolean;
  verifyMimeType: boolean;
  verifyMimeTypeIE: boolean;
  disableScriptChecks: boolean;
  /** MIME types refused outright ($wgMimeTypeExclusions); empty = MediaWiki's default list. */
  mimeTypeExclusions: string[];
  /** $wgUploadSizeWarning in bytes, 0 = off. */
  sizeWarning: number;
  /** Uploads per user per minute for users without `noratelimit` (0 = unlimited). */
  rateLimitPerMinute: number;
}

export interface CopyUploadConfig {
  /** $wgAllowCopyUploads */
  enabled: boolean;
  /** $wgCopyUploadsDomains: empty = any host. `*` matches one label. */
  domains: string[];
  /** Addresses that may be fetched although they are loopback/private (CIDRs). Empty = none. */
  allowAddresses: string[];
  timeoutSeconds: number;
  maxRedirects: number;
}

/** Thumbnails: MediaWiki's limits, and how much rendering one server process does at once. */
export interface ThumbnailConfig {
  /** $wgMaxImageArea: files with more pixels (width × height) get a thumbnail error; false = no limit. */
  maxImageArea: number | false;
  /** JPEGs are exempt from maxImageArea (they shrink while decoding); this is their limit. */
  maxJpegArea: number;
  /** Largest thumbnail rendered (width × height); larger requests are invalid parameters. */
  maxThumbnailArea: number;
  /** $wgMaxAnimatedGifArea: larger animated GIFs (width × height × frames) get a still thumbnail. */
  maxAnimatedGifArea: number;
  /** $wgSVGMaxSize: the smaller side of an SVG rendering is capped at this many pixels. */
  svgMaxSize: number;
  /** Largest SVG file rasterised, in bytes. */
  maxSvgBytes: number;
  /** $wgTiffThumbnailType, e.g. ["jpg", "image/jpeg"]; null = MediaWiki's default (the file icon). */
  tiffThumbnailType: [string, string] | null;
  /** Thumbnails rendered at once by one server process. */
  concurrency: number;
  /** Renderings that may wait for a free slot; more requests answer 503 until one finishes. */
  maxQueue: number;
  /** Seconds before a rendering is abandoned. */
  timeoutSeconds: number;
}

export const MIB = 1024 * 1024;

export function defaultConfig(dataDir = resolve('data')): Config {
  const host = '127.0.0.1';
  const port = 8080;
  return {
    host,
    port,
    dataDir,
    server: `http://${host}:${port}`,
    scriptPath: '/w',
    siteName: 'MwUp Wiki',
    wikiId: 'mwupwiki',
    lang: 'en',
    database: { driver: 'sqlite', file: join(dataDir, 'wiki.sqlite') },
    storage: { driver: 'local', dir: join(dataDir, 'blobs') },
    admin: { name: 'Admin' },
    groupPermissions: {},
    uploads: {
      enabled: true,
      maxUploadSize: 4 * 1024 * MIB,
      minChunkSize: 1024,
      fileExtensions: [
        'png',
        'gif',
        'jpg',
        'jpeg',
        'webp',
        'svg',
        'pdf',
        'txt',
        'ogg',
        'oga',
        'ogv',
        'webm',
        'tif',
        'tiff',
      ],
      prohibitedExtensions: [...DEFAULT_PROHIBITED_EXTENSIONS],
      checkFileExtensions: true,
      strictFileExtensions: true,
      illegalFileChars: ':/\\',
      stashMaxAgeSeconds: 6 * 3600,
      asyncUploads: true,
      verifyMimeType: true,
      verifyMimeTypeIE: true,
      disableScriptChecks: false,
      mimeTypeExclusions: [],
      sizeWarning: 0,
      rateLimitPerMinute: 0,
    },
    copyUploads: { enabled: false, domains: [], allowAddresses: [], timeoutSeconds: 25, maxRedirects: 5 },
    thumbnails: {
      maxImageArea: 12_500_000,
      maxJpegArea: 2 ** 30,
      maxThumbnailArea: 50_000_000,
      maxAnimatedGifArea: 12_500_000,
      svgMaxSize: 5120,
      maxSvgBytes: 32 * MIB,
      tiffThumbnailType: null,
      concurrency: 2,
      maxQueue: 32,
      timeoutSeconds: 60,
    },
    watchlistExpiry: false,
    changeTags: [],
    sessions: { cookiePrefix: 'mwupwiki', maxAgeSeconds: 30 * 24 * 3600, secure: false },
    loginThrottle: { count: 10, windowSeconds: 300 },
    jobs: { workers: 2, pollIntervalMs: 500, leaseSeconds: 60, maxAttempts: 3 },
    maxFieldBytes: 8 * MIB,
    corsOrigins: [],
    trustProxy: false,
    maintenanceIntervalSeconds: 300,
    logRequests: false,
  };
}

export type DeepPartial<T> = T extends unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep-merge `over` onto `base` (arrays and scalars replace). */
export function mergeConfig<T>(base: T, over: DeepPartial<T> | undefined): T {
  if (!over) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    if (v === undefined) continue;
    const cur = out[k];
    out[k] =
      isPlainObject(cur) && isPlainObject(v) && k !== 'database' && k !== 'storage' ? mergeConfig(cur, v) : v;
  }
  return out as T;
}

/**
 * Build the configuration: defaults, then a JSON config file, then environment variables.
 * The config file is `$MWUP_CONFIG`, else `<dataDir>/config.json` when it exists.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides?: DeepPartial<Config>): Config {
  const dataDir = resolve(env.MWUP_DATA_DIR ?? overrides?.dataDir ?? 'data');
  let cfg = defaultConfig(dataDir);
  const file = env.MWUP_CONFIG ?? join(dataDir, 'config.json');
  let fromFile: DeepPartial<Config> | undefined;
  try {
    fromFile = JSON.parse(readFileSync(file, 'utf8')) as DeepPartial<Config>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || env.MWUP_CONFIG) {
      throw new Error(`cannot read config file ${file}: ${(e as Error).message}`);
    }
  }
  cfg = mergeConfig<Config>(cfg, fromFile);
  const fromEnv: DeepPartial<Config> = {};
  if (env.MWUP_HOST) fromEnv.host = env.MWUP_HOST;
  if (env.MWUP_PORT) fromEnv.port = Number(env.MWUP_PORT);
  if (env.MWUP_SERVER) fromEnv.server = env.MWUP_SERVER;
  if (env.MWUP_SITENAME) fromEnv.siteName = env.MWUP_SITENAME;
  if (env.MWUP_DATABASE_URL) fromEnv.database = { driver: 'postgres', url: env.MWUP_DATABASE_URL };
  if (env.MWUP_ADMIN_USER || env.MWUP_ADMIN_PASSWORD) {
    fromEnv.admin = { name: env.MWUP_ADMIN_USER ?? cfg.admin.name, password: env.MWUP_ADMIN_PASSWORD };
  }
  if (env.MWUP_S3_BUCKET) {
    fromEnv.storage = {
      driver: 's3',
      bucket: env.MWUP_S3_BUCKET,
      endpoint: env.MWUP_S3_ENDPOINT,
      region: env.MWUP_S3_REGION ?? 'us-east-1',
      accessKeyId: env.MWUP_S3_ACCESS_KEY_ID,
      secretAccessKey: env.MWUP_S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.MWUP_S3_FORCE_PATH_STYLE !== 'false',
      prefix: env.MWUP_S3_PREFIX ?? '',
    };
  }
  if (env.MWUP_COPY_UPLOADS) fromEnv.copyUploads = { enabled: env.MWUP_COPY_UPLOADS === 'true' };
  cfg = mergeConfig<Config>(cfg, fromEnv);
  cfg = mergeConfig<Config>(cfg, overrides);
  // The public origin follows host/port unless it was set explicitly.
  if (!fromFile?.server && !fromEnv.server && !overrides?.server) {
    const h = cfg.host === '0.0.0.0' || cfg.host === '::' ? '127.0.0.1' : cfg.host;
    cfg.server = `http://${h.includes(':') ? `[${h}]` : h}:${cfg.port}`;
  }
  return cfg;
}
