/**
 * `Special:UploadStash/file/<key>` and `Special:UploadStash/thumb/<key>/<NNNpx-key…>`: a stashed
 * upload for its owner only (403 for others and for anonymous requests, 404 for unknown keys).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../api/services.js';
import { sessionCookieName } from '../../auth/cookies.js';
import { resolveIdentity } from '../../auth/identity.js';
import { stashThumbSource } from '../../upload/stash/imageinfo.js';
import { FILEKEY_RE } from '../../upload/stash/state.js';
import { notFound, sendError } from './error-page.js';
import { sendBlob } from './send-blob.js';
import { sendThumbnail, thumbTarget } from './thumb-route.js';

/** Who the request's session belongs to (user id), or null. */
async function requestUserId(services: Services, req: FastifyRequest): Promise<number | null> {
  const value = req.cookies[sessionCookieName(services.config)];
  if (!value) return null;
  const session = await services.sessions.load(value);
  if (!session) return null;
  const identity = await resolveIdentity(session, services.users, services.permissions, req.ip);
  return identity.user?.id ?? null;
}

/** Serve a stashed upload (`kind` file) or a thumbnail of it (`thumbSeg`) to its owner. */
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
  const entry = FILEKEY_RE.test(key) ? await services.uploads.stash.peek(key) : null;
  if (entry?.state !== 'ready') return notFound(reply, 'No such file in the upload stash.');
  if (entry.userId !== userId)
    return sendError(reply, 403, 'Forbidden', "This file doesn't belong to the current user.");
  const mime = entry.mime ?? entry.props?.mime ?? 'application/octet-stream';
  const common = { modified: entry.timestamp, cacheControl: 'private, max-age=0, must-revalidate' };
  if (kind === 'file') {
    return sendBlob(services.blobs, req, reply, {
      ...common,
      blobKey: entry.blobKey,
      size: entry.size,
      mime,
      sha1: entry.sha1,
      filename: entry.filename,
    });
  }
  if (!thumbSeg) return notFound(reply, 'No such thumbnail.');
  const target = thumbTarget(
    { ...stashThumbSource(entry), mime, metadata: entry.props?.metadata },
    { blobKey: entry.blobKey, sha1: entry.sha1, size: entry.size },
    common.modified,
    common.cacheControl,
  );
  return sendThumbnail(services, req, reply, target, thumbSeg);
}
