/** The SQL engines the server runs on. */
export type Dialect = 'sqlite' | 'postgres';
