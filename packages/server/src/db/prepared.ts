/**
 * Statements built once. Kysely builds and compiles a statement on every call: tens of microseconds
 * for one with joins, half a millisecond of the ~4 ms of main-thread time a small upload took (CPU
 * profile of `npm run bench -- small`). The statements every upload runs have a fixed shape, so
 * their SQL is made once per database and only their values change from call to call.
 */
import type { Compilable, CompiledQuery } from 'kysely';
import type { Db } from './index.js';

/** What stands for a named value while a statement is built. */
class Slot {
  constructor(readonly name: string) {}

  /** A value must go into the statement as a value: one written into its text would be fixed. */
  [Symbol.toPrimitive](): never {
    throw new Error(`prepared statement: the value "${this.name}" was used as text`);
  }
}

interface Template {
  compiled: CompiledQuery;
  /** For each parameter of the compiled statement, the value it stands for (null: fixed). */
  slots: (string | null)[];
}

/**
 * A statement of one shape: `build` makes it from stand-ins for `values`, once per database (per
 * dialect adapter) and set of keys given a value (a key left undefined makes another shape); each
 * call runs that SQL with its own values, inside a transaction when `db` is one. `build` must use
 * each value only as a value (compared, inserted, set: a whole object of them may be inserted),
 * never to decide the statement's shape or to compute another value.
 */
export function prepared<P extends object, R>(
  build: (db: Db, values: P) => Compilable<R>,
): (db: Db, values: P) => Promise<R[]> {
  const templates = new WeakMap<object, Map<string, Template>>();
  return async (db, values) => {
    const adapter = db.getExecutor().adapter;
    let shapes = templates.get(adapter);
    if (!shapes) {
      shapes = new Map();
      templates.set(adapter, shapes);
    }
    const byKey = values as Record<string, unknown>;
    const keys = Object.keys(byKey).filter((k) => byKey[k] !== undefined);
    const shape = keys.join('\n');
    let t = shapes.get(shape);
    if (!t) {
      t = template(db, build, keys);
      shapes.set(shape, t);
    }
    const { compiled, slots } = t;
    const parameters = compiled.parameters.map((fixed, i) => {
      const name = slots[i];
      return name == null ? fixed : byKey[name];
    });
    return (await db.executeQuery<R>({ ...compiled, parameters })).rows;
  };
}

function template<P extends object, R>(
  db: Db,
  build: (db: Db, values: P) => Compilable<R>,
  keys: string[],
): Template {
  const standIns = Object.fromEntries(keys.map((k) => [k, new Slot(k)])) as P;
  const compiled = build(db, standIns).compile();
  return { compiled, slots: compiled.parameters.map((v) => (v instanceof Slot ? v.name : null)) };
}
