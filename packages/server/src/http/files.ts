/**
 * Serving file bytes: `/w/images/…` (current and old versions, thumbnails rendered on demand) and
 * the bytes of stashed uploads for their owner. Responses are conditional (ETag = SHA-1,
 * Last-Modified) and support single byte ranges.
 *
 * Content types: the stored MIME type is sent only when a browser will not run it as a document
 * with scripts (images, audio, video, PDF, plain text). SVG is sent as image/svg+xml with a
 * Content-Security-Policy that allows no scripts, no external loads and no plugins (`sandbox`), so
 * opening one directly cannot run code in our origin. Anything else (HTML, XML, JavaScript, unknown
 * types) is sent as `application/octet-stream` with `Content-Disposition: attachment`. Every
 * response has `X-Content-Type-Options: nosniff`.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import type { Services } from '../api/services.js';
import { sessionCookieName } from '../auth/cookies.js';
import { resolveIdentity } from '../auth/identity.js';
import type { FileVersion } from '../files/types.js';
import { hashPath, parseThumbName, planThumb, type ThumbSource } from '../files/urls.js';
import { svgForRender } from '../media/svg.js';
import { stashThumbSource } from '../upload/stash/imageinfo.js';
import { FILEKEY_RE, type StashEntry } from '../upload/stash/state.js';

/** Types served as they are (with `inline` disposition). */
const INLINE_TYPES =
  /^(image\/(png|jpeg|gif|webp|bmp|x-bmp|x-ms-bmp|tiff|x-icon|vnd\.microsoft\.icon|avif|heic|heif)|audio\/[\w.+-]+|video\/[\w.+-]+|application\/ogg|application\/pdf|text\/plain)$/;
const SVG_TYPES = new Set(['image/svg+xml', 'image/svg']);

/** Policy for SVG (and a second line of defence for everything we serve). */
export const FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/** Largest SVG we rasterise (the whole document is parsed in memory). */
const MAX_SVG_RENDER_BYTES = 32 * 1024 * 1024;

export interface ServedBlob {
  blobKey: string;
  size: number;
  mime: string;
  /** Hex SHA-1 of the bytes (the entity tag). */
  sha1: string;
  /** ISO timestamp of the version. */
  modified: string;
  /** Name for a download (`Content-Disposition`). */
  filename: string;
  cacheControl: string;
}

const httpDate = (iso: string) => new Date(iso).toUTCString();

/** The headers that decide how a browser treats the bytes. */
export function contentHeaders(mime: string, filename: string): Record<string, string> {
  const m = mime.toLowerCase();
  const h: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'content-security-policy': FILE_CSP,
  };
  const disposition = (kind: string) => `${kind}; filename*=UTF-8''${encodeURIComponent(filename)}`;
  if (SVG_TYPES.has(m)) {
    h['content-type'] = 'image/svg+xml';
    h['content-disposition'] = disposition('inline');
  } else if (INLINE_TYPES.test(m)) {
    h['content-type'] = m === 'text/plain' ? 'text/plain; charset=UTF-8' : m;
    h['content-disposition'] = disposition('inline');
    // Browser PDF viewers refuse sandboxed documents.
    if (m === 'application/pdf')
      h['content-security-policy'] = "default-src 'none'; style-src 'unsafe-inline'";
  } else {
    h['content-type'] = 'application/octet-stream';
    h['content-disposition'] = disposition('attachment');
  }
  return h;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A small HTML error page. */
export function sendError(reply: FastifyReply, status: number, title: string, message: string): FastifyReply {
  const body = `<!DOCTYPE html>\n<html lang="en"><head><meta charset="UTF-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>\n`;
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=UTF-8')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-cache')
    .send(body);
}

const notFound = (reply: FastifyReply, what = 'The requested file was not found.') =>
  sendError(reply, 404, 'Not Found', what);

function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

type Range = { start: number; end: number } | 'unsatisfiable' | null;

/** A single `bytes=` range of a `size`-byte entity (null: serve everything). */
function parseRange(header: string | undefined, size: number): Range {
  if (!header) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return null; // several ranges or another unit: the whole entity
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  if (start >= size) return 'unsatisfiable';
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (end < start) return null;
  return { start, end };
}

