/**
 * Loading the configuration: defaults ← the JSON config file ← environment variables ← the caller's
 * overrides, then derived defaults, then one check against the schema. Every problem is reported
 * at once, naming the key (or the environment variable) and what it expects.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KindGuard, type TObject, type TSchema } from '@sinclair/typebox';
import { Value, type ValueError, ValueErrorType } from '@sinclair/typebox/value';
import { type DeriveContext, meta } from './keys.js';
import { type Config, ConfigSchema } from './schema.js';
import {
  defaultsOf,
  driverName,
  driverVariants,
  envKeys,
  getAt,
  isPlainObject,
  type Obj,
  overlay,
  type Path,
  setAt,
  variantFor,
} from './walk.js';

export type DeepPartial<T> = T extends unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** The configuration cannot be used; `problems` has one line per key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Where a value came from, to name it in a message. */
interface Sources {
  file: string;
  fileValue: Obj;
  env: Map<string, { name: string; raw: string }>;
  overrides: Obj;
}

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
  yes: true,
  no: false,
  on: true,
  off: false,
};

/** An environment variable's text as the key's type, or the text itself when it does not fit (then the check names it). */
function fromEnvText(s: TSchema, raw: string): unknown {
  const bool = BOOLEAN_WORDS[raw.trim().toLowerCase()];
  if (KindGuard.IsInteger(s) || KindGuard.IsNumber(s))
    return /^\s*[+-]?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : raw;
  if (KindGuard.IsBoolean(s)) return bool ?? raw;
  if (KindGuard.IsArray(s))
    return raw
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  if (KindGuard.IsUnion(s) && s.anyOf.some((v) => KindGuard.IsBoolean(v))) return bool ?? raw;
  return raw;
}

function readEnv(env: NodeJS.ProcessEnv, sources: Sources): Obj {
  const out: Obj = {};
  for (const k of envKeys(ConfigSchema)) {
    const raw = env[k.name];
    if (raw === undefined || raw === '') continue;
    if (k.driver) setAt(out, [...k.driver.path, 'driver'], k.driver.name);
    setAt(out, k.path, fromEnvText(k.schema, raw));
    sources.env.set(k.path.join('.'), { name: k.name, raw });
  }
  return out;
}

function readFile(file: string, required: boolean): Obj {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !required) return {};
    throw new ConfigError([`cannot read the config file ${file}: ${(e as Error).message}`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError([`the config file ${file} is not valid JSON: ${(e as Error).message}`]);
  }
  if (!isPlainObject(value)) throw new ConfigError([`the config file ${file} must hold a JSON object`]);
  return value;
}

/** Fill in the keys whose default comes from other keys. */
function derive(s: TSchema, value: unknown, ctx: DeriveContext): void {
  if (!isPlainObject(value)) return;
  const variants = driverVariants(s);
  const obj = variants ? variantFor(variants, value.driver) : KindGuard.IsObject(s) ? s : undefined;
  if (!obj) return;
  for (const [k, p] of Object.entries(obj.properties)) {
    const fn = meta(p).derive;
    if (value[k] === undefined && fn) value[k] = fn(ctx);
    else derive(p, value[k], ctx);
  }
}

/** "a whole number ≥ 1", "true or false", … for an error message. */
export function expected(s: TSchema): string {
  const m = meta(s);
  if (m.expected) return m.expected;
  const n = s as { minimum?: number; maximum?: number };
  const range =
    n.maximum !== undefined
      ? ` from ${n.minimum ?? 0} to ${n.maximum}`
      : n.minimum !== undefined
        ? ` ≥ ${n.minimum}`
        : '';
  if (KindGuard.IsInteger(s)) return `a whole number${range}`;
  if (KindGuard.IsNumber(s)) return `a number${range}`;
  if (KindGuard.IsBoolean(s)) return 'true or false';
  if (KindGuard.IsString(s)) return s.pattern ? `a string matching ${s.pattern}` : 'a string';
  if (KindGuard.IsLiteral(s)) return JSON.stringify(s.const);
  if (KindGuard.IsArray(s)) return KindGuard.IsString(s.items) ? 'a list of strings' : 'a list';
  if (KindGuard.IsUnion(s)) return s.anyOf.map(expected).join(' or ');
  return 'an object';
}

/** Edit distance, for "did you mean" (a few short keys: the plain dynamic programme is enough). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function suggestion(key: string, known: string[]): string | undefined {
  const lower = key.toLowerCase();
  const scored = known.map((k) => ({ k, d: distance(lower, k.toLowerCase()) })).sort((a, b) => a.d - b.d);
  const best = scored[0];
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.k : undefined;
}

const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
};

interface Problem {
  path: Path;
  kind: 'unknown' | 'missing' | 'invalid';
  schema: TSchema;
  value: unknown;
  /** Inside the alternative of a `Drivers` key, e.g. `storage.driver "s3"`. */
  within?: string;
}

