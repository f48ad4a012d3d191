import type { FastifyInstance } from 'fastify';

/**
 * The bodies of a plugin's routes: multipart bodies are left for the route to stream part by part;
 * any other body is read as text, up to `limit` bytes.
 */
export function textOrStreamedBodies(app: FastifyInstance, limit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('multipart/form-data', (_req, _payload, done) => done(null, undefined));
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: limit }, (_req, body, done) =>
    done(null, body),
  );
}
