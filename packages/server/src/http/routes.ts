import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../services.js';
import { registerFileRoutes } from './files.js';
import { pagesPlugin } from './pages.js';

/** Non-API routes: file bytes, thumbnails and stashed uploads (images), description pages. */
export const publicRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  await app.register(async (images) => registerFileRoutes(images, services));
  await app.register(pagesPlugin, { services });
};
