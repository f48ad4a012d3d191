import { resolveIdentity } from '../auth/identity.js';
import { backendFailure, errorHeader, MwError } from '../errors.js';
import { ApiContext, type ApiRequest, type ApiContext as Ctx, type ErrorFormat } from './context.js';
import { renderError, renderResult } from './format.js';
import { FORMATS, type Format, render, takesFormatVersion } from './formats/index.js';
import type { ApiModule } from './module.js';
import type { Describable } from './paraminfo/describe.js';
import { type ParamDefs, type RawParams, validateParams } from './params.js';
import type { Services } from './services.js';

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  setCookies: string[];
  body: string;
}

const HIDDEN = { doc: { hidden: true } } as const;

/** The main module's parameters, in MediaWiki's order; the format modules' own ones come last, unlisted. */
export const MAIN_PARAMS = {
  action: { type: 'string' },
  format: { type: 'enum', values: FORMATS, default: 'jsonfm' },
  maxlag: { type: 'integer' },
  smaxage: { type: 'integer', default: 0 },
  maxage: { type: 'integer', default: 0 },
  assert: { type: 'enum', values: ['anon', 'user', 'bot'] },
  assertuser: { type: 'string', doc: { type: 'user', subtypes: ['name'] } },
  requestid: { type: 'string' },
  servedby: { type: 'boolean' },
  curtimestamp: { type: 'boolean' },
  responselanginfo: { type: 'boolean' },
  origin: { type: 'string' },
  uselang: { type: 'string', default: 'user' },
  variant: { type: 'string' },
  errorformat: {
    type: 'enum',
    values: ['bc', 'plaintext', 'wikitext', 'html', 'raw', 'none'],
    default: 'bc',
  },
  errorlang: { type: 'string', default: 'uselang' },
  errorsuselocal: { type: 'boolean' },
  formatversion: { type: 'enum', values: ['1', '2', 'latest'], default: '1', ...HIDDEN },
  utf8: { type: 'boolean', ...HIDDEN },
  ascii: { type: 'boolean', ...HIDDEN },
  callback: { type: 'string', ...HIDDEN },
  centralauthtoken: { type: 'string', ...HIDDEN },
} satisfies ParamDefs;

/** Raw parameter access over query string + body, tracking which names were read. */
class RequestParams implements RawParams {
  readonly used = new Set<string>();
  constructor(private readonly req: ApiRequest) {}
  get(name: string) {
    return this.req.body.get(name) ?? this.req.query.get(name);
  }
  has(name: string) {
    return this.req.body.has(name) || this.req.query.has(name);
  }
  hasFile(name: string) {
    return this.req.files.has(name);
  }
  markUsed(name: string) {
    this.used.add(name);
  }
  names(): string[] {
    return [...new Set([...this.req.query.keys(), ...this.req.body.keys(), ...this.req.files.keys()])];
  }
}

/** The Action API entry point: parameters, identity, tokens, the module, and rendering. */
export class ApiMain {
  private readonly modules = new Map<string, ApiModule>();

  constructor(private readonly services: Services) {}

  register(module: ApiModule<ParamDefs>): void {
    this.modules.set(module.name, module as ApiModule);
  }

  /** The registered modules (for action=paraminfo and action=help). */
  registered(): ApiModule<ParamDefs>[] {
    return [...this.modules.values()];
  }

  /** The main module as paraminfo describes it: `action` and `format` list their submodules. */
  describeMain(): Describable {
    const names = this.moduleNames();
    return {
      name: 'main',
      path: 'main',
      prefix: '',
      params: {
        ...MAIN_PARAMS,
        action: { type: 'enum', values: names, default: 'help', doc: { submodules: (v) => v } },
        format: { ...MAIN_PARAMS.format, doc: { submodules: (v) => v } },
      },
      doc: { classname: 'ApiMain', helpurls: [] },
      readrights: false,
      writerights: false,
      mustbeposted: false,
    };
  }

