import { randomBytes } from 'node:crypto';
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

/** The HTTP front: Fastify with the Action API plugin and the plugin of the other routes. */
export function buildHttpServer(services: Services, opts: HttpOptions): FastifyInstance {
  const cfg = services.config;
  const app = Fastify({
    loggerInstance: opts.logger,
    logController: new RequestLog(cfg.logRequests),
    genReqId: requestId,
    trustProxy: cfg.trustProxy,
    routerOptions: { maxParamLength: 2000 },
    requestTimeout: 0,
  });

  // Cookies as PHP reads them: a value that is not valid percent-encoding is kept as it is, never an error.
  app.register(fastifyCookie);
  app.decorate('thumbnails', opts.thumbnails);
  app.register(apiPlugin, { services, api: opts.api, parts: opts.parts });
  app.register(publicRoutes, { services });
  return app;
}
