import type { FastifyInstance } from 'fastify';
import type { ThumbnailStore } from '../files/thumbnails.js';
import type { Services } from '../services.js';
import { imagesPlugin } from './images/plugin.js';
import { registerPageRoutes } from './pages.js';

/** Non-API routes: file bytes, thumbnails, description pages, stashed uploads. */
export function registerPublicRoutes(
  app: FastifyInstance,
  services: Services,
  thumbnails: ThumbnailStore,
): void {
  // The thumbnail cache is shared by the images plugin and the stash pages (see images/plugin.ts).
  app.decorate('thumbnails', thumbnails);
  app.register(imagesPlugin, { services });
  registerPageRoutes(app, services);
}
