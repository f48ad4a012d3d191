import type { FileVersion } from '../../files/types.js';
import type { StashEntry } from '../../upload/stash.js';
import type { ApiContext } from '../context.js';

/** imageinfo of a freshly published file, as the upload answer prints it. */
export async function uploadImageInfo(ctx: ApiContext, f: FileVersion): Promise<Record<string, unknown>> {
  return {
    timestamp: f.timestamp,
    user: f.userText,
    userid: f.userId,
    size: f.size,
    width: f.width,
    height: f.height,
    comment: f.description,
    url: `${ctx.config.server}/w/images/${f.name}`,
    sha1: f.sha1,
    mime: f.mime,
    mediatype: f.mediaType,
    bitdepth: f.bits,
  };
}

/** imageinfo of a stashed file. */
export async function stashImageInfo(ctx: ApiContext, e: StashEntry): Promise<Record<string, unknown>> {
  return {
    timestamp: e.timestamp,
    size: e.size,
    width: e.props?.width ?? 0,
    height: e.props?.height ?? 0,
    url: `${ctx.config.server}/w/index.php/Special:UploadStash/file/${e.key}`,
    sha1: e.sha1,
    mime: e.mime,
    bitdepth: e.props?.bits ?? 0,
  };
}
