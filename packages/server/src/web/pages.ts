/**
 * Page views: `/wiki/Title`, `/w/index.php/Title`, `/w/index.php?title=…` and `?curid=…` in the
 * skin (page-view.ts, with `action=delete|revert|undelete`); `action=raw`; special pages (the web
 * interface, see special/) and `Special:UploadStash/file|thumb/…` for stashed uploads. `/` leads to
 * Special:Upload.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../api/services.js';
import { wikiTitleParser } from '../files/urls.js';
import { sendError } from '../http/images/error-page.js';
import { serveStash } from '../http/images/stash-route.js';
import { servePage } from './page-view.js';
import { serveRender } from './render.js';
import type { SpecialPages } from './specials.js';

function decodeTitle(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

async function view(
  services: Services,
  specials: SpecialPages,
  req: FastifyRequest,
  reply: FastifyReply,
  titleText: string,
  action: string | null,
) {
  const parser = wikiTitleParser(services.config);
  const special = /^Special:UploadStash\/(file|thumb)\/([^/]+)(?:\/([^/]+))?$/i.exec(titleText);
  if (special) {
    const kind = special[1]!.toLowerCase() as 'file' | 'thumb';
    if (kind === 'file' && special[3] !== undefined)
      return sendError(reply, 404, 'Not Found', 'No such file in the upload stash.');
    return serveStash(services, req, reply, kind, special[2]!, special[3]);
  }
  const t = parser.newFromText(titleText);
  if (!t || t.isExternal) return sendError(reply, 400, 'Bad title', 'The requested page title is invalid.');
  if (t.ns === -1) return specials.serve(req, reply, t.dbKey);
  if (t.ns < 0)
    return sendError(reply, 404, 'No such special page', 'You have requested an invalid special page.');
  if (action === 'raw') {
    const text = await services.pages.latestText(t.ns, t.dbKey);
    if (text === null) return sendError(reply, 404, 'Not Found', 'There is currently no text in this page.');
    return reply
      .code(200)
      .header('content-type', 'text/x-wiki; charset=UTF-8')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, must-revalidate, max-age=0')
      .send(req.method === 'HEAD' ? undefined : text);
  }
  if (action === 'render') return serveRender(services, req, reply, t);
  return servePage(services, specials.api, req, reply, t, action);
}

/** The page routes, as a Fastify plugin. */
export const pagesPlugin: FastifyPluginAsync<{ services: Services; specials: SpecialPages }> = async (
  app,
  { services, specials },
) => {
  const sp = services.config.scriptPath;
  const query = (req: FastifyRequest) =>
    new URLSearchParams((req.raw.url ?? '').split('?').slice(1).join('?'));

  app.route({
    method: ['GET', 'HEAD', 'POST'],
    url: `${sp}/index.php`,
    exposeHeadRoute: false,
    handler: async (req, reply) => {
      const q = query(req);
      const curid = q.get('curid');
      if (curid !== null) {
        if (!/^\d{1,15}$/.test(curid)) return sendError(reply, 400, 'Bad Request', 'Invalid page id.');
        const row = await services.pages.byId(Number(curid));
        if (!row) return sendError(reply, 404, 'Not Found', 'There is currently no text in this page.');
        const t = wikiTitleParser(services.config).makeTitle(row.namespace, row.title);
        return view(services, specials, req, reply, t.prefixedDbKey, q.get('action'));
      }
      const title = q.get('title') ?? 'Main Page';
      return view(services, specials, req, reply, title, q.get('action'));
    },
  });

  const byPath = (prefix: string) => async (req: FastifyRequest, reply: FastifyReply) => {
    const path = (req.raw.url ?? '').split('?', 1)[0]!;
    const raw = path.slice(prefix.length);
    const title = decodeTitle(raw);
    if (title === null || title.length > 2048)
      return sendError(reply, 400, 'Bad title', 'The requested page title is invalid.');
    return view(services, specials, req, reply, title || 'Main Page', query(req).get('action'));
  };
  for (const prefix of [`${sp}/index.php/`, '/wiki/']) {
    app.route({
      method: ['GET', 'HEAD', 'POST'],
      url: `${prefix}*`,
      exposeHeadRoute: false,
      handler: byPath(prefix),
    });
  }
  app.get('/', async (_req, reply) => reply.redirect(specials.urls.page('Special:Upload'), 302));
};
