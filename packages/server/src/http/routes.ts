import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../api/services.js';
import { healthPlugin, metricsPlugin } from './health.js';
import { imagesPlugin } from './images/plugin.js';
import { tusPlugin } from './tus/plugin.js';

/**
 * Non-API routes: health and metrics, file bytes, thumbnails and stashed uploads (images), resumable
 * uploads (tus).
 */
export const publicRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  await app.register(healthPlugin, { services });
  await app.register(metricsPlugin, { services });
  await app.register(imagesPlugin, { services });
  await app.register(tusPlugin, { services });
};
