/**
 * Sending stored bytes: conditional requests (ETag = SHA-1, Last-Modified; `fresh`), single byte
 * ranges (`range-parser`; several ranges get the whole entity), streamed from the blob store.
 *
 * Content types: the stored MIME type is sent only when a browser will not run it as a document
 * with scripts (images, audio, video, PDF, plain text). SVG is sent as image/svg+xml with a
 * Content-Security-Policy that allows no scripts, no external loads and no plugins (`sandbox`), so
 * opening one directly cannot run code in our origin. Anything else (HTML, XML, JavaScript, unknown
 * types) is sent as `application/octet-stream` with `Content-Disposition: attachment`. Every
 * response has `X-Content-Type-Options: nosniff`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import fresh from 'fresh';
import rangeParser from 'range-parser';
import type { BlobStore } from '../../storage/blob-store.js';
import { notFound } from './error-page.js';

/** Types served as they are (with `inline` disposition). */
const INLINE_TYPES =
  /^(image\/(png|jpeg|gif|webp|bmp|x-bmp|x-ms-bmp|tiff|x-icon|vnd\.microsoft\.icon|avif|heic|heif)|audio\/[\w.+-]+|video\/[\w.+-]+|application\/ogg|application\/pdf|text\/plain)$/;
const SVG_TYPES = new Set(['image/svg+xml', 'image/svg']);

/** Policy for SVG (and a second line of defence for everything we serve). */
const FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

export interface ServedBlob {
  blobKey: string;
  size: number;
  mime: string;
  /** The entity tag without quotes (hex SHA-1 of the bytes, or derived from it). */
  sha1: string;
  /** ISO timestamp of the version. */
  modified: string;
  /** Name for a download (`Content-Disposition`). */
  filename: string;
  cacheControl: string;
}

/** The headers that decide how a browser treats the bytes. */
function contentHeaders(mime: string, filename: string): Record<string, string> {
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

/** Whole seconds of an HTTP date (NaN when it is none). */
const seconds = (date: string) => Math.floor(Date.parse(date) / 1000);

/**
 * The one byte range to send of a `size`-byte entity: null to send everything (no Range header,
 * another unit, several ranges, a malformed header, or an If-Range that no longer matches),
 * 'unsatisfiable' for a 416.
 */
function requestedRange(
  req: FastifyRequest,
  size: number,
  validators: { etag: string; lastModified: string },
): { start: number; end: number } | 'unsatisfiable' | null {
  const header = req.headers.range;
  if (typeof header !== 'string') return null;
  // A suffix longer than the entity means all of it (RFC 9110 §14.1.2); range-parser refuses it.
  const spec = header.replace(/=\s*-\s*(\d+)\s*$/, (m, n: string) =>
    size > 0 && Number(n) > size ? '=0-' : m,
  );
  const ranges = rangeParser(size, spec, { combine: true });
  if (ranges === -2) return null;
  if (ranges === -1) return 'unsatisfiable';
  if (ranges.type.trim().toLowerCase() !== 'bytes' || ranges.length !== 1) return null;
  // If-Range: a strong entity tag, or the exact Last-Modified date.
  const ifRange = req.headers['if-range'];
  if (typeof ifRange === 'string') {
    const v = ifRange.trim();
    const current =
      v.startsWith('"') || v.startsWith('W/')
        ? v === validators.etag
        : seconds(v) === seconds(validators.lastModified);
    if (!current) return null;
  }
  return ranges[0]!;
}

/** Send a blob with conditional-request and range handling (GET and HEAD). */
export async function sendBlob(
  blobs: BlobStore,
  req: FastifyRequest,
  reply: FastifyReply,
  b: ServedBlob,
): Promise<FastifyReply> {
  const etag = `"${b.sha1}"`;
  const lastModified = new Date(b.modified).toUTCString();
  reply.headers({
    ...contentHeaders(b.mime, b.filename),
    etag,
    'last-modified': lastModified,
    'accept-ranges': 'bytes',
    'cache-control': b.cacheControl,
  });
  // As an origin server (RFC 9110 §13.2): a request's Cache-Control speaks to caches, so only the
  // validators go to `fresh` (which treats `no-cache` as a reload, as fetch() sends it).
  const conditions = {
    'if-none-match': req.headers['if-none-match'],
    'if-modified-since': req.headers['if-modified-since'],
  };
  if (fresh(conditions, { etag, 'last-modified': lastModified })) return reply.code(304).send();
  const range = requestedRange(req, b.size, { etag, lastModified });
  if (range === 'unsatisfiable') {
    return reply
      .code(416)
      .header('content-range', `bytes */${b.size}`)
      .header('content-type', 'text/plain; charset=UTF-8')
      .send('');
  }
  if (!(await blobs.stat(b.blobKey))) return notFound(reply);
  if (range) {
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${b.size}`);
    reply.header('content-length', String(range.end - range.start + 1));
  } else {
    reply.code(200).header('content-length', String(b.size));
  }
  if (req.method === 'HEAD') return reply.send();
  if (b.size === 0) return reply.send('');
  return reply.send(blobs.read(b.blobKey, range ?? { start: 0, end: b.size - 1 }));
}
