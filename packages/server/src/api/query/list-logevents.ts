import { MwError } from '../../errors.js';
import { commentLinkTargets, formatComment } from '../../files/imageinfo.js';
import { type LogFilter, logParamsOf } from '../../files/logs.js';
import { pageKey } from '../../files/pages.js';
import { helpUrl } from '../module.js';
import { noteMaxLimit, timeAndIdContinue, timestampParam, ts14, userParam } from './pageset.js';
import { defineQueryModule } from './submodule.js';
import { parseTitle, titleFromDb } from './titles.js';

const PROPS = [
  'ids',
  'title',
  'type',
  'user',
  'userid',
  'timestamp',
  'comment',
  'parsedcomment',
  'details',
  'tags',
] as const;

/** $wgLogTypes of MediaWiki 1.39 (with the page creation and new user logs on). */
export const LOG_TYPES = [
  '',
  'block',
  'protect',
  'rights',
  'delete',
  'upload',
  'move',
  'import',
  'patrol',
  'merge',
  'suppress',
  'tag',
  'managetags',
  'contentmodel',
  'create',
  'newusers',
] as const;

/** `type/action` pairs accepted by `leaction` ($wgLogActions and $wgLogActionsHandlers keys). */
const LOG_ACTIONS = new Set([
  'block/block',
  'block/reblock',
  'block/unblock',
  'contentmodel/change',
  'contentmodel/new',
  'create/create',
  'delete/delete',
  'delete/delete_redir',
  'delete/delete_redir2',
  'delete/event',
  'delete/restore',
  'delete/revision',
  'import/interwiki',
  'import/upload',
  'managetags/activate',
  'managetags/create',
  'managetags/deactivate',
  'managetags/delete',
  'merge/merge',
  'move/move',
  'move/move_redir',
  'newusers/autocreate',
  'newusers/byemail',
  'newusers/create',
  'newusers/create2',
  'newusers/newusers',
  'patrol/autopatrol',
  'patrol/patrol',
  'protect/modify',
  'protect/move_prot',
  'protect/protect',
  'protect/unprotect',
  'rights/autopromote',
  'rights/rights',
  'suppress/block',
  'suppress/delete',
  'suppress/event',
  'suppress/reblock',
  'suppress/revision',
  'tag/update',
  'upload/overwrite',
  'upload/revert',
  'upload/upload',
]);

/** list=logevents */
export const listLogevents = defineQueryModule({
  name: 'logevents',
  kind: 'list',
  prefix: 'le',
  doc: { classname: 'ApiQueryLogEvents', helpurls: [helpUrl('Logevents')] },
  params: {
    prop: { type: 'multi', values: PROPS, default: 'ids|title|type|user|timestamp|comment|details' },
    type: { type: 'enum', values: LOG_TYPES },
    action: { type: 'string', doc: { describeAs: { type: 'enum', values: [...LOG_ACTIONS] } } },
    start: { type: 'string', doc: { type: 'timestamp' } },
    end: { type: 'string', doc: { type: 'timestamp' } },
    dir: { type: 'enum', values: ['newer', 'older'], default: 'older' },
    user: { type: 'string', doc: { type: 'user', subtypes: ['name', 'ip', 'interwiki', 'id'] } },
    title: { type: 'string' },
    namespace: { type: 'integer', doc: { type: 'namespace', extranamespaces: [-2, -1] } },
    prefix: { type: 'string' },
    tag: { type: 'string' },
    limit: { type: 'limit', default: 10, max: 500, highMax: 5000 },
    continue: { type: 'string' },
  },
  async execute(q, p) {
    const { ctx } = q;
    const { logs, pages, tags } = ctx.services;
    const props = new Set(p.prop);
    const older = p.dir === 'older';
    noteMaxLimit(ctx, 'logevents', 'lelimit', p.limit);
    const filter: LogFilter = { older, limit: p.limit + 1 };
    if (p.action !== undefined) {
      const [type, action] = p.action.split('/', 2) as [string, string | undefined];
      const known =
        action === '*'
          ? (LOG_TYPES as readonly string[]).includes(type) && type !== ''
          : LOG_ACTIONS.has(p.action);
      if (!known) throw new MwError('badvalue', `Unrecognized value for parameter "leaction": ${p.action}.`);
      filter.type = type;
      if (action !== '*') filter.action = action!;
    } else if (p.type) {
      filter.type = p.type;
    }
    filter.start = timestampParam('lestart', p.start);
    filter.end = timestampParam('leend', p.end);
    if (p.user !== undefined) filter.userText = userParam(p.user);
    if (p.title !== undefined) {
      const t = parseTitle(p.title, 0, ctx.config);
      if ('invalid' in t) throw new MwError('invalidtitle', `Bad title "${p.title}".`);
      filter.page = { ns: t.ns, dbKey: t.dbKey };
    }
    if (p.namespace !== undefined) filter.namespace = p.namespace;
    if (p.prefix !== undefined) {
      const t = parseTitle(p.prefix, 0, ctx.config);
      if ('invalid' in t) throw new MwError('invalidtitle', `Bad title "${p.prefix}".`);
      filter.prefix = { ns: t.ns, dbKey: t.dbKey };
    }
    if (p.tag !== undefined) filter.tag = p.tag;
    if (p.continue !== undefined) filter.from = timeAndIdContinue(p.continue);
    const rows = await logs.list(filter);
    const list: Record<string, unknown>[] = [];
    const pagesOfRows = props.has('ids')
      ? await pages.byTitles(rows.slice(0, p.limit).map((r) => ({ ns: r.namespace, dbKey: r.title })))
      : null;
    for (const [i, r] of rows.entries()) {
      if (i >= p.limit) {
        q.continuation.lecontinue = `${ts14(r.timestamp)}|${r.id}`;
        break;
      }
      const v: Record<string, unknown> = {};
      const t = titleFromDb(r.namespace, r.title, ctx.config);
      if (props.has('ids')) v.logid = r.id;
      if (props.has('title')) {
        v.ns = r.namespace;
        v.title = t.prefixedText;
      }
      if (props.has('ids')) {
        v.pageid = pagesOfRows?.get(pageKey(r.namespace, r.title))?.id ?? 0;
        v.logpage = r.page_id;
      }
      if (props.has('details')) v.params = logParamsOf(r);
      if (props.has('type')) {
        v.type = r.type;
        v.action = r.action;
      }
      if (props.has('user') || props.has('userid')) {
        if (props.has('user')) v.user = r.user_text;
        if (props.has('userid')) v.userid = r.user_id;
        if (!r.user_id) ctx.flag(v, 'anon', true);
      }
      if (props.has('timestamp')) v.timestamp = r.timestamp;
      if (props.has('comment')) v.comment = r.comment;
      if (props.has('parsedcomment')) {
        const known = await pages.existing(ctx.config, commentLinkTargets(ctx.config, r.comment));
        v.parsedcomment = formatComment(ctx.config, r.comment, t.prefixedDbKey, known);
      }
      if (props.has('tags')) {
        v.tags = await tags.ofLogEntry(r.id);
      }
      list.push(v);
    }
    q.query.logevents = list;
  },
});
