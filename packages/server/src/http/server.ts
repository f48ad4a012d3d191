import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import fastifyCookie from '@fastify/cookie';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { ApiMain } from '../api/main.js';
import type { Services } from '../api/services.js';
import { MwError } from '../errors.js';
import type { ThumbnailStore } from '../files/thumbnails.js';
import type { PartReceiver } from '../upload/parts.js';
import { apiPlugin } from './api.js';
import { publicRoutes } from './routes.js';

export interface HttpOptions {
  api: ApiMain;
  /** Stores the file parts of API requests as they arrive (see src/upload). */
  parts: PartReceiver;
  /** The repository's thumbnail cache, shared by the images plugin and the stash pages. */
  thumbnails: ThumbnailStore;
  /** The logger Fastify gives each request a child of (with its request id). */
  logger: FastifyBaseLogger;
}

/** A request id as MediaWiki makes them (24 random hex digits); also the owner of locks a request takes. */
const requestId = () => randomBytes(12).toString('hex');

/** Request lines (incoming, completed, not found) only when `logRequests` asks; errors always. */
class RequestLog extends LogController {
  constructor(private readonly requests: boolean) {
    super();
  }
  override incomingRequest(request: FastifyRequest, reply: FastifyReply) {
    if (this.requests) super.incomingRequest(request, reply);
  }
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    if (this.requests || error) super.requestCompleted(error, request, reply);
  }
  override routeNotFound(request: FastifyRequest, reply: FastifyReply) {
    if (this.requests) super.routeNotFound(request, reply);
  }
}

/**
 * What Node refuses before a request exists (headers too slow, too large, not HTTP): answered as
 * the API answers errors (JSON, `MediaWiki-API-Error`), then the connection is closed.
 */
function clientErrorHandler(api: ApiMain) {
  return (err: Error & { code?: string }, socket: Socket): void => {
    // Nothing to answer on a connection that is gone, or that is in the middle of another answer.
    const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable || answering?.headersSent) {
      socket.destroy();
      return;
    }
    const [status, e] =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, new MwError('requesttimeout', 'The request headers did not arrive in time.')]
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? [431, new MwError('badrequest', 'The request headers are too large.')]
          : [400, new MwError('badrequest', 'The request is not valid HTTP.')];
    const request = {
      requestId: requestId(),
      method: 'GET',
      query: new Map([['format', 'json']]),
      body: new Map<string, string>(),
      files: new Map(),
      ip: socket.remoteAddress ?? '',
      headers: {},
      session: async () => null,
      cleanups: [],
    };
    void api.errorResponse(request, e, status).then(
      (res) => {
        if (socket.destroyed || !socket.writable) return void socket.destroy();
        const head = Object.entries({ ...res.headers, 'content-length': Buffer.byteLength(res.body) })
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('');
        socket.end(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}connection: close\r\n\r\n${res.body}`,
        );
      },
      () => socket.destroy(),
    );
  };
}

/** The HTTP front: Fastify with the Action API plugin and the plugin of the other routes. */
export function buildHttpServer(services: Services, opts: HttpOptions): FastifyInstance {
  const cfg = services.config;
  const app = Fastify({
    loggerInstance: opts.logger,
    logController: new RequestLog(cfg.logRequests),
    genReqId: requestId,
    trustProxy: cfg.trustProxy,
    routerOptions: { maxParamLength: 2000 },
    // A whole upload may take hours; slow bodies are cut off by the API route's watchdog instead.
    requestTimeout: 0,
    http: {
      headersTimeout: cfg.requests.headersTimeoutSeconds * 1000,
      // How often Node looks for connections whose headers are late (its default is 30 s).
      connectionsCheckingInterval: Math.min(1000, cfg.requests.headersTimeoutSeconds * 500),
    },
    clientErrorHandler: clientErrorHandler(opts.api),
  });

  // A client that half-closes after sending its request (shutdown(SHUT_WR)) still gets the answer.
  (app.server as typeof app.server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;

  // Cookies as PHP reads them: a value that is not valid percent-encoding is kept as it is, never an error.
  app.register(fastifyCookie);
  app.decorate('thumbnails', opts.thumbnails);
  app.register(apiPlugin, { services, api: opts.api, parts: opts.parts });
  app.register(publicRoutes, { services });
  return app;
}
