/**
 * Migration 006: the recent changes table, filled once from what the wiki already holds. Log entries
 * that MediaWiki shows in recent changes become `log` rows; revisions become `new`/`edit` rows unless a
 * log entry of the same page and moment made them (an upload's description page, a re-upload's null
 * revision, a restore), as MediaWiki keeps those out of recent changes.
 */
import { type CreateTableBuilder, type Kysely, sql } from 'kysely';

export async function createRecentChanges(
  // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
  db: Kysely<any>,
  /** The dialect's byte-ordered text type. */
  text: Parameters<CreateTableBuilder<string>['addColumn']>[1],
  /** A new table with its id column, as the dialect makes one. */
  table: CreateTableBuilder<string, 'id'>,
): Promise<void> {
  await table
    .addColumn('timestamp', text, (c) => c.notNull())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('namespace', 'integer', (c) => c.notNull())
    .addColumn('title', text, (c) => c.notNull())
    .addColumn('page_id', 'integer', (c) => c.notNull())
    .addColumn('rev_id', 'integer', (c) => c.notNull())
    .addColumn('old_rev_id', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('user_text', text, (c) => c.notNull())
    .addColumn('comment', text, (c) => c.notNull())
    .addColumn('minor', 'integer', (c) => c.notNull())
    .addColumn('bot', 'integer', (c) => c.notNull())
    .addColumn('patrolled', 'integer', (c) => c.notNull())
    .addColumn('old_len', 'integer', (c) => c.notNull())
    .addColumn('new_len', 'integer', (c) => c.notNull())
    .addColumn('log_id', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('recent_changes_time')
    .on('recent_changes')
    .columns(['timestamp', 'id'])
    .execute();
  await db.schema
    .createIndex('recent_changes_page')
    .on('recent_changes')
    .columns(['namespace', 'title', 'timestamp'])
    .execute();
  await db.schema
    .createIndex('recent_changes_user')
    .on('recent_changes')
    .columns(['user_text', 'timestamp'])
    .execute();
  await fillRecentChanges(db);
}

/** Recent changes as the log and the revisions tell them (for a table with no rows yet). */
// biome-ignore lint/suspicious/noExplicitAny: also runs before the typed schema exists
export async function fillRecentChanges(db: Kysely<any>): Promise<void> {
  const trusted = (user: string) =>
    sql`exists (select 1 from user_groups g where g.user_id = ${sql.ref(user)} and g.group_name in ('bot', 'sysop'))`;
  const isBot = (user: string) =>
    sql`exists (select 1 from user_groups g where g.user_id = ${sql.ref(user)} and g.group_name = 'bot')`;
  const madeByLog = sql`(l.type = 'upload' or (l.type = 'delete' and l.action = 'restore'))`;
  await sql`insert into recent_changes (timestamp, type, namespace, title, page_id, rev_id, old_rev_id,
      user_id, user_text, comment, minor, bot, patrolled, old_len, new_len, log_id)
    select timestamp, type, namespace, title, page_id, rev_id, old_rev_id, user_id, user_text, comment,
      minor, bot, patrolled, old_len, new_len, log_id from (
      select l.timestamp as timestamp, 'log' as type, l.namespace as namespace, l.title as title,
        l.page_id as page_id,
        coalesce((select max(r.id) from revisions r where r.page_id = l.page_id and l.page_id <> 0
          and r.timestamp = l.timestamp and ${madeByLog}), 0) as rev_id,
        0 as old_rev_id, l.user_id as user_id, l.user_text as user_text, l.comment as comment,
        0 as minor, case when ${isBot('l.user_id')} then 1 else 0 end as bot,
        case when ${trusted('l.user_id')} then 2 else 0 end as patrolled,
        0 as old_len, 0 as new_len, l.id as log_id, 1 as kind, l.id as ord
      from logging l where l.type <> 'create' and not (l.type = 'newusers' and l.action = 'autocreate')
      union all
      select r.timestamp, case when r.parent_id = 0 then 'new' else 'edit' end, p.namespace, p.title,
        r.page_id, r.id, r.parent_id, r.user_id, r.user_text, r.comment, r.minor, 0,
        case when ${trusted('r.user_id')} then 2 else 0 end,
        coalesce(parent.length, 0), r.length, 0, 0, r.id
      from revisions r join pages p on p.id = r.page_id left join revisions parent on parent.id = r.parent_id
      where not exists (select 1 from logging l where l.page_id = r.page_id and l.timestamp = r.timestamp
        and ${madeByLog})
    ) changes order by timestamp, kind, ord`.execute(db);
}
