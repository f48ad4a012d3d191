import { permissionDenied } from '../../auth/permissions.js';
import { MwError } from '../../errors.js';
import { NS_FILE } from '../../files/repo.js';
import { checkTags } from '../../files/tags.js';
import { type ApiModule, defineModule, helpUrl } from '../module.js';
import type { ParamDefs, Params } from '../params.js';
import { timestampParam } from '../query/pageset.js';
import { actorOf, applyWatch, targetPage, WATCH_PARAMS, watchlistExpiryParam } from './edit.js';

const UNDELETE_PARAMS = {
  title: { type: 'string', required: true },
  reason: { type: 'string', default: '' },
  tags: { type: 'multi', freeValues: true, doc: { changeTags: true } },
  timestamps: { type: 'multi', freeValues: true, doc: { type: 'timestamp' } },
  fileids: { type: 'multi', freeValues: true, integers: true },
  undeletetalk: { type: 'boolean' },
  ...WATCH_PARAMS,
} satisfies ParamDefs;

type UndeleteParams = Params<typeof UNDELETE_PARAMS>;

const cantUndelete = () =>
  new MwError(
    'cantundelete',
    "Couldn't undelete: the requested revisions may not exist, or may have been undeleted already.",
  );

/**
 * action=undelete. Deleted files are kept in the file archive; restoring brings every archived
 * version back (the newest becomes current) and recreates the description page. Page revisions of
 * other namespaces are not archived here, so only file pages can be restored.
 */
export function createUndeleteModule(): ApiModule {
  return defineModule({
    name: 'undelete',
    doc: { classname: 'ApiUndelete', helpurls: [helpUrl('Undelete')] },
    mustBePosted: true,
    writeMode: true,
    needsToken: 'csrf',
    params: UNDELETE_PARAMS,
    async execute(ctx, params) {
      const p = params as UndeleteParams;
      if (!ctx.can('undelete'))
        throw permissionDenied(ctx.services.permissions, ctx.config.siteName, 'undelete');
      const t = await targetPage(ctx, p.title, undefined);
      for (const ts of p.timestamps) timestampParam('timestamps', ts);
      const fileIds = p.fileids.map((v) => {
        if (!/^\d+$/.test(v.trim()))
          throw new MwError('badinteger', `Invalid value "${v}" for integer parameter "fileids".`);
        return Number(v);
      });
      checkTags(ctx.config, p.tags, ctx.can('applychangetags'));
      if (t.ns !== NS_FILE) throw cantUndelete();
      const { archive, pages, tags } = ctx.services;
      const archived = await archive.ids(t.dbKey);
      if (!archived.length) throw cantUndelete();
      if (fileIds.length && !fileIds.some((id) => archived.includes(id))) throw cantUndelete();
      if (!fileIds.length && p.timestamps.length) throw cantUndelete();
      const pageBefore = await pages.byTitle(NS_FILE, t.dbKey);
      const r = await ctx.services.files.undeleteFile(t.dbKey, actorOf(ctx), p.reason);
      if (!r) throw cantUndelete();
      if (p.tags.length) await tags.apply(p.tags, { logId: r.logId });
      await applyWatch(ctx, t, p.watchlist, {
        creates: false,
        pref: false,
        expiry: watchlistExpiryParam(ctx),
      });
      ctx.result.undelete = {
        title: t.prefixedText,
        revisions: pageBefore ? 0 : 1,
        fileversions: r.restored,
        reason: p.reason,
      };
    },
  });
}
