/** Reading the configuration schema: defaults, environment variables, the alternatives of a `Drivers` key. */
import { KindGuard, type TObject, type TSchema } from '@sinclair/typebox';
import { meta } from './keys.js';

export type Path = readonly string[];
export type Obj = Record<string, unknown>;

export const isPlainObject = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The alternatives of a key told apart by `driver`, or null when the key is not such a choice. */
export function driverVariants(s: TSchema): TObject[] | null {
  if (!KindGuard.IsUnion(s)) return null;
  const objects = s.anyOf.filter((v): v is TObject => KindGuard.IsObject(v) && 'driver' in v.properties);
  return objects.length === s.anyOf.length ? objects : null;
}

/** The driver name of an alternative. */
export const driverName = (variant: TObject): string =>
  String((variant.properties.driver as unknown as { const: unknown }).const);

export function variantFor(variants: TObject[], driver: unknown): TObject | undefined {
  return variants.find((v) => driverName(v) === driver);
}

/** The schema of `key` inside an object (or record) schema. */
export function childSchema(s: TSchema, key: string): TSchema | undefined {
  if (KindGuard.IsObject(s)) return s.properties[key];
  if (KindGuard.IsRecord(s)) return Object.values(s.patternProperties)[0];
  return undefined;
}

/** The default value of a schema (objects: their keys' defaults; derived keys are left out). */
export function defaultsOf(s: TSchema): unknown {
  const variants = driverVariants(s);
  if (variants) {
    const v = variantFor(variants, (meta(s).default as Obj | undefined)?.driver);
    return v ? defaultsOf(v) : undefined;
  }
  if ('default' in s) return structuredClone(meta(s).default);
  if (KindGuard.IsLiteral(s)) return s.const;
  if (!KindGuard.IsObject(s)) return undefined;
  const out: Obj = {};
  for (const [k, p] of Object.entries(s.properties)) {
    const d = defaultsOf(p);
    if (d !== undefined) out[k] = d;
  }
  return out;
}

export interface EnvKey {
  /** The environment variable. */
  name: string;
  path: Path;
  schema: TSchema;
  /** Setting it chooses this alternative of a `Drivers` key. */
  driver?: { path: Path; name: string };
}

/** Every key that an environment variable sets, in schema order. */
export function envKeys(s: TSchema, path: Path = [], driver?: EnvKey['driver']): EnvKey[] {
  const out: EnvKey[] = [];
  const name = meta(s).env;
  if (name) out.push({ name, path, schema: s, ...(driver ? { driver } : {}) });
  const variants = driverVariants(s);
  if (variants) {
    for (const v of variants) out.push(...envKeys(v, path, { path, name: driverName(v) }));
  } else if (KindGuard.IsObject(s)) {
    for (const [k, p] of Object.entries(s.properties)) out.push(...envKeys(p, [...path, k], driver));
  }
  return out;
}

export function getAt(o: unknown, path: Path): unknown {
  let cur = o;
  for (const k of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

export function setAt(o: Obj, path: Path, value: unknown): void {
  let cur = o;
  for (const k of path.slice(0, -1)) {
    if (!isPlainObject(cur[k])) cur[k] = {};
    cur = cur[k] as Obj;
  }
  cur[path[path.length - 1]!] = value;
}

/**
 * `over` laid over `base`: objects merge key by key, everything else (lists included) replaces.
 * A `Drivers` key merges when the driver stays; a new driver starts from that alternative's defaults.
 */
export function overlay(s: TSchema | undefined, base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!s || !isPlainObject(over)) return over;
  const variants = driverVariants(s);
  if (variants) {
    const driver = over.driver ?? (isPlainObject(base) ? base.driver : undefined);
    const v = variantFor(variants, driver);
    if (!v) return over;
    const start = isPlainObject(base) && base.driver === driver ? base : defaultsOf(v);
    return overlay(v, start, { ...over, driver });
  }
  if (!isPlainObject(base) || !(KindGuard.IsObject(s) || KindGuard.IsRecord(s))) return over;
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = overlay(childSchema(s, k), base[k], v);
  return out;
}
