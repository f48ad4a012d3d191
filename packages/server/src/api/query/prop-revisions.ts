import { MwError } from '../../errors.js';
import { commentLinkTargets, formatComment } from '../../files/imageinfo.js';
import type { Revision } from '../../files/revisions.js';
import { sha1FromBase36 } from '../../util/sha1.js';
import type { ApiContext } from '../context.js';
import { helpUrl } from '../module.js';
import { badContinue, continueParts, noteMaxLimit, timestampParam, ts14 } from './pageset.js';
import { contentModelOf } from './prop-info.js';
import { defineQueryModule } from './submodule.js';
import { titleFromDb } from './titles.js';

const PROPS = [
  'ids',
  'flags',
  'timestamp',
  'user',
  'userid',
  'size',
  'slotsize',
  'sha1',
  'slotsha1',
  'contentmodel',
  'comment',
  'parsedcomment',
  'content',
  'tags',
  'roles',
] as const;

/** An integer limit parameter whose maximum depends on other parameters (revisions with content). */
function limitValue(
  ctx: ApiContext,
  name: string,
  raw: string | undefined,
  low: number,
  high: number,
): number | null {
  if (raw === undefined || raw === '') return null;
  const max = ctx.can('apihighlimits') ? high : low;
  if (raw.trim() === 'max') return max;
  if (!/^\s*[+-]?\d+\s*$/.test(raw))
    throw new MwError('badinteger', `Invalid value "${raw}" for integer parameter "${name}".`).withMessage(
      'paramvalidator-badinteger',
      [{ plaintext: name }, { plaintext: raw }],
    );
  const n = Number(raw.trim());
  if (n < 1 || n > max) {
    ctx.warn(
      'revisions',
      'outofrange',
      `The value "${raw}" for parameter "${name}" must be between 1 and ${max.toLocaleString('en-US')}.`,
      { min: 1, curmax: max, max: low, highmax: high },
      {
        key: 'paramvalidator-outofrange-minmax',
        params: [{ plaintext: name }, { plaintext: raw }, { num: 1 }, { num: max }],
      },
    );
    return Math.min(max, Math.max(1, n));
  }
  return n;
}

/** prop=revisions */
/** Parameters that only work with a single page (MediaWiki's `singlepageonly`). */
const SINGLE = [{ name: 'singlepageonly' }];
const USER_SUBTYPES = ['name', 'ip', 'interwiki', 'id'];

export const propRevisions = defineQueryModule({
  name: 'revisions',
  kind: 'prop',
  prefix: 'rv',
  doc: { classname: 'ApiQueryRevisions', helpurls: [helpUrl('Revisions')], generator: true },
  params: {
    prop: { type: 'multi', values: PROPS, default: 'ids|timestamp|flags|comment|user' },
    slots: { type: 'multi', values: ['main', '*'], doc: { allspecifier: '*' } },
    limit: { type: 'string', doc: { describeAs: { type: 'limit', max: 500, highMax: 5000 }, info: SINGLE } },
    startid: { type: 'integer', doc: { info: SINGLE } },
    endid: { type: 'integer', doc: { info: SINGLE } },
    start: { type: 'string', doc: { type: 'timestamp', info: SINGLE } },
    end: { type: 'string', doc: { type: 'timestamp', info: SINGLE } },
    dir: { type: 'enum', values: ['newer', 'older'], default: 'older', doc: { info: SINGLE } },
    user: { type: 'string', doc: { type: 'user', subtypes: USER_SUBTYPES, info: SINGLE } },
    excludeuser: { type: 'string', doc: { type: 'user', subtypes: USER_SUBTYPES, info: SINGLE } },
    tag: { type: 'string' },
    continue: { type: 'string' },
  },
  async execute(q, p) {
    const { ctx } = q;
    const props = new Set(p.prop);
    const fetchContent = props.has('content');
    const slotsMode = p.slots.length > 0;
    const needSlots =
      fetchContent || props.has('contentmodel') || props.has('slotsize') || props.has('slotsha1');
    if (needSlots && !slotsMode) {
      ctx.warn(
        'revisions',
        'deprecation',
        'Because "rvslots" was not specified, a legacy format has been used for the output. This format is deprecated, and in the future the new format will always be used.',
        { feature: 'action=query&prop=revisions&!rvslots' },
      );
    }
    const limit = limitValue(ctx, 'rvlimit', p.limit, fetchContent ? 50 : 500, fetchContent ? 500 : 5000);
    const enumMode =
      limit !== null ||
      p.startid !== undefined ||
      p.endid !== undefined ||
      p.dir === 'newer' ||
      p.user !== undefined ||
      p.excludeuser !== undefined ||
      p.start !== undefined ||
      p.end !== undefined;
    const pages = q.pages.existing;
    if (enumMode && q.pages.pages.length > 1) {
      throw new MwError(
        'invalidparammix',
        '"titles", "pageids" or a generator was used to supply multiple pages, but the "rvlimit", "rvstartid", "rvendid", "rvdir=newer", "rvuser", "rvexcludeuser", "rvstart", and "rvend" parameters may only be used on a single page.',
      );
    }
    if (p.user !== undefined && p.excludeuser !== undefined) {
      throw new MwError(
        'invalidparammix',
        'The parameters "rvuser" and "rvexcludeuser" can not be used together.',
      );
    }
    const start = timestampParam('rvstart', p.start);
    const end = timestampParam('rvend', p.end);
    const { revisions } = ctx.services;
    const render = async (r: Revision) => revisionInfo(ctx, r, props, slotsMode);

    if (!enumMode) {
      for (const page of pages) {
        const r = await revisions.byId(page.row!.latest_rev_id);
        if (r) page.data.revisions = [await render(r)];
      }
      return;
    }
    const page = pages[0];
    if (!page) return;
    const lim = limit ?? 10;
    noteMaxLimit(ctx, 'revisions', 'rvlimit', lim);
    const older = p.dir === 'older';
    let from: { timestamp: string; id: number } | undefined;
    if (p.continue !== undefined) {
      const [ts, id] = continueParts(p.continue, 2) as [string, string];
      if (!/^\d{14}$/.test(ts) || !/^\d+$/.test(id)) throw badContinue();
      const iso = `${ts.slice(0, 4)}-${ts.slice(4, 6)}-${ts.slice(6, 8)}T${ts.slice(8, 10)}:${ts.slice(10, 12)}:${ts.slice(12, 14)}Z`;
      from = { timestamp: iso, id: Number(id) };
    }
    const rows = await revisions.list({
      pageId: page.pageId!,
      older,
      limit: lim + 1,
      start,
      end,
      startId: p.startid,
      endId: p.endid,
      userText: p.user !== undefined ? normUser(p.user) : undefined,
      excludeUserText: p.excludeuser !== undefined ? normUser(p.excludeuser) : undefined,
      tag: p.tag,
      from,
    });
    const out: Record<string, unknown>[] = [];
    for (const [i, r] of rows.entries()) {
      if (i >= lim) {
        q.continuation.rvcontinue = `${ts14(r.timestamp)}|${r.id}`;
        q.propIncomplete = true;
        break;
      }
      out.push(await render(r));
    }
    if (out.length) page.data.revisions = out;
  },
});

