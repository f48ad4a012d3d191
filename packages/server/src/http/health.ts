/**
 * What operators and their tools read: `/healthz` answers while the process serves at all;
 * `/readyz` answers 200 when the database and the storage answer, else 503 with what failed; the
 * Prometheus metrics.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../api/services.js';

export const healthPlugin: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/healthz', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
  app.get('/readyz', async (_request, reply) => {
    const r = await services.readiness();
    reply.header('cache-control', 'no-store');
    reply.code(r.ready ? 200 : 503);
    return { status: r.ready ? 'ready' : 'not ready', database: r.database, storage: r.storage };
  });
};

/** Prometheus metrics at `metrics.path` (when `metrics.enabled`). */
export const metricsPlugin: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const cfg = services.config.metrics;
  if (!cfg.enabled) return;
  app.get(cfg.path, async (_request, reply) => {
    const { contentType, body } = await services.metrics.text();
    reply.header('content-type', contentType);
    reply.header('cache-control', 'no-store');
    return body;
  });
};
