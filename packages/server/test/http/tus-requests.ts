/** Raw tus requests, as the tus tests send them. */
import type { TestClient } from '../helpers/client.js';

export const cookieOf = (c: TestClient) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
export const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A raw tus (or draft) request with `c`'s session. */
export async function tusFetch(
  url: string,
  c: TestClient | null,
  init: { method: string; headers?: Record<string, string>; body?: Uint8Array },
): Promise<Response> {
  return fetch(url, {
    method: init.method,
    headers: { 'Tus-Resumable': '1.0.0', ...(c ? { cookie: cookieOf(c) } : {}), ...init.headers },
    body: init.body ? new Uint8Array(init.body) : undefined,
  });
}
