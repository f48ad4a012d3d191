/**
 * The Action API session: request encoding, cookies, login with a bot password, token cache, and
 * backoff-and-retry for transient failures. Isomorphic: fetch, FormData, Blob, AbortSignal only.
 */

import {
  CLIENT_VERSION,
  type MwApiOptions,
  type RequestFile,
  type RequestOptions,
  type SiteInfo,
  type TransportAnswer,
} from './api-types.js';
import { CookieJar } from './cookies.js';
import { ApiError, HttpError, LoginError, MwClientError } from './errors.js';
import { finalNetworkFailure, nonApiAnswer, notFound } from './failures.js';
import { classifyFetchFailure, encodeParams, fileBlob, isBrowser } from './request-body.js';
import type { ApiResponse, Params } from './types.js';
import { backoffDelay, parseRetryAfter, type SharedTask, sharedTask, sleep, timeoutSignal } from './util.js';

export * from './api-types.js';
export { encodeParams } from './request-body.js';

export class MwApi {
  readonly api: string;
  readonly options: Readonly<MwApiOptions>;
  readonly cookieJar: CookieJar | undefined;
  #fetch: typeof globalThis.fetch;
  #tokens = new Map<string, string>();
  #user: { name: string; id: number } | undefined;
  #login: SharedTask<unknown> | undefined;
  #siteInfo: SharedTask<SiteInfo> | undefined;
  /** The wiki has given an API answer: a refused connection from now on is a restart, not a wrong URL. */
  #answered = false;

  constructor(options: MwApiOptions) {
    const url = new URL(options.api);
    this.api = url.toString();
    this.options = options;
    const f = options.fetch ?? globalThis.fetch;
    if (typeof f !== 'function') throw new TypeError('No fetch implementation available');
    this.#fetch = f.bind(globalThis);
    this.cookieJar =
      options.cookieJar === false || options.oauthToken
        ? undefined
        : (options.cookieJar ?? (isBrowser() ? undefined : new CookieJar()));
  }

  /** The logged-in user, if any. */
  get user(): { name: string; id: number } | undefined {
    return this.#user;
  }

  get hasCredentials(): boolean {
    return Boolean(this.options.oauthToken || (this.options.username && this.options.password));
  }

  // ---------------------------------------------------------------- low level

