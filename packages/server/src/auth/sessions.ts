import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { prepared } from '../db/prepared.js';
import { isoNow } from '../util/timestamp.js';
import { type User, type UserRow, userFromRows, userRows } from './users.js';

export interface Session {
  /** SHA-256 of the cookie value (the database key). */
  id: string;
  userId: number | null;
  botAppId: string | null;
  tokenSecret: string;
  expiresMs: number;
  /**
   * Set when an OAuth access token (`Authorization: Bearer`) authorized the request instead of a
   * cookie: the token's grants limit the user's rights, and the user cannot log in or out.
   */
  oauth?: { tokenId: number; grants: string[] };
  /** The session's user and its bot password's grants, when read with the session (see `load`). */
  read?: { user: User | null; grants: string[] | null };
}

/** Token types of meta=tokens, with the salt each is derived with. */
export const TOKEN_TYPES: Record<string, string> = {
  createaccount: 'createaccount',
  csrf: 'edit',
  login: 'login',
  patrol: 'patrol',
  rollback: 'rollback',
  userrights: 'userrights',
  watch: 'watch',
};

/** The CSRF token of a request without a session (MediaWiki's anonymous token). */
export const ANON_TOKEN = '+\\';

const hashId = (cookie: string) => createHash('sha256').update(cookie).digest('hex');

/**
 * The statement every request with a session cookie runs (built once, see prepared): the session
 * (kind 3: token secret, bot password name, expiry; kind 4: its user's id, when it has one) and
 * its user's rows ({@link userRows}: account, groups, grants), in one round trip.
 */
const sessionById = prepared((db, v: { id: string; now: string }) => {
  const userId = db.selectFrom('sessions').select('user_id').where('id', '=', v.id);
  const appId = db.selectFrom('sessions').select('bot_app_id').where('id', '=', v.id);
  return db
    .selectFrom('sessions')
    .select([
      sql<number>`3`.as('kind'),
      'token_secret as text',
      sql<string>`coalesce(bot_app_id, '')`.as('more'),
      'expires_ms as n',
    ])
    .where('id', '=', v.id)
    .unionAll(
      db
        .selectFrom('sessions')
        .select([
          sql<number>`4`.as('kind'),
          sql<string>`''`.as('text'),
          sql<string>`''`.as('more'),
          sql<number>`user_id`.as('n'),
        ])
        .where('id', '=', v.id)
        .where('user_id', 'is not', null),
    )
    .unionAll(userRows(db, userId, appId, v.now));
});

/** Cookie sessions stored in the database, so that restarts and several processes share them. */
export class SessionService {
  constructor(
    private readonly db: Db,
    private readonly maxAgeSeconds: number,
  ) {}

  /** The session of one request, loaded once however many of its steps ask (the first asks the database). */
  loader(cookieValue: string | undefined): () => Promise<Session | null> {
    let loaded: Promise<Session | null> | undefined;
    return () => {
      loaded ??= this.load(cookieValue);
      return loaded;
    };
  }

  async load(cookieValue: string | undefined): Promise<Session | null> {
    if (!cookieValue || !/^[A-Za-z0-9_-]{20,100}$/.test(cookieValue)) return null;
    const id = hashId(cookieValue);
    const rows = (await sessionById(this.db, { id, now: isoNow() })) as UserRow[];
    const row = rows.find((r) => Number(r.kind) === 3);
    if (!row) return null;
    const now = Date.now();
    let expiresMs = Number(row.n);
    if (expiresMs <= now) {
      await this.db.deleteFrom('sessions').where('id', '=', id).execute();
      return null;
    }
    // Sliding expiry, written at most once per tenth of the lifetime.
    const fresh = now + this.maxAgeSeconds * 1000;
    if (fresh - expiresMs > this.maxAgeSeconds * 100) {
      await this.db.updateTable('sessions').set({ expires_ms: fresh }).where('id', '=', id).execute();
      expiresMs = fresh;
    }
    const owner = rows.find((r) => Number(r.kind) === 4);
    const userId = owner ? Number(owner.n) : null;
    const session: Session = { id, userId, botAppId: row.more || null, tokenSecret: row.text, expiresMs };
    if (userId !== null) session.read = userFromRows(userId, rows);
    return session;
  }

  /** A new session; returns it with the cookie value to send. */
  async create(
    userId: number | null,
    botAppId: string | null,
  ): Promise<{ session: Session; cookie: string }> {
    const cookie = randomBytes(32).toString('base64url');
    const session: Session = {
      id: hashId(cookie),
      userId,
      botAppId,
      tokenSecret: randomBytes(32).toString('hex'),
      expiresMs: Date.now() + this.maxAgeSeconds * 1000,
    };
    await this.db
      .insertInto('sessions')
      .values({
        id: session.id,
        user_id: userId,
        bot_app_id: botAppId,
        token_secret: session.tokenSecret,
        created_ms: Date.now(),
        expires_ms: session.expiresMs,
      })
      .execute();
    return { session, cookie };
  }

  async destroy(session: Session): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', session.id).execute();
  }

  async sweepExpired(): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_ms', '<=', Date.now()).execute();
  }

  /** A token of the given type for this session: 32 hex digits of HMAC, 8 of timestamp, then `+\`. */
  token(session: Session | null, type: string, loggedIn: boolean): string {
    if (!session || (!loggedIn && type !== 'login' && type !== 'createaccount')) return ANON_TOKEN;
    const ts = Math.floor(Date.now() / 1000)
      .toString(16)
      .padStart(8, '0');
    return `${mac(session.tokenSecret, TOKEN_TYPES[type] ?? type, ts)}${ts}${ANON_TOKEN}`;
  }

  /**
   * A token checked as action=checktoken reports it: whether it is this session's token of the type,
   * and when it was made (absent for the anonymous token).
   */
  inspectToken(
    session: Session | null,
    type: string,
    token: string,
    loggedIn: boolean,
  ): { valid: boolean; generatedMs?: number } {
    const valid = this.checkToken(session, type, token, loggedIn);
    const m = /^[0-9a-f]{32}([0-9a-f]{8})\+\\$/.exec(token);
    return valid && m ? { valid, generatedMs: Number.parseInt(m[1]!, 16) * 1000 } : { valid };
  }

  /** Constant-time check of a token of the given type. */
  checkToken(session: Session | null, type: string, token: string, loggedIn: boolean): boolean {
    if (!session || (!loggedIn && type !== 'login' && type !== 'createaccount')) return token === ANON_TOKEN;
    const m = /^([0-9a-f]{32})([0-9a-f]{8})\+\\$/.exec(token);
    if (!m) return false;
    const expected = Buffer.from(mac(session.tokenSecret, TOKEN_TYPES[type] ?? type, m[2]!));
    return timingSafeEqual(expected, Buffer.from(m[1]!));
  }
}

function mac(secret: string, salt: string, ts: string): string {
  return createHmac('sha256', secret).update(`${salt}|${ts}`).digest('hex').slice(0, 32);
}
