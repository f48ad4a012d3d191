import type { ParamDefs } from '../params.js';
import { metaAllmessages } from './allmessages/index.js';
import { listAllimages } from './list-allimages.js';
import { listAllpages } from './list-allpages.js';
import { listFilearchive } from './list-filearchive.js';
import { listImageusage } from './list-imageusage.js';
import { listLogevents } from './list-logevents.js';
import { listMystashedfiles } from './list-mystashedfiles.js';
import { listRecentchanges } from './list-recentchanges.js';
import { listUsers } from './list-users.js';
import { metaFilerepoinfo } from './meta-filerepoinfo.js';
import { metaSiteinfo } from './meta-siteinfo.js';
import { metaTokens } from './meta-tokens.js';
import { metaUserinfo } from './meta-userinfo.js';
import { propDuplicatefiles } from './prop-duplicatefiles.js';
import { propImageinfo } from './prop-imageinfo.js';
import { propInfo } from './prop-info.js';
import { propRevisions } from './prop-revisions.js';
import { propStashimageinfo } from './prop-stashimageinfo.js';
import type { QuerySubmodule } from './submodule.js';

/** Every prop=/list=/meta= submodule of action=query. */
export const QUERY_SUBMODULES = [
  propInfo,
  propRevisions,
  propImageinfo,
  propDuplicatefiles,
  propStashimageinfo,
  listAllimages,
  listAllpages,
  listLogevents,
  listMystashedfiles,
  listRecentchanges,
  listUsers,
  listFilearchive,
  listImageusage,
  metaTokens,
  metaUserinfo,
  metaSiteinfo,
  metaFilerepoinfo,
  metaAllmessages,
] as unknown as QuerySubmodule<ParamDefs>[];
