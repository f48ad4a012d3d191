import { MwError } from '../../errors.js';
import type { FileProps } from '../../files/types.js';
import { noteMaxLimit } from './pageset.js';
import { defineQueryModule } from './submodule.js';

/** list=mystashedfiles: the current user's stash, oldest first (ApiQueryMyStashedFiles). */
export const listMystashedfiles = defineQueryModule({
  name: 'mystashedfiles',
  kind: 'list',
  prefix: 'msf',
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
    let query = ctx.services.db
      .selectFrom('uploadstash')
      .select(['key', 'status', 'size', 'mime', 'props'])
      .where('user_id', '=', ctx.user.id)
      .where('expires_ms', '>', Date.now());
    if (p.continue !== undefined) query = query.where('key', '>=', p.continue);
    const rows = await query
      .orderBy('key')
      .limit(p.limit + 1)
      .execute();
    const props = new Set(p.prop);
    const list: Record<string, unknown>[] = [];
    for (const [i, r] of rows.entries()) {
      if (i >= p.limit) {
        q.continuation.msfcontinue = r.key;
        break;
      }
      const item: Record<string, unknown> = { filekey: r.key, status: r.status };
      const fp = r.props ? (JSON.parse(r.props) as Partial<FileProps>) : {};
      if (props.has('size')) {
        item.size = Number(r.size);
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
