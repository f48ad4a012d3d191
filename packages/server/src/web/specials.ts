/**
 * The special pages of the web interface: found by name (case-insensitive, as MediaWiki's aliases
 * are), given the request's form, rendered in the skin with a strict Content-Security-Policy.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../api/services.js';
import { MwError } from '../errors.js';
import { sendError } from '../http/images/error-page.js';
import { parseMultipart } from '../http/multipart.js';
import { socketBodyMinBytes } from '../http/socket-body.js';
import type { PartReceiver } from '../upload/parts.js';
import type { ReceivedFile } from '../upload/receive.js';
import type { WebApi } from './api-call.js';
import { page, WebUrls } from './layout.js';
import type { SpecialPage } from './special/types.js';

/**
 * No inline scripts or styles, nothing from elsewhere, forms post only here. `'wasm-unsafe-eval'`
 * lets the uploader compile its SHA-1 (WebAssembly, hash-wasm); it allows no JavaScript eval.
 */
export const WEB_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; media-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export class SpecialPages {
  readonly urls: WebUrls;
  private readonly byName = new Map<string, SpecialPage>();

  constructor(
    private readonly services: Services,
    readonly api: WebApi,
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
    let formError: MwError | undefined;
    try {
      if (request.method === 'POST') {
        if (!special.post) return sendError(reply, 405, 'Method Not Allowed', 'This page takes no forms.');
        formError = await this.readForm(request, special, form, files, cleanups).then(
          () => undefined,
          (e: unknown) => {
            // A form the API would refuse (a file over the size limit, a broken body): the page
            // says so. The rest of the body is still arriving: the connection closes after the answer.
            if (!(e instanceof MwError) || !special.files) throw e;
            if (!request.raw.complete) reply.header('connection', 'close');
            return e;
          },
        );
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
        formError,
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
        {
          fieldBytes: this.services.config.maxFieldBytes,
          maxFiles: special.files ? 1 : 0,
          maxFields: 100,
          fromSocket: socketBodyMinBytes(this.services.blobs),
        },
        (field, partName, stream, fieldsSoFar) =>
          this.parts.receive(
            {
              requestId: request.id,
              session: async () => null,
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
