#!/usr/bin/env node
import { startServer } from './app.js';
import { loadConfig } from './config.js';

const config = loadConfig(process.env);
const server = await startServer(config);
console.log(`mwup: MediaWiki-compatible API at ${server.api}`);
console.log(
  `      data directory ${config.dataDir} (${config.database.driver}, ${config.storage.driver} storage)`,
);
if (server.bootstrap) {
  const b = server.bootstrap;
  console.log('');
  console.log('First start: an administrator account was created.');
  if (b.password) console.log(`  user name: ${b.admin}    password: ${b.password}`);
  else console.log(`  user name: ${b.admin}    password: (from configuration)`);
  console.log(`  bot password for API clients: lgname=${b.botName}  lgpassword=${b.botPassword}`);
  console.log('  These are shown once. Manage accounts with: npm run admin -- --help');
  console.log('');
}
let closing = false;
const stop = async (signal: string) => {
  if (closing) return;
  closing = true;
  console.log(`mwup: ${signal}, shutting down`);
  await server.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
