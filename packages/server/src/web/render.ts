/**
 * `index.php?title=…&action=render`: a page's rendered text without the skin (MediaWiki's
 * Article::render), with links and images as absolute URLs. Wikis that use this one as their shared
 * file repository show a file's description with it (ForeignAPIRepo's `fetchDescription`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../api/services.js';
import type { Title } from '../title/title.js';
import { renderWikitext } from './wikitext.js';

/** `href="/…"` and `src="/…"` with this wiki's server in front, as MediaWiki writes them when rendering. */
const absolute = (server: string, markup: string): string =>
  markup.replace(/ (href|src)="\/(?!\/)/g, (_m, attr: string) => ` ${attr}="${server}/`);

export async function serveRender(
  services: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  t: Title,
): Promise<FastifyReply> {
  const text = await services.pages.latestText(t.ns, t.dbKey);
  const body =
    text === null
      ? '<div class="noarticletext mw-content-ltr" dir="ltr" lang="en">\n<p>There is currently no text in this page.\n</p>\n</div>'
      : absolute(services.config.server, (await renderWikitext(services, text, t.prefixedText)).text);
  return reply
    .code(text === null ? 404 : 200)
    .header('content-type', 'text/html; charset=UTF-8')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, must-revalidate, max-age=0')
    .send(req.method === 'HEAD' ? undefined : body);
}
