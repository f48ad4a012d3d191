/** Requests of chunked uploads, as the tests send them. */
import type { ApiAnswer, TestClient } from '../helpers/client.js';
import { waitForValue } from '../helpers/wait.js';

/** One chunk (`stash=1`), with the CSRF token. */
export async function sendChunk(
  c: TestClient,
  params: Record<string, string | number | undefined>,
  data: Uint8Array,
): Promise<ApiAnswer> {
  return c.post(
    { action: 'upload', stash: 1, token: await c.csrf(), ...params },
    { files: { chunk: { data, filename: 'chunk.bin' } } },
  );
}

/** `checkstatus` for a file key. */
export async function checkStatus(c: TestClient, filekey: string): Promise<ApiAnswer> {
  return c.post({ action: 'upload', filekey, checkstatus: 1, token: await c.csrf() });
}

/** `checkstatus` until the answer is no longer Poll. */
export function pollUntilSettled(c: TestClient, filekey: string): Promise<ApiAnswer> {
  return waitForValue(
    async () => {
      const r = await checkStatus(c, filekey);
      return r.json.upload?.result === 'Poll' ? undefined : r;
    },
    `${filekey} is no longer Poll`,
    30_000,
  );
}
