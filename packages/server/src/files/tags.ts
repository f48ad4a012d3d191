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
