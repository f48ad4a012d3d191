import { type Insertable, type Selectable, sql } from 'kysely';
import type { Config } from '../config.js';
import { fileLinksOf } from '../db/file-links-parse.js';
import { type Db, type Dialect, inListSlices } from '../db/index.js';
import { prepared } from '../db/prepared.js';
import type { PagesTable, RevisionsTable } from '../db/schema.js';
import { sha1Base36, sha1Hex } from '../util/sha1.js';
import { isoNow } from '../util/timestamp.js';
import { addLog } from './logs.js';
import { recordChange } from './recent-changes.js';
import { applyTags } from './tags.js';
import type { Actor } from './types.js';
import { wikiTitleParser } from './urls.js';

export type PageRow = Selectable<PagesTable>;

export async function getPage(db: Db, ns: number, dbKey: string): Promise<PageRow | null> {
  return (
    (await db
      .selectFrom('pages')
      .selectAll()
      .where('namespace', '=', ns)
      .where('title', '=', dbKey)
      .executeTakeFirst()) ?? null
  );
}

/**
 * The pages of these titles that exist, by `pageKey(ns, dbKey)`: one statement per namespace (and
 * per slice of titles), where lists and page sets of 50 titles asked once per title.
 */
export async function getPages(
  db: Db,
  titles: { ns: number; dbKey: string }[],
): Promise<Map<string, PageRow>> {
  const out = new Map<string, PageRow>();
  const byNs = new Map<number, Set<string>>();
  for (const t of titles) {
    const keys = byNs.get(t.ns) ?? new Set<string>();
    byNs.set(t.ns, keys);
    keys.add(t.dbKey);
  }
  for (const [ns, keys] of byNs) {
    for (const some of inListSlices([...keys])) {
      const rows = await db
        .selectFrom('pages')
        .selectAll()
        .where('namespace', '=', ns)
        .where('title', 'in', some)
        .execute();
      for (const r of rows) out.set(pageKey(ns, r.title), r);
    }
  }
  return out;
}

/** The key of a title in {@link getPages}' answer. */
export const pageKey = (ns: number, dbKey: string): string => `${ns}:${dbKey}`;

/**
 * Save a page revision. A new page is created (with a create/create log entry, as MediaWiki's page
 * creation log does); an existing page gets a new revision. `nullRevision` keeps the current text.
 */
export interface RevisionInput {
  ns: number;
  dbKey: string;
  text: string | null;
  comment: string;
  actor: Actor;
  timestamp: string;
  minor?: boolean;
  logCreation?: boolean;
  /** Whether recent changes show the edit (not when an upload or a restore makes it). */
  recentChange?: boolean;
}

/**
 * The id the next revision would get, taken now (inside the writing transaction): a new page is
 * inserted with its latest revision's id, and that revision with this id, rather than the page
 * updated afterwards. PostgreSQL takes it from the identity's sequence; SQLite's AUTOINCREMENT gives
 * one more than the largest id the table ever had, which no other writer can take before the commit.
 */
function nextRevisionId(dialect: Dialect) {
  return dialect === 'postgres'
    ? sql<number>`nextval(pg_get_serial_sequence('revisions', 'id'))`
    : sql<number>`(select max(coalesce((select seq from sqlite_sequence where name = 'revisions'), 0), coalesce((select max(id) from revisions), 0)) + 1)`;
}

// The statements of every new page and revision, built once (see prepared).
type NewPage = { namespace: number; title: string; touched: string; length: number };
const insertPage = prepared((db, v: NewPage) =>
  db
    .insertInto('pages')
    .values({ ...v, latest_rev_id: 0, is_new: 1 })
    .returning(['id', 'latest_rev_id']),
);
const insertPageWithRevisionId = Object.fromEntries(
  (['sqlite', 'postgres'] as const).map((d) => [
    d,
    prepared((db, v: NewPage) =>
      db
        .insertInto('pages')
        .values({ ...v, latest_rev_id: nextRevisionId(d), is_new: 1 })
        .returning(['id', 'latest_rev_id']),
    ),
  ]),
) as Record<Dialect, typeof insertPage>;
const insertRevision = prepared((db, v: Insertable<RevisionsTable>) =>
  db.insertInto('revisions').values(v).returning('id'),
);
const countEdit = prepared((db, v: { id: number }) =>
  db
    .updateTable('users')
    .set((eb) => ({ edit_count: eb('edit_count', '+', 1) }))
    .where('id', '=', v.id),
);

