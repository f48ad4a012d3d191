import type { FastifyInstance } from 'fastify';
import type { Services } from '../api/services.js';
import { registerFileRoutes } from './files.js';
import { registerPageRoutes } from './pages.js';

/** Non-API routes: file bytes, thumbnails, description pages, stashed uploads. */
export function registerPublicRoutes(app: FastifyInstance, services: Services): void {
  registerFileRoutes(app, services);
  registerPageRoutes(app, services);
}
