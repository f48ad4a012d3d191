#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=4
// Memory settings, measured in bench/README.md, at no measured cost in upload speed: V8's young
// generation capped at 4 MiB a half (its default grows to 16 while the modules load and stays: 13-16
// MB more; at 8 MiB, 50 uploads at once peaked 8-12 MB higher), and two malloc arenas (glibc gives
// each thread that allocates one of its own and keeps what they freed: the server's memory grew by
// 25-30 MB over 10,000 small uploads, now flat).
import closeWithGrace from 'close-with-grace';
import { startServer } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';

let config: Config;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`mwup: ${e.message}\n`);
  process.exit(2);
}
const server = await startServer(config);
const log = server.services.log;

// For people: where the API is and, on first start, how to log in (never written to the log).
const lines = [
  `mwup: MediaWiki-compatible API at ${server.api}`,
  `      data directory ${config.dataDir} (${config.database.driver}, ${config.storage.driver} storage)`,
];
const b = server.bootstrap;
if (b) {
  lines.push(
    '',
    'First start: an administrator account was created.',
    `  user name: ${b.admin}    password: ${b.password ?? '(from configuration)'}`,
    `  bot password for API clients: lgname=${b.botName}  lgpassword=${b.botPassword}`,
    '  These are shown once. Manage accounts with: npm run admin -- --help',
    '',
  );
}
process.stdout.write(`${lines.join('\n')}\n`);

// SIGINT/SIGTERM: stop accepting, let requests in flight finish (bounded), stop the job queue and
// maintenance, close the database. A second signal exits at once.
closeWithGrace(
  {
    delay: (config.shutdownTimeoutSeconds + 30) * 1000,
    logger: { error: (m: unknown) => log.error(m) },
    onSecondSignal: (signal) => log.warn({ signal }, 'second signal: exiting now'),
  },
  async ({ signal, err }) => {
    if (err) log.error({ err }, 'uncaught error: shutting down');
    else log.info({ signal }, 'shutting down');
    await server.close();
  },
);
