/** Continuation in lists ordered by time and id (the log, recent changes). */
import { type RawBuilder, type SqlBool, sql } from 'kysely';

/**
 * Rows at or past `from` in the list's order: newest first (`older`) or oldest first, by the
 * timestamp column and then the id column.
 */
export function fromTimeAndId(
  timestampColumn: string,
  idColumn: string,
  older: boolean,
  from: { timestamp: string; id: number },
): RawBuilder<SqlBool> {
  const ts = sql.ref(timestampColumn);
  const past = sql.raw(older ? '<' : '>');
  const atOrPast = sql.raw(older ? '<=' : '>=');
  return sql<SqlBool>`(${ts} ${past} ${from.timestamp} or (${ts} = ${from.timestamp} and ${sql.ref(idColumn)} ${atOrPast} ${from.id}))`;
}
