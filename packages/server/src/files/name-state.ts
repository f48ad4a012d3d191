/**
 * What an upload reads of its target name, in few statements: the current version, the description
 * page and the protections of the name in one; the upload warnings' look-ups by similar name,
 * deletion and deleted bytes in another.
 */
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { prepared } from '../db/prepared.js';
import { NS_FILE } from '../title/namespaces.js';
import type { PageRow } from './pages.js';
import type { Protection } from './protections.js';
import type { FileVersion } from './types.js';
import { toVersion } from './version-rows.js';

/** A file name's current version and description page (null: none). */
export interface NameState {
  current: FileVersion | null;
  page: PageRow | null;
}

/** The name's rows joined to one row, so that there is a row whatever exists. */
const nameRows = (db: Db, name: string) =>
  db
    .selectFrom(sql<{ one: number }>`(select 1 as one)`.as('o'))
    .leftJoin('images', (j) => j.on('images.name', '=', name))
    .leftJoin('pages', (j) => j.on('pages.namespace', '=', NS_FILE).on('pages.title', '=', name))
    .selectAll('images')
    .select([
      'pages.id as page_id',
      'pages.namespace as page_namespace',
      'pages.title as page_title',
      'pages.latest_rev_id as page_latest_rev_id',
      'pages.touched as page_touched',
      'pages.length as page_length',
      'pages.is_new as page_is_new',
    ]);

const nameStatement = prepared((db, v: { name: string }) => nameRows(db, v.name));
const nameStatementWithProtections = prepared((db, v: { name: string }) =>
  nameRows(db, v.name)
    .leftJoin('protections', (j) =>
      j.on('protections.namespace', '=', NS_FILE).on('protections.title', '=', v.name),
    )
    .select([
      'protections.type as protection_type',
      'protections.level as protection_level',
      'protections.expiry as protection_expiry',
    ])
    .orderBy('protections.type'),
);

/**
 * The current version and the description page of a file name, and, given the time `protectionsAt`
 * (ISO), the protections of the title in force then (by type): one statement, the same rows as
 * reading each on its own.
 */
export async function readNameState(
  db: Db,
  name: string,
  protectionsAt?: string,
): Promise<NameState & { protections: Protection[] }> {
  /** The name's row, one per protection when they are asked for. */
  const rows: (Awaited<ReturnType<typeof nameStatement>>[number] & {
    protection_type?: string | null;
    protection_level?: string | null;
    protection_expiry?: string | null;
  })[] =
    protectionsAt === undefined
      ? await nameStatement(db, { name })
      : await nameStatementWithProtections(db, { name });
  const r = rows[0]!;
  const current = r.name === null ? null : toVersion(r as Parameters<typeof toVersion>[0]);
  const page: PageRow | null =
    r.page_id === null
      ? null
      : {
          id: r.page_id,
          namespace: r.page_namespace!,
          title: r.page_title!,
          latest_rev_id: r.page_latest_rev_id!,
          touched: r.page_touched!,
          length: r.page_length!,
          is_new: r.page_is_new!,
        };
  const protections: Protection[] = [];
  for (const p of rows) {
    if (p.protection_type == null || p.protection_level == null) continue;
    const expiry = p.protection_expiry ?? null;
    if (expiry === null || expiry > protectionsAt!)
      protections.push({ type: p.protection_type, level: p.protection_level, expiry });
  }
  return { current, page, protections };
}

/** What the upload warnings look up besides the name's current version and page. */
export interface WarningLookups {
  /** The first current file (by name) whose name starts with the similar-name prefix. */
  similar: string | null;
  /** Whether versions of the name were deleted (are in the file archive). */
  deleted: boolean;
  /** The first deleted file with the bytes (by when it was deleted), if any. */
  archived: string | null;
}

const warningStatement = prepared(
  (db, v: { name: string; sha1: string; similarFrom: string; similarBefore: string }) =>
    db.selectNoFrom((eb) => [
      eb
        .selectFrom('images')
        .select('name')
        .where('name', '>=', v.similarFrom)
        .where('name', '<', v.similarBefore)
        .orderBy('name')
        .limit(1)
        .as('similar'),
      eb.selectFrom('filearchive').select('id').where('name', '=', v.name).limit(1).as('deleted_id'),
      eb
        .selectFrom('filearchive')
        .select('name')
        .where('sha1', '=', v.sha1)
        .orderBy('id')
        .limit(1)
        .as('archived'),
    ]),
);

/** The look-ups of WarningLookups in one statement. */
export async function readWarningLookups(
  db: Db,
  o: { name: string; similarPrefix: string; sha1: string },
): Promise<WarningLookups> {
  // One row: a select of sub-selects.
  const r = (
    await warningStatement(db, {
      name: o.name,
      sha1: o.sha1,
      similarFrom: o.similarPrefix,
      similarBefore: `${o.similarPrefix}\u{10ffff}`,
    })
  )[0]!;
  const similar = r.similar ?? null;
  return {
    similar: similar?.startsWith(o.similarPrefix) ? similar : null,
    deleted: r.deleted_id != null,
    archived: r.archived ?? null,
  };
}
