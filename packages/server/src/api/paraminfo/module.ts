/**
 * action=paraminfo: what modules there are and which parameters they take, as MediaWiki 1.39
 * describes them (pywikibot, mwn and API sandboxes read it before they upload).
 */
import type { ApiContext } from '../context.js';
import { type HelpFormat, helpTexts } from '../help/descriptions.js';
import { type ApiModule, defineModule, helpUrl } from '../module.js';
import type { ParamDefs } from '../params.js';
import type { QuerySubmodule } from '../query/submodule.js';
import { type Describable, describeModule } from './describe.js';
import { formatModules, pageSetModule } from './extra-modules.js';

/** The modules paraminfo can describe, looked up when it runs (every module is registered then). */
export interface ModuleRegistry {
  actions(): ApiModule<ParamDefs>[];
  querySubmodules: readonly QuerySubmodule<ParamDefs>[];
  /** action=query, whose page-set parameters the page set lists. */
  query(): ApiModule<ParamDefs>;
  /** The main module, with `action` and `format` as the enums they are. */
  main(): Describable;
}

export function actionDescribable(m: ApiModule<ParamDefs>): Describable {
  return {
    name: m.name,
    path: m.name,
    group: 'action',
    prefix: m.prefix ?? '',
    params: m.params,
    doc: m.doc,
    readrights: m.needsRead !== false,
    writerights: m.writeMode === true,
    mustbeposted: m.mustBePosted === true,
    tokenType: m.needsToken,
  };
}

export function submoduleDescribable(m: QuerySubmodule<ParamDefs>): Describable {
  return {
    name: m.name,
    path: `query+${m.name}`,
    group: m.kind,
    prefix: m.prefix,
    params: m.params,
    doc: m.doc,
    readrights: m.needsRead !== false,
    writerights: false,
    mustbeposted: false,
  };
}

/** The modules a `modules=` list names (main, X, *, query+X, query+*), and what it names that does not exist. */
export function resolveModules(
  registry: ModuleRegistry,
  paths: readonly string[],
): { found: Describable[]; missing: string[] } {
  const found: Describable[] = [];
  const missing: string[] = [];
  const actions = new Map(registry.actions().map((m) => [m.name, m]));
  const subs = new Map(registry.querySubmodules.map((m) => [m.name, m]));
  const subNames = [...subs.keys()].sort();
  for (const path of paths) {
    if (path === 'main') found.push(registry.main());
    else if (path === '*')
      for (const name of [...actions.keys()].sort()) found.push(actionDescribable(actions.get(name)!));
    else if (path.startsWith('query+')) {
      const sub = path.slice('query+'.length);
      if (sub === '*') for (const name of subNames) found.push(submoduleDescribable(subs.get(name)!));
      else if (subs.has(sub)) found.push(submoduleDescribable(subs.get(sub)!));
      else missing.push(`The module "query" does not have a submodule "${sub}".`);
    } else if (actions.has(path)) found.push(actionDescribable(actions.get(path)!));
    else if (formatModules.some((f) => f.name === path))
      found.push(formatModules.find((f) => f.name === path)!);
    else {
      const i = path.lastIndexOf('+');
      missing.push(
        i < 0
          ? `The module "main" does not have a submodule "${path}".`
          : `The module "${path.slice(0, i)}" does not have a submodule "${path.slice(i + 1)}".`,
      );
    }
  }
  return { found, missing };
}

export function createParamInfoModule(registry: ModuleRegistry): ApiModule {
  const querySubmoduleNames = registry.querySubmodules.map((m) => m.name).sort();
  const params = {
    modules: { type: 'multi', freeValues: true },
    helpformat: { type: 'enum', values: ['html', 'wikitext', 'raw', 'none'], default: 'none' },
    querymodules: { type: 'multi', values: querySubmoduleNames, deprecated: true },
    mainmodule: { type: 'string', deprecated: true },
    pagesetmodule: { type: 'string', deprecated: true },
    formatmodules: { type: 'multi', values: formatModules.map((f) => f.name), deprecated: true },
  } satisfies ParamDefs;
  return defineModule({
    name: 'paraminfo',
    params,
    needsRead: false,
    doc: { classname: 'ApiParamInfo', helpurls: [helpUrl('Parameter_information')] },
    async execute(ctx, p) {
      const out: Record<string, unknown> = { helpformat: p.helpformat };
      const { found, missing } = resolveModules(registry, p.modules);
      // Help texts only when asked for: `none` (what clients use) lists the facts alone.
      const help =
        p.helpformat === 'none' ? undefined : helpTexts(p.helpformat as HelpFormat, ctx.config.scriptPath);
      const modules = found.map((d) => describeModule(ctx, d, help));
      const add = (d: Describable) => modules.push(describeModule(ctx, d, help));
      const subs = new Map(registry.querySubmodules.map((m) => [m.name, m]));
      for (const name of p.querymodules) add(submoduleDescribable(subs.get(name)!));
      if (missing.length) ctx.warn('paraminfo', 'badmodule', missing.join('\n'));
      out.modules = modules;
      if (p.formatmodules.length) {
        out.formatmodules = p.formatmodules.map((name) =>
          describeModule(ctx, formatModules.find((f) => f.name === name)!, help),
        );
      }
      if (p.mainmodule !== undefined) out.mainmodule = describeModule(ctx, registry.main(), help);
      if (p.pagesetmodule !== undefined) out.pagesetmodule = pageSet(ctx, registry);
      ctx.result.paraminfo = out;
    },
  });
}

function pageSet(ctx: ApiContext, registry: ModuleRegistry): Record<string, unknown> {
  const d = describeModule(ctx, pageSetModule(registry.query(), registry.querySubmodules));
  // The page set is no module of its own: MediaWiki leaves out its name, path and group.
  const { name: _n, path: _p, group: _g, ...rest } = d;
  return rest;
}
