import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: process.env.MWUP_TEST_PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * A new, empty database on the test server. Its default collation is a linguistic one (ICU en-US),
 * as on many real installations, so that code relying on byte-wise text order shows up.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `mwup_test_${randomBytes(6).toString('hex')}`;
  await admin((c) =>
    c.query(`create database ${name} template template0 locale_provider icu icu_locale 'en-US'`),
  );
  const url = new URL(process.env.MWUP_TEST_PG_URL!);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => dropDatabase(name),
  };
}

/**
 * Drop a test database, ending its connections. A server process of another role on it (an
 * autovacuum worker that just started) cannot be ended by us: try again once it is gone.
 */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== '42501' || attempt >= 50) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
