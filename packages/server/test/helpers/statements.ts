/**
 * The SQL statements a test server runs, recorded. Start recording before the server starts:
 * observers see only the databases opened after they are registered.
 */
import type { CompiledQuery } from 'kysely';
import { observeQueries } from '../../src/db/index.js';

/** Statements of the server's own background work (the job queue's polling, housekeeping). */
const BACKGROUND =
  /"(jobs|login_attempts|uploadstash|tus_uploads)"|^delete from "sessions"|pg_try_advisory_lock|pg_advisory_unlock/;

export interface StatementRecorder {
  /** The statements (SQL) of what `fn` makes the server do, without its background work. */
  of(fn: () => Promise<void>): Promise<string[]>;
  stop(): void;
}

export function recordStatements(): StatementRecorder {
  const recorded: CompiledQuery[] = [];
  const stop = observeQueries((q) => recorded.push(q));
  return {
    async of(fn) {
      recorded.length = 0;
      await fn();
      const sqls = recorded.map((q) => q.sql).filter((q) => !BACKGROUND.test(q));
      recorded.length = 0;
      return sqls;
    },
    stop,
  };
}
