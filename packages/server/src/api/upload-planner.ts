import type { PartPlanner } from '../http/server.js';
import type { Services } from '../services.js';
import type { ChunkedUploads } from '../upload/chunks.js';

/**
 * Decide, while a multipart body arrives, where each file part goes: chunks of a chunked upload
 * straight onto the upload's blob (under the file key's lock), anything else into a new blob.
 */
export function createUploadPlanner(services: Services, chunks: ChunkedUploads): PartPlanner {
  return async (field, fields, req) => {
    const limit = services.config.uploads.maxUploadSize;
    const get = (n: string) => fields.get(n) ?? req.query.get(n);
    if (field !== 'chunk' || get('action') !== 'upload') return { plan: { kind: 'blob' }, limit };
    const session = await services.sessions.load(req.sessionCookie);
    const rawOffset = get('offset')?.trim();
    const offset = rawOffset !== undefined && /^\d+$/.test(rawOffset) ? Number(rawOffset) : undefined;
    const filekey = get('filekey') || get('sessionkey') || undefined;
    const { plan, release } = await chunks.plan(session?.userId ?? null, filekey, offset, req.requestId);
    if (release) req.cleanups.push(release);
    return { plan, limit: plan.kind === 'append' ? Math.max(0, limit - plan.offset) : limit };
  };
}
