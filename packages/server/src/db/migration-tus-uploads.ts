/**
 * Migration 010: resumable uploads (tus and the IETF draft) — the id in an upload's URL, its owner,
 * metadata and announced length, and the stash entry that holds its bytes.
 */
import type { CreateTableBuilder, Kysely } from 'kysely';

export async function createTusUploads(
  // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
  db: Kysely<any>,
  /** The dialect's byte-ordered text type. */
  text: Parameters<CreateTableBuilder<string>['addColumn']>[1],
  /** The dialect's 64-bit integer type. */
  bigint: 'bigint' | 'integer',
): Promise<void> {
  await db.schema
    .createTable('tus_uploads')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('stash_key', text, (c) => c.notNull())
    .addColumn('metadata', text, (c) => c.notNull())
    .addColumn('length', bigint)
    .addColumn('created_ms', bigint, (c) => c.notNull())
    .addColumn('expires_ms', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tus_uploads_expires').on('tus_uploads').column('expires_ms').execute();
}
