/**
 * Resumable uploads at `<scriptPath>/tus/`: tus 1.0 (served by `@tus/server` over our data store)
 * and, on the same URLs, the IETF resumable-upload draft (./ietf.ts). Every request but a CORS
 * preflight needs a logged-in session (or an OAuth 2 bearer token) with the right to upload; an
 * upload belongs to its user. A finished upload is a stashed file: its key comes in
 * `Upload-Filekey` and publishes it with `action=upload&filekey=…&filename=…`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Server } from '@tus/server';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../api/services.js';
import { sessionCookieName } from '../../auth/cookies.js';
import { type Identity, resolveIdentity } from '../../auth/identity.js';
import { MwError } from '../../errors.js';
import { CHECKSUM_ALGORITHMS } from '../../upload/tus/segments.js';
import { expectsBody, watchBody } from '../body-watchdog.js';
import type { TusRequestState } from './datastore.js';
import { draftAnswerHeaders, draftToTus, interopVersion } from './ietf.js';

/** The error code of a refused request. */
const ERROR_HEADER = 'MediaWiki-API-Error';

/** Headers a browser script may send and read besides the tus ones the library lists. */
const ALLOWED_HEADERS = ['Upload-Checksum', 'Upload-Complete', 'Upload-Draft-Interop-Version'];
const EXPOSED_HEADERS = [
  'Upload-Filekey',
  'Upload-Expires',
  'Upload-Complete',
  'Upload-Limit',
  'Upload-Draft-Interop-Version',
  'Tus-Checksum-Algorithm',
  ERROR_HEADER,
];

