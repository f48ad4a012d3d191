import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';

/** Non-API routes: file bytes, thumbnails, description pages. */
export function registerPublicRoutes(_app: FastifyInstance, _services: Services): void {}
