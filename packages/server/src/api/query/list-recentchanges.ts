/**
 * list=recentchanges (also as a generator): edits and the log entries MediaWiki shows in recent
 * changes (uploads with the revision they made, deletions, protections), newest first.
 */
import { MwError } from '../../errors.js';
import { commentLinkTargets, formatComment } from '../../files/imageinfo.js';
import { logParamsOf } from '../../files/logs.js';
import type { ChangeFilter, RecentChange } from '../../files/recent-changes.js';
import { sha1FromBase36 } from '../../util/sha1.js';
import type { ApiContext } from '../context.js';
import { helpUrl } from '../module.js';
import { noteMaxLimit, timeAndIdContinue, timestampParam, ts14, userParam } from './pageset.js';
import { defineQueryModule } from './submodule.js';
import { parseTitle, titleFromDb } from './titles.js';

const PROPS = [
  'comment',
  'flags',
  'ids',
  'loginfo',
  'parsedcomment',
  'patrolled',
  'redirect',
  'sha1',
  'sizes',
  'tags',
  'timestamp',
  'title',
  'user',
  'userid',
] as const;

const SHOW = [
  '!anon',
  '!autopatrolled',
  '!bot',
  '!minor',
  '!patrolled',
  '!redirect',
  'anon',
  'autopatrolled',
  'bot',
  'minor',
  'patrolled',
  'redirect',
  'unpatrolled',
] as const;

/** `rcshow` values that cannot go together (MediaWiki answers `show`). */
const CONFLICTS: [string, string][] = [
  ['minor', '!minor'],
  ['bot', '!bot'],
  ['anon', '!anon'],
  ['redirect', '!redirect'],
  ['patrolled', '!patrolled'],
  ['patrolled', 'unpatrolled'],
  ['autopatrolled', '!autopatrolled'],
  ['autopatrolled', '!patrolled'],
  ['autopatrolled', 'unpatrolled'],
];

const USER = { type: 'user', subtypes: ['name', 'ip', 'interwiki', 'id'] } as const;

/** Whether the user sees patrol marks ($wgUseRCPatrol with the patrol or patrolmarks right). */
const seesPatrolMarks = (ctx: ApiContext) => ctx.can('patrol') || ctx.can('patrolmarks');

export const listRecentchanges = defineQueryModule({
  name: 'recentchanges',
  kind: 'list',
  prefix: 'rc',
  doc: { classname: 'ApiQueryRecentChanges', helpurls: [helpUrl('Recentchanges')], generator: true },
  params: {
    start: { type: 'string', doc: { type: 'timestamp' } },
    end: { type: 'string', doc: { type: 'timestamp' } },
    dir: { type: 'enum', values: ['newer', 'older'], default: 'older' },
    namespace: {
      type: 'multi',
      freeValues: true,
      integers: true,
      allowAll: true,
      doc: { type: 'namespace', allspecifier: '*', extranamespaces: [-2, -1] },
    },
    user: { type: 'string', doc: USER },
    excludeuser: { type: 'string', doc: USER },
    tag: { type: 'string' },
    prop: { type: 'multi', values: PROPS, default: 'title|timestamp|ids' },
    show: { type: 'multi', values: SHOW },
    limit: { type: 'limit', default: 10, max: 500, highMax: 5000 },
    type: {
      type: 'multi',
      values: ['categorize', 'edit', 'external', 'log', 'new'],
      default: 'edit|new|log|categorize',
    },
    toponly: { type: 'boolean' },
    title: { type: 'string' },
    continue: { type: 'string' },
    generaterevisions: { type: 'boolean' },
    slot: { type: 'enum', values: ['main'] },
  },
  async execute(q, p) {
    const { ctx } = q;
    if (p.user !== undefined && p.excludeuser !== undefined) {
      throw new MwError(
        'invalidparammix',
        'The parameters "rcuser" and "rcexcludeuser" can not be used together.',
      );
    }
    const older = p.dir === 'older';
    noteMaxLimit(ctx, 'recentchanges', 'rclimit', p.limit);
    const filter: ChangeFilter = {
      older,
      limit: p.limit + 1,
      types: p.type,
      start: timestampParam('rcstart', p.start),
      end: timestampParam('rcend', p.end),
    };
    if (p.namespace.length && !p.namespace.includes('*')) filter.namespaces = p.namespace.map(Number);
    if (p.continue !== undefined) filter.from = timeAndIdContinue(p.continue);
    const show = new Set(p.show);
    if (CONFLICTS.some(([a, b]) => show.has(a) && show.has(b))) {
      throw new MwError('show', 'Incorrect parameter - mutually exclusive values may not be supplied.');
    }
    const patrolShow = ['patrolled', '!patrolled', 'unpatrolled', 'autopatrolled', '!autopatrolled'];
    if (patrolShow.some((s) => show.has(s)) && !seesPatrolMarks(ctx)) {
      throw new MwError(
        'permissiondenied',
        'You need the "patrol" or "patrolmarks" right to request the patrolled flag.',
      );
    }
    const tri = (yes: string, no: string) => (show.has(yes) ? true : show.has(no) ? false : undefined);
    filter.minor = tri('minor', '!minor');
    filter.bot = tri('bot', '!bot');
    filter.anon = tri('anon', '!anon');
    filter.patrolled = show.has('unpatrolled') ? false : tri('patrolled', '!patrolled');
    filter.autopatrolled = tri('autopatrolled', '!autopatrolled');
    // There are no redirects here: asking for them lists nothing.
    if (show.has('redirect')) filter.types = [];
    if (p.user !== undefined) filter.userText = userParam(p.user);
    if (p.excludeuser !== undefined) filter.excludeUserText = userParam(p.excludeuser);
    if (p.tag !== undefined) filter.tag = p.tag;
    if (p.toponly) filter.topOnly = true;
    const props = new Set(p.prop);
    if (props.has('patrolled') && !seesPatrolMarks(ctx)) {
      throw new MwError(
        'permissiondenied',
        'You need the "patrol" or "patrolmarks" right to request the patrolled flag.',
      );
    }
    if (p.title !== undefined) {
      const t = parseTitle(p.title, 0, ctx.config);
      if ('invalid' in t) throw new MwError('invalidtitle', `Bad title "${p.title}".`);
      filter.page = { ns: t.ns, dbKey: t.dbKey };
    }
    const rows = await ctx.services.recentChanges.list(filter);
    const list: Record<string, unknown>[] = [];
    for (const [i, r] of rows.entries()) {
      if (i >= p.limit) {
        q.continuation.rccontinue = `${ts14(r.timestamp)}|${r.id}`;
        break;
      }
      list.push(await describe(ctx, r, props));
    }
    q.query.recentchanges = list;
  },
});

