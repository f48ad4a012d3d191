/**
 * Every configuration key, in one place: its type, default, meaning and environment variable.
 * Adding a key is adding it here; `Config` (the type the code uses), the loader's checks and the
 * README's table (`npm run docs:config`) follow from it.
 */
import { join } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { LOG_FORMATS, LOG_LEVELS } from '../log.js';
import { DEFAULT_PROHIBITED_EXTENSIONS } from '../title/upload-name.js';
import { Bool, Bytes, Driver, Drivers, Int, List, OneOf, OptStr, Section, Str } from './keys.js';

export const MIB = 1024 * 1024;

const DEFAULT_FILE_EXTENSIONS = [
  ...['png', 'gif', 'jpg', 'jpeg', 'webp', 'svg', 'pdf', 'txt'],
  ...['ogg', 'oga', 'ogv', 'webm', 'tif', 'tiff'],
];

const database = Drivers('Where the wiki keeps its data: SQLite (the default) or PostgreSQL.', 'sqlite', [
  Driver('sqlite', {
    file: Str(undefined, 'The SQLite database file.', {
      derive: (c) => join(c.dataDir, 'wiki.sqlite'),
      defaultText: '`<dataDir>/wiki.sqlite`',
    }),
  }),
  Driver('postgres', {
    url: Str(undefined, 'Connection string, `postgres://user:password@host/db`.', {
      env: 'MWUP_DATABASE_URL',
    }),
    poolSize: Int(10, 'Connections this node keeps open at most.', { min: 2 }),
    statementTimeoutSeconds: Int(0, 'A query running longer than this is cancelled (0: never).', { min: 0 }),
  }),
]);

const storage = Drivers(
  'Where file contents go: a local directory (the default) or S3-compatible storage.',
  'local',
  [
    Driver('local', {
      dir: Str(undefined, 'Directory of the blobs.', {
        derive: (c) => join(c.dataDir, 'blobs'),
        defaultText: '`<dataDir>/blobs`',
      }),
    }),
    Driver('s3', {
      bucket: Str(undefined, 'Name of the bucket.', { env: 'MWUP_S3_BUCKET' }),
      endpoint: OptStr('Endpoint URL (leave out for AWS).', { env: 'MWUP_S3_ENDPOINT' }),
      region: Str('us-east-1', 'Region of the bucket.', { env: 'MWUP_S3_REGION' }),
      accessKeyId: OptStr('Access key (else the AWS SDK finds credentials itself).', {
        env: 'MWUP_S3_ACCESS_KEY_ID',
      }),
      secretAccessKey: OptStr('Secret key of `accessKeyId`.', { env: 'MWUP_S3_SECRET_ACCESS_KEY' }),
      forcePathStyle: Bool(true, 'Address the bucket in the path, not the host name.', {
        env: 'MWUP_S3_FORCE_PATH_STYLE',
      }),
      prefix: Str('', 'Prefix of every object key.', { env: 'MWUP_S3_PREFIX' }),
      maxAttempts: Int(
        5,
        'Tries of each S3 request: throttling, 5xx answers, timeouts and lost connections are retried with exponential backoff.',
        { min: 1 },
      ),
      requestTimeoutSeconds: Int(
        30,
        'An S3 request whose connection is silent this long is abandoned (and tried again).',
        { min: 1 },
      ),
    }),
  ],
);

