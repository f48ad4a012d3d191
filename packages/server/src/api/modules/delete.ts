import { MwError } from '../../errors.js';
import { addLog, deletePage, getPage } from '../../files/pages.js';
import { NS_FILE } from '../../files/repo.js';
import { applyTags, checkTags } from '../../files/tags.js';
import { isoNow } from '../../util/time.js';
import type { ApiContext } from '../context.js';
import { type ApiModule, defineModule } from '../module.js';
import type { ParamDefs, Params } from '../params.js';
import { permissionDenied } from '../permissions.js';
import {
  actorOf,
  applyWatch,
  type TargetPage,
  targetPage,
  WATCH_PARAMS,
  watchlistExpiryParam,
} from './edit.js';

const DELETE_PARAMS = {
  title: { type: 'string' },
  pageid: { type: 'integer' },
  reason: { type: 'text' },
  tags: { type: 'multi', freeValues: true },
  deletetalk: { type: 'boolean' },
  watch: { type: 'boolean', deprecated: true },
  ...WATCH_PARAMS,
  unwatch: { type: 'boolean', deprecated: true },
  oldimage: { type: 'string' },
} satisfies ParamDefs;

type DeleteParams = Params<typeof DELETE_PARAMS>;

const truncate = (s: string, n: number) => ([...s].length > n ? `${[...s].slice(0, n - 1).join('')}…` : s);

/** WikiPage::getAutoDeleteReason: what the page contained and who wrote it. */
async function autoDeleteReason(ctx: ApiContext, pageId: number): Promise<string> {
  const db = ctx.services.db;
  const revs = await db
    .selectFrom('revisions')
    .select(['content', 'user_text'])
    .where('page_id', '=', pageId)
    .orderBy('id', 'desc')
    .execute();
  const latest = revs[0];
  if (!latest) return '';
  const authors = new Set(revs.map((r) => r.user_text));
  const text = latest.content.replace(/\s+/g, ' ').trim();
  let reason = text === '' ? 'page was empty' : `content was: "${truncate(text, 150)}"`;
  if (authors.size === 1) {
    const u = latest.user_text;
    reason += ` (and the only contributor was "[[Special:Contributions/${u}|${u}]]")`;
  }
  return reason;
}

/** Delete a page that is not a file page: the page and its revisions go, a delete/delete log entry stays. */
async function deleteOrdinaryPage(
  ctx: ApiContext,
  t: TargetPage,
  pageId: number,
  reason: string,
): Promise<number> {
  return ctx.services.db.transaction().execute(async (trx) => {
    const logId = await addLog(trx, {
      type: 'delete',
      action: 'delete',
      timestamp: isoNow(),
      actor: actorOf(ctx),
      ns: t.ns,
      title: t.dbKey,
      pageId,
      comment: reason,
      params: {},
    });
    await deletePage(trx, pageId);
    return logId;
  });
}

/** Delete one old version of a file (FileDeleteForm with `oldimage`): it moves to the file archive. */
async function deleteOldVersion(
  ctx: ApiContext,
  t: TargetPage,
  oldimage: string,
  reason: string,
): Promise<number> {
  if (!/^\d{14}!/.test(oldimage) || oldimage.includes('/') || oldimage.includes('\\')) {
    throw new MwError('invalidoldimage', 'The "oldimage" parameter has an invalid format.');
  }
  return ctx.services.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('oldimages')
      .selectAll()
      .where('name', '=', t.dbKey)
      .where('archive_name', '=', oldimage)
      .executeTakeFirst();
    if (!row) throw new MwError('nodeleteablefile', 'No such old version of the file.');
    const now = isoNow();
    const { id: _id, ...cols } = row;
    await trx
      .insertInto('filearchive')
      .values({ ...cols, deleted_timestamp: now, deleted_user_id: ctx.user?.id ?? 0, deleted_reason: reason })
      .execute();
    await trx.deleteFrom('oldimages').where('id', '=', row.id).execute();
    const page = await getPage(trx, NS_FILE, t.dbKey);
    return addLog(trx, {
      type: 'delete',
      action: 'delete',
      timestamp: now,
      actor: actorOf(ctx),
      ns: NS_FILE,
      title: t.dbKey,
      pageId: page?.id ?? 0,
      comment: `Deleted old revision ${oldimage}${reason.trim() ? `: ${reason}` : ''}`,
      params: {},
    });
  });
}

/** action=delete */
export function createDeleteModule(): ApiModule {
  return defineModule({
    name: 'delete',
    mustBePosted: true,
    writeMode: true,
    needsToken: 'csrf',
    params: DELETE_PARAMS,
    async execute(ctx, params) {
      const p = params as DeleteParams;
      const t = await targetPage(ctx, p.title, p.pageid);
      const files = ctx.services.files;
      const isFile = t.ns === NS_FILE;
      const file = isFile ? await files.current(t.dbKey) : null;
      if (t.pageId === null && !file && !(isFile && p.oldimage !== undefined)) {
        throw new MwError('missingtitle', "The page you specified doesn't exist.");
      }
      if (!ctx.can('delete')) throw permissionDenied(ctx, 'delete');
      checkTags(ctx.config, p.tags, ctx.can('applychangetags'));
      let reason = p.reason;
      let logId: number;
      if (isFile) {
        reason ??= '';
        if (p.oldimage !== undefined) logId = await deleteOldVersion(ctx, t, p.oldimage, reason);
        else {
          const r = await files.deleteFile(t.dbKey, actorOf(ctx), reason);
          if (!r) throw new MwError('missingtitle', "The page you specified doesn't exist.");
          logId = r.logId;
        }
      } else {
        reason ??= await autoDeleteReason(ctx, t.pageId!);
        logId = await deleteOrdinaryPage(ctx, t, t.pageId!, reason);
      }
      if (p.tags.length) await applyTags(ctx.services.db, p.tags, { logId });
      if (p.deletetalk && t.ns % 2 === 0) {
        const talk = await getPage(ctx.services.db, t.ns + 1, t.dbKey);
        if (talk) {
          const tt: TargetPage = { ...t, ns: t.ns + 1, pageId: talk.id };
          await deleteOrdinaryPage(ctx, tt, talk.id, reason);
        }
      }
      await applyWatch(ctx, t, p.watchlist, {
        creates: false,
        pref: false,
        expiry: watchlistExpiryParam(ctx),
        legacyWatch: p.watch,
        legacyUnwatch: p.unwatch,
      });
      ctx.result.delete = { title: t.prefixedText, reason, logid: logId };
    },
  });
}