/** One change as MediaWiki's ApiQueryRecentChanges prints it, key order included. */
async function describe(
  ctx: ApiContext,
  r: RecentChange,
  props: Set<string>,
): Promise<Record<string, unknown>> {
  const { pages, tags } = ctx.services;
  const v: Record<string, unknown> = { type: r.type };
  const t = titleFromDb(r.namespace, r.title, ctx.config);
  if (props.has('title')) {
    v.ns = r.namespace;
    v.title = t.prefixedText;
  }
  if (props.has('ids')) {
    Object.assign(v, { pageid: r.page_id, revid: r.rev_id, old_revid: r.old_rev_id, rcid: r.id });
  }
  if (props.has('user')) v.user = r.user_text;
  if (props.has('userid')) v.userid = r.user_id;
  if ((props.has('user') || props.has('userid')) && !r.user_id) ctx.flag(v, 'anon', true);
  if (props.has('flags')) {
    ctx.flag(v, 'bot', r.bot === 1);
    ctx.flag(v, 'new', r.type === 'new');
    ctx.flag(v, 'minor', r.minor === 1);
  }
  if (props.has('sizes')) {
    v.oldlen = r.old_len;
    v.newlen = r.new_len;
  }
  if (props.has('timestamp')) v.timestamp = r.timestamp;
  if (props.has('comment')) v.comment = r.comment;
  if (props.has('parsedcomment')) {
    const known = await pages.existing(ctx.config, commentLinkTargets(ctx.config, r.comment));
    v.parsedcomment = formatComment(ctx.config, r.comment, t.prefixedDbKey, known);
  }
  if (props.has('redirect')) ctx.flag(v, 'redirect', false);
  if (props.has('patrolled')) {
    ctx.flag(v, 'patrolled', r.patrolled !== 0);
    ctx.flag(v, 'unpatrolled', r.patrolled === 0);
    ctx.flag(v, 'autopatrolled', r.patrolled === 2);
  }
  if (props.has('loginfo') && r.type === 'log') {
    v.logid = r.log_id;
    v.logtype = r.log_type ?? '';
    v.logaction = r.log_action ?? '';
    v.logparams = logParamsOf({ params: r.log_params ?? '{}' });
  }
  if (props.has('tags'))
    v.tags = r.type === 'log' ? await tags.ofLogEntry(r.log_id) : await tags.ofRevision(r.rev_id);
  if (props.has('sha1') && r.sha1 !== null) v.sha1 = r.sha1 === '' ? '' : sha1FromBase36(r.sha1);
  return v;
}
