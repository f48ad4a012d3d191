import { permissionDenied } from '../../auth/permissions.js';
import { MwError } from '../../errors.js';
import { NS_FILE } from '../../files/repo.js';
import { checkTags } from '../../files/tags.js';
import type { ApiContext } from '../context.js';
import { type ApiModule, defineModule, helpUrl } from '../module.js';
import type { ParamDefs, Params } from '../params.js';
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
  reason: { type: 'string' },
  tags: { type: 'multi', freeValues: true, doc: { changeTags: true } },
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
  const revs = await ctx.services.revisions.authorsNewestFirst(pageId);
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
  const logId = await ctx.services.archive.deleteOldVersion(t.dbKey, oldimage, actorOf(ctx), reason);
  if (logId === null) throw new MwError('nodeleteablefile', 'No such old version of the file.');
  return logId;
}

/** action=delete */
export function createDeleteModule(): ApiModule {
  return defineModule({
    name: 'delete',
    doc: { classname: 'ApiDelete', helpurls: [helpUrl('Delete')] },
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
      if (!ctx.can('delete')) throw permissionDenied(ctx.services.permissions, ctx.config.siteName, 'delete');
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
        logId = await ctx.services.pages.delete(
          { ns: t.ns, dbKey: t.dbKey, id: t.pageId! },
          actorOf(ctx),
          reason,
        );
      }
      if (p.tags.length) await ctx.services.tags.apply(p.tags, { logId });
      if (p.deletetalk && t.ns % 2 === 0) {
        const talk = await ctx.services.pages.byTitle(t.ns + 1, t.dbKey);
        if (talk)
          await ctx.services.pages.delete(
            { ns: t.ns + 1, dbKey: t.dbKey, id: talk.id },
            actorOf(ctx),
            reason,
          );
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
