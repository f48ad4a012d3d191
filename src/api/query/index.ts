import type { ParamDefs } from '../params.js';
import { metaSiteinfo } from './meta-siteinfo.js';
import { metaTokens } from './meta-tokens.js';
import { metaUserinfo } from './meta-userinfo.js';
import type { QuerySubmodule } from './submodule.js';

/** Every prop=/list=/meta= submodule of action=query. */
export const QUERY_SUBMODULES = [
  metaTokens,
  metaUserinfo,
  metaSiteinfo,
] as unknown as QuerySubmodule<ParamDefs>[];
