import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ApiRequest } from '../api/context.js';
import type { ApiMain, ApiResponse } from '../api/main.js';
import type { Services } from '../api/services.js';
import { sessionCookieName } from '../auth/cookies.js';
import { errorHeader, MwError } from '../errors.js';
import type { PartReceiver } from '../upload/parts.js';
import { parseMultipart } from './multipart.js';

export interface HttpOptions {
  api: ApiMain;
  /** Stores the file parts of API requests as they arrive (see src/upload). */
  parts: PartReceiver;
  /** Extra routes (file serving, pages) registered by other layers. */
  routes?: ((app: FastifyInstance) => void)[];
}

function errorResponse(services: Services, err: MwError, status = 200): ApiResponse {
  const docref = `See ${services.config.server}${services.config.scriptPath}/api.php for API usage.`;
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'mediawiki-api-error': errorHeader(err),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, must-revalidate, max-age=0',
    },
    setCookies: [],
    body: JSON.stringify({ error: { code: err.code, info: err.info, ...err.data, '*': docref } }),
  };
}

function send(reply: FastifyReply, res: ApiResponse): FastifyReply {
  reply.code(res.status);
  for (const [k, v] of Object.entries(res.headers)) reply.header(k, v);
  if (res.setCookies.length) reply.header('set-cookie', res.setCookies);
  return reply.send(res.body);
}

/** The HTTP front: Fastify routes for /w/api.php (and whatever other layers add). */
export function buildHttpServer(services: Services, opts: HttpOptions): FastifyInstance {
  const cfg = services.config;
  const app = Fastify({
    logger: cfg.logRequests ? { level: 'info' } : false,
    bodyLimit: cfg.maxFieldBytes,
    trustProxy: cfg.trustProxy ?? false,
    routerOptions: { maxParamLength: 2000 },
    requestTimeout: 0,
  });

  // Cookies as PHP reads them: a value that is not valid percent-encoding is kept as it is, never an error.
  app.register(fastifyCookie);

  // Multipart bodies are streamed by the API route itself; other bodies are read as text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('multipart/form-data', (_req, _payload, done) => done(null, undefined));
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) services.log.error({ err: error }, 'request failed');
    const code =
      error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? new MwError(
            'toolarge',
            `The request body is larger than ${cfg.maxFieldBytes.toLocaleString('en-US')} bytes.`,
          )
        : new MwError(status >= 500 ? 'internal_api_error' : 'badrequest', error.message);
    return send(reply, errorResponse(services, code, Math.min(status, 500)));
  });

  const handleApi = async (request: FastifyRequest, reply: FastifyReply) => {
    const query = new Map<string, string>();
    const rawUrl = request.raw.url ?? '';
    const qs = rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '';
    for (const [k, v] of new URLSearchParams(qs)) query.set(k, v);
    const req: ApiRequest = {
      requestId: randomUUID(),
      method: request.method,
      query,
      body: new Map(),
      files: new Map(),
      ip: request.ip,
      headers: request.headers,
      sessionCookie: request.cookies[sessionCookieName(cfg)],
      cleanups: [],
    };
    const contentType = String(request.headers['content-type'] ?? '').toLowerCase();
    const discard = opts.parts.discard.bind(opts.parts);
    try {
      if (request.method === 'POST' && contentType.startsWith('multipart/form-data')) {
        const result = await parseMultipart(
          request.raw as IncomingMessage,
          { fieldBytes: cfg.maxFieldBytes, maxFiles: 8, maxFields: 500 },
          (field, partName, stream, fieldsSoFar) =>
            opts.parts.receive(
              {
                requestId: req.requestId,
                sessionCookie: req.sessionCookie,
                param: (n) => fieldsSoFar.get(n) ?? req.query.get(n),
                cleanups: req.cleanups,
              },
              { field, partName, stream },
            ),
          discard,
          req.body,
        );
        req.body = result.fields;
        req.files = result.files;
      } else if (request.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) {
        for (const [k, v] of new URLSearchParams(String(request.body ?? ''))) req.body.set(k, v);
      }
      const res = await opts.api.handle(req);
      return send(reply, res);
    } catch (e) {
      const err = e instanceof MwError ? e : new MwError('badrequest', String((e as Error)?.message ?? e));
      if (!request.raw.complete) {
        // The body is still arriving: answer now, read the rest for a while so the client gets the
        // answer, then drop the connection.
        reply.header('connection', 'close');
        const timer = setTimeout(() => request.raw.socket?.destroy(), 10_000);
        timer.unref();
        request.raw.on('end', () => clearTimeout(timer));
      }
      return send(reply, await opts.api.errorResponse(req, err));
    } finally {
      for (const f of req.files.values()) await discard(f).catch(() => {});
      for (const c of req.cleanups) await c().catch(() => {});
    }
  };

  app.route({ method: ['GET', 'POST'], url: `${cfg.scriptPath}/api.php`, handler: handleApi });
  for (const r of opts.routes ?? []) r(app);
  return app;
}
