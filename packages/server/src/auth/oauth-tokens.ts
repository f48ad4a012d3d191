/**
 * OAuth 2 owner-only access tokens, as MediaWiki's Extension:OAuth hands them to owner-only consumers:
 * a token made for one user with chosen grants, sent as `Authorization: Bearer TOKEN` on every API
 * request instead of logging in. Such a request is that user's, its rights limited by the grants (as a
 * bot password's), without a session cookie; a token that is unknown, revoked or expired fails the
 * whole request with `mwoauth-invalid-authorization`. Only the SHA-256 of a token is stored; revoking
 * deletes it.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../db/index.js';
import { MwError } from '../errors.js';
import { isoNow } from '../util/timestamp.js';
import { GRANT_PERMISSIONS } from './rights.js';
import type { Session } from './sessions.js';

export interface OAuthTokenInfo {
  id: number;
  userId: number;
  name: string;
  grants: string[];
  /** ISO 8601. */
  created: string;
  /** Epoch milliseconds; null: the token does not expire. */
  expiresMs: number | null;
}

/** What MediaWiki says of an access token it cannot use (Extension:OAuth's `mwoauth-oauth2-invalid-access-token`). */
const INVALID_TOKEN = 'Invalid access token';

/**
 * The error of a request whose bearer token is not (or no longer) valid, as Extension:OAuth's session
 * provider raises it before any module runs: reported for the main module, with HTTP status 200.
 */
export function invalidAuthorization(): MwError {
  const e = new MwError(
    'mwoauth-invalid-authorization',
    `The authorization headers in your request are not valid: ${INVALID_TOKEN}`,
  ).withMessage('mwoauth-invalid-authorization', [INVALID_TOKEN]);
  e.module = 'main';
  return e;
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** Longest token name, in characters. */
const MAX_NAME = 100;

type Row = {
  id: number;
  user_id: number;
  name: string;
  grants: string;
  created: string;
  expires_ms: number | null;
};

const info = (r: Row): OAuthTokenInfo => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  grants: JSON.parse(r.grants) as string[],
  created: r.created,
  expiresMs: r.expires_ms,
});

const COLUMNS = ['id', 'user_id', 'name', 'grants', 'created', 'expires_ms'] as const;

export class OAuthTokenService {
  constructor(private readonly db: Db) {}

  /**
   * A new token for a user: returns the token (shown once; only its hash is kept) and what is stored.
   * Without a name the token gets one of its own; names are unique and never all digits (ids are).
   */
  async create(
    userId: number,
    grants: string[],
    opts: { name?: string; expiresMs?: number | null } = {},
  ): Promise<{ token: string; info: OAuthTokenInfo }> {
    const unknown = grants.filter((g) => !GRANT_PERMISSIONS[g]);
    if (unknown.length) throw new MwError('badgrants', `Unknown grants: ${unknown.join(', ')}.`);
    const name = (opts.name ?? `token-${randomBytes(4).toString('hex')}`).trim();
    if (!name || name.length > MAX_NAME || /^\d+$/.test(name) || /[\u0000-\u001f\u007f]/.test(name)) {
      throw new MwError(
        'badtokenname',
        `Invalid token name "${name}": 1 to ${MAX_NAME} characters, not only digits, no control characters.`,
      );
    }
    if (await this.find(name)) throw new MwError('tokenexists', `A token named "${name}" exists already.`);
    const token = randomBytes(32).toString('base64url');
    const row = await this.db
      .insertInto('oauth_tokens')
      .values({
        user_id: userId,
        name,
        token_hash: sha256(token),
        grants: JSON.stringify(grants),
        created: isoNow(),
        expires_ms: opts.expiresMs ?? null,
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    return { token, info: info(row) };
  }

  /** The tokens of one user (or of all users), oldest first. */
  async list(userId?: number): Promise<OAuthTokenInfo[]> {
    let q = this.db.selectFrom('oauth_tokens').select(COLUMNS).orderBy('id');
    if (userId !== undefined) q = q.where('user_id', '=', userId);
    return (await q.execute()).map(info);
  }

  /** The token with this id (all digits) or name. */
  async find(idOrName: string): Promise<OAuthTokenInfo | null> {
    const q = this.db.selectFrom('oauth_tokens').select(COLUMNS);
    if (/^\d+$/.test(idOrName)) {
      const id = Number(idOrName);
      // Ids are 32-bit integers (PostgreSQL refuses to compare with a larger number).
      if (id > 2 ** 31 - 1) return null;
      const row = await q.where('id', '=', id).executeTakeFirst();
      return row ? info(row) : null;
    }
    const row = await q.where('name', '=', idOrName).executeTakeFirst();
    return row ? info(row) : null;
  }

  /** Revoke a token (by id or name): it stops working with the next request. Null when there is none. */
  async revoke(idOrName: string): Promise<OAuthTokenInfo | null> {
    const found = await this.find(idOrName);
    if (!found) return null;
    await this.db.deleteFrom('oauth_tokens').where('id', '=', found.id).execute();
    return found;
  }

  /**
   * How a request's `Authorization` header is read: undefined when it is not an OAuth 2 request (no
   * header, or one that does not begin with `Bearer`, as MediaWiki tells them apart); else the loader
   * of the request's session, which rejects with `mwoauth-invalid-authorization` when the token is
   * not valid. Loaded once however many steps of the request ask.
   */
  loader(authorization: string | undefined): (() => Promise<Session>) | undefined {
    if (typeof authorization !== 'string' || !authorization.startsWith('Bearer')) return undefined;
    const token = authorization.replace(/^\s*Bearer\s/, '').trim();
    let loaded: Promise<Session> | undefined;
    return () => {
      loaded ??= this.authenticate(token);
      return loaded;
    };
  }

  /** The session a valid token stands for. */
  async authenticate(token: string): Promise<Session> {
    if (!/^[A-Za-z0-9_-]{20,200}$/.test(token)) throw invalidAuthorization();
    const row = await this.db
      .selectFrom('oauth_tokens')
      .select(['id', 'user_id', 'grants', 'expires_ms'])
      .where('token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!row || (row.expires_ms !== null && row.expires_ms <= Date.now())) throw invalidAuthorization();
    return {
      id: `oauth:${row.id}`,
      userId: row.user_id,
      botAppId: null,
      // CSRF tokens stay valid as long as the access token does, whichever node answers.
      tokenSecret: createHmac('sha256', token).update('csrf').digest('hex'),
      expiresMs: row.expires_ms ?? Number.MAX_SAFE_INTEGER,
      oauth: { tokenId: row.id, grants: JSON.parse(row.grants) as string[] },
    };
  }
}
