import type { Config } from '../config.js';
import { MwError, type RawMessage } from '../errors.js';

/**
 * What a parameter declaration adds for action=paraminfo beyond what validation needs: the type
 * MediaWiki names (a `user` or `timestamp` is validated as a string here), and MediaWiki's hints.
 */
export interface ParamDoc {
  /** The type paraminfo shows, where it is not the validation type. */
  type?: 'user' | 'timestamp' | 'namespace' | 'title' | 'expiry';
  sensitive?: boolean;
  subtypes?: readonly string[];
  extranamespaces?: readonly number[];
  allspecifier?: string;
  deprecatedvalues?: readonly string[];
  internalvalues?: readonly string[];
  info?: readonly { name: string }[];
  mustExist?: boolean;
  allowsduplicates?: boolean;
  /** Values of a multi-value parameter with free values: the wiki's active change tags. */
  changeTags?: boolean;
  /** Values (and so the default) of a multi-value parameter with free values, from the configuration. */
  valuesFor?: (config: Config) => readonly string[];
  /** For `action`/`format` and query's prop/list/meta: the submodule paths of the values. */
  submodules?: (value: string) => string;
  submoduleparamprefix?: string;
  /** Read by the request layer but not the module's own (format parameters on main): not listed. */
  hidden?: boolean;
  /** Described as this declaration (a parameter the module parses itself, e.g. a limit with `max`). */
  describeAs?: ParamDef;
  /** Help describes it as a token of this type (`lgtoken`), though the module checks it itself. */
  tokenHelp?: string;
  /** Parameters its help message takes before the usual prefix and name (`iiurlwidth`'s 50). */
  helpParams?: readonly (string | number)[];
  /** The module whose help messages describe this parameter where it has none (`query+imageinfo`). */
  helpFrom?: string;
}

/** How a module declares one parameter (MediaWiki's ParamValidator settings, reduced to what we use). */
export type ParamDef = (
  | {
      type: 'string' | 'text' | 'password';
      required?: boolean;
      default?: string;
      deprecated?: boolean;
      maxBytes?: number;
    }
  | { type: 'boolean'; deprecated?: boolean }
  | {
      type: 'integer';
      required?: boolean;
      default?: number;
      min?: number;
      max?: number;
      deprecated?: boolean;
    }
  | { type: 'limit'; default?: number; max: number; highMax: number }
  | { type: 'enum'; values: readonly string[]; default?: string; required?: boolean; deprecated?: boolean }
  | {
      type: 'multi';
      values?: readonly string[];
      default?: string;
      required?: boolean;
      deprecated?: boolean;
      allowAll?: boolean;
      /** Values are kept as given even if not in `values` (e.g. change tags, validated by the module). */
      freeValues?: boolean;
      /** The values are integers (paraminfo type `integer`). */
      integers?: boolean;
    }
  | { type: 'upload' }
) & { doc?: ParamDoc };

export type ParamDefs = Record<string, ParamDef>;

type Out<D extends ParamDef> = D extends { type: 'boolean' }
  ? boolean
  : D extends { type: 'limit' }
    ? number
    : D extends { type: 'integer'; default: number }
      ? number
      : D extends { type: 'integer' }
        ? number | undefined
        : D extends { type: 'multi' }
          ? string[]
          : D extends { type: 'upload' }
            ? string | undefined
            : D extends { default: string }
              ? string
              : string | undefined;

export type Params<D extends ParamDefs> = { [K in keyof D]: Out<D[K]> };

/** The raw request values a module's parameters are read from. */
export interface RawParams {
  get(name: string): string | undefined;
  has(name: string): boolean;
  /** Whether a multipart file part with this name was received. */
  hasFile(name: string): boolean;
  markUsed(name: string): void;
}

/** Where validation warnings go (module name, code, text, data). */
export type WarnFn = (code: string, text: string, data?: Record<string, unknown>, raw?: RawMessage) => void;

const BADUTF8 = (name: string) =>
  `The value passed for "${name}" contains invalid or non-normalized data. Textual data should be valid, NFC-normalized Unicode without C0 control characters other than HT (\\t), LF (\\n), and CR (\\r).`;

