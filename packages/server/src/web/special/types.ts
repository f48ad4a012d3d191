import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../api/services.js';
import type { MwError } from '../../errors.js';
import type { ReceivedFile } from '../../upload/receive.js';
import type { WebApi } from '../api-call.js';
import type { Html } from '../html.js';
import type { Viewer } from '../layout.js';

/** What a special page gets: the request, its form (GET query or POST body) and the viewer. */
export interface SpecialContext {
  services: Services;
  api: WebApi;
  request: FastifyRequest;
  reply: FastifyReply;
  viewer: Viewer;
  /** Query parameters and, for a POST, the form's fields (the form wins). */
  form: Map<string, string>;
  /** File parts of a multipart form (pages that take files), stored by the upload layer. */
  files: Map<string, ReceivedFile>;
  /** Why a multipart form of a page that takes files could not be read (e.g. `file-too-large`). */
  formError?: MwError;
  /** The part of the title after `Special:Name/` (`upload` of `Special:Log/upload`). */
  subpage: string | null;
}

/** A page answer: HTML to render in the skin, or a redirect. */
export type SpecialResult =
  | {
      kind: 'page';
      title: string;
      body: Html;
      status?: number;
      scripts?: string[];
      data?: Record<string, string>;
    }
  | { kind: 'redirect'; to: string };

export interface SpecialPage {
  /** The canonical name (`Upload`, `UserLogin`). */
  name: string;
  /** Whether it takes POSTed forms. */
  post?: boolean;
  /** Whether it receives file parts (a multipart form handled by the upload layer). */
  files?: boolean;
  run(ctx: SpecialContext): Promise<SpecialResult>;
}
