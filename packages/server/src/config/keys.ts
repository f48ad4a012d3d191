/**
 * Building blocks of the configuration schema: TypeBox types that carry, besides the JSON Schema
 * `default` and `description`, the environment variable that sets a key (`env`), how to say what a
 * valid value looks like (`expected`), and defaults computed from other keys (`derive`).
 */
import {
  type SchemaOptions,
  type TLiteral,
  type TProperties,
  type TSchema,
  type TUnion,
  Type,
} from '@sinclair/typebox';

/** Keys a default can be derived from (they are known before the derived ones). */
export interface DeriveContext {
  dataDir: string;
  host: string;
  port: number;
}

/** What the configuration adds to a JSON Schema. */
export interface KeyMeta {
  description?: string;
  default?: unknown;
  /** The environment variable that sets this key. */
  env?: string;
  /** A phrase completing "expected …" in error messages, e.g. "a port number". */
  expected?: string;
  /** The default when it depends on other keys (`defaultText` says it in the docs). */
  derive?: (c: DeriveContext) => unknown;
  /** The default, as the documentation shows it, when showing the value would not help. */
  defaultText?: string;
  /** The value is a size in bytes (the docs add KiB/MiB/GiB). */
  bytes?: boolean;
}

type Opts = Omit<KeyMeta, 'default' | 'description'>;

export const meta = (s: TSchema): KeyMeta => s as KeyMeta;

/** A group of keys: unknown keys inside it are errors. */
export const Section = <T extends TProperties>(description: string, props: T, opts: SchemaOptions = {}) =>
  Type.Object(props, { ...opts, description, additionalProperties: false });

export const Bool = (def: boolean, description: string, opts: Opts = {}) =>
  Type.Boolean({ ...opts, default: def, description });

/** A whole number ≥ `min` (0 unless given), ≤ `max` when given. */
export const Int = (def: number, description: string, opts: Opts & { min?: number; max?: number } = {}) => {
  const { min = 0, max, ...rest } = opts;
  return Type.Integer({
    ...rest,
    default: def,
    description,
    minimum: min,
    ...(max === undefined ? {} : { maximum: max }),
  });
};

/** A size in bytes (≥ `min`, 0 unless given). */
export const Bytes = (def: number, description: string, opts: Opts & { min?: number } = {}) =>
  Int(def, description, { expected: 'a number of bytes', bytes: true, ...opts });

/** A string; `def` undefined: required, or derived when `opts.derive` is given. */
export const Str = (def: string | undefined, description: string, opts: Opts & { pattern?: string } = {}) =>
  Type.String(def === undefined ? { ...opts, description } : { ...opts, default: def, description });

/** A string that may be left out (no default). */
export const OptStr = (description: string, opts: Opts = {}) =>
  Type.Optional(Type.String({ ...opts, description }));

/** One of a fixed set of strings. */
export const OneOf = <const T extends readonly string[]>(
  values: T,
  def: T[number],
  description: string,
  opts: Opts = {},
) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { ...opts, default: def, description, expected: `one of ${values.map((v) => `"${v}"`).join(', ')}` },
  ) as TUnion<TLiteral<T[number]>[]>;

/** A list of strings (from an environment variable: comma-separated). */
export const List = (def: readonly string[], description: string, opts: Opts = {}) =>
  Type.Array(Type.String(), { ...opts, default: [...def], description });

/** Alternatives told apart by their `driver` key (e.g. SQLite or PostgreSQL). */
export const Drivers = <T extends TSchema[]>(description: string, defaultDriver: string, variants: [...T]) =>
  Type.Union(variants, { description, default: { driver: defaultDriver } });

/** One alternative of `Drivers`. */
export const Driver = <const D extends string, T extends TProperties>(driver: D, props: T) =>
  Type.Object({ driver: Type.Literal(driver), ...props }, { additionalProperties: false });