  /** One API request with retries (see `RequestOptions.retry`). */
  async request(params: Params, opts: RequestOptions = {}): Promise<ApiResponse> {
    const method = opts.method ?? (opts.files ? 'POST' : 'GET');
    const retry = opts.retry ?? (method === 'GET' ? 'all' : 'safe');
    const maxRetries = this.options.maxRetries ?? 8;
    const action = String(params.action ?? 'request');
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#once(params, method, opts);
      } catch (e) {
        if (!(e instanceof MwClientError) || !e.retryable) throw e;
        const allowed = retry === 'all' || (retry === 'safe' && !e.ambiguous);
        if (!allowed || attempt > maxRetries) throw e;
        const delayMs = backoffDelay(attempt, this.options.backoff, e.retryAfter);
        this.options.onRetry?.({ error: e, attempt, delayMs, action });
        await sleep(delayMs, opts.signal);
      }
    }
  }

  async #once(params: Params, method: 'GET' | 'POST', opts: RequestOptions): Promise<ApiResponse> {
    const all: Params = { ...params, format: 'json', formatversion: 2 };
    if (this.options.maxlag !== false && all.maxlag === undefined) all.maxlag = this.options.maxlag ?? 5;
    if (
      this.#user &&
      this.options.assertUser !== false &&
      all.assert === undefined &&
      params.action !== 'login' &&
      !(params.action === 'query' && params.meta === 'tokens')
    ) {
      all.assert = 'user';
    }
    const pairs = encodeParams(all);
    const url = new URL(this.api);
    // A page on another origin must name itself in `origin` (in the query string, even for POST).
    const pageOrigin = isBrowser() ? (globalThis as { location?: Location }).location?.origin : undefined;
    if (pageOrigin && pageOrigin !== url.origin) url.searchParams.set('origin', pageOrigin);
    const headers = new Headers(this.options.headers);
    const ua = this.options.userAgent ?? `mwup/${CLIENT_VERSION}`;
    headers.set(isBrowser() ? 'Api-User-Agent' : 'User-Agent', ua);
    const bearer = this.options.oauthToken;
    if (bearer) headers.set('Authorization', `Bearer ${bearer}`);
    let body: BodyInit | undefined;
    let transported:
      | { field: string; file: RequestFile & { range: NonNullable<RequestFile['range']> } }
      | undefined;
    if (method === 'GET') {
      for (const [k, v] of pairs) url.searchParams.append(k, v);
    } else if (opts.files) {
      const entries = Object.entries(opts.files);
      const only = entries.length === 1 ? entries[0] : undefined;
      if (only?.[1].range?.source.readInto && this.options.fileTransport) {
        transported = {
          field: only[0],
          file: only[1] as RequestFile & { range: NonNullable<RequestFile['range']> },
        };
      } else {
        const fd = new FormData();
        for (const [k, v] of pairs) fd.append(k, v);
        for (const [field, f] of entries) fd.append(field, await fileBlob(f, opts.signal), f.filename);
        body = fd;
      }
    } else {
      body = new URLSearchParams(pairs);
    }
    const cookie = this.cookieJar?.header(url);
    if (cookie) headers.set('Cookie', cookie);
    const timeoutMs =
      opts.timeoutMs ??
      (opts.files ? (this.options.uploadTimeoutMs ?? 600_000) : (this.options.requestTimeoutMs ?? 60_000));
    const t = timeoutSignal(opts.signal, timeoutMs);
    const action = String(params.action ?? 'request');
    const where = `${url.origin}${url.pathname}`;
    let res: TransportAnswer;
    try {
      try {
        if (transported && this.options.fileTransport) {
          res = await this.options.fileTransport({
            url,
            headers,
            fields: pairs,
            field: transported.field,
            file: transported.file,
            signal: t.signal,
          });
        } else {
          const r = await this.#fetch(url, {
            method,
            headers,
            body,
            signal: t.signal,
            credentials: bearer ? 'omit' : 'include',
            redirect: 'follow',
          });
          res = { status: r.status, statusText: r.statusText, headers: r.headers, text: await r.text() };
        }
        this.#storeCookies(url, res.headers);
      } catch (e) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        if (e instanceof MwClientError) throw e;
        if (t.timedOut()) {
          throw new HttpError({
            code: 'timeout',
            info: `No answer to ${action} within ${Math.round(timeoutMs / 1000)} s`,
            retryable: true,
            ambiguous: true,
            cause: e,
          });
        }
        throw finalNetworkFailure(classifyFetchFailure(e, action), where, this.#answered);
      }
    } finally {
      t.dispose();
    }
    const text = res.text;
    const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const json =
      parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ApiResponse) : undefined;
    if (json) this.#answered = true;
    if (json && (json.error || Array.isArray(json.errors))) {
      throw this.#apiError(json, res.status, retryAfter);
    }
    if (res.status === 404 || res.status === 410) throw notFound(res.status, res.statusText, where);
    if (res.status < 200 || res.status > 299) {
      const s = res.status;
      throw new HttpError({
        code: 'http',
        info: `HTTP ${s} ${res.statusText} from ${where} (${action})`,
        httpStatus: s,
        retryable: s >= 500 || s === 429 || s === 408,
        ambiguous: s >= 500,
        retryAfter,
        data: { status: s },
      });
    }
    if (!json) throw nonApiAnswer(res, text, where, action, parsed !== undefined);
    if (json.warnings && this.options.onApiWarning) {
      for (const [mod, w] of Object.entries(json.warnings as Record<string, unknown>)) {
        const textOf = (x: unknown) =>
          typeof x === 'string'
            ? x
            : ((x as { warnings?: string; '*'?: string })?.warnings ?? JSON.stringify(x));
        this.options.onApiWarning(mod, textOf(w));
      }
    }
    return json;
  }

  #storeCookies(url: URL, headers: Headers): void {
    if (!this.cookieJar) return;
    const h = headers as Headers & { getSetCookie?: () => string[] };
    const list = typeof h.getSetCookie === 'function' ? h.getSetCookie() : [];
    if (list.length > 0) this.cookieJar.store(url, list);
  }

  #apiError(json: ApiResponse, status: number, retryAfter: number | undefined): ApiError {
    let code: string;
    let info: string;
    let data: Record<string, unknown>;
    if (json.error) {
      const { code: c, info: i, docref: _d, '*': _s, ...rest } = json.error as Record<string, unknown>;
      code = String(c ?? 'unknown_error');
      info = String(i ?? code);
      data = rest;
    } else {
      const first = (json.errors as Record<string, unknown>[])[0] ?? {};
      code = String(first.code ?? 'unknown_error');
      info = String(first.text ?? first.html ?? first.key ?? code);
      data = { ...((first.data as Record<string, unknown>) ?? {}) };
    }
    const transient = code === 'maxlag' || code === 'readonly' || code === 'ratelimited';
    return new ApiError({
      code,
      info,
      data,
      httpStatus: status,
      retryAfter: retryAfter ?? (code === 'maxlag' ? 5 : undefined),
      ambiguous: !transient,
    });
  }

  // ---------------------------------------------------------------- session

  /**
   * Logs in with a bot password (the constructor's, or the ones given). With `oauthToken` there is no
   * login: this asks once who the token acts as, failing when the wiki does not accept it.
   */
  async login(username = this.options.username, password = this.options.password, signal?: AbortSignal) {
    if (this.options.oauthToken) return this.#tokenUser(signal);
    if (!username || !password) {
      throw new LoginError({ code: 'login-nocredentials', info: 'No user name or bot password configured.' });
    }
    this.#user = undefined;
    this.#tokens.clear();
    const t = await this.request({ action: 'query', meta: 'tokens', type: 'login' }, { signal });
    let lgtoken: string | undefined = t.query?.tokens?.logintoken;
    for (let round = 0; round < 2; round++) {
      const r = await this.request(
        { action: 'login', lgname: username, lgpassword: password, lgtoken },
        { method: 'POST', retry: 'safe', signal },
      );
      const login = r.login ?? {};
      if (login.result === 'Success') {
        this.#user = { name: String(login.lgusername), id: Number(login.lguserid) };
        this.#tokens.clear();
        return this.#user;
      }
      if (login.result === 'NeedToken' && login.token) {
        lgtoken = login.token;
        continue;
      }
      const reason = typeof login.reason === 'string' ? login.reason : (login.reason?.text ?? login.result);
      throw new LoginError({
        code: login.result === 'Aborted' ? 'login-aborted' : 'login-failed',
        info: `Login as ${username} failed: ${reason ?? 'unknown reason'}`,
        data: { result: login.result },
      });
    }
    throw new LoginError({
      code: 'login-failed',
      info: `Login as ${username} failed: no usable login token`,
    });
  }

  async #tokenUser(signal?: AbortSignal): Promise<{ name: string; id: number }> {
    this.#user = undefined;
    this.#tokens.clear();
    const r = await this.request({ action: 'query', meta: 'userinfo' }, { signal });
    const u = r.query?.userinfo ?? {};
    if (!Number(u.id)) {
      throw new LoginError({
        code: 'oauth-not-accepted',
        info: `The wiki at ${this.api} ignored the OAuth token: it answers as a user who is not logged in.`,
      });
    }
    this.#user = { name: String(u.name), id: Number(u.id) };
    return this.#user;
  }

  /** Logs in once if credentials are configured and the session is not logged in yet. */
  async ensureLogin(signal?: AbortSignal): Promise<void> {
    if (this.#user || !this.hasCredentials) return;
    // Shared by every request waiting for it; aborting one of them does not fail the others.
    if (this.#login?.state !== 'pending')
      this.#login = sharedTask((s) => this.login(undefined, undefined, s));
    await this.#login.wait(signal);
  }

  async logout(signal?: AbortSignal): Promise<void> {
    if (!this.#user) return;
    if (this.options.oauthToken) {
      // Nothing to log out of (the wiki refuses action=logout with a token): only forget the user.
      this.#user = undefined;
      this.#tokens.clear();
      return;
    }
    const token = await this.getToken('csrf', signal);
    await this.request({ action: 'logout', token }, { method: 'POST', signal });
    this.#user = undefined;
    this.#tokens.clear();
  }

  /** A token of the given type (cached until a `badtoken` answer). */
  async getToken(type = 'csrf', signal?: AbortSignal): Promise<string> {
    const cached = this.#tokens.get(type);
    if (cached) return cached;
    const r = await this.request({ action: 'query', meta: 'tokens', type }, { signal });
    const token = r.query?.tokens?.[`${type}token`];
    if (typeof token !== 'string') {
      throw new ApiError({ code: 'notoken', info: `The wiki returned no ${type} token`, retryable: false });
    }
    this.#tokens.set(type, token);
    return token;
  }

  /**
   * A POST that needs a CSRF token. Logs in first when credentials are set; refreshes the token once on
   * `badtoken` and logs in again once on `assertuserfailed` (expired session).
   */
  async write(params: Params, opts: Omit<RequestOptions, 'method'> = {}): Promise<ApiResponse> {
    await this.ensureLogin(opts.signal);
    let refreshedToken = false;
    let relogged = false;
    for (;;) {
      const token = await this.getToken('csrf', opts.signal);
      try {
        return await this.request({ ...params, token }, { ...opts, method: 'POST' });
      } catch (e) {
        if (e instanceof ApiError && e.code === 'badtoken' && !refreshedToken) {
          refreshedToken = true;
          this.#tokens.delete('csrf');
          continue;
        }
        if (e instanceof ApiError && e.code === 'assertuserfailed' && !relogged && this.hasCredentials) {
          relogged = true;
          this.#user = undefined;
          await this.login(undefined, undefined, opts.signal);
          continue;
        }
        throw e;
      }
    }
  }

  /** `meta=siteinfo` general data plus the allowed file extensions (cached). */
  siteInfo(signal?: AbortSignal): Promise<SiteInfo> {
    const state = this.#siteInfo?.state;
    if (state === 'pending' || state === 'fulfilled')
      return (this.#siteInfo as SharedTask<SiteInfo>).wait(signal);
    const task = sharedTask((s) => this.#querySiteInfo(s));
    this.#siteInfo = task;
    return task.wait(signal);
  }

  #querySiteInfo(signal: AbortSignal): Promise<SiteInfo> {
    return this.request(
      { action: 'query', meta: 'siteinfo', siprop: ['general', 'fileextensions'] },
      { signal },
    ).then((r) => {
      const g = r.query?.general ?? {};
      const exts = Array.isArray(r.query?.fileextensions)
        ? (r.query.fileextensions as { ext: string }[]).map((e) => e.ext)
        : undefined;
      const num = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : Number(v));
      return {
        generator: String(g.generator ?? ''),
        sitename: g.sitename,
        server: g.server,
        maxuploadsize: num(g.maxuploadsize),
        minuploadchunksize: num(g.minuploadchunksize),
        fileextensions: exts,
      };
    });
  }

  /** `meta=userinfo` with groups and rights. */
  async userInfo(
    signal?: AbortSignal,
  ): Promise<{ id: number; name: string; groups: string[]; rights: string[] }> {
    await this.ensureLogin(signal);
    const r = await this.request(
      { action: 'query', meta: 'userinfo', uiprop: ['groups', 'rights'] },
      { signal },
    );
    const u = r.query?.userinfo ?? {};
    return {
      id: Number(u.id ?? 0),
      name: String(u.name ?? ''),
      groups: u.groups ?? [],
      rights: u.rights ?? [],
    };
  }
}
