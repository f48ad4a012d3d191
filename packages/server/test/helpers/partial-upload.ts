/**
 * A multipart upload request left unfinished on purpose: its fields and the first bytes of its file
 * part are sent and the request stays open (to kill the server under it, or to cut it off).
 */
import { type ClientRequest, request } from 'node:http';
import type { DatabaseConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/index.js';
import { waitFor } from './wait.js';

export function startPartialUpload(opts: {
  api: string;
  cookies: Map<string, string>;
  fields: Record<string, string | number>;
  /** The file part's field name (`chunk`, `file`). */
  fileField: string;
  bytes: Uint8Array;
  headers?: Record<string, string | number>;
}): ClientRequest {
  const boundary = 'xxPARTIALxx';
  let head = '';
  for (const [k, v] of Object.entries(opts.fields))
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  head += `--${boundary}\r\nContent-Disposition: form-data; name="${opts.fileField}"; filename="part.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const url = new URL(opts.api);
  const req = request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      cookie: [...opts.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      ...opts.headers,
    },
  });
  req.on('error', () => {});
  req.write(head);
  req.write(opts.bytes);
  return req;
}

/** Wait until the server holds the stash entry's lease: it is receiving (appending) the chunk. */
export async function waitUntilReceiving(database: DatabaseConfig, key: string): Promise<void> {
  const handle = await openDatabase(database);
  try {
    await waitFor(async () => {
      const row = await handle.db
        .selectFrom('uploadstash')
        .select('lease_owner')
        .where('key', '=', key)
        .executeTakeFirst();
      return row?.lease_owner != null;
    }, 'the server receives the chunk');
  } finally {
    await handle.close();
  }
}
