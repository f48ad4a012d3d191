/** list=users: facts about named users (groups, rights, edit count, registration), as MediaWiki lists them. */

import { effectiveGroups, IMPLICIT_GROUPS, rightsFor } from '../../auth/rights.js';
import { canonicalUserName, type User } from '../../auth/users.js';
import type { ApiContext } from '../context.js';
import { helpUrl } from '../module.js';
import { defineQueryModule } from './submodule.js';

const PROPS = [
  'blockinfo',
  'groups',
  'groupmemberships',
  'implicitgroups',
  'rights',
  'editcount',
  'registration',
  'emailable',
  'gender',
  'centralids',
  'cancreate',
] as const;

export const listUsers = defineQueryModule({
  name: 'users',
  kind: 'list',
  prefix: 'us',
  doc: { classname: 'ApiQueryUsers', helpurls: [helpUrl('Users')] },
  params: {
    prop: { type: 'multi', values: PROPS },
    attachedwiki: { type: 'string' },
    users: { type: 'multi', freeValues: true },
    userids: { type: 'multi', freeValues: true, integers: true },
  },
  async execute(q, p) {
    const { ctx } = q;
    const users = ctx.services.users;
    const props = new Set(p.prop);
    const invalid: Record<string, unknown>[] = [];
    const found = new Map<number, User>();
    const missing: Record<string, unknown>[] = [];
    for (const raw of p.users) {
      const name = canonicalUserName(raw);
      if (name === null) {
        invalid.push(flagged(ctx, { name: raw }, 'invalid'));
        continue;
      }
      const u = await users.byName(name);
      if (u) found.set(u.id, u);
      else {
        const o = flagged(ctx, { name }, 'missing');
        if (props.has('cancreate')) ctx.flag(o, 'cancreate', true);
        missing.push(o);
      }
    }
    for (const raw of p.userids) {
      const id = Number(raw);
      const u = Number.isSafeInteger(id) ? await users.byId(id) : null;
      if (u) found.set(u.id, u);
      else missing.push(flagged(ctx, { userid: id }, 'missing'));
    }
    const list = [...found.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((u) => describeUser(ctx, u, props));
    q.query.users = [...invalid, ...list, ...missing];
  },
});

function flagged(ctx: ApiContext, o: Record<string, unknown>, flag: string): Record<string, unknown> {
  ctx.flag(o, flag, true);
  return o;
}

function describeUser(ctx: ApiContext, u: User, props: Set<string>): Record<string, unknown> {
  const o: Record<string, unknown> = { userid: u.id, name: u.name };
  const groups = effectiveGroups(u.groups, true);
  if (props.has('editcount')) o.editcount = u.editCount;
  if (props.has('registration')) o.registration = u.registration;
  if (props.has('groups')) o.groups = groups;
  if (props.has('groupmemberships'))
    o.groupmemberships = u.groups.map((group) => ({ group, expiry: 'infinity' }));
  if (props.has('implicitgroups')) o.implicitgroups = [...IMPLICIT_GROUPS];
  if (props.has('rights')) o.rights = rightsFor(groups, ctx.services.permissions, null);
  // No e-mail addresses are kept here: nobody can be e-mailed.
  if (props.has('emailable')) ctx.flag(o, 'emailable', false);
  if (props.has('gender')) o.gender = 'unknown';
  if (props.has('centralids')) {
    o.centralids = { local: u.id };
    o.attachedlocal = flagged(ctx, {}, 'local');
  }
  return o;
}
