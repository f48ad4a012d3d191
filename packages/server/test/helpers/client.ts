/** A minimal MediaWiki API client for tests: one cookie jar, GET/POST, multipart files. */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary JSON
  json: any;
  text: string;
}

export type Params = Record<string, string | number | boolean | undefined>;

export class TestClient {
  readonly cookies = new Map<string, string>();
  private csrfToken: string | undefined;

  constructor(readonly api: string) {}

  private cookieHeader(): string | undefined {
    return this.cookies.size ? [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }

  private store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const i = pair!.indexOf('=');
      const k = pair!.slice(0, i).trim();
      const v = pair!.slice(i + 1).trim();
      if (attrs.some((a) => /max-age=0/i.test(a)) || v === 'deleted') this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
  }

  private static entries(params: Params): [string, string][] {
    const p: Params = { format: 'json', ...params };
    return Object.entries(p)
      .filter(([, v]) => v !== undefined && v !== false)
      .map(([k, v]) => [k, v === true ? '1' : String(v)]);
  }

  async get(params: Params, headers: Record<string, string> = {}): Promise<ApiAnswer> {
    const url = `${this.api}?${new URLSearchParams(TestClient.entries(params))}`;
    const c = this.cookieHeader();
    const res = await fetch(url, { headers: { ...(c ? { cookie: c } : {}), ...headers } });
    return this.answer(res);
  }

  async post(
    params: Params,
    opts: {
      files?: Record<string, { data: Uint8Array | Blob; filename?: string; type?: string }>;
      multipart?: boolean;
      query?: Params;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiAnswer> {
    let body: FormData | URLSearchParams;
    if (opts.files || opts.multipart) {
      const fd = new FormData();
      for (const [k, v] of TestClient.entries(params)) fd.append(k, v);
      for (const [k, f] of Object.entries(opts.files ?? {})) {
        const blob =
          f.data instanceof Blob
            ? f.data
            : new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/octet-stream' });
        fd.append(k, blob, f.filename ?? 'file.bin');
      }
      body = fd;
    } else body = new URLSearchParams(TestClient.entries(params));
    const c = this.cookieHeader();
    const url = opts.query ? `${this.api}?${new URLSearchParams(TestClient.entries(opts.query))}` : this.api;
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers: { ...(c ? { cookie: c } : {}), ...opts.headers },
    });
    return this.answer(res);
  }

  private async answer(res: Response): Promise<ApiAnswer> {
    this.store(res);
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  }

  async token(type = 'csrf'): Promise<string> {
    const r = await this.get({ action: 'query', meta: 'tokens', type });
    return r.json.query.tokens[`${type}token`];
  }

  async csrf(): Promise<string> {
    this.csrfToken ??= await this.token('csrf');
    return this.csrfToken;
  }

  async login(lgname: string, lgpassword: string): Promise<ApiAnswer> {
    const lgtoken = await this.token('login');
    const r = await this.post({ action: 'login', lgname, lgpassword, lgtoken });
    if (r.json?.login?.result !== 'Success') throw new Error(`login failed: ${r.text}`);
    this.csrfToken = undefined;
    return r;
  }

  /** action=upload with a file part (token added). */
  async upload(params: Params, data?: Uint8Array, field = 'file'): Promise<ApiAnswer> {
    const token = await this.csrf();
    return this.post(
      { action: 'upload', token, ...params },
      data
        ? { files: { [field]: { data, filename: String(params.filename ?? 'file.bin') } } }
        : { multipart: true },
    );
  }
}
