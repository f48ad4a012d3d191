/**
 * Modules and their parameters as action=paraminfo describes them, from the same declarations that
 * validate requests (api/params.ts) and MediaWiki's field order and flag conventions.
 */
import type { ApiContext } from '../context.js';
import { type HelpTexts, paramHelpOptions } from '../help/descriptions.js';
import type { ModuleDoc } from '../module.js';
import type { ParamDef, ParamDefs } from '../params.js';

/** A module as paraminfo sees it: an action, a query submodule, main, a format or the page set. */
export interface Describable {
  name: string;
  path: string;
  group?: string;
  prefix: string;
  params: ParamDefs;
  doc?: ModuleDoc;
  readrights: boolean;
  writerights: boolean;
  mustbeposted: boolean;
  /** The token type the module checks from its `token` parameter (listed last). */
  tokenType?: string;
}

const sorted = (values: readonly string[]) => [...values].sort();

/** One parameter's paraminfo entry, or null when it is not listed. */
export function describeParam(
  ctx: ApiContext,
  index: number,
  name: string,
  declared: ParamDef,
): Record<string, unknown> | null {
  const doc = declared.doc ?? {};
  if (doc.hidden) return null;
  const def = doc.describeAs ?? declared;
  // Values sorted, deprecated ones last; the all-values specifier is not listed among them.
  const deprecated = doc.deprecatedvalues ?? [];
  const listed = (values: readonly string[]) => [
    ...sorted(values.filter((v) => v !== '*' && !deprecated.includes(v))),
    ...deprecated.filter((v) => values.includes(v)),
  ];
  const o: Record<string, unknown> = { index, name };
  let multi = false;
  switch (def.type) {
    case 'enum':
      o.type = listed(def.values);
      break;
    case 'multi':
      multi = true;
      o.type = doc.changeTags
        ? ctx.config.changeTags.filter((t) => t.active).map((t) => t.name)
        : doc.valuesFor
          ? listed(doc.valuesFor(ctx.config))
          : def.values && !def.freeValues
            ? listed(def.values)
            : (doc.type ?? (def.integers ? 'integer' : 'string'));
      break;
    case 'string':
      o.type = doc.type ?? 'string';
      break;
    default:
      o.type = doc.type ?? def.type;
  }
  ctx.flag(o, 'required', 'required' in def && def.required === true);
  if ('default' in def && def.default !== undefined) o.default = def.default;
  else if (doc.valuesFor) o.default = listed(doc.valuesFor(ctx.config)).join('|');
  if (doc.sensitive || def.type === 'password') ctx.flag(o, 'sensitive', true);
  if ('deprecated' in def && def.deprecated) ctx.flag(o, 'deprecated', true);
  ctx.flag(o, 'multi', multi);
  if (multi) {
    o.lowlimit = 50;
    o.highlimit = 500;
    o.limit = ctx.can('apihighlimits') ? 500 : 50;
  }
  if (def.type === 'limit') {
    o.min = 1;
    o.max = def.max;
    o.highmax = def.highMax;
  } else if (def.type === 'integer') {
    if (def.min !== undefined) o.min = def.min;
    if (def.max !== undefined) o.max = def.max;
  }
  if (doc.submodules && (def.type === 'enum' || def.type === 'multi') && def.values) {
    o.submodules = Object.fromEntries(listed(def.values).map((v) => [v, doc.submodules!(v)]));
  }
  if (doc.submoduleparamprefix !== undefined) o.submoduleparamprefix = doc.submoduleparamprefix;
  if (doc.internalvalues) o.internalvalues = doc.internalvalues;
  const allspecifier = doc.allspecifier ?? (def.type === 'multi' && def.allowAll ? '*' : undefined);
  if (allspecifier !== undefined) o.allspecifier = allspecifier;
  if (doc.subtypes) o.subtypes = doc.subtypes;
  if (doc.extranamespaces) o.extranamespaces = doc.extranamespaces;
  if (doc.deprecatedvalues) o.deprecatedvalues = doc.deprecatedvalues;
  if (doc.allowsduplicates) ctx.flag(o, 'allowsduplicates', true);
  if (doc.mustExist !== undefined) ctx.flag(o, 'mustExist', doc.mustExist);
  if (doc.info) o.info = doc.info;
  return o;
}

/** A module's paraminfo entry. */
export function describeModule(ctx: ApiContext, m: Describable, help?: HelpTexts): Record<string, unknown> {
  const c = ctx.config;
  const o: Record<string, unknown> = {
    name: m.name,
    classname: m.doc?.classname ?? '',
    path: m.path,
  };
  if (m.group) o.group = m.group;
  o.prefix = m.prefix;
  o.source = 'MediaWiki';
  o.sourcename = 'MediaWiki';
  o.licensetag = 'GPL-2.0-or-later';
  o.licenselink = `${c.server}${c.scriptPath}/index.php/Special:Version/License/MediaWiki`;
  if (help) o.description = help.module(m.path, m.name, m.prefix);
  if (m.readrights) ctx.flag(o, 'readrights', true);
  if (m.writerights) ctx.flag(o, 'writerights', true);
  if (m.mustbeposted) ctx.flag(o, 'mustbeposted', true);
  if (m.doc?.generator) ctx.flag(o, 'generator', true);
  o.helpurls = m.doc?.helpurls ?? [];
  if (help) o.examples = help.examples(m.path, m.name, m.prefix);
  const params: Record<string, unknown>[] = [];
  for (const [name, def] of Object.entries(m.params)) {
    const p = describeParam(ctx, params.length + 1, name, def);
    if (p && help) {
      const { index, name: n, ...rest } = p;
      params.push({
        index,
        name: n,
        description: help.param(m.path, m.name, m.prefix, name, paramHelpOptions(def)),
        ...rest,
      });
    } else if (p) params.push(p);
  }
  if (m.tokenType) {
    const t: Record<string, unknown> = { index: params.length + 1, name: 'token' };
    if (help) t.description = help.param(m.path, m.name, m.prefix, 'token', { tokenType: m.tokenType });
    t.type = 'string';
    ctx.flag(t, 'required', true);
    ctx.flag(t, 'sensitive', true);
    ctx.flag(t, 'multi', false);
    t.tokentype = m.tokenType;
    params.push(t);
  }
  o.parameters = params;
  o.templatedparameters = [];
  return o;
}
