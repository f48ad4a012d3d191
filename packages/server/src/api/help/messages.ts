/** MediaWiki's English API help messages, with their $n parameters filled, and the examples of its modules. */

import { MESSAGE_KEYS as KEYS, MESSAGES } from '../messages/index.js';
import examplesData from './examples-en.json' with { type: 'json' };
import { fillMessage } from './wikitext.js';

/** The message `key` with `params` filled in, or undefined when MediaWiki has no such message. */
export function helpMessage(key: string, params: readonly (string | number)[] = []): string | undefined {
  const t = MESSAGES[key];
  return t === undefined ? undefined : fillMessage(t, params);
}

/** A message key with its parameters, and the value it describes when it describes one. */
export interface MessageRef {
  key: string;
  params: (string | number)[];
  forvalue?: string;
  /** A deprecated value (help says so before its description). */
  deprecated?: boolean;
}

/** What decides a parameter's help messages besides its name. */
export interface ParamHelpOptions {
  /** Its declared values, in declaration order. */
  values?: readonly string[];
  /** Described as a token of this type. */
  tokenType?: string;
  /** Message parameters before the usual prefix, name, module and path. */
  leading?: readonly (string | number)[];
  /** The module whose messages describe the parameter where its own module has none. */
  from?: string;
  /** Values marked deprecated in the per-value list. */
  deprecated?: readonly string[];
}

/**
 * The messages that describe a parameter, as MediaWiki's help lists them: the parameter's own
 * description, then one per value where MediaWiki describes each value (in MediaWiki's order). A
 * `dir` of newer/older without its own description has MediaWiki's shared direction messages; the
 * pretty-printing formats (`jsonfm`) share their format's messages.
 */
export function paramMessages(
  path: string,
  moduleName: string,
  prefix: string,
  name: string,
  opts: ParamHelpOptions = {},
): MessageRef[] {
  const values = opts.values ?? [];
  const params = [...(opts.leading ?? []), prefix, name, moduleName, path];
  if (opts.tokenType !== undefined)
    return [{ key: 'api-help-param-token', params: [opts.tokenType, ...params] }];
  const candidates = [
    `apihelp-${path}-param-${name}`,
    ...(opts.from ? [`apihelp-${opts.from}-param-${name}`] : []),
    ...(path.endsWith('fm') ? [`apihelp-${path.slice(0, -2)}-param-${name}`] : []),
    `apihelp-format-param-${name}`,
    name === 'redirects'
      ? `api-pageset-param-redirects-${path === 'query' ? 'generator' : 'nogenerator'}`
      : `api-pageset-param-${name}`,
  ];
  const own = candidates.find((k) => MESSAGES[k] !== undefined);
  if (own === undefined && name === 'dir' && values.join('|') === 'newer|older') {
    return [
      { key: 'api-help-param-direction', params },
      ...values.map((v) => ({
        key: `api-help-paramvalue-direction-${v}`,
        params: [...params, v],
        forvalue: v,
      })),
    ];
  }
  // `continue` is described once for every module that has it.
  const key = own ?? (name === 'continue' ? 'api-help-param-continue' : candidates[0]!);
  const valuesOf = (module: string) => {
    const prefix = `apihelp-${module}-paramvalue-${name}-`;
    return { prefix, values: KEYS.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)) };
  };
  let { prefix: perValue, values: described } = valuesOf(path);
  if (!described.length && opts.from) ({ prefix: perValue, values: described } = valuesOf(opts.from));
  // A pretty-printing format lists its format's values, under its own (missing) messages, as MediaWiki does.
  if (!described.length && path.endsWith('fm')) described = valuesOf(path.slice(0, -2)).values;
  const shown = described.filter((v) => values.includes(v));
  if (!shown.length) return [{ key, params }];
  const ordered = [...shown, ...values.filter((v) => !shown.includes(v) && v !== '*')];
  return [
    { key, params },
    ...ordered.map((v) => ({
      key: `${perValue}${v}`,
      params: [...params, v],
      forvalue: v,
      ...(opts.deprecated?.includes(v) ? { deprecated: true } : {}),
    })),
  ];
}

/** The examples a module's help shows: the query string and the message describing it. */
export function examplesOf(
  path: string,
  name: string,
  prefix: string,
): { query: string; message: MessageRef }[] {
  const list = (examplesData.examples as Record<string, { query: string; key: string; params?: string[] }[]>)[
    path
  ];
  return (list ?? []).map((e) => ({
    query: e.query,
    message: { key: e.key, params: e.params ?? [prefix, name, path] },
  }));
}
