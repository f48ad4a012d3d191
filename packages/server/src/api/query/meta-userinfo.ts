import { IMPLICIT_GROUPS } from '../../auth/rights.js';
import { helpUrl } from '../module.js';
import { defaultOptions } from './siteinfo/core-facts.js';
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
] as const;

/** meta=userinfo */
export const metaUserinfo = defineQueryModule({
  name: 'userinfo',
  kind: 'meta',
  prefix: 'ui',
  doc: { classname: 'ApiQueryUserInfo', helpurls: [helpUrl('Userinfo')] },
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
    if (props.has('options')) out.options = defaultOptions();
    if (props.has('editcount')) out.editcount = id.user?.editCount ?? 0;
    if (props.has('ratelimits')) out.ratelimits = {};
    if (props.has('theoreticalratelimits')) out.theoreticalratelimits = {};
    if (props.has('realname')) out.realname = '';
    // No e-mail addresses are kept here: every user has none.
    if (props.has('email') && ctx.can('viewmyprivateinfo')) out.email = '';
    if (props.has('registrationdate') && id.user) out.registrationdate = id.user.registration;
    if (props.has('acceptlang')) {
      const header = ctx.request.headers['accept-language'];
      out.acceptlang = acceptLanguages(Array.isArray(header) ? header.join(',') : (header ?? '')).map(
        ({ q, code }) => ({ q, [ctx.contentKey('code')]: code }),
      );
    }
    if (props.has('unreadcount')) out.unreadcount = 0;
    if (props.has('centralids')) {
      out.centralids = { local: id.user?.id ?? 0 };
      const attached: Record<string, unknown> = {};
      ctx.flag(attached, 'local', id.user !== null);
      out.attachedlocal = attached;
    }
    if (props.has('latestcontrib') && id.user) {
      const latest = await ctx.services.revisions.latestBy(id.user.id);
      if (latest !== null) out.latestcontrib = latest;
    }
    q.query.userinfo = out;
  },
});

/**
 * The languages of an Accept-Language header by preference, as MediaWiki lists them: lower-cased,
 * q=0 dropped, highest q first (ties keep their order).
 */
export function acceptLanguages(header: string): { q: number; code: string }[] {
  const out: { q: number; code: string }[] = [];
  for (const part of header.toLowerCase().split(',')) {
    const m = /^\s*([a-z]{1,8}(?:-[a-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([01](?:\.\d{0,3})?))?\s*$/.exec(part);
    if (!m) continue;
    const q = m[2] === undefined ? 1 : Number(m[2]);
    if (q > 0) out.push({ q, code: m[1]! });
  }
  return out.sort((a, b) => b.q - a.q);
}
