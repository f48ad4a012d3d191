import type { ApiContext } from './context.js';
import type { ParamDefs, Params } from './params.js';

/** One `action=` module. */
export interface ApiModule<D extends ParamDefs = ParamDefs> {
  readonly name: string;
  readonly params: D;
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