  moduleNames(): string[] {
    return [...this.modules.keys()].sort();
  }

  /** Parameters of a request, for modules that look at the raw values (e.g. upload planning). */
  static rawParams(req: ApiRequest): RawParams {
    return new RequestParams(req);
  }

  async handle(req: ApiRequest): Promise<ApiResponse> {
    const services = this.services;
    const session = await req.session();
    const identity = await resolveIdentity(session, services.users, services.permissions, req.ip);
    const raw = new RequestParams(req);
    const ctx = new ApiContext(services, req, identity, raw);
    let format = 'json';
    try {
      const main = validateParams(raw, MAIN_PARAMS, {
        highLimits: false,
        warn: (code, text, data, raw) => ctx.warn('main', code, text, data, raw),
        feature: 'main',
      });
      ctx.fv = main.formatversion === '2' || main.formatversion === 'latest' ? 2 : 1;
      ctx.errorFormat = (main.errorformat ?? 'bc') as ErrorFormat;
      format = main.format ?? 'jsonfm';
      if (!takesFormatVersion(format as Format)) {
        // formatversion belongs to the JSON and PHP formats; XML prints the formatversion 1 form.
        ctx.fv = 1;
        if (raw.has('formatversion'))
          ctx.warn('main', 'unrecognizedparams', 'Unrecognized parameter: formatversion.');
      }
      this.cors(ctx, main.origin);
      if (main.callback !== undefined && takesFormatVersion(format as Format)) {
        // JSONP answers are readable by any site: MediaWiki serves them as to an anonymous user.
        ctx.callback = main.callback.replace(/[^\][.'"_A-Za-z0-9]/g, '');
        this.anonymize(ctx);
      }
      // Without an action, MediaWiki answers with its help page.
      const action = main.action ?? 'help';
      const module = this.modules.get(action);
      if (!module) {
        const names = this.moduleNames();
        throw new MwError('badvalue', `Unrecognized value for parameter "action": ${action}.`).withMessage(
          'paramvalidator-badvalue-enumnotmulti',
          [
            { plaintext: 'action' },
            { plaintext: action },
            { list: names.map((n) => ({ plaintext: n })), type: 'text' },
            { num: names.length },
          ],
        );
      }
      ctx.moduleName = action;
      this.checkAsserts(ctx, main.assert, main.assertuser);
      if (module.needsRead !== false && !ctx.can('read')) {
        throw new MwError('readapidenied', 'You need read permission to use this module.');
      }
      if (module.writeMode && !ctx.can('writeapi')) {
        throw new MwError('writeapidenied', "You're not allowed to edit this wiki through the API.");
      }
      if (module.needsToken) {
        raw.markUsed('token');
        const token = raw.get('token');
        if (token === undefined || token === '')
          throw new MwError('missingparam', 'The "token" parameter must be set.').withMessage(
            'paramvalidator-missingparam',
            [{ plaintext: 'token' }],
          );
        if (req.query.has('token')) {
          throw new MwError(
            'mustpostparams',
            'The following parameter was found in the query string, but must be in the POST body: token.',
          ).withMessage('apierror-mustpostparams', ['token', 1]);
        }
        if (!services.sessions.checkToken(session, module.needsToken, token, identity.user !== null)) {
          throw new MwError(
            'badtoken',
            module.needsToken === 'csrf' ? 'Invalid CSRF token.' : `Invalid ${module.needsToken} token.`,
          ).withMessage('apierror-badtoken', []);
        }
      }
      if (module.mustBePosted && req.method !== 'POST') {
        throw new MwError('mustbeposted', `The "${action}" module requires a POST request.`);
      }
      const params = validateParams(raw, module.params, {
        prefix: module.prefix,
        highLimits: ctx.can('apihighlimits'),
        warn: (code, text, data, raw) => ctx.warn(action, code, text, data, raw),
        feature: `action=${action}`,
      });
      await module.execute(ctx, params);
      this.reportUnused(ctx, raw);
      if (main.curtimestamp) ctx.result.curtimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      if (main.requestid !== undefined) ctx.result.requestid = main.requestid;
      return this.respond(ctx, format);
    } catch (e) {
      // As MediaWiki: unused parameters are only reported when the module succeeded.
      const err = e instanceof MwError ? e : this.internalError(e, req);
      return this.respond(ctx, format, err);
    }
  }

  /**
   * An error found before the module ran (e.g. while receiving the body), rendered like every other
   * error: in the format, format version and error format the parameters read so far ask for.
   */
  async errorResponse(req: ApiRequest, e: unknown, status = 200): Promise<ApiResponse> {
    const identity = await resolveIdentity(null, this.services.users, this.services.permissions, req.ip);
    const raw = new RequestParams(req);
    const ctx = new ApiContext(this.services, req, identity, raw);
    const main = MAIN_PARAMS;
    const oneOf = (name: 'format' | 'formatversion' | 'errorformat') => {
      const v = raw.get(name);
      return v !== undefined && (main[name].values as readonly string[]).includes(v) ? v : main[name].default;
    };
    const fv = oneOf('formatversion');
    ctx.fv = fv === '2' || fv === 'latest' ? 2 : 1;
    ctx.errorFormat = oneOf('errorformat') as ErrorFormat;
    ctx.moduleName = raw.get('action') ?? 'main';
    const err = e instanceof MwError ? e : this.internalError(e, req);
    return { ...this.respond(ctx, oneOf('format'), err), status };
  }

  /** MediaWiki's answer to an unexpected exception; logged with the request id it shows. */
  private internalError(e: unknown, req: ApiRequest): MwError {
    const cls = e instanceof Error ? e.constructor.name : 'Error';
    this.services.log.error({ err: e, reqId: req.requestId }, 'internal API error');
    const backend = backendFailure(e);
    if (backend) return backend;
    return new MwError(
      `internal_api_error_${cls}`,
      `[${req.requestId}] Exception caught: ${(e as Error)?.message ?? e}`,
      { errorclass: cls },
    );
  }

  private checkAsserts(ctx: Ctx, assert: string | undefined, assertuser: string | undefined): void {
    const fail = (code: string, info: string) => {
      // MediaWiki checks the assertions in the main module and reports them there.
      const e = new MwError(code, info);
      e.module = 'main';
      return e;
    };
    const loggedIn = ctx.user !== null;
    if (assert === 'user' && !loggedIn) {
      throw fail('assertuserfailed', 'You are no longer logged in, so the action could not be completed.');
    }
    if (assert === 'bot' && !ctx.can('bot')) {
      throw fail('assertbotfailed', 'You do not have the "bot" right, so the action could not be completed.');
    }
    if (assert === 'anon' && loggedIn) {
      throw fail('assertanonfailed', 'You are no longer logged out, so the action could not be completed.');
    }
    if (assertuser !== undefined && ctx.identity.name !== assertuser.replace(/_/g, ' ')) {
      throw fail(
        'assertnameduserfailed',
        `You are no longer logged in as "${assertuser}", so the action could not be completed.`,
      );
    }
  }

  /** Treat the request as not logged in (anonymous CORS, JSONP: no same-origin protection). */
  private anonymize(ctx: Ctx): void {
    ctx.identity = { ...ctx.identity, user: null, session: null, name: ctx.request.ip, grants: null };
    ctx.identity.groups = ['*'];
    ctx.identity.rights = new Set(
      Object.entries(this.services.permissions['*'] ?? {})
        .filter(([, v]) => v)
        .map(([k]) => k),
    );
  }

  private cors(ctx: Ctx, origin: string | undefined): void {
    if (origin === undefined) return;
    const header = ctx.request.headers.origin;
    if (origin === '*') {
      ctx.headers['access-control-allow-origin'] = '*';
      // Anonymous CORS: the request is treated as not logged in.
      this.anonymize(ctx);
      return;
    }
    const allowed = this.services.config.corsOrigins ?? [];
    if (header !== origin || !allowed.includes(origin)) {
      ctx.headers['mediawiki-cors-rejected'] = 'true';
      throw new MwError(
        'cors-origin-mismatch',
        'The "origin" parameter does not match the Origin header or is not allowed.',
      );
    }
    ctx.headers['access-control-allow-origin'] = origin;
    ctx.headers['access-control-allow-credentials'] = 'true';
    ctx.headers.vary = 'Origin';
  }

  private reportUnused(ctx: Ctx, raw: RequestParams): void {
    const names = raw.names();
    // File parts are not parameters to MediaWiki ($_FILES): one a module does not take is ignored.
    const req = ctx.request;
    const unused = names.filter(
      (n) => !raw.used.has(n) && !(n in MAIN_PARAMS) && (req.query.has(n) || req.body.has(n)),
    );
    if (!unused.length) return;
    // MediaWiki lists them with their positions among the request's parameters (a PHP array whose
    // keys survive the filtering: a list only when they are 0, 1, …).
    const at = unused.map((n) => names.indexOf(n));
    const list = at.every((i, k) => i === k)
      ? unused
      : Object.fromEntries(at.map((i, k) => [String(i), unused[k]]));
    ctx.warn(
      'main',
      'unrecognizedparams',
      unused.length === 1
        ? `Unrecognized parameter: ${unused[0]}.`
        : `Unrecognized parameters: ${unused.join(', ')}.`,
      undefined,
      { key: 'apierror-unrecognizedparams', params: [{ list, type: 'comma' }, unused.length] },
    );
  }

  /** Count the request (and the upload) in the metrics. */
  private observe(ctx: Ctx, err?: MwError): void {
    const { metrics } = this.services;
    const module = ctx.moduleName;
    metrics.apiRequests.inc({ module, code: err?.code ?? 'ok' });
    metrics.apiDuration.observe({ module }, (performance.now() - ctx.startedMs) / 1000);
    if (module !== 'upload') return;
    const req = ctx.request;
    const has = (n: string) => req.query.has(n) || req.body.has(n) || req.files.has(n);
    const kind = has('checkstatus')
      ? 'status'
      : has('chunk')
        ? 'chunk'
        : has('url')
          ? 'url'
          : has('filekey') || has('sessionkey')
            ? 'stash'
            : 'file';
    const answer = ctx.result.upload as { result?: string } | undefined;
    metrics.uploads.inc({ kind, result: err?.code ?? answer?.result ?? 'none' });
    for (const f of req.files.values()) metrics.uploadBytes.inc(f.size);
  }

  private respond(ctx: Ctx, format: string, err?: MwError): ApiResponse {
    this.observe(ctx, err);
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'private, must-revalidate, max-age=0',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      ...ctx.headers,
    };
    if (err) headers['mediawiki-api-error'] = errorHeader(err);
    // A module that prints its own answer (action=help) does so in every format, as MediaWiki's raw printer.
    if (!err && ctx.raw) {
      headers['content-type'] = ctx.raw.contentType;
      headers['content-disposition'] = `inline; filename=${ctx.raw.fileName}`;
      return { status: 200, headers, setCookies: ctx.setCookies, body: ctx.raw.body };
    }
    const result = err ? renderError(ctx, err) : renderResult(ctx);
    const req = ctx.request;
    const out = render(
      (FORMATS as readonly string[]).includes(format) ? (format as Format) : 'jsonfm',
      result,
      {
        siteName: ctx.config.siteName,
        apiUrl: `${ctx.config.server}${ctx.config.scriptPath}/api.php`,
        params: [...req.query, ...req.body],
        callback: ctx.callback,
      },
    );
    headers['content-type'] = out.contentType;
    headers['content-disposition'] = `inline; filename=${out.fileName}`;
    return { status: 200, headers, setCookies: ctx.setCookies, body: out.body };
  }
}
