import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { MwError } from '../errors.js';

/** Check that every tag is defined, active and manually applicable, and that the user may apply tags. */
export function checkTags(config: Config, tags: string[], canApply: boolean): void {
  if (!tags.length) return;
  if (!canApply) {
    throw new MwError('badtags', 'You do not have permission to apply change tags along with your changes.', {
      disallowedtags: tags,
    });
  }
  const allowed = new Set(config.changeTags.filter((t) => t.active).map((t) => t.name));
  const bad = tags.filter((t) => !allowed.has(t));
  if (!bad.length) return;
  const info =
    bad.length === 1
      ? `The tag "${bad[0]}" is not allowed to be manually applied.`
      : `The following tags are not allowed to be manually applied: ${bad.join(', ')}`;
  throw new MwError('badtags', info, { disallowedtags: bad });
}

export async function applyTags(
  db: Db,
  tags: string[],
  target: { logId?: number; revId?: number },
): Promise<void> {
  for (const tag of tags) {
    await db
      .insertInto('change_tags')
      .values({ tag, log_id: target.logId ?? null, rev_id: target.revId ?? null })
      .execute();
  }
}

/** Ids of the revisions (`rev_id`) or log entries (`log_id`) that carry a tag. */
export async function taggedIds(db: Db, tag: string, column: 'rev_id' | 'log_id'): Promise<number[]> {
  const rows = await db.selectFrom('change_tags').select(column).where('tag', '=', tag).execute();
  return rows.map((r) => r[column]).filter((x): x is number => x !== null);
}

/** The change tags (`change_tags`) of revisions and log entries. */
export class ChangeTags {
  constructor(private readonly db: Db) {}

  apply(tags: string[], target: { logId?: number; revId?: number }): Promise<void> {
    return applyTags(this.db, tags, target);
  }

  /** The tags of a revision, by name. */
  ofRevision(revId: number): Promise<string[]> {
    return this.of('rev_id', revId);
  }

  /** The tags of a log entry, by name. */
  ofLogEntry(logId: number): Promise<string[]> {
    return this.of('log_id', logId);
  }

  private async of(column: 'rev_id' | 'log_id', id: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('change_tags')
      .select('tag')
      .where(column, '=', id)
      .orderBy('tag')
      .execute();
    return rows.map((r) => r.tag);
  }
}