const uploads = Section('Uploads (MediaWiki’s upload settings).', {
  enabled: Bool(true, 'Uploads are allowed (`$wgEnableUploads`).'),
  maxUploadSize: Bytes(4 * 1024 * MIB, 'Largest file, in bytes (`$wgMaxUploadSize`).', { min: 1 }),
  minChunkSize: Bytes(1024, 'Smallest non-final chunk of a chunked upload (`$wgMinUploadChunkSize`).'),
  fileExtensions: List(DEFAULT_FILE_EXTENSIONS, 'Extensions accepted (`$wgFileExtensions`).'),
  prohibitedExtensions: List(
    DEFAULT_PROHIBITED_EXTENSIONS,
    'Extensions never accepted (`$wgProhibitedFileExtensions`).',
    {
      defaultText: 'MediaWiki’s list (`html`, `js`, `exe`, `php`, …)',
    },
  ),
  checkFileExtensions: Bool(
    true,
    'Warn about extensions outside `fileExtensions` (`$wgCheckFileExtensions`).',
  ),
  strictFileExtensions: Bool(true, 'Refuse extensions outside `fileExtensions` (`$wgStrictFileExtensions`).'),
  illegalFileChars: Str(':/\\', 'Characters replaced by `-` in file names (`$wgIllegalFileChars`).'),
  stashMaxAgeSeconds: Int(6 * 3600, 'Stashed uploads older than this are removed (`$wgUploadStashMaxAge`).'),
  stashLeaseSeconds: Int(
    6,
    'How long a request or node holds a chunked upload it appends to or assembles without renewing it; after that another may take over (a node that died).',
    { min: 1 },
  ),
  asyncUploads: Bool(true, 'Allow `async` uploads (`$wgEnableAsyncUploads`).'),
  verifyMimeType: Bool(true, 'Check that the content matches the extension (`$wgVerifyMimeType`).'),
  verifyMimeTypeIE: Bool(
    true,
    'Refuse what old Internet Explorer would sniff as HTML (`$wgVerifyMimeTypeIE`).',
  ),
  disableScriptChecks: Bool(false, 'Skip the HTML/script checks (`$wgDisableUploadScriptChecks`).'),
  mimeTypeExclusions: List(
    [],
    'MIME types refused outright (`$wgMimeTypeExclusions`); empty: MediaWiki’s list.',
  ),
  sizeWarning: Bytes(0, 'Warn about files larger than this (`$wgUploadSizeWarning`); 0: never.'),
  rateLimitPerMinute: Int(0, 'Uploads per user and minute for users without `noratelimit`; 0: no limit.'),
  webProtocol: OneOf(
    ['chunked', 'tus'],
    'chunked',
    'How Special:Upload’s uploader sends files larger than a chunk: MediaWiki’s chunked uploads, or tus at `<scriptPath>/tus/`.',
  ),
});

const copyUploads = Section('Uploads by URL (`$wgAllowCopyUploads` and friends).', {
  enabled: Bool(false, 'Allow uploads by URL (`$wgAllowCopyUploads`).', { env: 'MWUP_COPY_UPLOADS' }),
  domains: List(
    [],
    'Hosts that may be fetched (`$wgCopyUploadsDomains`, `*` matches one label); empty: any.',
  ),
  allowAddresses: List([], 'Address ranges (CIDR) that may be fetched although loopback or private.'),
  timeoutSeconds: Int(25, 'Time limit of one fetch (`$wgCopyUploadTimeout`).', { min: 1 }),
  maxRedirects: Int(5, 'Redirects followed at most.'),
});

const thumbnails = Section(
  'Thumbnails: MediaWiki’s limits (decided from the stored header, before any decoding), and how much rendering one server process does at once.',
  {
    maxImageArea: Type.Union([Type.Integer({ minimum: 1 }), Type.Literal(false)], {
      default: 12_500_000,
      description:
        'Images with more pixels (width × height) get `thumberror` and a 400 from their thumbnail URL (`$wgMaxImageArea`); false: no limit.',
      expected: 'a number of pixels or false',
    }),
    maxJpegArea: Int(
      2 ** 30,
      'The same limit for JPEGs, which are exempt from `maxImageArea` (they shrink while decoding).',
      { min: 1 },
    ),
    maxThumbnailArea: Int(
      50_000_000,
      'Largest thumbnail rendered (width × height); larger requests are invalid.',
      { min: 1 },
    ),
    maxAnimatedGifArea: Int(
      12_500_000,
      'Animated GIFs with more pixels (width × height × frames) get a still thumbnail (`$wgMaxAnimatedGifArea`).',
      { min: 1 },
    ),
    svgMaxSize: Int(
      5120,
      'The smaller side of an SVG rendering is capped at this many pixels (`$wgSVGMaxSize`).',
      { min: 1 },
    ),
    maxSvgBytes: Bytes(32 * MIB, 'Largest SVG file rasterised.', { min: 1 }),
    tiffThumbnailType: Type.Union([Type.Tuple([Type.String(), Type.String()]), Type.Null()], {
      default: null,
      description:
        'Extension and MIME type of TIFF thumbnails, e.g. `["jpg", "image/jpeg"]` (`$wgTiffThumbnailType`); null: the file icon, as MediaWiki.',
      expected: 'null or [extension, MIME type]',
    }),
    concurrency: Int(2, 'Thumbnails rendered at once by one server process.', { min: 1 }),
    maxQueue: Int(32, 'Renderings that may wait for a free slot; beyond it the thumbnail URL answers 503.'),
    timeoutSeconds: Int(60, 'Seconds before a rendering is abandoned.', { min: 1 }),
  },
);