export async function saveRevision(
  db: Db,
  o: RevisionInput,
  /** The page as the caller read it in the same transaction (null: none), to save reading it again. */
  known?: PageRow | null,
  /** The database's engine, when the caller knows it: a new page is then inserted complete, not updated. */
  dialect?: Dialect,
): Promise<{ pageId: number; revId: number; created: boolean }> {
  const page = known !== undefined ? known : await getPage(db, o.ns, o.dbKey);
  // MediaWiki's pre-save transform of text: Unix line ends, no trailing whitespace.
  let content = (o.text ?? '').replace(/\r\n?/g, '\n').replace(/[ \t\n\r\0\x0B]+$/, '');
  if (page && o.text === null) {
    const cur = await db
      .selectFrom('revisions')
      .select('content')
      .where('id', '=', page.latest_rev_id)
      .executeTakeFirst();
    content = cur?.content ?? '';
  }
  const length = Buffer.byteLength(content);
  const sha1 = sha1Base36(sha1Hex(content));
  let pageId: number;
  /** The id the new page's revision was given with the page. */
  let newRevId: number | undefined;
  if (page) pageId = page.id;
  else {
    const values = { namespace: o.ns, title: o.dbKey, touched: o.timestamp, length };
    const [r] = dialect ? await insertPageWithRevisionId[dialect](db, values) : await insertPage(db, values);
    if (!r) throw new Error('the new page was not inserted');
    pageId = r.id;
    if (dialect) newRevId = Number(r.latest_rev_id);
  }
  const [rev] = await insertRevision(db, {
    ...(newRevId !== undefined ? { id: newRevId } : {}),
    page_id: pageId,
    parent_id: page?.latest_rev_id ?? 0,
    user_id: o.actor.id,
    user_text: o.actor.name,
    timestamp: o.timestamp,
    comment: o.comment,
    content,
    sha1,
    length,
    minor: o.minor ? 1 : 0,
  });
  if (!rev) throw new Error('the revision was not inserted');
  if (newRevId === undefined) {
    await db
      .updateTable('pages')
      .set({ latest_rev_id: rev.id, touched: o.timestamp, length, is_new: page ? 0 : 1 })
      .where('id', '=', pageId)
      .execute();
  }
  if (!page && o.logCreation !== false) {
    await addLog(db, {
      type: 'create',
      action: 'create',
      timestamp: o.timestamp,
      actor: o.actor,
      ns: o.ns,
      title: o.dbKey,
      pageId,
      comment: o.comment,
      params: {},
    });
  }
  if (o.text !== null && o.recentChange !== false) {
    await recordChange(db, {
      type: page ? 'edit' : 'new',
      timestamp: o.timestamp,
      actor: o.actor,
      ns: o.ns,
      title: o.dbKey,
      pageId,
      revId: rev.id,
      oldRevId: page?.latest_rev_id ?? 0,
      comment: o.comment,
      minor: o.minor ?? false,
      oldLen: page?.length ?? 0,
      newLen: length,
      logId: 0,
    });
  }
  if (o.text !== null) {
    // The files the new text uses (list=imageusage); a new page has none to forget.
    if (page) await db.deleteFrom('file_links').where('page_id', '=', pageId).execute();
    for (const name of fileLinksOf(content))
      await db.insertInto('file_links').values({ page_id: pageId, name }).execute();
  }
  if (o.text !== null) await countEdit(db, { id: o.actor.id });
  return { pageId, revId: rev.id, created: !page };
}

/** Delete a page with its revisions (kept nowhere else: only files have an archive here). */
export async function deletePage(db: Db, page: { id: number; ns: number; dbKey: string }): Promise<void> {
  const pageId = page.id;
  await db.deleteFrom('file_links').where('page_id', '=', pageId).execute();
  // Its edits leave recent changes, as on MediaWiki; log rows (the deletion's too) stay. Found by
  // title (the index has it; none has the page id).
  await db
    .deleteFrom('recent_changes')
    .where('namespace', '=', page.ns)
    .where('title', '=', page.dbKey)
    .where('page_id', '=', pageId)
    .where('type', '<>', 'log')
    .execute();
  await db.deleteFrom('revisions').where('page_id', '=', pageId).execute();
  await db.deleteFrom('pages').where('id', '=', pageId).execute();
}

/** Which of `targets` (prefixed DB keys) exist as pages. */
export async function existingPages(db: Db, config: Config, targets: string[]): Promise<Set<string>> {
  const parser = wikiTitleParser(config);
  const titles: { pdk: string; ns: number; dbKey: string }[] = [];
  for (const pdk of new Set(targets)) {
    const t = parser.newFromText(pdk);
    if (t && !t.isExternal) titles.push({ pdk, ns: t.ns, dbKey: t.dbKey });
  }
  if (titles.length === 0) return new Set();
  const found = await getPages(db, titles);
  return new Set(titles.filter((t) => found.has(pageKey(t.ns, t.dbKey))).map((t) => t.pdk));
}

/** What list=allpages asks for. */
export interface PageListFilter {
  ns: number;
  ascending: boolean;
  limit: number;
  /** DB keys, inclusive. */
  from?: string;
  to?: string;
  prefix?: string;
  minSize?: number;
  maxSize?: number;
  /** Only pages with a protection in force of these types (any type when empty), levels and expiry kind. */
  protection?: { types: string[]; levels: string[]; expiry: 'all' | 'definite' | 'indefinite' };
}