const fmtNum = (n: number) => n.toLocaleString('en-US');

/** Clean text the way MediaWiki's request layer does: NFC, C0 controls (except \t\n\r) → U+FFFD. */
export function cleanText(value: string): { value: string; changed: boolean } {
  const cleaned = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\ufffd').normalize('NFC');
  return { value: cleaned, changed: cleaned !== value };
}

/** Split a multi-value parameter on `|`, or on U+001F when the value starts with it. */
export function splitMulti(value: string): string[] {
  if (value === '') return [];
  return value.startsWith('\x1f') ? value.slice(1).split('\x1f') : value.split('|');
}

export interface ValidateOptions {
  prefix?: string;
  highLimits: boolean;
  warn: WarnFn;
  /** Feature path for deprecation warnings, e.g. `action=upload`. */
  feature: string;
}

/**
 * Read and validate a module's parameters. Errors are thrown in MediaWiki's codes
 * (missingparam, badinteger, badvalue, toomanyvalues, badupload…); soft problems become warnings.
 */
export function validateParams<D extends ParamDefs>(
  raw: RawParams,
  defs: D,
  opts: ValidateOptions,
): Params<D> {
  const out: Record<string, unknown> = {};
  const prefix = opts.prefix ?? '';
  for (const [key, def] of Object.entries(defs)) {
    const name = prefix + key;
    raw.markUsed(name);
    if (def.type === 'upload') {
      if (raw.hasFile(name)) out[key] = name;
      else if (raw.has(name) && raw.get(name) !== '') {
        throw new MwError(
          'badupload',
          `File upload parameter "${name}" is not a file upload; be sure to use multipart/form-data for your POST and include a filename in the Content-Disposition header.`,
        );
      } else out[key] = undefined;
      continue;
    }
    let value = raw.get(name);
    if (value !== undefined && def.type !== 'password') {
      // U+001F at the start of a multi-value is its separator, not a control character.
      const sep = def.type === 'multi' && value.startsWith('\x1f');
      const parts = sep ? value.slice(1).split('\x1f') : [value];
      const cleaned = parts.map(cleanText);
      if (cleaned.some((c, i) => c.changed && /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(parts[i]!))) {
        opts.warn('badutf-8', BADUTF8(name));
      }
      value = sep ? `\x1f${cleaned.map((c) => c.value).join('\x1f')}` : cleaned[0]!.value;
    }
    if ('deprecated' in def && def.deprecated && value !== undefined) {
      opts.warn('deprecation', `The parameter "${name}" has been deprecated.`, {
        feature: `${opts.feature}&${name}`,
      });
    }
    switch (def.type) {
      case 'boolean':
        out[key] = value !== undefined;
        break;
      case 'string':
      case 'text':
      case 'password': {
        if (value === undefined) {
          if (def.required) throw missing(name);
          out[key] = def.default;
        } else {
          if (def.maxBytes !== undefined && Buffer.byteLength(value) > def.maxBytes) {
            throw new MwError(
              'maxbytes',
              `Parameter "${name}" cannot be longer than ${fmtNum(def.maxBytes)} bytes.`,
              {
                maxbytes: def.maxBytes,
              },
            );
          }
          out[key] = value;
        }
        break;
      }
      case 'integer': {
        if (value === undefined || value === '') {
          if (def.required) throw missing(name);
          out[key] = def.default;
          break;
        }
        out[key] = parseInteger(name, value, { min: def.min, max: def.max }, opts.warn);
        break;
      }
      case 'limit': {
        if (value === undefined || value === '') {
          out[key] = def.default ?? 10;
          break;
        }
        const max = opts.highLimits ? def.highMax : def.max;
        if (value === 'max') {
          out[key] = max;
          break;
        }
        out[key] = parseInteger(
          name,
          value,
          { min: 1, max, lowMax: def.max, highMax: def.highMax },
          opts.warn,
        );
        break;
      }
      case 'enum': {
        if (value === undefined) {
          if (def.required) throw missing(name);
          out[key] = def.default;
        } else if (!def.values.includes(value)) {
          throw new MwError('badvalue', `Unrecognized value for parameter "${name}": ${value}.`).withMessage(
            'paramvalidator-badvalue-enumnotmulti',
            [
              plain(name),
              plain(value),
              { list: def.values.map(plain), type: 'text' },
              { num: def.values.length },
            ],
          );
        } else out[key] = value;
        break;
      }
      case 'multi': {
        const v = value ?? def.default;
        if (v === undefined) {
          if (def.required) throw missing(name);
          out[key] = [];
          break;
        }
        let items = splitMulti(v);
        const limit = opts.highLimits ? 500 : 50;
        if (items.length > limit) {
          throw new MwError(
            'toomanyvalues',
            `Too many values supplied for parameter "${name}". The limit is ${limit}.`,
            { limit, lowlimit: 50, highlimit: 500 },
          ).withMessage('paramvalidator-toomanyvalues', [plain(name), { num: limit }]);
        }
        if (def.values && !def.freeValues) {
          if (def.allowAll && items.includes('*')) items = [...def.values];
          const bad = items.filter((i) => !def.values!.includes(i));
          if (bad.length) {
            opts.warn(
              'unrecognizedvalues',
              bad.length === 1
                ? `Unrecognized value for parameter "${name}": ${bad[0]}`
                : `Unrecognized values for parameter "${name}": ${bad.join(', ')}`,
              { values: bad },
              {
                key: 'paramvalidator-unrecognizedvalues',
                params: [plain(name), plain(v), { list: bad.map(plain), type: 'comma' }, { num: bad.length }],
              },
            );
            items = items.filter((i) => def.values!.includes(i));
          }
        }
        out[key] = [...new Set(items)];
        break;
      }
    }
  }
  return out as Params<D>;
}

