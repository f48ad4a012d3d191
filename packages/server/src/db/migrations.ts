import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Dialect } from './dialect.js';
import { fileLinksOf } from './file-links-parse.js';
import { createOAuthTokens } from './migration-oauth-tokens.js';
import { createRecentChanges } from './migration-recent-changes.js';
import { createTusUploads } from './migration-tus-uploads.js';

/** Migrations, in order. Each one works on SQLite and PostgreSQL. */
function migrations(dialect: Dialect): Record<string, Migration> {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
  type Db = Kysely<any>;
  const id = (db: Db, table: string) => {
    const t = db.schema.createTable(table);
    return dialect === 'postgres'
      ? t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  };
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  // Text compares byte-wise, as in SQLite (and MediaWiki's binary columns): file names and titles are
  // ordered and range-scanned (prefix listings, continuation), which a linguistic collation would
  // reorder (case, punctuation). PostgreSQL databases often default to one, so every text column
  // says so itself.
  const text = dialect === 'postgres' ? sql`text collate "C"` : 'text';

  return {
    '001-initial': {
      async up(db: Db) {
        await id(db, 'users')
          .addColumn('name', text, (c) => c.notNull().unique())
          .addColumn('password_hash', text)
          .addColumn('registration', text, (c) => c.notNull())
          .addColumn('edit_count', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createTable('user_groups')
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('group_name', text, (c) => c.notNull())
          .addColumn('expiry', text)
          .addPrimaryKeyConstraint('user_groups_pk', ['user_id', 'group_name'])
          .execute();
        await db.schema
          .createTable('bot_passwords')
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('app_id', text, (c) => c.notNull())
          .addColumn('password_hash', text, (c) => c.notNull())
          .addColumn('grants', text, (c) => c.notNull())
          .addColumn('created', text, (c) => c.notNull())
          .addPrimaryKeyConstraint('bot_passwords_pk', ['user_id', 'app_id'])
          .execute();
        await db.schema
          .createTable('sessions')
          .addColumn('id', text, (c) => c.primaryKey())
          .addColumn('user_id', 'integer')
          .addColumn('bot_app_id', text)
          .addColumn('token_secret', text, (c) => c.notNull())
          .addColumn('created_ms', bigint, (c) => c.notNull())
          .addColumn('expires_ms', bigint, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('sessions_expires').on('sessions').column('expires_ms').execute();
        await id(db, 'login_attempts')
          .addColumn('key', text, (c) => c.notNull())
          .addColumn('at_ms', bigint, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('login_attempts_key')
          .on('login_attempts')
          .columns(['key', 'at_ms'])
          .execute();

        await id(db, 'pages')
          .addColumn('namespace', 'integer', (c) => c.notNull())
          .addColumn('title', text, (c) => c.notNull())
          .addColumn('latest_rev_id', 'integer', (c) => c.notNull())
          .addColumn('touched', text, (c) => c.notNull())
          .addColumn('length', 'integer', (c) => c.notNull())
          .addColumn('is_new', 'integer', (c) => c.notNull())
          .addUniqueConstraint('pages_title', ['namespace', 'title'])
          .execute();
        await id(db, 'revisions')
          .addColumn('page_id', 'integer', (c) => c.notNull())
          .addColumn('parent_id', 'integer', (c) => c.notNull())
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('user_text', text, (c) => c.notNull())
          .addColumn('timestamp', text, (c) => c.notNull())
          .addColumn('comment', text, (c) => c.notNull())
          .addColumn('content', text, (c) => c.notNull())
          .addColumn('sha1', text, (c) => c.notNull())
          .addColumn('length', 'integer', (c) => c.notNull())
          .addColumn('minor', 'integer', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('revisions_page').on('revisions').columns(['page_id', 'id']).execute();

        const versionCols = (t: ReturnType<Db['schema']['createTable']>) =>
          t
            .addColumn('name', text, (c) => c.notNull())
            .addColumn('blob_key', text, (c) => c.notNull())
            .addColumn('size', bigint, (c) => c.notNull())
            // SVG and TIFF dimensions can exceed 2^31.
            .addColumn('width', bigint, (c) => c.notNull())
            .addColumn('height', bigint, (c) => c.notNull())
            .addColumn('bits', 'integer', (c) => c.notNull())
            .addColumn('media_type', text, (c) => c.notNull())
            .addColumn('mime', text, (c) => c.notNull())
            .addColumn('metadata', text, (c) => c.notNull())
            .addColumn('description', text, (c) => c.notNull())
            .addColumn('user_id', 'integer', (c) => c.notNull())
            .addColumn('user_text', text, (c) => c.notNull())
            .addColumn('timestamp', text, (c) => c.notNull())
            .addColumn('sha1', text, (c) => c.notNull());

        await versionCols(db.schema.createTable('images'))
          .addPrimaryKeyConstraint('images_pk', ['name'])
          .execute();
        await db.schema.createIndex('images_sha1').on('images').column('sha1').execute();
        await db.schema.createIndex('images_timestamp').on('images').columns(['timestamp', 'name']).execute();
        await db.schema.createIndex('images_user').on('images').columns(['user_text', 'timestamp']).execute();
        await db.schema.createIndex('images_blob').on('images').column('blob_key').execute();

        await versionCols(id(db, 'oldimages'))
          .addColumn('archive_name', text, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('oldimages_name')
          .on('oldimages')
          .columns(['name', 'timestamp'])
          .execute();
        await db.schema.createIndex('oldimages_sha1').on('oldimages').column('sha1').execute();
        await db.schema.createIndex('oldimages_blob').on('oldimages').column('blob_key').execute();

        await versionCols(id(db, 'filearchive'))
          .addColumn('archive_name', text, (c) => c.notNull())
          .addColumn('deleted_timestamp', text, (c) => c.notNull())
          .addColumn('deleted_user_id', 'integer', (c) => c.notNull())
          .addColumn('deleted_reason', text, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('filearchive_name').on('filearchive').column('name').execute();
        await db.schema.createIndex('filearchive_sha1').on('filearchive').column('sha1').execute();
        await db.schema.createIndex('filearchive_blob').on('filearchive').column('blob_key').execute();

        await db.schema
          .createTable('uploadstash')
          .addColumn('key', text, (c) => c.primaryKey())
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('blob_key', text, (c) => c.notNull())
          .addColumn('status', text, (c) => c.notNull())
          .addColumn('filename', text, (c) => c.notNull())
          .addColumn('size', bigint, (c) => c.notNull())
          .addColumn('expected_size', bigint)
          .addColumn('sha1', text)
          .addColumn('hash_state', text)
          .addColumn('chunk_count', 'integer', (c) => c.notNull())
          .addColumn('mime', text)
          .addColumn('props', text)
          .addColumn('source_type', text)
          .addColumn('timestamp', text, (c) => c.notNull())
          .addColumn('expires_ms', bigint, (c) => c.notNull())
          .addColumn('lock_owner', text)
          .addColumn('lock_until_ms', bigint)
          .execute();
        await db.schema.createIndex('uploadstash_expires').on('uploadstash').column('expires_ms').execute();
        await db.schema.createIndex('uploadstash_blob').on('uploadstash').column('blob_key').execute();

        await db.schema
          .createTable('upload_status')
          .addColumn('key', text, (c) => c.primaryKey())
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('data', text, (c) => c.notNull())
          .addColumn('updated_ms', bigint, (c) => c.notNull())
          .addColumn('expires_ms', bigint, (c) => c.notNull())
          .execute();

        await id(db, 'logging')
          .addColumn('type', text, (c) => c.notNull())
          .addColumn('action', text, (c) => c.notNull())
          .addColumn('timestamp', text, (c) => c.notNull())
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('user_text', text, (c) => c.notNull())
          .addColumn('namespace', 'integer', (c) => c.notNull())
          .addColumn('title', text, (c) => c.notNull())
          .addColumn('page_id', 'integer', (c) => c.notNull())
          .addColumn('comment', text, (c) => c.notNull())
          .addColumn('params', text, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('logging_title')
          .on('logging')
          .columns(['namespace', 'title', 'id'])
          .execute();
        await db.schema.createIndex('logging_type').on('logging').columns(['type', 'id']).execute();
        await db.schema.createIndex('logging_user').on('logging').columns(['user_text', 'id']).execute();

        await db.schema
          .createTable('watchlist')
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('namespace', 'integer', (c) => c.notNull())
          .addColumn('title', text, (c) => c.notNull())
          .addColumn('expiry', text)
          .addPrimaryKeyConstraint('watchlist_pk', ['user_id', 'namespace', 'title'])
          .execute();

        await id(db, 'change_tags')
          .addColumn('tag', text, (c) => c.notNull())
          .addColumn('log_id', 'integer')
          .addColumn('rev_id', 'integer')
          .execute();

        await id(db, 'jobs')
          .addColumn('type', text, (c) => c.notNull())
          .addColumn('dedupe_key', text)
          .addColumn('params', text, (c) => c.notNull())
          .addColumn('status', text, (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('max_attempts', 'integer', (c) => c.notNull())
          .addColumn('run_after_ms', bigint, (c) => c.notNull())
          .addColumn('locked_by', text)
          .addColumn('locked_until_ms', bigint)
          .addColumn('last_error', text)
          .addColumn('created_ms', bigint, (c) => c.notNull())
          .addColumn('updated_ms', bigint, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('jobs_status').on('jobs').columns(['status', 'run_after_ms']).execute();
        await db.schema.createIndex('jobs_dedupe').on('jobs').columns(['dedupe_key', 'status']).execute();

        await db.schema
          .createTable('thumbnails')
          .addColumn('key', text, (c) => c.primaryKey())
          .addColumn('blob_key', text, (c) => c.notNull())
          .addColumn('mime', text, (c) => c.notNull())
          .addColumn('size', bigint, (c) => c.notNull())
          .addColumn('created_ms', bigint, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('counters')
          .addColumn('name', text, (c) => c.primaryKey())
          .addColumn('value', bigint, (c) => c.notNull())
          .execute();
        await sql`SELECT 1`.execute(db);
      },
    },
    '002-upload-stash-states': {
      // The stash as a state machine: typed states instead of free-form status words, and a lease
      // (owner + expiry) for whoever works on an entry, receiving a chunk or assembling.
      async up(db: Db) {
        const stash = () => db.schema.alterTable('uploadstash');
        await stash().renameColumn('status', 'state').execute();
        await stash().renameColumn('lock_owner', 'lease_owner').execute();
        await stash().renameColumn('lock_until_ms', 'lease_until_ms').execute();
        await db
          .updateTable('uploadstash')
          .set({ state: 'receiving' })
          .where('state', '=', 'chunks')
          .execute();
        await db.updateTable('uploadstash').set({ state: 'ready' }).where('state', '=', 'finished').execute();
        // An assembly that was running when an older server stopped: free for the next one to take.
        await db
          .updateTable('uploadstash')
          .set({ lease_owner: null, lease_until_ms: null })
          .where('state', '=', 'assembling')
          .execute();
        await db.schema
          .createIndex('uploadstash_user')
          .on('uploadstash')
          .columns(['user_id', 'key'])
          .execute();
      },
    },
    '003-job-dedupe-unique': {
      // One pending job per dedupe key, kept by the database: two nodes queueing the same job at once
      // could both pass a check made before the insert.
      async up(db: Db) {
        const pending = sql`status in ('queued', 'running') and dedupe_key is not null`;
        await sql`update jobs set dedupe_key = null where ${pending} and id not in (
          select min(id) from jobs where ${pending} group by dedupe_key)`.execute(db);
        await sql`create unique index jobs_pending_dedupe on jobs (dedupe_key) where ${pending}`.execute(db);
      },
    },
    '004-protections': {
      // Page protections (MediaWiki's page_restrictions and protected_titles in one): by title, so a
      // missing title can be protected against creation.
      async up(db: Db) {
        await db.schema
          .createTable('protections')
          .addColumn('namespace', 'integer', (c) => c.notNull())
          .addColumn('title', text, (c) => c.notNull())
          .addColumn('type', text, (c) => c.notNull())
          .addColumn('level', text, (c) => c.notNull())
          .addColumn('expiry', text)
          .addPrimaryKeyConstraint('protections_pk', ['namespace', 'title', 'type'])
          .execute();
      },
    },
    '005-file-links': {
      // Which pages use which files (MediaWiki's imagelinks), kept from each page's latest text.
      async up(db: Db) {
        await db.schema
          .createTable('file_links')
          .addColumn('page_id', 'integer', (c) => c.notNull())
          .addColumn('name', text, (c) => c.notNull())
          .addPrimaryKeyConstraint('file_links_pk', ['page_id', 'name'])
          .execute();
        await db.schema
          .createIndex('file_links_name')
          .on('file_links')
          .columns(['name', 'page_id'])
          .execute();
        // Pages written before links were kept: read their latest text once.
        const pages = await db
          .selectFrom('pages')
          .innerJoin('revisions', 'revisions.id', 'pages.latest_rev_id')
          .select(['pages.id as id', 'revisions.content as content'])
          .execute();
        for (const p of pages) {
          for (const name of fileLinksOf(String(p.content))) {
            await db.insertInto('file_links').values({ page_id: p.id, name }).execute();
          }
        }
      },
    },
    '006-recent-changes': {
      // MediaWiki's recentchanges (list=recentchanges), filled once from the log and the revisions.
      async up(db: Db) {
        await createRecentChanges(db, text, id(db, 'recent_changes'));
      },
    },
    '007-read-path-indexes': {
      // Every listing reads in index order and stops at its limit, whatever the size of the wiki:
      // the log by time (alone, by type, by type and action, by user, by page), recent changes by
      // namespace, current files by uploader id, deleted versions by name then time (MediaWiki's
      // log_times, log_type_time, log_type_action, log_actor_time, log_page_time,
      // img_actor_timestamp, fa_name). The indexes they replace begin with the same columns.
      async up(db: Db) {
        const index = (name: string, table: string, columns: string[]) =>
          db.schema.createIndex(name).on(table).columns(columns).execute();
        await index('logging_time', 'logging', ['timestamp', 'id']);
        await index('logging_type_time', 'logging', ['type', 'timestamp', 'id']);
        await index('logging_type_action', 'logging', ['type', 'action', 'timestamp', 'id']);
        await index('logging_user_time', 'logging', ['user_text', 'timestamp', 'id']);
        await index('logging_page_time', 'logging', ['namespace', 'title', 'timestamp', 'id']);
        for (const old of ['logging_type', 'logging_user', 'logging_title'])
          await db.schema.dropIndex(old).execute();
        await index('recent_changes_namespace', 'recent_changes', ['namespace', 'timestamp', 'id']);
        await index('images_user_id', 'images', ['user_id', 'timestamp', 'name']);
        await index('filearchive_name_time', 'filearchive', ['name', 'timestamp', 'id']);
        await db.schema.dropIndex('filearchive_name').execute();
      },
    },
    '008-oauth-tokens': {
      // OAuth 2 owner-only access tokens (`Authorization: Bearer`), each stored as its SHA-256.
      async up(db: Db) {
        await createOAuthTokens(db, text, bigint, id(db, 'oauth_tokens'));
      },
    },
    '009-tus-uploads': {
      // Resumable uploads (tus, the IETF draft): URL id → stash entry, metadata, announced length.
      async up(db: Db) {
        await createTusUploads(db, text, bigint);
      },
    },
    '010-images-user-index': {
      // Files by uploader (Special:ListFiles, Special:NewFiles) go by user id (images_user_id, 007):
      // the index by user name only cost every upload a page.
      async up(db: Db) {
        await db.schema.dropIndex('images_user').execute();
      },
    },
  };
}

class Provider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on the untyped database
export async function migrate(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db, provider: new Provider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(
      `database migration failed${failed ? ` (${failed.migrationName})` : ''}: ${String(error)}`,
    );
  }
}
