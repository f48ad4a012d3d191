import type { Identity } from '../auth/identity.js';
import type { Session } from '../auth/sessions.js';
import type { RawMessage } from '../errors.js';
import type { ReceivedFile } from '../upload/receive.js';
import type { RawParams } from './params.js';
import type { Services } from './services.js';

export type ErrorFormat = 'bc' | 'plaintext' | 'wikitext' | 'html' | 'raw' | 'none';

export interface ApiWarning {
  module: string;
  code: string;
  text: string;
  data?: Record<string, unknown>;
  /** MediaWiki's message key and parameters (errorformat=raw). */
  rawMessage?: RawMessage;
}

/** Everything the HTTP layer knows about one API request. */
export interface ApiRequest {
  /** Unique per request (lock owner for chunked uploads). */
  requestId: string;
  method: string;
  /** Parameters from the query string. */
  query: Map<string, string>;
  /** Parameters from the body (urlencoded or multipart text fields). */
  body: Map<string, string>;
  files: Map<string, ReceivedFile>;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
  /** The session the request's cookie names, if any (loaded once per request). */
  session(): Promise<Session | null>;
  /** Run after the answer is sent (release locks taken while receiving the body, …). */
  cleanups: (() => Promise<void>)[];
}

/** Per-request state of the Action API: identity, output format, result and warnings. */
export class ApiContext {
  /** When the request began (performance.now()), for its duration. */
  readonly startedMs = performance.now();
  readonly result: Record<string, unknown> = {};
  readonly warnings: ApiWarning[] = [];
  /** Set-Cookie header values to send. */
  readonly setCookies: string[] = [];
  /** Extra HTTP headers to send. */
  readonly headers: Record<string, string> = {};
  fv: 1 | 2 = 1;
  /**
   * An answer that is a document of its own (action=help's page): sent as it is in the HTML
   * formats; the structured formats carry it in the result instead.
   */
  raw: { contentType: string; fileName: string; body: string } | undefined;
  /** JSONP: the function the JSON answer is wrapped in. */
  callback: string | undefined;
  errorFormat: ErrorFormat = 'bc';
  /** The module the request runs, for warnings and errors. */
  moduleName = 'main';

  constructor(
    readonly services: Services,
    readonly request: ApiRequest,
    public identity: Identity,
    /** The request's raw parameters (query string and body), for submodule validation. */
    readonly rawParams: RawParams,
  ) {}

  get config() {
    return this.services.config;
  }

  get user() {
    return this.identity.user;
  }

  can(right: string): boolean {
    return this.identity.rights.has(right);
  }

  /** Module paths of submodules (`query+allimages`), as errorformat!=bc names them. */
  readonly modulePaths = new Map<string, string>();

  warn(
    module: string,
    code: string,
    text: string,
    data?: Record<string, unknown>,
    rawMessage?: RawMessage,
  ): void {
    if (this.warnings.some((w) => w.module === module && w.text === text)) return;
    this.warnings.push({ module, code, text, data, rawMessage });
    if (code === 'deprecation') this.warn('main', 'deprecation-help', DEPRECATION_HELP);
  }

  /** A boolean flag in MediaWiki's output convention: `""` or absent in formatversion 1, true/false in 2. */
  flag(obj: Record<string, unknown>, key: string, value: boolean): void {
    if (this.fv === 2) obj[key] = value;
    else if (value) obj[key] = '';
  }

  /** The key of a content value: `*` in formatversion 1, the given name in 2. */
  contentKey(name: string): string {
    return this.fv === 2 ? name : '*';
  }
}

export const DEPRECATION_HELP =
  'Subscribe to the mediawiki-api-announce mailing list at <https://lists.wikimedia.org/postorius/lists/mediawiki-api-announce.lists.wikimedia.org/> for notice of API deprecations and breaking changes.';
