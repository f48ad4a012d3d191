/**
 * The images plugin: file bytes under `/w/images/` (current and old versions, thumbnails rendered
 * on demand through the repository's thumbnail cache) and the file-type icons imageinfo points at.
 * Stashed uploads are served by ./stash-route.ts (reached through `Special:UploadStash` pages).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../api/services.js';
import type { ThumbnailStore } from '../../files/thumbnails.js';
import type { FileVersion } from '../../files/types.js';
import { FILE_ICONS, ICON_DIR, loadSharp } from '../../media/thumbnail/index.js';
import { notFound } from './error-page.js';
import { parseImagePath } from './image-path.js';
import { sendBlob } from './send-blob.js';
import { sendThumbnail, thumbTarget } from './thumb-route.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The repository's thumbnail cache (decorated at the root by the composition). */
    thumbnails: ThumbnailStore;
  }
}

export interface ImagesPluginOptions {
  services: Services;
}

const CACHE_CURRENT = 'public, max-age=300, must-revalidate';
const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';

let iconPng: Promise<Buffer> | null = null;

/** The generic file-type icon (one picture for every `fileicon-*.png` name). */
function fileIcon(): Promise<Buffer> {
  iconPng ??= loadSharp().then((sharp) =>
    sharp({
      create: { width: 120, height: 120, channels: 4, background: { r: 234, g: 236, b: 240, alpha: 1 } },
    })
      .png()
      .toBuffer(),
  );
  return iconPng;
}

const ICON_NAMES = new Set(['fileicon.png', ...[...FILE_ICONS].map((e) => `fileicon-${e}.png`)]);

export const imagesPlugin: FastifyPluginAsync<ImagesPluginOptions> = async (app, { services }) => {
  const sp = services.config.scriptPath;
  const base = `${sp}/images/`;

  app.route({
    method: ['GET', 'HEAD'],
    url: `${base}*`,
    exposeHeadRoute: false,
    handler: async (req, reply) => {
      const rawPath = (req.raw.url ?? '').split('?', 1)[0]!;
      const path = rawPath.startsWith(base) ? parseImagePath(rawPath.slice(base.length)) : null;
      if (!path) return notFound(reply);
      const version: FileVersion | null = path.archiveName
        ? await services.files.oldVersion(path.name, path.archiveName)
        : await services.files.current(path.name);
      if (!version) return notFound(reply);
      const cacheControl = version.archiveName ? CACHE_IMMUTABLE : CACHE_CURRENT;
      if (path.thumb !== null) {
        const target = thumbTarget(version, version, version.timestamp, cacheControl);
        return sendThumbnail(services, req, reply, target, path.thumb);
      }
      return sendBlob(services.blobs, req, reply, {
        blobKey: version.blobKey,
        size: version.size,
        mime: version.mime,
        sha1: version.sha1,
        modified: version.timestamp,
        filename: version.name,
        cacheControl,
      });
    },
  });

  app.route<{ Params: { icon: string } }>({
    method: ['GET', 'HEAD'],
    url: `${sp}${ICON_DIR}:icon`,
    exposeHeadRoute: false,
    handler: async (req, reply) => {
      if (!ICON_NAMES.has(req.params.icon)) return notFound(reply);
      const png = await fileIcon();
      reply
        .header('content-type', 'image/png')
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', CACHE_IMMUTABLE)
        .header('content-length', String(png.length));
      return req.method === 'HEAD' ? reply.send() : reply.send(png);
    },
  });
};
