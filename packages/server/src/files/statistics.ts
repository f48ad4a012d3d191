/** meta=siteinfo&siprop=statistics: counts of pages, edits, files, users, administrators and jobs. */
import type { Db } from '../db/index.js';

export interface SiteCounts {
  pages: number;
  edits: number;
  images: number;
  users: number;
  admins: number;
  jobs: number;
}

export class SiteStatistics {
  constructor(private readonly db: Db) {}

  async counts(): Promise<SiteCounts> {
    const db = this.db;
    const count = async (table: 'pages' | 'revisions' | 'images' | 'users') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirst()
        )?.n ?? 0,
      );
    const jobs = await db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return {
      pages: await count('pages'),
      edits: await count('revisions'),
      images: await count('images'),
      users: await count('users'),
      admins: await this.membersOf('sysop'),
      jobs: Number(jobs?.n ?? 0),
    };
  }

  /** How many users are explicit members of a group. */
  async membersOf(group: string): Promise<number> {
    const r = await this.db
      .selectFrom('user_groups')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('group_name', '=', group)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
