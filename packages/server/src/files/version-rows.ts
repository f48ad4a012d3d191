/** File versions as rows of `images`, `oldimages` and `filearchive`, and back. */
import type { FileVersionColumns } from '../db/schema.js';
import type { FileVersion } from './types.js';

export function toVersion(r: FileVersionColumns & { archive_name?: string }): FileVersion {
  return {
    name: r.name,
    blobKey: r.blob_key,
    size: Number(r.size),
    width: r.width,
    height: r.height,
    bits: r.bits,
    mediaType: r.media_type,
    mime: r.mime,
    metadata: JSON.parse(r.metadata) as unknown,
    description: r.description,
    userId: r.user_id,
    userText: r.user_text,
    timestamp: r.timestamp,
    sha1: r.sha1,
    archiveName: r.archive_name ?? '',
  };
}

export function columns(v: Omit<FileVersion, 'archiveName'>): FileVersionColumns {
  return {
    name: v.name,
    blob_key: v.blobKey,
    size: v.size,
    width: v.width,
    height: v.height,
    bits: v.bits,
    media_type: v.mediaType,
    mime: v.mime,
    metadata: JSON.stringify(v.metadata ?? null),
    description: v.description,
    user_id: v.userId,
    user_text: v.userText,
    timestamp: v.timestamp,
    sha1: v.sha1,
  };
}