/** `a.b`, with list positions as `[0]`. */
const keyName = (path: Path) => path.map((k, i) => (/^\d+$/.test(k) ? `[${k}]` : i ? `.${k}` : k)).join('');

/** The schema's errors for `value`, one per key; a `Drivers` key is checked against the alternative its driver names. */
function problemsOf(
  errors: Iterable<ValueError>,
  root: unknown,
  out: Map<string, Problem>,
  within?: string,
): void {
  for (const e of errors) {
    const path = e.path
      .split('/')
      .slice(1)
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const key = path.join('.');
    if (out.has(key)) continue;
    const variants = e.type === ValueErrorType.Union ? driverVariants(e.schema) : null;
    if (variants) {
      const driver = isPlainObject(e.value) ? e.value.driver : undefined;
      const i = variants.findIndex((v) => driverName(v) === driver);
      if (i >= 0) problemsOf(e.errors[i]!, root, out, `${keyName([...path, 'driver'])} "${String(driver)}"`);
      else {
        const names = variants.map((v) => `"${driverName(v)}"`).join(', ');
        const p = [...path, 'driver'];
        const schema = { expected: `one of ${names}` } as unknown as TSchema;
        out.set(p.join('.'), { path: p, kind: 'invalid', schema, value: driver });
      }
      continue;
    }
    const kind =
      e.type === ValueErrorType.ObjectAdditionalProperties
        ? 'unknown'
        : e.type === ValueErrorType.ObjectRequiredProperty
          ? 'missing'
          : 'invalid';
    out.set(key, { path, kind, schema: e.schema, value: getAt(root, path), ...(within ? { within } : {}) });
  }
}

function describe(p: Problem, src: Sources): string {
  const key = keyName(p.path);
  const fromEnv = src.env.get(p.path.join('.'));
  if (fromEnv && p.kind === 'invalid' && getAt(src.overrides, p.path) === undefined) {
    return `${fromEnv.name}: expected ${expected(p.schema)}, got ${JSON.stringify(fromEnv.raw)}`;
  }
  const where =
    getAt(src.overrides, p.path) !== undefined
      ? ''
      : getAt(src.fileValue, p.path) !== undefined
        ? ` (in ${src.file})`
        : '';
  if (p.kind === 'unknown') {
    const parent = p.path.slice(0, -1);
    const known = Object.keys((p.schema as TObject).properties ?? {});
    const near = suggestion(p.path[p.path.length - 1]!, known);
    return `${key}: unknown key${near ? `; did you mean ${keyName([...parent, near])}?` : ''}${where}`;
  }
  if (p.kind === 'missing') {
    const env = meta(p.schema).env;
    const needed = p.within ? `, needed with ${p.within}` : '';
    return `${key}: missing; expected ${expected(p.schema)}${needed}${env ? ` (${env} sets it)` : ''}`;
  }
  return `${key}: expected ${expected(p.schema)}, got ${show(p.value)}${where}`;
}

/**
 * Build the configuration: defaults, then a JSON config file, then environment variables, then
 * `overrides`. The config file is `$MWUP_CONFIG`, else `<dataDir>/config.json` when it exists.
 * Throws `ConfigError` naming every key that is unknown, missing or not what it should be.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides?: DeepPartial<Config>): Config {
  const sources: Sources = { file: '', fileValue: {}, env: new Map(), overrides: (overrides ?? {}) as Obj };
  const fromEnv = readEnv(env, sources);
  const dataDir = (sources.overrides.dataDir ??
    fromEnv.dataDir ??
    defaultsOf(ConfigSchema.properties.dataDir)) as string;
  sources.file = env.MWUP_CONFIG || join(resolve(dataDir), 'config.json');
  sources.fileValue = readFile(sources.file, Boolean(env.MWUP_CONFIG));

  let cfg = defaultsOf(ConfigSchema) as Obj;
  for (const layer of [sources.fileValue, fromEnv, sources.overrides])
    cfg = overlay(ConfigSchema, cfg, layer) as Obj;
  if (typeof cfg.dataDir === 'string') cfg.dataDir = resolve(cfg.dataDir);
  derive(ConfigSchema, cfg, cfg as unknown as DeriveContext);

  const problems = new Map<string, Problem>();
  problemsOf(Value.Errors(ConfigSchema, cfg), cfg, problems);
  if (problems.size) throw new ConfigError([...problems.values()].map((p) => describe(p, sources)));
  return cfg as Config;
}
