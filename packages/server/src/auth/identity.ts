import type { GroupPermissions } from './rights.js';
import { effectiveGroups, rightsFor } from './rights.js';
import type { Session } from './sessions.js';
import type { User, UserService } from './users.js';

/** Who is making a request, and what they may do. */
export interface Identity {
  user: User | null;
  session: Session | null;
  /** The user's name, or the client address for anonymous requests. */
  name: string;
  groups: string[];
  rights: Set<string>;
  /** Grants of the bot password or OAuth token, or null for a main-account or anonymous session. */
  grants: string[] | null;
}

export async function resolveIdentity(
  session: Session | null,
  users: UserService,
  perms: GroupPermissions,
  ip: string,
): Promise<Identity> {
  let user: User | null = null;
  let grants: string[] | null = null;
  if (session?.userId != null) {
    const botAppId = session.oauth ? null : (session.botAppId ?? null);
    const read = session.read ?? (await users.forSession(session.userId, botAppId));
    user = read.user;
    if (session.oauth) grants = session.oauth.grants;
    else if (user && botAppId) {
      grants = read.grants;
      if (!grants) user = null; // the bot password was deleted: the session no longer logs in
    }
  }
  const groups = effectiveGroups(user?.groups ?? [], user !== null);
  return {
    user,
    session,
    name: user?.name ?? ip,
    groups,
    rights: new Set(rightsFor(groups, perms, grants)),
    grants,
  };
}

/** The identity of a user acting outside a request (background jobs): the account's own rights. */
export function identityForUser(user: User, perms: GroupPermissions): Identity {
  const groups = effectiveGroups(user.groups, true);
  return {
    user,
    session: null,
    name: user.name,
    groups,
    rights: new Set(rightsFor(groups, perms, null)),
    grants: null,
  };
}

/**
 * Who the repository records as doing what this identity does: the user, and how recent changes
 * mark it (as a bot's when the user has the bot right, patrolled from the start with autopatrol).
 */
export function actorFor(who: Identity): { id: number; name: string; bot: boolean; autopatrolled: boolean } {
  return {
    id: who.user?.id ?? 0,
    name: who.user?.name ?? who.name,
    bot: who.rights.has('bot'),
    autopatrolled: who.rights.has('autopatrol'),
  };
}
