import type { ApiContext } from '../context.js';
import type { ModuleDoc } from '../module.js';
import type { ParamDefs, Params } from '../params.js';
import type { PageSet } from './pageset.js';

export type QueryKind = 'prop' | 'list' | 'meta';

/** State shared by the submodules of one action=query request. */
export interface QueryContext {
  ctx: ApiContext;
  /** The `query` object of the result. */
  query: Record<string, unknown>;
  pages: PageSet;
  /** Continuation values set by submodules (`{ aicontinue: … }`). */
  continuation: Record<string, string>;
  /** Whether a prop module left work for the current pages (then batchcomplete is not set). */
  propIncomplete: boolean;
}

export interface QuerySubmodule<D extends ParamDefs = ParamDefs> {
  readonly name: string;
  readonly kind: QueryKind;
  readonly prefix: string;
  readonly params: D;
  readonly doc?: ModuleDoc;
  /** Needs no read right (meta=tokens). */
  readonly needsRead?: boolean;
  execute(q: QueryContext, params: Params<D>): Promise<void>;
}

export function defineQueryModule<D extends ParamDefs>(m: QuerySubmodule<D>): QuerySubmodule<D> {
  return m;
}