/** The pages (`pages`) and their latest text, for the page modules, the query and the page views. */
export class PageStore {
  constructor(private readonly db: Db) {}

  /**
   * Pages that use a file (list=imageusage), by namespace then page id, from `from` on (inclusive).
   */
  async usingFile(
    name: string,
    f: { namespaces?: number[]; ascending: boolean; limit: number; from?: { ns: number; pageId: number } },
  ): Promise<PageRow[]> {
    const asc = f.ascending;
    let q = this.db
      .selectFrom('file_links')
      .innerJoin('pages', 'pages.id', 'file_links.page_id')
      .selectAll('pages')
      .where('file_links.name', '=', name);
    if (f.namespaces) q = q.where('pages.namespace', 'in', f.namespaces.length ? f.namespaces : [-999]);
    const from = f.from;
    if (from) {
      q = q.where((eb) =>
        eb.or([
          eb('pages.namespace', asc ? '>' : '<', from.ns),
          eb.and([eb('pages.namespace', '=', from.ns), eb('pages.id', asc ? '>=' : '<=', from.pageId)]),
        ]),
      );
    }
    const dir = asc ? 'asc' : 'desc';
    return q.orderBy('pages.namespace', dir).orderBy('pages.id', dir).limit(f.limit).execute();
  }

  /** Pages of a namespace by title (byte order). */
  list(f: PageListFilter): Promise<PageRow[]> {
    const asc = f.ascending;
    let q = this.db.selectFrom('pages').selectAll().where('namespace', '=', f.ns);
    if (f.from !== undefined) q = q.where('title', asc ? '>=' : '<=', f.from);
    if (f.to !== undefined) q = q.where('title', asc ? '<=' : '>=', f.to);
    if (f.prefix !== undefined)
      q = q.where('title', '>=', f.prefix).where('title', '<', `${f.prefix}\u{10ffff}`);
    if (f.minSize !== undefined) q = q.where('length', '>=', f.minSize);
    if (f.maxSize !== undefined) q = q.where('length', '<=', f.maxSize);
    const pr = f.protection;
    if (pr) {
      const now = isoNow();
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('protections')
            .select('protections.type')
            .whereRef('protections.namespace', '=', 'pages.namespace')
            .whereRef('protections.title', '=', 'pages.title')
            .$if(pr.types.length > 0, (w) => w.where('protections.type', 'in', pr.types))
            .$if(pr.levels.length > 0, (w) => w.where('protections.level', 'in', pr.levels))
            .$if(pr.expiry === 'indefinite', (w) => w.where('protections.expiry', 'is', null))
            .$if(pr.expiry !== 'indefinite', (w) =>
              w.where((e) =>
                pr.expiry === 'definite'
                  ? e('protections.expiry', '>', now)
                  : e.or([e('protections.expiry', 'is', null), e('protections.expiry', '>', now)]),
              ),
            ),
        ),
      );
    }
    return q
      .orderBy('title', asc ? 'asc' : 'desc')
      .limit(f.limit)
      .execute();
  }

  byTitle(ns: number, dbKey: string): Promise<PageRow | null> {
    return getPage(this.db, ns, dbKey);
  }

  /** The pages of these titles that exist (see {@link getPages}). */
  byTitles(titles: { ns: number; dbKey: string }[]): Promise<Map<string, PageRow>> {
    return getPages(this.db, titles);
  }

  async byId(id: number): Promise<PageRow | null> {
    return (await this.db.selectFrom('pages').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  /** Which of `targets` (prefixed DB keys) exist as pages: red links in comments. */
  existing(config: Config, targets: string[]): Promise<Set<string>> {
    return existingPages(this.db, config, targets);
  }

  /** The text of a page's latest revision, or null when the page does not exist. */
  async latestText(ns: number, dbKey: string): Promise<string | null> {
    const page = await getPage(this.db, ns, dbKey);
    return page ? this.textOf(page) : null;
  }

  /** The text of a page's latest revision. */
  async textOf(page: PageRow): Promise<string> {
    const r = await this.db
      .selectFrom('revisions')
      .select('content')
      .where('id', '=', page.latest_rev_id)
      .executeTakeFirst();
    return r?.content ?? '';
  }

  /** Save an edit and its change tags in one transaction. */
  save(o: RevisionInput & { tags: string[] }): Promise<{ pageId: number; revId: number; created: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const { tags, ...rev } = o;
      const saved = await saveRevision(trx, rev);
      await applyTags(trx, tags, { revId: saved.revId });
      return saved;
    });
  }

  /**
   * Delete a page that is not a file page: the page and its revisions go, a delete/delete log entry
   * stays. Returns the log id.
   */
  delete(page: { ns: number; dbKey: string; id: number }, actor: Actor, reason: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const logId = await addLog(trx, {
        type: 'delete',
        action: 'delete',
        timestamp: isoNow(),
        actor,
        ns: page.ns,
        title: page.dbKey,
        pageId: page.id,
        comment: reason,
        params: {},
      });
      await deletePage(trx, page);
      return logId;
    });
  }
}
