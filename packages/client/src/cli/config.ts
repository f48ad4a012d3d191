/**
 * Connection settings for the CLI: flags first, then environment variables, then a JSON config file.
 * The password and the OAuth token are never printed; `redact` removes them from any text shown.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Connection {
  api: string | undefined;
  username: string | undefined;
  password: string | undefined;
  userAgent: string | undefined;
  /** An OAuth 2 access token, used instead of the bot password. */
  oauthToken?: string | undefined;
}

interface ConfigFile {
  api?: string;
  username?: string;
  password?: string;
  oauthToken?: string;
  userAgent?: string;
}

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MWUP_CONFIG) return env.MWUP_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'mwup', 'config.json');
}

async function readConfig(path: string, explicit: boolean): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (!explicit && (e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`Cannot read the config file ${path}: ${(e as Error).message}`);
  }
  try {
    const c = JSON.parse(text) as ConfigFile;
    if (!c || typeof c !== 'object') throw new Error('not an object');
    return c;
  } catch (e) {
    throw new UsageError(`The config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

export async function resolveConnection(
  flags: {
    api?: string;
    user?: string;
    password?: string;
    'password-file'?: string;
    config?: string;
    'user-agent'?: string;
    'oauth-token-file'?: string;
  },
  env: NodeJS.ProcessEnv = process.env,
): Promise<Connection> {
  const configPath = flags.config ?? defaultConfigPath(env);
  const cfg = await readConfig(configPath, flags.config !== undefined || env.MWUP_CONFIG !== undefined);
  let password = flags.password;
  const passwordFile =
    flags['password-file'] ?? (flags.password === undefined ? env.MWUP_PASSWORD_FILE : undefined);
  if (password === undefined && passwordFile !== undefined) {
    try {
      password = (await readFile(passwordFile, 'utf8')).replace(/\r?\n$/, '');
    } catch (e) {
      throw new UsageError(`Cannot read the password file ${passwordFile}: ${(e as Error).message}`);
    }
  }
  password ??= env.MWUP_PASSWORD ?? cfg.password;
  const oauthToken = await oauthTokenOf(flags['oauth-token-file'], env.MWUP_OAUTH_TOKEN, cfg.oauthToken);
  const api = flags.api ?? env.MWUP_API ?? cfg.api;
  if (api !== undefined) {
    try {
      const u = new URL(api);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      throw new UsageError(`--api must be the http(s) URL of api.php, got "${api}"`);
    }
  }
  return {
    api,
    username: flags.user ?? env.MWUP_USER ?? cfg.username,
    password: password || undefined,
    userAgent: flags['user-agent'] ?? env.MWUP_USER_AGENT ?? cfg.userAgent,
    ...(oauthToken ? { oauthToken } : {}),
  };
}

/** The OAuth token from `--oauth-token-file`, else `MWUP_OAUTH_TOKEN`, else the config file's `oauthToken`. */
async function oauthTokenOf(
  file: string | undefined,
  fromEnv: string | undefined,
  fromConfig: string | undefined,
): Promise<string | undefined> {
  let token: string | undefined;
  let source: string;
  if (file !== undefined) {
    source = `The OAuth token file ${file}`;
    try {
      token = await readFile(file, 'utf8');
    } catch (e) {
      throw new UsageError(`Cannot read the OAuth token file ${file}: ${(e as Error).message}`);
    }
  } else if (fromEnv) {
    [token, source] = [fromEnv, 'MWUP_OAUTH_TOKEN'];
  } else if (fromConfig !== undefined) {
    [token, source] = [String(fromConfig), 'The "oauthToken" of the config file'];
  } else return undefined;
  token = token.trim();
  // Sent in an HTTP header: one word of visible ASCII (a JWT, or the random token of another wiki).
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UsageError(`${source} does not hold an OAuth token (one line of visible ASCII characters).`);
  }
  return token;
}

/** Replaces every occurrence of the password (and of the other secrets given) in `text`. */
export function redact(text: string, ...secrets: (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('********');
  }
  return out;
}
