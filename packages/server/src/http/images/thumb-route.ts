/**
 * Thumbnails on demand, as MediaWiki's thumb.php answers them: the planned thumbnail from the
 * repository's cache (rendered once if missing), or thumb.php's error page with its status: 400 for
 * a file over the size limits or a request it cannot scale, 404 for names that are no thumbnail of
 * the file, 503 when the server is too busy or the bytes cannot be read now. Never a 500.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../api/services.js';
import { planFromThumbName, thumbFileOf, thumbNameFor } from '../../files/thumb-plan.js';
import type { StoredThumbnail, ThumbnailSource } from '../../files/thumbnails.js';
import { type ThumbFile, ThumbnailError, thumbnailErrorText } from '../../media/thumbnail/index.js';
import { notFound, sendThumbError } from './error-page.js';
import { sendBlob } from './send-blob.js';

/** A file (version or stashed upload) whose thumbnail is asked for. */
export interface ThumbTarget {
  file: ThumbFile;
  source: ThumbnailSource;
  /** ISO timestamp of the version (Last-Modified). */
  modified: string;
  cacheControl: string;
}

/** The thumbnail target for a file's stored facts (name as thumbnails name it, bytes, metadata). */
export function thumbTarget(
  f: { name: string; mime: string; width: number; height: number; metadata: unknown },
  bytes: { blobKey: string; sha1: string; size: number },
  modified: string,
  cacheControl: string,
): ThumbTarget {
  const file = thumbFileOf(f);
  const source: ThumbnailSource = { ...bytes, mime: f.mime };
  if (file.handlerMetadata) source.handlerMetadata = file.handlerMetadata;
  return { file, source, modified, cacheControl };
}

/** Answer a request for the thumbnail named `segment` (`120px-Name.png`) of a file. */
export async function sendThumbnail(
  services: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  target: ThumbTarget,
  segment: string,
): Promise<FastifyReply> {
  const cfg = services.config.thumbnails;
  const plan = planFromThumbName(cfg, target.file, segment);
  if (!plan) return notFound(reply, 'No such thumbnail.');
  if (plan.kind === 'error') return sendThumbError(reply, plan.httpStatus, plan.message);
  if (plan.kind === 'icon') {
    return sendThumbError(
      reply,
      400,
      'The specified thumbnail parameters are not valid: this file has no thumbnails.',
    );
  }
  if (plan.kind !== 'thumb' || thumbNameFor(cfg, target.file, plan) !== segment) {
    return sendThumbError(
      reply,
      400,
      thumbnailErrorText('Image was not scaled, is the requested width bigger than the source?'),
    );
  }
  let stored: StoredThumbnail;
  try {
    stored = await req.server.thumbnails.ensure(target.source, plan);
  } catch (e) {
    const err = e instanceof ThumbnailError ? e : null;
    if (!err || err.cause || err.httpStatus >= 500) {
      services.log.warn(
        { err: err?.cause ?? e, file: target.file.name, thumb: segment },
        'thumbnail not rendered',
      );
    }
    if (err?.httpStatus === 503 || !err) reply.header('retry-after', '5');
    return sendThumbError(
      reply,
      err?.httpStatus ?? 503,
      err?.message ?? thumbnailErrorText('The thumbnail cannot be made now'),
    );
  }
  return sendBlob(services.blobs, req, reply, {
    blobKey: stored.blobKey,
    size: stored.size,
    mime: stored.mime,
    sha1: `${target.source.sha1}-${plan.physicalWidth}`,
    modified: target.modified,
    filename: segment,
    cacheControl: target.cacheControl,
  });
}