const normUser = (u: string) => {
  const s = u.replace(/_/g, ' ').trim();
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
};

/** One revision as ApiQueryRevisionsBase::extractRevisionInfo prints it. */
async function revisionInfo(ctx: ApiContext, r: Revision, props: Set<string>, slotsMode: boolean) {
  const { pages, tags } = ctx.services;
  const v: Record<string, unknown> = {};
  const contentKey = ctx.contentKey('content');
  if (props.has('ids')) {
    v.revid = r.id;
    v.parentid = r.parent_id;
  }
  if (props.has('flags')) ctx.flag(v, 'minor', Number(r.minor) === 1);
  if (props.has('user') || props.has('userid')) {
    if (props.has('user')) v.user = r.user_text;
    if (props.has('userid')) v.userid = r.user_id;
    if (!r.user_id) ctx.flag(v, 'anon', true);
  }
  if (props.has('timestamp')) v.timestamp = r.timestamp;
  if (props.has('size')) v.size = Number(r.length);
  if (props.has('sha1')) v.sha1 = sha1FromBase36(r.sha1);
  if (props.has('roles')) v.roles = ['main'];
  const page = await pages.byId(r.page_id);
  const model = page ? contentModelOf(page.namespace, page.title) : 'wikitext';
  const format =
    { wikitext: 'text/x-wiki', javascript: 'text/javascript', css: 'text/css', json: 'application/json' }[
      model
    ] ?? 'text/plain';
  if (slotsMode) {
    const slot: Record<string, unknown> = {};
    if (props.has('slotsize')) slot.size = Number(r.length);
    if (props.has('slotsha1')) slot.sha1 = sha1FromBase36(r.sha1);
    if (props.has('contentmodel') || props.has('content')) slot.contentmodel = model;
    if (props.has('content')) {
      slot.contentformat = format;
      slot[contentKey] = r.content;
    }
    v.slots = { main: slot };
  } else {
    if (props.has('contentmodel')) v.contentmodel = model;
    if (props.has('content')) {
      v.contentformat = format;
      v.contentmodel = model;
      v[contentKey] = r.content;
    }
  }
  if (props.has('comment')) v.comment = r.comment;
  if (props.has('parsedcomment')) {
    const self = page ? titleFromDb(page.namespace, page.title, ctx.config).prefixedDbKey : undefined;
    const known = await pages.existing(ctx.config, commentLinkTargets(ctx.config, r.comment));
    v.parsedcomment = formatComment(ctx.config, r.comment, self, known);
  }
  if (props.has('tags')) {
    v.tags = await tags.ofRevision(r.id);
  }
  // formatversion=1 prints the content under "*", last (ApiResult's content-value convention).
  if (ctx.fv === 1 && contentKey in v) {
    const c = v[contentKey];
    delete v[contentKey];
    v[contentKey] = c;
  }
  return v;
}
