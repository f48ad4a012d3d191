import { MwError } from '../../errors.js';
import { STATUS_WORD } from '../../upload/stash/state.js';
import { helpUrl } from '../module.js';
import { noteMaxLimit } from './pageset.js';
import { defineQueryModule } from './submodule.js';

/** list=mystashedfiles: the current user's stash, oldest first (ApiQueryMyStashedFiles). */
export const listMystashedfiles = defineQueryModule({
  name: 'mystashedfiles',
  kind: 'list',
  prefix: 'msf',
  doc: { classname: 'ApiQueryMyStashedFiles', helpurls: [helpUrl('mystashedfiles')] },
  params: {
    prop: { type: 'multi', values: ['size', 'type'], default: '' },
    limit: { type: 'limit', default: 10, max: 500, highMax: 5000 },
    continue: { type: 'string' },
  },
  async execute(q, p) {
    const { ctx } = q;
    if (!ctx.user) {
      throw new MwError('stashnotloggedin', 'The upload stash is only available to logged-in users.');
    }
    noteMaxLimit(ctx, 'mystashedfiles', 'msflimit', p.limit);
    const rows = await ctx.services.uploads.stash.listForUser(ctx.user.id, {
      ...(p.continue !== undefined ? { from: p.continue } : {}),
      limit: p.limit + 1,
    });
    const props = new Set(p.prop);
    const list: Record<string, unknown>[] = [];
    for (const [i, r] of rows.entries()) {
      if (i >= p.limit) {
        q.continuation.msfcontinue = r.key;
        break;
      }
      const item: Record<string, unknown> = { filekey: r.key, status: STATUS_WORD[r.state] };
      const fp = r.props;
      if (props.has('size')) {
        item.size = r.size;
        item.width = fp.width ?? 0;
        item.height = fp.height ?? 0;
        item.bits = fp.bits ?? 0;
      }
      if (props.has('type')) {
        item.mimetype = r.mime ?? fp.mime ?? 'unknown/unknown';
        item.mediatype = fp.mediaType ?? 'UNKNOWN';
      }
      list.push(item);
    }
    q.query.mystashedfiles = list;
  },
});