/** Send a blob with conditional-request and range handling (GET and HEAD). */
export async function sendBlob(
  services: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  b: ServedBlob,
): Promise<FastifyReply> {
  const etag = `"${b.sha1}"`;
  const head: Record<string, string> = {
    ...contentHeaders(b.mime, b.filename),
    etag,
    'last-modified': httpDate(b.modified),
    'accept-ranges': 'bytes',
    'cache-control': b.cacheControl,
  };
  for (const [k, v] of Object.entries(head)) reply.header(k, v);
  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  if (
    typeof inm === 'string'
      ? etagMatches(inm, etag)
      : typeof ims === 'string' && notModifiedSince(ims, b.modified)
  ) {
    return reply.code(304).send();
  }
  let range = parseRange(typeof req.headers.range === 'string' ? req.headers.range : undefined, b.size);
  const ifRange = req.headers['if-range'];
  if (range && typeof ifRange === 'string') {
    const v = ifRange.trim();
    const ok = v.startsWith('"') || v.startsWith('W/') ? v === etag : notModifiedSince(v, b.modified, true);
    if (!ok) range = null;
  }
  if (range === 'unsatisfiable') {
    return reply
      .code(416)
      .header('content-range', `bytes */${b.size}`)
      .header('content-type', 'text/plain; charset=UTF-8')
      .send('');
  }
  const stat = await services.blobs.stat(b.blobKey);
  if (!stat) return notFound(reply);
  if (range) {
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${b.size}`);
    reply.header('content-length', String(range.end - range.start + 1));
  } else {
    reply.code(200).header('content-length', String(b.size));
  }
  if (req.method === 'HEAD') return reply.send();
  if (b.size === 0) return reply.send('');
  const stream = services.blobs.read(b.blobKey, range ?? { start: 0, end: b.size - 1 });
  return reply.send(stream);
}

/** If-Modified-Since / If-Range dates compare in whole seconds. */
function notModifiedSince(header: string, modifiedIso: string, exact = false): boolean {
  const since = Date.parse(header);
  if (Number.isNaN(since)) return false;
  const mod = Math.floor(Date.parse(modifiedIso) / 1000);
  const s = Math.floor(since / 1000);
  return exact ? mod === s : mod <= s;
}

// ---------------------------------------------------------------------------------------------
// Thumbnails

interface ThumbRow {
  blob_key: string;
  mime: string;
  size: number;
}

/** Thumbnails being rendered, per server (so concurrent requests for one thumbnail render it once). */
const renderingBy = new WeakMap<Services, Map<string, Promise<ThumbRow>>>();

/** The stored thumbnail of these bytes at this width, rendered (once, however many ask) if missing. */
export async function ensureThumb(
  services: Services,
  src: { blobKey: string; sha1: string; mime: string; size: number; width: number; height: number },
  plan: { width: number; height: number; ext: string; mime: string },
): Promise<ThumbRow> {
  const key = `${src.sha1}/${plan.width}px.${plan.ext}`;
  const db = services.db;
  const row = await db
    .selectFrom('thumbnails')
    .select(['blob_key', 'mime', 'size'])
    .where('key', '=', key)
    .executeTakeFirst();
  if (row && (await services.blobs.stat(row.blob_key))) return { ...row, size: Number(row.size) };
  let rendering = renderingBy.get(services);
  if (!rendering) {
    rendering = new Map();
    renderingBy.set(services, rendering);
  }
  const pending = rendering;
  let p = pending.get(key);
  if (!p) {
    p = (async () => {
      const blobKey = `thumbs/${src.sha1.slice(0, 2)}/${src.sha1}/${plan.width}px.${plan.ext.replace(/[^A-Za-z0-9]/g, '') || 'bin'}`;
      const img = await renderThumb(services, src, plan);
      const size = await services.blobs.write(blobKey, Readable.from([img]));
      await db
        .insertInto('thumbnails')
        .values({ key, blob_key: blobKey, mime: plan.mime, size, created_ms: Date.now() })
        .onConflict((oc) => oc.column('key').doUpdateSet({ blob_key: blobKey, mime: plan.mime, size }))
        .execute();
      return { blob_key: blobKey, mime: plan.mime, size };
    })().finally(() => pending.delete(key));
    pending.set(key, p);
  }
  return p;
}

async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    n += (c as Buffer).length;
    if (n > limit) throw new Error('file too large to render');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Render a thumbnail with sharp (SVG through its rewritten root element, so it never allocates the declared size). */
async function renderThumb(
  services: Services,
  src: { blobKey: string; mime: string; size: number; width: number; height: number },
  plan: { width: number; height: number; mime: string },
): Promise<Buffer> {
  const mime = src.mime.toLowerCase();
  let image: Sharp;
  if (mime === 'image/svg+xml' || mime === 'image/svg') {
    const bytes = await readAll(services.blobs.read(src.blobKey), MAX_SVG_RENDER_BYTES);
    image = sharp(svgForRender(bytes, plan.width, plan.height), { failOn: 'none' });
  } else {
    const animated = mime === 'image/gif' && plan.mime === 'image/gif';
    const path = services.blobs.localPath(src.blobKey);
    const opts: SharpOptions = { failOn: 'none', animated };
    if (path) image = sharp(path, opts);
    else {
      image = sharp(opts);
      services.blobs.read(src.blobKey).pipe(image);
    }
    if (mime === 'image/jpeg' || mime === 'image/tiff') image = image.rotate();
  }
  image = image.resize(plan.width, plan.height, { fit: 'fill' });
  switch (plan.mime) {
    case 'image/jpeg':
      return image.jpeg({ quality: 80 }).toBuffer();
    case 'image/gif':
      return image.gif().toBuffer();
    case 'image/tiff':
      return image.tiff().toBuffer();
    case 'image/webp':
      return image.webp().toBuffer();
    default:
      return image.png().toBuffer();
  }
}

// ---------------------------------------------------------------------------------------------
// Routes

/** Percent-decode one path segment; null when malformed or when it hides a `/` or NUL. */
function decodeSegment(s: string): string | null {
  try {
    const d = decodeURIComponent(s);
    if (d.includes('/') || d.includes('\\') || d.includes('\0') || d === '.' || d === '..' || d === '')
      return null;
    return d;
  } catch {
    return null;
  }
}

const MAX_NAME_BYTES = 512;

function versionBlob(v: FileVersion, cacheControl: string): ServedBlob {
  return {
    blobKey: v.blobKey,
    size: v.size,
    mime: v.mime,
    sha1: v.sha1,
    modified: v.timestamp,
    filename: v.name,
    cacheControl,
  };
}

const CACHE_CURRENT = 'public, max-age=300, must-revalidate';
const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';

async function serveThumbnail(
  services: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  v: FileVersion,
  segment: string,
): Promise<FastifyReply> {
  const src: ThumbSource = { name: v.name, mime: v.mime, width: v.width, height: v.height };
  const width = parseThumbName(segment, src);
  if (width === null) return notFound(reply, 'No such thumbnail.');
  const plan = planThumb(src, { width, height: null });
  if (plan.kind !== 'thumb' || plan.name !== segment) {
    return sendError(
      reply,
      400,
      'Bad Request',
      'Image was not scaled, is the requested width bigger than the source?',
    );
  }
  let row: ThumbRow;
  try {
    row = await ensureThumb(services, { ...v, blobKey: v.blobKey }, plan);
  } catch (e) {
    services.log.warn({ err: e, file: v.name, width }, 'thumbnail rendering failed');
    return sendError(reply, 500, 'Error creating thumbnail', 'The thumbnail could not be rendered.');
  }
  return sendBlob(services, req, reply, {
    blobKey: row.blob_key,
    size: row.size,
    mime: row.mime,
    sha1: `${v.sha1}-${width}`,
    modified: v.timestamp,
    filename: segment,
    cacheControl: v.archiveName ? CACHE_IMMUTABLE : CACHE_CURRENT,
  });
}

/** `/w/images/<a>/<ab>/<Name>`, `/archive/…`, `/thumb/…`, `/thumb/archive/…`. */
async function handleImages(
  services: Services,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const base = `${services.config.scriptPath}/images/`;
  const rawPath = (req.raw.url ?? '').split('?', 1)[0]!;
  if (!rawPath.startsWith(base)) return notFound(reply);
  const raw = rawPath.slice(base.length).split('/');
  if (raw.some((s) => Buffer.byteLength(s) > MAX_NAME_BYTES * 3)) return notFound(reply);
  const segs = raw.map(decodeSegment);
  if (segs.some((s) => s === null)) return notFound(reply);
  const parts = segs as string[];
  const files = services.files;
  let archive = false;
  let thumb = false;
  if (parts[0] === 'thumb') {
    thumb = true;
    parts.shift();
  }
  if (parts[0] === 'archive') {
    archive = true;
    parts.shift();
  }
  if (parts.length !== (thumb ? 4 : 3)) return notFound(reply);
  const [a, ab, stored, thumbSeg] = parts as [string, string, string, string | undefined];
  if (Buffer.byteLength(stored) > MAX_NAME_BYTES) return notFound(reply);
  let version: FileVersion | null;
  let name: string;
  if (archive) {
    const m = /^(\d{14})!(.+)$/.exec(stored);
    if (!m) return notFound(reply);
    name = m[2]!;
    if (`${a}/${ab}/` !== hashPath(name)) return notFound(reply);
    version = await files.oldVersion(name, stored);
  } else {
    name = stored;
    if (`${a}/${ab}/` !== hashPath(name)) return notFound(reply);
    version = await files.current(name);
  }
  if (!version) return notFound(reply);
  if (thumb) return serveThumbnail(services, req, reply, version, thumbSeg!);
  return sendBlob(services, req, reply, versionBlob(version, archive ? CACHE_IMMUTABLE : CACHE_CURRENT));
}

let iconPng: Promise<Buffer> | null = null;

/** The generic file icon imageinfo points at for files without an image handler. */
function fileIcon(): Promise<Buffer> {
  iconPng ??= sharp({
    create: { width: 120, height: 120, channels: 4, background: { r: 234, g: 236, b: 240, alpha: 1 } },
  })
    .png()
    .toBuffer();
  return iconPng;
}

/** Who the request's session belongs to (user id), or null. */
export async function requestUserId(services: Services, req: FastifyRequest): Promise<number | null> {
  const value = req.cookies[sessionCookieName(services.config)];
  if (!value) return null;
  const session = await services.sessions.load(value);
  if (!session) return null;
  const identity = await resolveIdentity(session, services.users, services.permissions, req.ip);
  return identity.user?.id ?? null;
}

/**
 * `Special:UploadStash/file/<key>` and `Special:UploadStash/thumb/<key>/<NNNpx-key…>`: a stashed
 * upload for its owner only (403 for others and for anonymous requests, 404 for unknown keys).
 */
export async function serveStash(
  services: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  kind: 'file' | 'thumb',
  key: string,
  thumbSeg?: string,
): Promise<FastifyReply> {
  const userId = await requestUserId(services, req);
  if (userId === null)
    return sendError(reply, 403, 'Forbidden', 'The upload stash is only available to logged-in users.');
  const entry: StashEntry | null = FILEKEY_RE.test(key) ? await services.uploads.stash.peek(key) : null;
  if (entry?.state !== 'ready') return notFound(reply, 'No such file in the upload stash.');
  if (entry.userId !== userId)
    return sendError(reply, 403, 'Forbidden', "This file doesn't belong to the current user.");
  const mime = entry.mime ?? entry.props?.mime ?? 'application/octet-stream';
  const common = { modified: entry.timestamp, cacheControl: 'private, max-age=0, must-revalidate' };
  if (kind === 'file') {
    return sendBlob(services, req, reply, {
      ...common,
      blobKey: entry.blobKey,
      size: entry.size,
      mime,
      sha1: entry.sha1,
      filename: entry.filename,
    });
  }
  const src = stashThumbSource(entry);
  const width = thumbSeg ? parseThumbName(thumbSeg, src) : null;
  const plan = width === null ? null : planThumb(src, { width, height: null });
  if (plan?.kind !== 'thumb') return notFound(reply, 'No such thumbnail.');
  let row: ThumbRow;
  try {
    row = await ensureThumb(
      services,
      {
        blobKey: entry.blobKey,
        sha1: entry.sha1,
        mime,
        size: entry.size,
        width: src.width,
        height: src.height,
      },
      plan,
    );
  } catch (e) {
    services.log.warn({ err: e, key }, 'thumbnail rendering failed');
    return sendError(reply, 500, 'Error creating thumbnail', 'The thumbnail could not be rendered.');
  }
  return sendBlob(services, req, reply, {
    ...common,
    blobKey: row.blob_key,
    size: row.size,
    mime: row.mime,
    sha1: `${entry.sha1}-${width}`,
    filename: thumbSeg!,
  });
}

/** Register the file routes. */
export function registerFileRoutes(app: FastifyInstance, services: Services): void {
  const sp = services.config.scriptPath;
  app.route({
    method: ['GET', 'HEAD'],
    url: `${sp}/images/*`,
    exposeHeadRoute: false,
    handler: (req, reply) => handleImages(services, req, reply),
  });
  app.route({
    method: ['GET', 'HEAD'],
    url: `${sp}/resources/assets/file-type-icons/fileicon.png`,
    exposeHeadRoute: false,
    handler: async (req, reply) => {
      const png = await fileIcon();
      reply
        .header('content-type', 'image/png')
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', CACHE_IMMUTABLE)
        .header('content-length', String(png.length));
      return req.method === 'HEAD' ? reply.send() : reply.send(png);
    },
  });
}
