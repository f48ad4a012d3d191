import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createBot, startTestServer, type TestServer } from './server.js';

/** A random-noise JPEG of about `kb` KiB, so chunked samples send several chunks. */
export async function noiseJpeg(w = 160, h = 120): Promise<Buffer> {
  const { randomBytes } = await import('node:crypto');
  return sharp(randomBytes(w * h * 3), { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

export interface SeedEnv {
  server: TestServer;
  env: Record<string, string>;
  dir: string;
  file: Buffer;
  files: Server;
  close(): Promise<void>;
}

/**
 * A server with a bot password, a JPEG on disk, and a file server on loopback (allowed for url=),
 * with the environment the seed samples read: MW_API, MW_USER, MW_PASSWORD, MW_FILE, MW_FILE_URL.
 */
export async function seedEnv(): Promise<SeedEnv> {
  const server = await startTestServer({ groupPermissions: { user: { upload_by_url: true } } });
  const bot = await createBot(server, 'SeedBot');
  const dir = await mkdtemp(join(tmpdir(), 'mwup-seed-'));
  const file = await noiseJpeg();
  await writeFile(join(dir, 'f.jpg'), file);
  const files = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': file.length });
    res.end(file);
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  const env = {
    MW_API: server.api,
    MW_USER: bot.lgname,
    MW_PASSWORD: bot.password,
    MW_FILE: join(dir, 'f.jpg'),
    MW_FILE_URL: `http://127.0.0.1:${(files.address() as AddressInfo).port}/8300206113_374c017fc5.jpg`,
  };
  return {
    server,
    env,
    dir,
    file,
    files,
    async close() {
      files.close();
      await server.close();
    },
  };
}

/** Run a program with the seed environment; resolves to its output. */
export function runSample(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}
