/**
 * action=protect: protect a title against editing, moving, uploading (file pages) or creation
 * (missing titles), for a time or for ever, as MediaWiki 1.39 answers it; unprotect with `type=all`.
 */
import { permissionDenied } from '../../auth/permissions.js';
import { MwError } from '../../errors.js';
import type { Protection } from '../../files/protections.js';
import { NS_FILE } from '../../files/repo.js';
import { parseExpiry } from '../expiry.js';
import { defineModule, helpUrl } from '../module.js';
import { titleParser } from '../query/titles.js';
import { actorOf } from './edit.js';

const LEVELS = ['autoconfirmed', 'sysop'];

export const protectModule = defineModule({
  name: 'protect',
  doc: { classname: 'ApiProtect', helpurls: [helpUrl('Protect')] },
  mustBePosted: true,
  writeMode: true,
  needsToken: 'csrf',
  params: {
    title: { type: 'string' },
    pageid: { type: 'integer' },
    protections: { type: 'multi', freeValues: true, required: true },
    expiry: { type: 'multi', freeValues: true, default: 'infinite', doc: { allowsduplicates: true } },
    reason: { type: 'string', default: '' },
    tags: { type: 'multi', freeValues: true, doc: { changeTags: true } },
    cascade: { type: 'boolean' },
    watch: { type: 'boolean', deprecated: true },
    watchlist: {
      type: 'enum',
      values: ['watch', 'unwatch', 'preferences', 'nochange'],
      default: 'preferences',
    },
  },
  async execute(ctx, p) {
    if (!ctx.can('protect')) throw permissionDenied(ctx.services.permissions, ctx.config.siteName, 'protect');
    if ((p.title === undefined) === (p.pageid === undefined)) {
      throw new MwError('invalidparammix', 'The parameters "title" and "pageid" can not be used together.');
    }
    const { pages } = ctx.services;
    let ns: number;
    let dbKey: string;
    if (p.pageid !== undefined) {
      const row = await pages.byId(p.pageid);
      if (!row) throw new MwError('nosuchpageid', `There is no page with ID ${p.pageid}.`);
      ns = row.namespace;
      dbKey = row.title;
    } else {
      const t = titleParser(ctx.config).newFromText(p.title!);
      if (!t || t.ns < 0) throw new MwError('invalidtitle', `Bad title "${p.title}".`);
      ns = t.ns;
      dbKey = t.dbKey;
    }
    const exists = (await pages.byTitle(ns, dbKey)) !== null;
    const types = exists ? (ns === NS_FILE ? ['edit', 'move', 'upload'] : ['edit', 'move']) : ['create'];
    const expiries = p.expiry.length ? p.expiry : ['infinite'];
    if (expiries.length !== 1 && expiries.length !== p.protections.length) {
      throw new MwError(
        'toofewexpiries',
        `${expiries.length} expiry timestamps were provided where ${p.protections.length} were needed.`,
      );
    }
    const changes: (Protection & { shownExpiry: string; shownLevel: string | null })[] = [];
    for (const [i, spec] of p.protections.entries()) {
      const [type, level] = spec.includes('=') ? (spec.split('=', 2) as [string, string]) : [spec, null];
      if (!exists && type !== 'create') {
        throw new MwError('missingtitle-createonly', 'Missing titles can only be protected with "create".');
      }
      if (!['edit', 'move', 'upload', 'create'].includes(type)) {
        throw new MwError('protect-invalidaction', `Invalid protection type "${type}".`);
      }
      if (exists && type === 'create') {
        throw new MwError('create-titleexists', 'Existing titles can\'t be protected with "create".');
      }
      if (!types.includes(type))
        throw new MwError('protect-invalidaction', `Invalid protection type "${type}".`);
      if (level !== null && level !== 'all' && !LEVELS.includes(level)) {
        throw new MwError('protect-invalidlevel', `Invalid protection level "${level}".`);
      }
      const rawExpiry = expiries[expiries.length === 1 ? 0 : i]!;
      let expiry: string | null;
      try {
        expiry = parseExpiry('expiry', rawExpiry);
      } catch (e) {
        if (e instanceof MwError && e.code === 'badexpiry-past') {
          throw new MwError('pastexpiry', `Expiry time "${rawExpiry}" is in the past.`);
        }
        throw new MwError('invalidexpiry', `Invalid expiry time "${rawExpiry}".`);
      }
      const effective = level === null || level === 'all' ? '' : level;
      changes.push({
        type,
        level: effective,
        expiry: effective ? expiry : null,
        shownLevel: level === null ? null : effective,
        shownExpiry: expiry ?? 'infinite',
      });
    }
    const page = await pages.byTitle(ns, dbKey);
    await ctx.services.protections.set(ns, dbKey, changes, {
      actor: actorOf(ctx),
      reason: p.reason,
      pageId: page?.id ?? 0,
    });
    const t = titleParser(ctx.config).makeTitle(ns, dbKey);
    ctx.result.protect = {
      title: t.prefixedText,
      reason: p.reason,
      protections: changes.map((c) => ({ [c.type]: c.shownLevel, expiry: c.shownExpiry })),
    };
  },
});
