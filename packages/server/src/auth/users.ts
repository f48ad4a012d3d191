import { type ExpressionBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { Db } from '../db/index.js';
import { prepared } from '../db/prepared.js';
import type { Database } from '../db/schema.js';
import { MwError } from '../errors.js';
import { isoNow } from '../util/timestamp.js';
import { generatePassword, hashPassword, verifyPassword } from './password.js';
import { GRANT_PERMISSIONS } from './rights.js';

export interface User {
  id: number;
  name: string;
  registration: string;
  editCount: number;
  groups: string[];
}

const INVALID_NAME_CHARS = /[@:>#<[\]|{}/\u0000-\u001f\u007f]/;
const IP_LIKE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.(\d{1,3}|xxx)$/i;

/**
 * MediaWiki's canonical user name: trimmed, underscores as spaces, whitespace collapsed, first letter
 * upper-cased. Null when the name is not usable (empty, IP-like, reserved characters, too long).
 */
export function canonicalUserName(raw: string): string | null {
  const name = raw.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
  if (!name || INVALID_NAME_CHARS.test(name) || IP_LIKE.test(name) || name.includes(':')) return null;
  if (Buffer.byteLength(name) > 255) return null;
  const first = String.fromCodePoint(name.codePointAt(0)!);
  return first.toUpperCase() + name.slice(first.length);
}

export interface LoginResult {
  user: User;
  /** Set when a bot password was used. */
  botAppId: string | null;
  grants: string[] | null;
}

/** Group memberships that have not expired by `now`. */
const notExpired = (now: string) => (eb: ExpressionBuilder<Database, 'user_groups'>) =>
  eb.or([eb('expiry', 'is', null), eb('expiry', '>', now)]);

// Statements built once (see prepared).
const groupsOf = prepared((db, v: { userId: number; now: string }) =>
  db
    .selectFrom('user_groups')
    .select('group_name')
    .where('user_id', '=', v.userId)
    .where(notExpired(v.now))
    .orderBy('group_name'),
);
/** A user id or bot password name: a value, or a subquery that reads it (the session's). */
type Operand<T> = T | SelectQueryBuilder<Database, 'sessions', Record<string, T | null>>;

/**
 * The rows of a user as a request with a session reads them, in one statement (one round trip
 * where the database is a server): the account (kind 0), its groups (1) and the grants of the
 * session's bot password (2; bot passwords' names are never empty, so `''` asks for none).
 * `n` is the account's edit count.
 */
export function userRows(db: Db, id: Operand<number>, appId: Operand<string>, now: string) {
  return db
    .selectFrom('users')
    .select([sql<number>`0`.as('kind'), 'name as text', 'registration as more', 'edit_count as n'])
    .where('id', '=', id)
    .unionAll(
      db
        .selectFrom('user_groups')
        .select([
          sql<number>`1`.as('kind'),
          'group_name as text',
          sql<string>`''`.as('more'),
          sql<number>`0`.as('n'),
        ])
        .where('user_id', '=', id)
        .where(notExpired(now)),
    )
    .unionAll(
      db
        .selectFrom('bot_passwords')
        .select([
          sql<number>`2`.as('kind'),
          'grants as text',
          sql<string>`''`.as('more'),
          sql<number>`0`.as('n'),
        ])
        .where('user_id', '=', id)
        .where('app_id', '=', appId),
    );
}

export interface UserRow {
  kind: number;
  text: string;
  more: string;
  n: number;
}

/** The user `id` and its bot password's grants, from {@link userRows}' rows. */
export function userFromRows(id: number, rows: UserRow[]): { user: User | null; grants: string[] | null } {
  const account = rows.find((r) => Number(r.kind) === 0);
  if (!account) return { user: null, grants: null };
  const grants = rows.find((r) => Number(r.kind) === 2);
  const groups = rows.filter((r) => Number(r.kind) === 1).map((r) => r.text);
  return {
    user: {
      id,
      name: account.text,
      registration: account.more,
      editCount: Number(account.n),
      groups: groups.sort(), // group names are ASCII: as the database orders them (collation C)
    },
    grants: grants ? (JSON.parse(grants.text) as string[]) : null,
  };
}

const sessionUser = prepared((db, v: { id: number; now: string; appId: string }) =>
  userRows(db, v.id, v.appId, v.now),
);

/** Accounts, their groups and their bot passwords. */
export class UserService {
  constructor(private readonly db: Db) {}

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async byName(name: string): Promise<User | null> {
    const canon = canonicalUserName(name);
    if (!canon) return null;
    const row = await this.db.selectFrom('users').selectAll().where('name', '=', canon).executeTakeFirst();
    return row ? this.load(row) : null;
  }

  async byId(id: number): Promise<User | null> {
    return (await this.forSession(id, null)).user;
  }

  /**
   * The user of a session and, when it logged in with a bot password (`appId`), that password's
   * grants (null: none, or the password is gone), read in one statement.
   */
  async forSession(
    id: number,
    appId: string | null,
  ): Promise<{ user: User | null; grants: string[] | null }> {
    return userFromRows(id, await sessionUser(this.db, { id, now: isoNow(), appId: appId ?? '' }));
  }

  private async load(row: {
    id: number;
    name: string;
    registration: string;
    edit_count: number;
  }): Promise<User> {
    const now = isoNow();
    const groups = await groupsOf(this.db, { userId: row.id, now });
    return {
      id: row.id,
      name: row.name,
      registration: row.registration,
      editCount: row.edit_count,
      groups: groups.map((g) => g.group_name),
    };
  }

  async create(name: string, password: string | null, groups: string[] = []): Promise<User> {
    const canon = canonicalUserName(name);
    if (!canon) throw new MwError('invaliduser', `Invalid username "${name}".`);
    if (await this.byName(canon)) throw new MwError('userexists', 'Username entered already in use.');
    const hash = password === null ? null : await hashPassword(password);
    const row = await this.db
      .insertInto('users')
      .values({ name: canon, password_hash: hash, registration: isoNow() })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const g of groups) await this.addGroup(row.id, g);
    return (await this.byId(row.id))!;
  }

  async setPassword(userId: number, password: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(password) })
      .where('id', '=', userId)
      .execute();
  }

  async addGroup(userId: number, group: string, expiry: string | null = null): Promise<void> {
    await this.db
      .insertInto('user_groups')
      .values({ user_id: userId, group_name: group, expiry })
      .onConflict((oc) => oc.columns(['user_id', 'group_name']).doUpdateSet({ expiry }))
      .execute();
  }

  async removeGroup(userId: number, group: string): Promise<void> {
    await this.db
      .deleteFrom('user_groups')
      .where('user_id', '=', userId)
      .where('group_name', '=', group)
      .execute();
  }

  /** Ids of the members of a group (expiry not considered, as list=allimages&aifilterbots does). */
  async idsInGroup(group: string): Promise<number[]> {
    const rows = await this.db
      .selectFrom('user_groups')
      .select('user_id')
      .where('group_name', '=', group)
      .execute();
    return rows.map((r) => r.user_id);
  }

  /** Create (or replace) a bot password; returns the password (generated unless given), shown once. */
  async createBotPassword(userId: number, appId: string, grants: string[], given?: string): Promise<string> {
    if (!/^[^@\s][^@]{0,31}$/.test(appId)) throw new MwError('badappid', `Invalid bot name "${appId}".`);
    const unknown = grants.filter((g) => !GRANT_PERMISSIONS[g]);
    if (unknown.length) throw new MwError('badgrants', `Unknown grants: ${unknown.join(', ')}.`);
    if (given !== undefined && given.length < 8)
      throw new MwError('badpassword', 'Bot passwords need at least 8 characters.');
    const password = given ?? generatePassword(32);
    const values = {
      user_id: userId,
      app_id: appId,
      password_hash: await hashPassword(password),
      grants: JSON.stringify(grants),
      created: isoNow(),
    };
    await this.db
      .insertInto('bot_passwords')
      .values(values)
      .onConflict((oc) =>
        oc
          .columns(['user_id', 'app_id'])
          .doUpdateSet({ password_hash: values.password_hash, grants: values.grants }),
      )
      .execute();
    return password;
  }

  async listBotPasswords(userId: number): Promise<{ appId: string; grants: string[] }[]> {
    const rows = await this.db
      .selectFrom('bot_passwords')
      .selectAll()
      .where('user_id', '=', userId)
      .execute();
    return rows.map((r) => ({ appId: r.app_id, grants: JSON.parse(r.grants) as string[] }));
  }

  async deleteBotPassword(userId: number, appId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('bot_passwords')
      .where('user_id', '=', userId)
      .where('app_id', '=', appId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /**
   * Check login credentials. `User@app` + bot password logs in with that bot password's grants;
   * a plain user name + the account password is a main-account login.
   */
  async checkLogin(lgname: string, lgpassword: string): Promise<LoginResult | null> {
    const at = lgname.lastIndexOf('@');
    if (at > 0) {
      const user = await this.byName(lgname.slice(0, at));
      const appId = lgname.slice(at + 1);
      if (!user) return null;
      const bp = await this.db
        .selectFrom('bot_passwords')
        .selectAll()
        .where('user_id', '=', user.id)
        .where('app_id', '=', appId)
        .executeTakeFirst();
      if (!bp || !(await verifyPassword(lgpassword, bp.password_hash))) return null;
      return { user, botAppId: appId, grants: JSON.parse(bp.grants) as string[] };
    }
    const user = await this.byName(lgname);
    const row = user
      ? await this.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirst()
      : undefined;
    if (!user || !(await verifyPassword(lgpassword, row?.password_hash ?? null))) return null;
    return { user, botAppId: null, grants: null };
  }
}
