import { IMPLICIT_GROUPS } from '../../auth/rights.js';
import { defineQueryModule } from './submodule.js';

const PROPS = [
  'blockinfo',
  'hasmsg',
  'groups',
  'groupmemberships',
  'implicitgroups',
  'rights',
  'changeablegroups',
  'options',
  'editcount',
  'ratelimits',
  'theoreticalratelimits',
  'email',
  'realname',
  'acceptlang',
  'registrationdate',
  'unreadcount',
  'centralids',
  'latestcontrib',
  'cancreateaccount',
] as const;

/** meta=userinfo */
export const metaUserinfo = defineQueryModule({
  name: 'userinfo',
  kind: 'meta',
  prefix: 'ui',
  params: {
    prop: { type: 'multi', values: PROPS, allowAll: true },
    attachedwiki: { type: 'string' },
  },
  async execute(q, p) {
    const { ctx } = q;
    const id = ctx.identity;
    const props = new Set(p.prop);
    const out: Record<string, unknown> = { id: id.user?.id ?? 0, name: id.name };
    if (!id.user) ctx.flag(out, 'anon', true);
    if (props.has('hasmsg')) ctx.flag(out, 'messages', false);
    if (props.has('groups')) out.groups = id.groups;
    if (props.has('groupmemberships')) {
      out.groupmemberships = (id.user?.groups ?? []).map((g) => ({ group: g, expiry: 'infinity' }));
    }
    if (props.has('implicitgroups'))
      out.implicitgroups = id.groups.filter((g) => (IMPLICIT_GROUPS as readonly string[]).includes(g));
    if (props.has('rights')) out.rights = [...id.rights];
    if (props.has('changeablegroups')) {
      const all = id.rights.has('userrights')
        ? Object.keys(ctx.services.permissions).filter(
            (g) => !(IMPLICIT_GROUPS as readonly string[]).includes(g),
          )
        : [];
      out.changeablegroups = { add: all, remove: all, 'add-self': [], 'remove-self': [] };
    }
    if (props.has('options')) out.options = {};
    if (props.has('editcount') && id.user) out.editcount = id.user.editCount;
    if (props.has('ratelimits')) out.ratelimits = {};
    if (props.has('theoreticalratelimits')) out.theoreticalratelimits = {};
    if (props.has('realname') && id.user) out.realname = '';
    if (props.has('registrationdate') && id.user) out.registrationdate = id.user.registration;
    if (props.has('unreadcount')) out.unreadcount = 0;
    if (props.has('acceptlang')) out.acceptlang = [];
    if (props.has('centralids')) {
      out.centralids = { local: id.user?.id ?? 0 };
      out.attachedlocal = { local: id.user !== null };
    }
    if (props.has('cancreateaccount')) ctx.flag(out, 'cancreateaccount', false);
    q.query.userinfo = out;
  },
});
