/** A cookie-keeping HTTP client for the web pages (no JavaScript): GET, form POSTs, fields of forms. */
export interface PageAnswer {
  status: number;
  text: string;
  location: string | null;
  csp: string | null;
  /** The value of the input named `name` in the page. */
  field(name: string): string;
  /** The text of the page's alert box, if any. */
  alert: string | null;
}

const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#039;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

export class WebBrowser {
  readonly cookies = new Map<string, string>();
  readonly setCookies: string[] = [];
  constructor(readonly origin: string) {}

  private async send(path: string, init: RequestInit): Promise<PageAnswer> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(new URL(path, this.origin), {
      ...init,
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string>) },
    });
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      const v = pair!.slice(i + 1);
      if (/max-age=0/i.test(line) || v === '' || v === 'deleted') this.cookies.delete(pair!.slice(0, i));
      else this.cookies.set(pair!.slice(0, i), v);
    }
    const text = await res.text();
    return {
      status: res.status,
      text,
      location: res.headers.get('location'),
      csp: res.headers.get('content-security-policy'),
      field(name) {
        const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(text)?.[0];
        const value = tag && /value="([^"]*)"/.exec(tag)?.[1];
        if (value === undefined || value === null) throw new Error(`no field ${name} in the page`);
        return decode(value);
      },
      alert: (() => {
        const m = /role="alert">([\s\S]*?)<\/div>/.exec(text)?.[1];
        return m === undefined ? null : decode(m.replace(/<[^>]+>/g, '').trim());
      })(),
    };
  }

  get(path: string): Promise<PageAnswer> {
    return this.send(path, { method: 'GET' });
  }

  /** A body as given (a multipart body written by hand, as browsers send some parts). */
  postBody(path: string, body: Uint8Array, contentType: string): Promise<PageAnswer> {
    return this.send(path, {
      method: 'POST',
      body: new Uint8Array(body),
      headers: { 'content-type': contentType },
    });
  }

  post(path: string, fields: Record<string, string> | FormData): Promise<PageAnswer> {
    return this.send(path, {
      method: 'POST',
      body: fields instanceof FormData ? fields : new URLSearchParams(fields),
    });
  }
}
