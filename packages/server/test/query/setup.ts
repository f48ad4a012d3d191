/** Shared set-up for the query, page-module and file-serving tests. */
import { Readable } from 'node:stream';
import type { Config, DeepPartial } from '../../src/config.js';
import type { FileVersion } from '../../src/files/types.js';
import { mediaProps } from '../../src/media/props.js';
import { TestClient } from '../helpers/client.js';
import { sha1 } from '../helpers/files.js';
import {
  createBot,
  createBotPassword,
  startTestServer,
  type TestServer,
  UPLOAD_GRANTS,
} from '../helpers/server.js';

export interface Wiki {
  s: TestServer;
  /** UploadBot (bot group, upload grants), logged in with a bot password. */
  bot: TestClient;
  /** Admin (sysop), logged in with a bot password that has the delete, protect and watchlist grants too (created on first use). */
  admin(): Promise<TestClient>;
}

export async function startWiki(overrides: DeepPartial<Config> = {}): Promise<Wiki> {
  const s = await startTestServer({
    uploads: { fileExtensions: ['png', 'gif', 'jpg', 'jpeg', 'webp', 'svg', 'txt', 'html'] },
    ...overrides,
  });
  const b = await createBot(s, 'UploadBot', { groups: ['bot'] });
  const bot = new TestClient(s.api);
  await bot.login(b.lgname, b.password);
  let admin: Promise<TestClient> | null = null;
  const login = async () => {
    const ap = await createBotPassword(s, {
      user: 'Admin',
      appId: 'adm',
      grants: [...UPLOAD_GRANTS, 'delete', 'protect', 'viewmywatchlist', 'editmywatchlist'],
    });
    const c = new TestClient(s.api);
    await c.login(ap.lgname, ap.password);
    return c;
  };
  return {
    s,
    bot,
    admin: () => {
      admin ??= login();
      return admin;
    },
  };
}

let blobCounter = 0;

/**
 * Publish a file straight through the repository (no upload checks), with the media properties
 * src/media computes, so any MIME type and metadata can be set up.
 */
export async function publish(
  s: TestServer,
  name: string,
  data: Buffer,
  opts: { mime: string; comment?: string; user?: { id: number; name: string }; mediaType?: string },
): Promise<FileVersion> {
  const services = s.server.services;
  const blobKey = `test/${Date.now()}-${blobCounter++}`;
  await services.blobs.write(blobKey, Readable.from([data]));
  const mp = await mediaProps(
    { size: data.length, head: data.subarray(0, 1 << 20), open: () => Readable.from([data]) },
    opts.mime,
  );
  const user = opts.user ?? (await services.users.byName('Admin'))!;
  const r = await services.files.publish({
    name,
    blobKey,
    size: data.length,
    sha1: sha1(data),
    props: {
      mime: opts.mime,
      mediaType:
        opts.mediaType ??
        (opts.mime === 'image/svg+xml' ? 'DRAWING' : opts.mime.startsWith('image/') ? 'BITMAP' : 'TEXT'),
      width: mp.width,
      height: mp.height,
      bits: mp.bitdepth,
      metadata: mp.handlerMetadata,
    },
    comment: opts.comment ?? '',
    text: null,
    actor: { id: user.id, name: user.name },
    tags: [],
    watch: null,
  });
  return r.file;
}

/** The single page of a formatversion=1 `query.pages` object. */
// biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary JSON
export function onlyPage(json: any): any {
  const pages = Object.values(json.query.pages);
  if (pages.length !== 1) throw new Error(`expected one page, got ${pages.length}`);
  return pages[0];
}

/** Every key path of a JSON value with the JSON types seen there (arrays: union over elements). */
export function shapeOf(
  v: unknown,
  path = '',
  out = new Map<string, Set<string>>(),
): Map<string, Set<string>> {
  const type = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
  if (path) {
    if (!out.has(path)) out.set(path, new Set());
    out.get(path)!.add(type);
  }
  if (Array.isArray(v)) for (const x of v) shapeOf(x, `${path}[]`, out);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) shapeOf(x, path ? `${path}.${k}` : k, out);
  return out;
}

/** shapeOf as sorted `path:type|type` lines, for comparing two answers' shapes. */
export function shapeLines(v: unknown): string[] {
  return [...shapeOf(v)].map(([k, t]) => `${k}:${[...t].sort().join('|')}`).sort();
}
