/**
 * The special pages of the web interface: found by name (case-insensitive, as MediaWiki's aliases
 * are), given the request's form, rendered in the skin with a strict Content-Security-Policy.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../api/services.js';
import { sendError } from '../http/images/error-page.js';
import { parseMultipart } from '../http/multipart.js';
import type { PartReceiver } from '../upload/parts.js';
import type { ReceivedFile } from '../upload/receive.js';
import type { WebApi } from './api-call.js';
import { page, WebUrls } from './layout.js';
import type { SpecialPage } from './special/types.js';

/** No inline scripts or styles, nothing from elsewhere, forms post only here. */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export class SpecialPages {
  readonly urls: WebUrls;
  private readonly byName = new Map<string, SpecialPage>();

  constructor(
    private readonly services: Services,
    private readonly api: WebApi,
    private readonly parts: PartReceiver,
    pages: SpecialPage[],
  ) {
    this.urls = new WebUrls(services.config);
    for (const p of pages) this.byName.set(p.name.toLowerCase(), p);
  }

  /** Answer `Special:<dbKey>` (`Upload`, `Log/upload`). */
  async serve(request: FastifyRequest, reply: FastifyReply, dbKey: string): Promise<FastifyReply> {
    const slash = dbKey.indexOf('/');
    const name = slash < 0 ? dbKey : dbKey.slice(0, slash);
    const special = this.byName.get(name.toLowerCase());
    if (!special)
      return sendError(reply, 404, 'No such special page', 'You have requested an invalid special page.');
    const form = new Map(new URLSearchParams((request.raw.url ?? '').split('?').slice(1).join('?')));
    const files = new Map<string, ReceivedFile>();
    const cleanups: (() => Promise<void>)[] = [];
    try {
      if (request.method === 'POST') {
        if (!special.post) return sendError(reply, 405, 'Method Not Allowed', 'This page takes no forms.');
        await this.readForm(request, special, form, files, cleanups);
      }
      const viewer = await this.api.viewer(request);
      const result = await special.run({
        services: this.services,
        api: this.api,
        request,
        reply,
        viewer,
        form,
        files,
        subpage: slash < 0 ? null : dbKey.slice(slash + 1),
      });
      reply.header('cache-control', 'private, no-cache, must-revalidate').header('x-frame-options', 'DENY');
      if (result.kind === 'redirect') return reply.redirect(result.to, 303);
      // The viewer may have changed (a login): the frame shows who is logged in now.
      const now = await this.api.viewer(request);
      return reply
        .code(result.status ?? 200)
        .header('content-type', 'text/html; charset=UTF-8')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', WEB_CSP)
        .send(
          request.method === 'HEAD'
            ? undefined
            : page(this.services.config, now, {
                title: result.title,
                body: result.body,
                scripts: result.scripts,
                data: result.data,
                current: `Special:${special.name}${slash < 0 ? '' : dbKey.slice(slash)}`,
              }),
        );
    } finally {
      for (const f of files.values()) await this.parts.discard(f).catch(() => {});
      for (const c of cleanups) await c().catch(() => {});
    }
  }

  /** The POSTed form into `form`; file parts (pages that take them) stored by the upload layer. */
  private async readForm(
    request: FastifyRequest,
    special: SpecialPage,
    form: Map<string, string>,
    files: Map<string, ReceivedFile>,
    cleanups: (() => Promise<void>)[],
  ): Promise<void> {
    const type = String(request.headers['content-type'] ?? '').toLowerCase();
    if (type.startsWith('multipart/form-data')) {
      const result = await parseMultipart(
        request.raw as IncomingMessage,
        { fieldBytes: this.services.config.maxFieldBytes, maxFiles: special.files ? 1 : 0, maxFields: 100 },
        (field, partName, stream, fieldsSoFar) =>
          this.parts.receive(
            {
              requestId: request.id,
              sessionCookie: undefined,
              param: (n) => fieldsSoFar.get(n) ?? form.get(n),
              cleanups,
            },
            { field, partName, stream },
          ),
        (f) => this.parts.discard(f),
        form,
      );
      for (const [k, f] of result.files) files.set(k, f);
    } else {
      for (const [k, v] of new URLSearchParams(String(request.body ?? ''))) form.set(k, v);
    }
  }
}
