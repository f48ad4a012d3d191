/**
 * The web interface as a Fastify plugin: page views and special pages (pages.ts, specials.ts),
 * their forms (urlencoded, or multipart streamed into the upload layer like API uploads), and the
 * static files (stylesheet, scripts) under `<scriptPath>/static/`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import type { ApiMain } from '../api/main.js';
import type { Services } from '../api/services.js';
import { textOrStreamedBodies } from '../http/body-parsers.js';
import type { PartReceiver } from '../upload/parts.js';
import { WebApi } from './api-call.js';
import { pagesPlugin } from './pages.js';
import { fileListPages } from './special/file-lists.js';
import { userLogin, userLogout } from './special/login.js';
import { upload } from './special/upload.js';
import { SpecialPages } from './specials.js';

/** The built static files: `dist/web-assets` next to the compiled server. */
const ASSETS = fileURLToPath(new URL('../../dist/web-assets/', import.meta.url));

export interface WebPluginOptions {
  services: Services;
  api: ApiMain;
  parts: PartReceiver;
}

export const webPlugin: FastifyPluginAsync<WebPluginOptions> = async (app, { services, api, parts }) => {
  const cfg = services.config;
  // Forms: urlencoded bodies as text; multipart bodies are streamed by the page that takes them.
  textOrStreamedBodies(app, cfg.maxFieldBytes);
  const specials = new SpecialPages(services, new WebApi(services, api), parts, [
    userLogin,
    userLogout,
    upload,
    ...fileListPages,
  ]);
  await app.register(pagesPlugin, { services, specials });
  if (existsSync(ASSETS)) {
    await app.register(fastifyStatic, {
      root: ASSETS,
      prefix: `${cfg.scriptPath}/static/`,
      maxAge: '1h',
      // Scripts and styles only as what they are.
      setHeaders: (res) => res.header('x-content-type-options', 'nosniff'),
    });
  }
};
