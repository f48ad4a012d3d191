/** Small HTML error pages for the file and page routes. */
import { escapeText } from 'entities';
import type { FastifyReply } from 'fastify';

/** A small HTML error page. */
export function sendError(reply: FastifyReply, status: number, title: string, message: string): FastifyReply {
  const body = `<!DOCTYPE html>\n<html lang="en"><head><meta charset="UTF-8"><title>${escapeText(title)}</title></head><body><h1>${escapeText(title)}</h1><p>${escapeText(message)}</p></body></html>\n`;
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=UTF-8')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-cache')
    .send(body);
}

export const notFound = (reply: FastifyReply, what = 'The requested file was not found.') =>
  sendError(reply, 404, 'Not Found', what);

/** The page MediaWiki's thumb.php answers when it cannot give a thumbnail (wfThumbError). */
export function sendThumbError(reply: FastifyReply, status: number, message: string): FastifyReply {
  const body =
    '<!DOCTYPE html>\n<html><head>\n<meta charset="UTF-8" />\n<title>Error generating thumbnail</title>\n</head>\n' +
    `<body>\n<h1>Error generating thumbnail</h1>\n<p>\n${escapeText(message)}\n</p>\n\n</body>\n</html>\n`;
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-cache')
    .send(body);
}
