import { MwError } from '../../errors.js';
import { STASH_PROPS, stashInfo } from '../../upload/stash/imageinfo.js';
import { FILEKEY_RE, type ReadyEntry, stashNotFound } from '../../upload/stash/state.js';
import type { ApiContext } from '../context.js';
import { helpUrl } from '../module.js';
import { THUMB_PARAMS, thumbRequest } from './prop-imageinfo.js';
import { defineQueryModule } from './submodule.js';

/** UploadStash::getFile for the current user, with MediaWiki's stash errors. */
export async function stashFileFor(ctx: ApiContext, key: string): Promise<ReadyEntry> {
  if (!ctx.user)
    throw new MwError('uploadstash-not-logged-in', 'No user is logged in, files must belong to users');
  if (!FILEKEY_RE.test(key)) {
    throw new MwError('uploadstash-bad-path-bad-format', `The key "${key}" is not in a proper format.`);
  }
  const e = await ctx.services.uploads.stash.peek(key);
  // Chunked uploads still being received or assembled are not files yet.
  if (e?.state !== 'ready') throw stashNotFound(key);
  if (e.userId !== ctx.user.id) {
    throw new MwError('uploadstash-wrong-owner', `This file (${key}) doesn't belong to the current user.`);
  }
  return e;
}

/** prop=stashimageinfo */
export const propStashimageinfo = defineQueryModule({
  name: 'stashimageinfo',
  kind: 'prop',
  prefix: 'sii',
  doc: { classname: 'ApiQueryStashImageInfo', helpurls: [helpUrl('Stashimageinfo')] },
  params: {
    filekey: { type: 'multi', freeValues: true },
    sessionkey: { type: 'multi', freeValues: true, deprecated: true },
    prop: {
      type: 'multi',
      values: STASH_PROPS,
      default: 'timestamp|url',
      doc: { helpFrom: 'query+imageinfo' },
    },
    ...THUMB_PARAMS,
  },
  async execute(q, p) {
    const { ctx } = q;
    const keys = p.filekey.length ? p.filekey : p.sessionkey;
    if (!keys.length) throw new MwError('missingparam', 'The "siifilekey" parameter must be set.');
    const props = new Set(p.prop);
    const out: Record<string, unknown>[] = [];
    for (const key of keys) {
      const entry = await stashFileFor(ctx, key);
      out.push(
        stashInfo(ctx, entry, {
          props,
          thumb: thumbRequest(ctx, 'stashimageinfo', 'sii', p, key),
          metadataVersion: 'latest',
        }),
      );
    }
    q.query.stashimageinfo = out;
  },
});
