/**
 * Migration 008: OAuth 2 owner-only access tokens — each one's user, name, grants and lifetime, and
 * its SHA-256 (the token itself is shown once, when it is made, and never stored).
 */
import type { CreateTableBuilder, Kysely } from 'kysely';

export async function createOAuthTokens(
  // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
  db: Kysely<any>,
  /** The dialect's byte-ordered text type. */
  text: Parameters<CreateTableBuilder<string>['addColumn']>[1],
  /** The dialect's 64-bit integer type. */
  bigint: 'bigint' | 'integer',
  /** The new table with its id column, as the dialect makes one. */
  table: CreateTableBuilder<string, 'id'>,
): Promise<void> {
  await table
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull().unique())
    .addColumn('token_hash', text, (c) => c.notNull().unique())
    .addColumn('grants', text, (c) => c.notNull())
    .addColumn('created', text, (c) => c.notNull())
    .addColumn('expires_ms', bigint)
    .execute();
  await db.schema.createIndex('oauth_tokens_user').on('oauth_tokens').column('user_id').execute();
}