/** One entry of `foreignFileRepos`: MediaWiki's `ForeignAPIRepo` settings. */
const foreignFileRepo = Type.Object(
  {
    name: Type.String({
      pattern: '^(?!local$)[A-Za-z0-9_-]+$',
      description: 'Name of the repository (`imagerepository` of its files), not `local`.',
    }),
    apibase: Type.String({ pattern: '^https?://[^\\s]+$', description: 'URL of its `api.php`.' }),
    displayName: Type.Optional(Type.String({ description: 'Shown name (else “a shared repository”).' })),
    url: Type.Optional(Type.String()),
    thumbUrl: Type.Optional(Type.String()),
    descBaseUrl: Type.Optional(Type.String()),
    scriptDirUrl: Type.Optional(Type.String()),
    articleUrl: Type.Optional(Type.String()),
    favicon: Type.Optional(Type.String()),
    fetchDescription: Type.Optional(Type.Boolean()),
    descriptionCacheExpiry: Type.Optional(Type.Integer({ minimum: 0 })),
    apiMetadataExpiry: Type.Optional(Type.Integer({ minimum: 0 })),
    apiThumbCacheExpiry: Type.Optional(Type.Integer({ minimum: 0 })),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
    connectTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

/** The whole configuration. */
export const ConfigSchema = Section('mwup configuration', {
  dataDir: Str('data', 'Directory of the embedded database and blobs (created if missing).', {
    env: 'MWUP_DATA_DIR',
    defaultText: '`./data`',
  }),
  host: Str('127.0.0.1', 'Address to listen on.', { env: 'MWUP_HOST' }),
  port: Int(8080, 'Port to listen on (0: any free port).', {
    env: 'MWUP_PORT',
    max: 65535,
    expected: 'a port number',
  }),
  server: Str(undefined, 'Public origin used in the URLs the API hands out (`$wgServer`).', {
    env: 'MWUP_SERVER',
    pattern: '^https?://[^/?#]+$',
    expected: 'an origin such as https://wiki.example.org',
    derive: (c) => {
      const h = c.host === '0.0.0.0' || c.host === '::' ? '127.0.0.1' : c.host;
      return `http://${h.includes(':') ? `[${h}]` : h}:${c.port}`;
    },
    defaultText: '`http://<host>:<port>`',
  }),
  scriptPath: Str('/w', 'Path of `api.php` and `index.php` (`$wgScriptPath`).', {
    pattern: '^(/[^?#]*[^/?#])?$',
    expected: 'a path such as /w (or empty)',
  }),
  siteName: Str('MwUp Wiki', 'Name of the wiki (`$wgSitename`).', { env: 'MWUP_SITENAME' }),
  wikiId: Str('mwupwiki', 'Wiki id (`meta=siteinfo` `wikiid`).'),
  lang: Str('en', 'Language code of the content (`$wgLanguageCode`).'),
  database,
  storage,
  admin: Section('The administrator created on first start, when there are no users.', {
    name: Str('Admin', 'User name of the first administrator.', { env: 'MWUP_ADMIN_USER' }),
    password: OptStr('Password (generated and printed when left out).', { env: 'MWUP_ADMIN_PASSWORD' }),
  }),
  groupPermissions: Type.Record(Type.String(), Type.Record(Type.String(), Type.Boolean()), {
    default: {},
    description:
      'Group → right → true/false, over MediaWiki 1.39’s defaults (`$wgGroupPermissions`): `{"user": {"upload": false}}` takes a right away.',
    expected: 'an object of groups, each an object of rights set to true or false',
  }),
  uploads,
  copyUploads,
  thumbnails,
  foreignFileRepos: Type.Array(foreignFileRepo, {
    default: [],
    description:
      'Other wikis whose files this wiki uses (`$wgForeignFileRepos` of `ForeignAPIRepo`s): `[{"name": "shared", "apibase": "https://wiki.example.org/w/api.php"}]`, with MediaWiki’s optional `fetchDescription`, `apiMetadataExpiry` (seconds, default 14400), `apiThumbCacheExpiry` (86400), `descriptionCacheExpiry`, `url`, `thumbUrl`, `descBaseUrl`, `scriptDirUrl`, `articleUrl`, `favicon`, and `displayName`, `timeoutSeconds` (25), `connectTimeoutSeconds` (5).',
    expected: 'a list of {"name": …, "apibase": "https://…/api.php", …}',
  }),
  useInstantCommons: Bool(
    false,
    'Use Wikimedia Commons as a shared repository too (`$wgUseInstantCommons`).',
    { env: 'MWUP_INSTANT_COMMONS' },
  ),
  watchlistExpiry: Bool(false, 'Enable the `watchlistexpiry` parameter (`$wgWatchlistExpiry`).'),
  changeTags: Type.Array(
    Type.Object({ name: Type.String(), active: Type.Boolean() }, { additionalProperties: false }),
    {
      default: [],
      description: 'Change tags users may apply, e.g. `[{"name": "bot-upload", "active": true}]`.',
      expected: 'a list of {"name": …, "active": true|false}',
    },
  ),
  sessions: Section('Login sessions.', {
    cookiePrefix: Str('mwupwiki', 'Prefix of the session cookie’s name (`$wgCookiePrefix`).'),
    maxAgeSeconds: Int(30 * 24 * 3600, 'Lifetime of a session.', { min: 1 }),
    secure: Bool(false, 'Send the session cookie over HTTPS only.'),
  }),
  loginThrottle: Section(
    'Failed logins allowed per account and client address (`$wgPasswordAttemptThrottle`).',
    {
      count: Int(5, 'Failed logins allowed within `windowSeconds` (MediaWiki: 5 in 5 minutes).', { min: 1 }),
      windowSeconds: Int(300, 'Length of the window, in seconds.', { min: 1 }),
    },
  ),
  jobs: Section('The job queue of async uploads.', {
    workers: Int(2, 'Jobs run at once by this process.', { min: 1 }),
    pollIntervalMs: Int(500, 'How often idle workers look for jobs, in milliseconds.', { min: 1 }),
    leaseSeconds: Int(
      6,
      'A job whose worker is silent this long is taken over (workers renew their lease every third of it).',
      { min: 1 },
    ),
    maxAttempts: Int(3, 'Tries before a job fails.', { min: 1 }),
  }),
  requests: Section('Limits for slow and greedy clients, per node.', {
    headersTimeoutSeconds: Int(
      20,
      'A connection whose request headers are not complete this long after they began is answered 408 and closed.',
      { min: 1 },
    ),
    bodyTimeoutSeconds: Int(
      20,
      'A request body that pauses this long is cut off: answered 408 (`requesttimeout`) and what it stored removed.',
      { min: 1 },
    ),
    minBodyBytesPerSecond: Int(
      500,
      'A body must arrive within `bodyTimeoutSeconds` plus one second per this many bytes (Apache mod_reqtimeout’s MinRate; 0: no minimum).',
      { min: 0 },
    ),
    maxConcurrentUploads: Int(
      100,
      'Multipart API requests (uploads) this node handles at once; more are answered HTTP 503 with `Retry-After`.',
      { min: 1 },
    ),
    maxConcurrentUploadsPerUser: Int(
      10,
      'Of those, per user (per client address when logged out); more are answered `ratelimited`.',
      { min: 1 },
    ),
  }),
  maxFieldBytes: Bytes(8 * MIB, 'Largest urlencoded body or multipart text field.', { min: 1 }),
  maintenanceIntervalSeconds: Int(
    300,
    'How often expired stash entries, sessions and left-over blobs are removed.',
    {
      min: 1,
    },
  ),
  trustProxy: Type.Union([Type.Boolean(), Type.String()], {
    default: false,
    description:
      'Trust `X-Forwarded-For` from a reverse proxy: true, or its addresses (Fastify’s `trustProxy`).',
    expected: 'true, false or the proxies’ addresses',
  }),
  corsOrigins: List([], 'Origins allowed for credentialed CORS requests (the `origin` parameter).'),
  logRequests: Bool(false, 'Log every request (method, URL, status, time).', { env: 'MWUP_LOG_REQUESTS' }),
  metrics: Section('Prometheus metrics of this node (requests, uploads, bytes, jobs, stash, thumbnails).', {
    enabled: Bool(true, 'Serve them.', { env: 'MWUP_METRICS' }),
    path: Str('/metrics', 'Where (keep it off the public address with a reverse proxy if it matters).'),
  }),
  logLevel: OneOf(LOG_LEVELS, 'info', 'Least severe log level written.', { env: 'MWUP_LOG_LEVEL' }),
  logFormat: OneOf(
    LOG_FORMATS,
    'auto',
    'Log lines as JSON, readable text (`pretty`), or `auto`: readable on a terminal.',
    {
      env: 'MWUP_LOG_FORMAT',
    },
  ),
  shutdownTimeoutSeconds: Int(
    10,
    'On SIGINT/SIGTERM, how long requests in flight may take before their connections are closed.',
    {
      env: 'MWUP_SHUTDOWN_TIMEOUT',
    },
  ),
});

/** Everything the server can be configured with (`loadConfig` fills in the defaults). */
export type Config = Static<typeof ConfigSchema>;
export type DatabaseConfig = Config['database'];
export type StorageConfig = Config['storage'];
export type UploadConfig = Config['uploads'];
export type CopyUploadConfig = Config['copyUploads'];
export type ThumbnailConfig = Config['thumbnails'];
export type ForeignRepoConfig = Config['foreignFileRepos'][number];
