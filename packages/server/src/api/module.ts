import type { ApiContext } from './context.js';
import type { ParamDefs, Params } from './params.js';

/** A help page of the API on mediawiki.org, as modules list them (`helpurls`). */
export const helpUrl = (page: string) => `https://www.mediawiki.org/wiki/Special:MyLanguage/API:${page}`;

/** What action=paraminfo says of a module beyond its parameters (MediaWiki's class and help pages). */
export interface ModuleDoc {
  classname: string;
  helpurls?: readonly string[];
  /** Usable as `generator=` (query submodules). */
  generator?: boolean;
}

/** One `action=` module. */
export interface ApiModule<D extends ParamDefs = ParamDefs> {
  readonly name: string;
  readonly params: D;
  readonly doc?: ModuleDoc;
  /** Prefix of the parameter names (`lg` for action=login). */
  readonly prefix?: string;
  /** Refuse GET requests (`mustbeposted`). */
  readonly mustBePosted?: boolean;
  /** Needs the `writeapi` right. */
  readonly writeMode?: boolean;
  /** Token type checked from the `token` parameter before the module runs. */
  readonly needsToken?: string;
  /** Needs the `read` right (default true). */
  readonly needsRead?: boolean;
  execute(ctx: ApiContext, params: Params<D>): Promise<void>;
}

/** Helper that keeps a module's parameter types when declaring it. */
export function defineModule<D extends ParamDefs>(m: ApiModule<D>): ApiModule<D> {
  return m;
}