export const tusPlugin: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const cfg = services.config;
  const base = `${cfg.scriptPath}/tus`;
  const maxSize = cfg.uploads.maxUploadSize;
  const requests = new AsyncLocalStorage<TusRequestState>();
  // On Node 20 a store in use installs hooks that make every promise of the process ~3× slower
  // (small uploads ~7 % slower, measured): it is turned off whenever no tus request is running.
  let running = 0;
  const requestState = () => {
    const s = requests.getStore();
    if (!s) throw new Error('tus data store used outside a request');
    return s;
  };
  // The tus server and its library are loaded by the first request (~4 MB of memory that a server
  // whose clients never use tus does not hold).
  let tus: Promise<Server> | undefined;
  const tusServer = (): Promise<Server> => {
    tus ??= Promise.all([import('@tus/server'), import('./datastore.js')]).then(
      ([{ Server }, { StashDataStore }]) =>
        new Server({
          path: base,
          datastore: new StashDataStore(
            services.uploads.tus,
            requestState,
            cfg.uploads.stashMaxAgeSeconds * 1000,
          ),
          maxSize,
          generateUrl: (_req, { id }) => `${cfg.server}${base}/${id}`,
          // CORS is answered below, as the API answers it.
          allowedOrigins: () => false,
          allowedHeaders: ALLOWED_HEADERS,
          exposedHeaders: EXPOSED_HEADERS,
        }),
    );
    return tus;
  };

  // Bodies are the uploads' bytes: left to the tus server to stream.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));

  /** Credentialed CORS for the origins the API allows them for (`corsOrigins`). */
  const cors = (request: FastifyRequest): Record<string, string> => {
    const origin = request.headers.origin;
    if (!origin || !cfg.corsOrigins.includes(origin)) return {};
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      Vary: 'Origin',
    };
  };

  /** Why `who` may not upload here, if not. */
  const refusal = (who: Identity): [number, MwError] | null => {
    if (!cfg.uploads.enabled) return [403, new MwError('uploaddisabled', 'Uploads are not enabled.')];
    if (!who.user) return [401, new MwError('mustbeloggedin', 'You must be logged in to upload this file.')];
    const missing = ['upload', 'edit'].find((r) => !who.rights.has(r));
    if (missing) {
      return [
        403,
        new MwError('permissiondenied', `You don't have permission to upload files (${missing}).`),
      ];
    }
    return null;
  };

  const refuse = (request: FastifyRequest, reply: FastifyReply, status: number, e: MwError) => {
    if (!request.raw.complete) reply.header('connection', 'close');
    return reply
      .code(status)
      .headers({ ...cors(request), 'Tus-Resumable': '1.0.0', [ERROR_HEADER]: e.code })
      .type('text/plain; charset=utf-8')
      .send(`${e.code}: ${e.info}\n`);
  };

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const method = request.method;
    const version = interopVersion(request.headers);
    if (version === 'unsupported') {
      return refuse(
        request,
        reply,
        400,
        new MwError('badrequest', 'Unsupported Upload-Draft-Interop-Version.'),
      );
    }
    let who: Identity | null = null;
    if (method !== 'OPTIONS') {
      // An OAuth bearer token, when the request carries one, is used instead of the session cookie.
      const load =
        services.oauthTokens.loader(request.headers.authorization) ??
        services.sessions.loader(request.cookies[sessionCookieName(cfg)]);
      let session: Awaited<ReturnType<typeof load>>;
      try {
        session = await load();
      } catch (e) {
        if (!(e instanceof MwError)) throw e;
        reply.header('WWW-Authenticate', 'Bearer error="invalid_token"');
        return refuse(request, reply, 401, e);
      }
      who = await resolveIdentity(session, services.users, services.permissions, request.ip);
      const refused = refusal(who);
      if (refused) return refuse(request, reply, ...refused);
    }
    const headers = request.raw.headers;
    const complete = version !== null ? draftToTus(method, headers) : false;
    const state: TusRequestState = { who: who!, requestId: request.id, method, append: {} };
    if (version !== null && complete) state.append.complete = true;
    const checksum = headers['upload-checksum'];
    if (checksum !== undefined && method !== 'OPTIONS') {
      const [algorithm = '', digest = ''] = String(checksum).trim().split(/\s+/);
      if (!(algorithm in CHECKSUM_ALGORITHMS) || !/^[A-Za-z0-9+/]+={0,2}$/.test(digest)) {
        return refuse(
          request,
          reply,
          400,
          new MwError('badrequest', 'Unsupported or malformed Upload-Checksum.'),
        );
      }
      state.append.checksum = { algorithm, digest: Buffer.from(digest, 'base64') };
    }

    // A body that stalls is cut off (its last partial segment is dropped), freeing the upload.
    if (expectsBody(request.raw)) {
      const stop = watchBody(request.raw, cfg.requests, (e) => {
        request.log.info({ reason: e.info }, 'tus request body too slow: cut off');
        request.raw.socket?.destroy();
      });
      reply.raw.once('close', stop);
    }
    const id = (request.params as { id?: string }).id;
    const flat: [string, string][] = [];
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) flat.push([k, one]);
    }
    const withBody = method === 'POST' || method === 'PATCH';
    // The body goes to the store straight from Node's request (see TusRequestState.body).
    if (withBody) state.body = request.raw;
    const webRequest = new Request(`${cfg.server}${base}/${id ? encodeURIComponent(id) : ''}`, {
      method,
      headers: flat,
    });
    const server = await tusServer();
    running++;
    let res: Response;
    try {
      res = await requests.run(state, () => server.handleWeb(webRequest));
    } finally {
      if (--running === 0) requests.disable();
    }
    if (state.failure && !request.raw.destroyed)
      request.log.error({ err: state.failure }, 'tus request failed');

    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      out[k] = v;
    });
    const u = state.upload;
    if (u?.filekey) out['Upload-Filekey'] = u.filekey;
    if (u && u.state === 'receiving' && res.status < 300) {
      out['Upload-Expires'] = new Date(u.expiresMs).toUTCString();
    }
    if (state.error) out[ERROR_HEADER] = state.error.code;
    if (method === 'OPTIONS') out['Tus-Checksum-Algorithm'] = Object.keys(CHECKSUM_ALGORITHMS).join(',');
    if (version !== null) Object.assign(out, draftAnswerHeaders(version, u, maxSize));
    Object.assign(out, cors(request));
    const body = await res.text();
    if (!request.raw.complete && withBody) out.connection = 'close';
    delete out['content-length'];
    return reply.code(res.status).headers(out).send(body);
  };

  const methods = ['OPTIONS', 'POST', 'HEAD', 'PATCH', 'DELETE'];
  app.route({ method: methods, url: base, handler });
  app.route({ method: methods, url: `${base}/`, handler });
  app.route({ method: methods, url: `${base}/:id`, handler });
};