const plain = (v: string | number) => ({ plaintext: v });

function missing(name: string): MwError {
  return new MwError('missingparam', `The "${name}" parameter must be set.`).withMessage(
    'paramvalidator-missingparam',
    [plain(name)],
  );
}

/** The limits an integer is checked against, as MediaWiki reports them in an out-of-range warning. */
interface IntRange {
  min?: number;
  /** The maximum that applies to this request (the high one for apihighlimits). */
  max?: number;
  /** The normal and the high maximum of a limit parameter. */
  lowMax?: number;
  highMax?: number;
}

/** PHP's integer range: larger values are not integers to MediaWiki. */
const INT64_MAX = 2n ** 63n - 1n;

function parseInteger(name: string, value: string, range: IntRange, warn: WarnFn) {
  const t = value.trim();
  if (!/^[+-]?\d+$/.test(t) || BigInt(t) > INT64_MAX || BigInt(t) < -INT64_MAX - 1n) {
    throw new MwError('badinteger', `Invalid value "${value}" for integer parameter "${name}".`).withMessage(
      'paramvalidator-badinteger',
      [plain(name), plain(value)],
    );
  }
  const n = Number(t);
  const { min, max } = range;
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
    const [text, key] =
      min !== undefined && max !== undefined
        ? [`must be between ${fmtNum(min)} and ${fmtNum(max)}`, 'minmax']
        : min !== undefined
          ? [`must be no less than ${fmtNum(min)}`, 'min']
          : [`must be no greater than ${fmtNum(max!)}`, 'max'];
    warn(
      'outofrange',
      `The value "${value}" for parameter "${name}" ${text}.`,
      {
        min: min ?? null,
        curmax: max ?? null,
        max: range.lowMax ?? max ?? null,
        highmax: range.highMax ?? max ?? null,
      },
      {
        key: `paramvalidator-outofrange-${key}`,
        params: [plain(name), plain(value), { num: min ?? '' }, { num: max ?? '' }],
      },
    );
    // MediaWiki goes on with the value clamped into range.
    return Math.min(max ?? Number.POSITIVE_INFINITY, Math.max(min ?? Number.NEGATIVE_INFINITY, n));
  }
  return n;
}
