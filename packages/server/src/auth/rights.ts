/**
 * Groups, rights and grants with MediaWiki 1.39's defaults.
 */

export type GroupPermissions = Record<string, Record<string, boolean>>;

export const IMPLICIT_GROUPS = ['*', 'user', 'autoconfirmed'] as const;

/** $wgGroupPermissions of MediaWiki 1.39. */
export const DEFAULT_GROUP_PERMISSIONS: GroupPermissions = {
  '*': flags(
    'createaccount read edit createpage createtalk writeapi viewmywatchlist editmywatchlist viewmyprivateinfo editmyprivateinfo editmyoptions',
  ),
  user: flags(
    'move move-subpages move-rootuserpages move-categorypages movefile read edit createpage createtalk writeapi upload reupload reupload-shared minoredit editmyusercss editmyuserjson editmyuserjs editmyuserjsredirect purge sendemail applychangetags changetags editcontentmodel',
  ),
  autoconfirmed: flags('autoconfirmed editsemiprotected'),
  bot: flags(
    'bot autoconfirmed editsemiprotected nominornewtalk autopatrol suppressredirect apihighlimits writeapi',
  ),
  sysop: flags(
    'block createaccount delete bigdelete deletedhistory deletedtext undelete editinterface editsitejson edituserjson import importupload move move-subpages move-rootuserpages move-categorypages patrol autopatrol protect editprotected rollback upload reupload reupload-shared unwatchedpages autoconfirmed editsemiprotected ipblock-exempt blockemail markbotedits apihighlimits browsearchive noratelimit movefile unblockself suppressredirect mergehistory managechangetags deletechangetags',
  ),
  'interface-admin': flags(
    'editinterface editsitecss editsitejson editsitejs editusercss edituserjson edituserjs',
  ),
  bureaucrat: flags('userrights noratelimit'),
  suppress: flags('hideuser suppressrevision viewsuppressed suppressionlog deleterevision deletelogentry'),
};

/** $wgGrantPermissions of MediaWiki 1.39 (the grants a bot password can hold). */
export const GRANT_PERMISSIONS: Record<string, string[]> = {
  basic: words(
    'autocreateaccount autoconfirmed autopatrol editsemiprotected ipblock-exempt nominornewtalk patrolmarks purge read writeapi unwatchedpages',
  ),
  highvolume: words('bot apihighlimits noratelimit markbotedits'),
  import: words('import importupload'),
  editpage: words('edit minoredit applychangetags changetags editcontentmodel'),
  editprotected: words('edit minoredit applychangetags changetags editcontentmodel editprotected'),
  editmycssjs: words('edit minoredit applychangetags changetags editmyusercss editmyuserjson editmyuserjs'),
  editmyoptions: words('editmyoptions editmyuserjson'),
  editinterface: words(
    'edit minoredit applychangetags changetags editinterface edituserjson editsitejson editcontentmodel',
  ),
  editsiteconfig: words(
    'edit minoredit applychangetags changetags editinterface edituserjson editsitejson editusercss edituserjs editsitecss editsitejs editcontentmodel',
  ),
  createeditmovepage: words(
    'edit minoredit applychangetags changetags createpage createtalk delete-redirect move move-rootuserpages move-subpages move-categorypages suppressredirect',
  ),
  uploadfile: words('upload reupload-own'),
  uploadeditmovefile: words(
    'upload reupload-own reupload reupload-shared upload_by_url movefile suppressredirect',
  ),
  patrol: words('patrol'),
  rollback: words('rollback'),
  blockusers: words('block blockemail'),
  viewdeleted: words('browsearchive deletedhistory deletedtext'),
  viewrestrictedlogs: words('suppressionlog'),
  delete: words(
    'browsearchive deletedhistory deletedtext delete bigdelete deletelogentry deleterevision undelete',
  ),
  oversight: words('suppressrevision viewsuppressed'),
  protect: words('edit minoredit applychangetags changetags editprotected protect'),
  viewmywatchlist: words('viewmywatchlist'),
  editmywatchlist: words('editmywatchlist'),
  sendemail: words('sendemail'),
  createaccount: words('createaccount'),
  privateinfo: words('viewmyprivateinfo'),
  mergehistory: words('mergehistory'),
};

/** Grants every bot password has, whatever was chosen ('basic' is hidden in MediaWiki's form). */
export const IMPLICIT_GRANTS = ['basic'];

function words(s: string): string[] {
  return s.split(/\s+/).filter(Boolean);
}
function flags(s: string): Record<string, boolean> {
  return Object.fromEntries(words(s).map((w) => [w, true]));
}

/** Merge configured overrides onto the defaults (a `false` value revokes the right for that group). */
export function buildGroupPermissions(overrides: GroupPermissions): GroupPermissions {
  const out: GroupPermissions = {};
  for (const [g, r] of Object.entries(DEFAULT_GROUP_PERMISSIONS)) out[g] = { ...r };
  for (const [g, r] of Object.entries(overrides)) out[g] = { ...(out[g] ?? {}), ...r };
  return out;
}

/** The groups a user is in, explicit ones first, then the implicit ones (as meta=userinfo lists them). */
export function effectiveGroups(explicit: string[], loggedIn: boolean): string[] {
  if (!loggedIn) return ['*'];
  return [...explicit.filter((g) => !(IMPLICIT_GROUPS as readonly string[]).includes(g)), ...IMPLICIT_GROUPS];
}

/**
 * Rights of a set of groups, optionally restricted to what bot-password grants allow.
 * Order follows the groups' order, first occurrence wins.
 */
export function rightsFor(groups: string[], perms: GroupPermissions, grants: string[] | null): string[] {
  const rights: string[] = [];
  const seen = new Set<string>();
  for (const g of groups) {
    for (const [right, on] of Object.entries(perms[g] ?? {})) {
      if (on && !seen.has(right)) {
        seen.add(right);
        rights.push(right);
      }
    }
  }
  if (!grants) return rights;
  const allowed = new Set<string>();
  for (const g of [...IMPLICIT_GRANTS, ...grants]) for (const r of GRANT_PERMISSIONS[g] ?? []) allowed.add(r);
  return rights.filter((r) => allowed.has(r));
}

/** Groups that have a right (for "limited to users in the groups: …" messages), in config order. */
export function groupsWithRight(right: string, perms: GroupPermissions): string[] {
  return Object.entries(perms)
    .filter(([, r]) => r[right])
    .map(([g]) => g);
}
