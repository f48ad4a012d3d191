/**
 * The web pages act through the Action API itself — the same modules, rights, tokens, throttles,
 * warnings and errors as `/w/api.php` — by handing it a request built from the form. Cookies the
 * API sets (a login, a logout) are passed on to the browser.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiRequest } from '../api/context.js';
import type { ApiMain } from '../api/main.js';
import type { Services } from '../api/services.js';
import { sessionCookieName } from '../auth/cookies.js';
import { resolveIdentity } from '../auth/identity.js';
import type { ReceivedFile } from '../upload/receive.js';
import type { Viewer } from './layout.js';

/** An API answer in formatversion=2 JSON, with MediaWiki's `error` or a module's result. */
// biome-ignore lint/suspicious/noExplicitAny: API answers are read field by field
export type ApiAnswer = Record<string, any> & { error?: { code: string; info: string } };

export class WebApi {
  constructor(
    private readonly services: Services,
    private readonly api: ApiMain,
  ) {}

  /** The API request a page makes for `request` (its session cookie, address and headers). */
  request(
    request: FastifyRequest,
    params: Record<string, string>,
    files?: Map<string, ReceivedFile>,
  ): ApiRequest {
    return {
      requestId: request.id,
      method: 'POST',
      query: new Map(),
      body: new Map(
        Object.entries({ ...params, format: 'json', formatversion: '2', errorformat: 'plaintext' }),
      ),
      files: files ?? new Map(),
      ip: request.ip,
      headers: request.headers,
      session: this.services.sessions.loader(request.cookies[sessionCookieName(this.services.config)]),
      cleanups: [],
    };
  }

  /** Run an API request for the page; cookies it sets go to the browser. */
  async call(
    request: FastifyRequest,
    reply: FastifyReply,
    params: Record<string, string>,
    files?: Map<string, ReceivedFile>,
  ): Promise<ApiAnswer> {
    const req = this.request(request, params, files);
    try {
      const res = await this.api.handle(req);
      if (res.setCookies.length) {
        const prior = reply.getHeader('set-cookie');
        reply.header('set-cookie', [...(Array.isArray(prior) ? prior : []), ...res.setCookies]);
        // Later calls of the same page see the new session.
        const name = sessionCookieName(this.services.config);
        for (const c of res.setCookies) {
          const [pair] = c.split(';');
          if (pair?.startsWith(`${name}=`)) request.cookies[name] = pair.slice(name.length + 1);
        }
      }
      const answer = JSON.parse(res.body) as ApiAnswer;
      // errorformat=plaintext gives `errors: [{code, text}]`: one `error` to read.
      const first = (answer.errors as { code: string; text: string }[] | undefined)?.[0];
      if (first && !answer.error) answer.error = { code: first.code, info: first.text };
      return answer;
    } finally {
      for (const c of req.cleanups) await c().catch(() => {});
    }
  }

  /** Who is looking: the session's user and rights. */
  async viewer(request: FastifyRequest): Promise<Viewer> {
    const s = this.services;
    const session = await s.sessions.load(request.cookies[sessionCookieName(s.config)]);
    const id = await resolveIdentity(session, s.users, s.permissions, request.ip);
    return { name: id.user ? id.user.name : null, rights: id.rights };
  }
}
