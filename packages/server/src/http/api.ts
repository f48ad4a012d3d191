/**
 * The Action API route (`/w/api.php`) as a Fastify plugin: the body is read here (urlencoded as text,
 * multipart streamed part by part into storage), then the API answers. Every error — also one found
 * before the API module runs (a body over the limit, a broken or aborted multipart body) — is
 * rendered by the API itself, in the format the request asked for.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiRequest } from '../api/context.js';
import type { ApiMain, ApiResponse } from '../api/main.js';
import type { Services } from '../api/services.js';
import { sessionCookieName } from '../auth/cookies.js';
import { MwError } from '../errors.js';
import type { PartReceiver } from '../upload/parts.js';
import { preflightAnswer } from './api-preflight.js';
import { textOrStreamedBodies } from './body-parsers.js';
import { expectsBody, watchBody } from './body-watchdog.js';
import { parseMultipart } from './multipart.js';
import { socketBodyMinBytes } from './socket-body.js';
import { NodeFull, RETRY_AFTER_SECONDS, UploadSlots } from './upload-slots.js';

export interface ApiPluginOptions {
  services: Services;
  api: ApiMain;
  /** Stores the file parts of API requests as they arrive (see src/upload). */
  parts: PartReceiver;
}

function send(reply: FastifyReply, res: ApiResponse): FastifyReply {
  // Already answered (a body cut off for being too slow): nothing more to say.
  if (reply.sent) return reply;
  reply.code(res.status);
  for (const [k, v] of Object.entries(res.headers)) reply.header(k, v);
  if (res.setCookies.length) reply.header('set-cookie', res.setCookies);
  return reply.send(res.body);
}

/** The request as the API sees it: the query string now, body parameters as the body is read. */
function apiRequest(request: FastifyRequest, services: Services): ApiRequest {
  const rawUrl = request.raw.url ?? '';
  const qs = rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '';
  return {
    requestId: request.id,
    method: request.method,
    query: new Map(new URLSearchParams(qs)),
    body: new Map(),
    files: new Map(),
    ip: request.ip,
    headers: request.headers,
    // An OAuth bearer token, when the request carries one, is used instead of the session cookie.
    session:
      services.oauthTokens.loader(request.headers.authorization) ??
      services.sessions.loader(request.cookies[sessionCookieName(services.config)]),
    cleanups: [],
  };
}

export const apiPlugin: FastifyPluginAsync<ApiPluginOptions> = async (app, { services, api, parts }) => {
  const cfg = services.config;

  // Multipart bodies are streamed by the route itself; other bodies are read as text.
  textOrStreamedBodies(app, cfg.maxFieldBytes);

  // What Fastify refuses before the handler runs (a body over the limit, a body cut short).
  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? Math.min(error.statusCode, 500) : 500;
    const err =
      error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? new MwError(
            'toolarge',
            `The request body is larger than ${cfg.maxFieldBytes.toLocaleString('en-US')} bytes.`,
          )
        : status < 500
          ? new MwError('badrequest', error.message)
          : error;
    return send(reply, await api.errorResponse(apiRequest(request, services), err, status));
  });

  const discard = parts.discard.bind(parts);
  const slots = new UploadSlots(cfg.requests);
  services.metrics.gauge(
    'mwup_uploads_in_progress',
    'Uploads (multipart API requests) this node is receiving or handling now.',
    async () => slots.inUse,
  );

  /** Answer a body that arrives too slowly now, then close the connection (its part is removed then). */
  const cutOff = async (request: FastifyRequest, reply: FastifyReply, e: MwError) => {
    request.log.info({ reason: e.info }, 'request body too slow: cut off');
    const socket = request.raw.socket;
    if (reply.sent) {
      socket?.destroy();
      return;
    }
    reply.hijack();
    const req = apiRequest(request, services);
    // The body (and the format it may name) never arrived: JSON unless the query string says otherwise.
    if (!req.query.has('format')) req.query.set('format', 'json');
    const res = await api.errorResponse(req, e, 408);
    const raw = reply.raw;
    if (raw.headersSent || raw.destroyed) {
      socket?.destroy();
      return;
    }
    raw.writeHead(408, {
      ...res.headers,
      'content-length': Buffer.byteLength(res.body),
      connection: 'close',
    });
    raw.end(res.body, () => socket?.destroy());
  };
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'POST' && expectsBody(request.raw)) {
      const stop = watchBody(request.raw, cfg.requests, (e) => void cutOff(request, reply, e));
      reply.raw.once('close', stop);
    }
  });

  /** An upload slot for the request's user (or address), or the error to answer. */
  const uploadSlot = async (req: ApiRequest): Promise<() => void> => {
    const session = await req.session();
    return slots.take(session?.userId ? `user:${session.userId}` : `ip:${req.ip}`);
  };

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const req = apiRequest(request, services);
    const contentType = String(request.headers['content-type'] ?? '').toLowerCase();
    let release = () => {};
    let taken = false;
    try {
      if (request.method === 'POST' && contentType.startsWith('multipart/form-data')) {
        const result = await parseMultipart(
          request.raw as IncomingMessage,
          {
            fieldBytes: cfg.maxFieldBytes,
            maxFiles: 8,
            maxFields: 500,
            fromSocket: socketBodyMinBytes(services.blobs),
          },
          async (field, partName, stream, fieldsSoFar) => {
            // The slot is taken with the first file part, when the fields before it (the format) are known.
            if (!taken) {
              taken = true;
              release = await uploadSlot(req);
            }
            return parts.receive(
              {
                requestId: req.requestId,
                session: req.session,
                param: (n) => fieldsSoFar.get(n) ?? req.query.get(n),
                cleanups: req.cleanups,
              },
              { field, partName, stream },
            );
          },
          discard,
          req.body,
        );
        req.body = result.fields;
        req.files = result.files;
      } else if (request.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) {
        for (const [k, v] of new URLSearchParams(String(request.body ?? ''))) req.body.set(k, v);
      }
      return send(reply, await api.handle(req));
    } catch (e) {
      // Anything but an API error is an internal error (logged with the request id), unless the
      // client went away: then nobody reads the answer.
      const gone = !(e instanceof MwError) && request.raw.socket?.destroyed === true;
      const err = gone
        ? new MwError('aborted', 'The client disconnected before the request was complete.')
        : e;
      if (!request.raw.complete) {
        // The body is still arriving: answer now, read the rest for a while so the client gets the
        // answer, then drop the connection.
        reply.header('connection', 'close');
        const timer = setTimeout(() => request.raw.socket?.destroy(), 10_000);
        timer.unref();
        request.raw.on('end', () => clearTimeout(timer));
      }
      if (err instanceof NodeFull) {
        reply.header('retry-after', String(RETRY_AFTER_SECONDS));
        return send(reply, await api.errorResponse(req, err, 503));
      }
      return send(reply, await api.errorResponse(req, err));
    } finally {
      release();
      for (const f of req.files.values()) await discard(f).catch(() => {});
      for (const c of req.cleanups) await c().catch(() => {});
    }
  };

  app.route({ method: ['GET', 'POST'], url: `${cfg.scriptPath}/api.php`, handler });

  // CORS preflight: answered from the query string and headers alone.
  app.route({
    method: 'OPTIONS',
    url: `${cfg.scriptPath}/api.php`,
    handler: async (request, reply) => {
      const rawUrl = request.raw.url ?? '';
      const qs = rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '';
      const answer = preflightAnswer(new URLSearchParams(qs), request.headers, cfg.corsOrigins);
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    },
  });
};
