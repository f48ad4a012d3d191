/**
 * `mwup-admin oauth-token create|revoke|list`: OAuth 2 owner-only access tokens, what MediaWiki's
 * Special:OAuthConsumerRegistration/propose/oauth2 makes for an owner-only consumer. `create` prints
 * the token alone on its last line, once (only its hash is stored).
 */
import { parseExpiry } from '../api/expiry.js';
import { type OAuthTokenInfo, OAuthTokenService } from '../auth/oauth-tokens.js';
import type { User, UserService } from '../auth/users.js';
import type { Db } from '../db/index.js';
import { MwError } from '../errors.js';

export const OAUTH_TOKEN_HELP = `  oauth-token create NAME [--grants a,b] [--name TOKENNAME] [--expiry WHEN]
                                                     an OAuth 2 access token acting as NAME, sent as
                                                     "Authorization: Bearer TOKEN" instead of logging
                                                     in (grants as bot-password; expiry e.g. "90 days"
                                                     or a date, default never); the token is printed
                                                     alone on the last line, only this once
  oauth-token revoke ID|TOKENNAME                    revoke a token: it stops working at once
  oauth-token list [NAME]                            tokens (of one user), never the tokens themselves`;

export interface OAuthTokenOptions {
  grants?: string[];
  name?: string;
  expiry?: string;
}

const when = (ms: number | null) =>
  ms === null ? 'never' : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function describe(t: OAuthTokenInfo, owner: string): string {
  return `${t.id}\t${t.name}\t${owner}\t${t.grants.join(',')}\tcreated ${t.created}\texpires ${when(t.expiresMs)}`;
}

/** Runs one `oauth-token` subcommand; prints to standard output, throws MwError for what is wrong. */
export async function oauthTokenCommand(
  db: Db,
  users: UserService,
  args: string[],
  opts: OAuthTokenOptions,
  defaultGrants: string[],
): Promise<void> {
  const tokens = new OAuthTokenService(db);
  const need = async (name: string | undefined): Promise<User> => {
    const u = name ? await users.byName(name) : null;
    if (!u) throw new MwError('nosuchuser', `No such user: ${name ?? '(none given)'}`);
    return u;
  };
  const [sub, target] = args;
  switch (sub) {
    case 'create': {
      const u = await need(target);
      const grants = opts.grants ?? defaultGrants;
      const expires = parseExpiry('expiry', opts.expiry);
      const { token, info } = await tokens.create(u.id, grants, {
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        expiresMs: expires === null ? null : Date.parse(expires),
      });
      console.log(`OAuth 2 access token "${info.name}" (id ${info.id}) acting as ${u.name}`);
      console.log(`grants: ${grants.join(', ')}`);
      console.log(`expires: ${when(info.expiresMs)}`);
      console.log('Send it as "Authorization: Bearer TOKEN". It is shown only this once:');
      console.log(token);
      return;
    }
    case 'revoke': {
      if (!target) throw new MwError('missingparam', 'Give the id or name of the token to revoke.');
      const t = await tokens.revoke(target);
      if (!t) throw new MwError('nosuchtoken', `No OAuth token with the id or name "${target}".`);
      console.log(`revoked token ${t.id} ("${t.name}") of ${(await users.byId(t.userId))?.name ?? t.userId}`);
      return;
    }
    case 'list': {
      const u = target === undefined ? undefined : await need(target);
      for (const t of await tokens.list(u?.id)) {
        console.log(describe(t, u?.name ?? (await users.byId(t.userId))?.name ?? String(t.userId)));
      }
      return;
    }
    default:
      throw new MwError('badcommand', `oauth-token: expected create, revoke or list, got "${sub ?? ''}".`);
  }
}
