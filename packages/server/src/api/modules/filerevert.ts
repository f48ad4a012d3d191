/** action=filerevert: make an old version of a file the current one again, as MediaWiki does. */
import { permissionDenied } from '../../auth/permissions.js';
import { MwError } from '../../errors.js';
import { NS_FILE } from '../../files/repo.js';
import { defineModule } from '../module.js';
import { titleParser } from '../query/titles.js';
import { actorOf } from './edit.js';

export const fileRevertModule = defineModule({
  name: 'filerevert',
  doc: { classname: 'ApiFileRevert' },
  mustBePosted: true,
  writeMode: true,
  needsToken: 'csrf',
  params: {
    filename: { type: 'string', required: true },
    comment: { type: 'string', default: '' },
    archivename: { type: 'string', required: true },
  },
  async execute(ctx, p) {
    const t = titleParser(ctx.config).newFromText(p.filename!, NS_FILE);
    if (!t || t.ns !== NS_FILE) throw new MwError('invalidtitle', `Bad title "${p.filename}".`);
    for (const right of ['edit', 'upload', 'reupload']) {
      if (!ctx.can(right)) throw permissionDenied(ctx.services.permissions, ctx.config.siteName, right);
    }
    const files = ctx.services.files;
    const current = await files.current(t.dbKey);
    if (!current) throw new MwError('missingtitle', "The page you specified doesn't exist.");
    // MediaWiki names the version by its archive name and checks it belongs to this file.
    const old = p.archivename!.endsWith(`!${t.dbKey}`)
      ? await files.oldVersion(t.dbKey, p.archivename!)
      : null;
    if (!old) {
      throw new MwError(
        'filerevert-badversion',
        'There is no previous local version of this file with the provided timestamp.',
      );
    }
    try {
      await files.publish({
        name: t.dbKey,
        blobKey: old.blobKey,
        size: old.size,
        sha1: old.sha1,
        props: {
          mime: old.mime,
          mediaType: old.mediaType,
          width: old.width,
          height: old.height,
          bits: old.bits,
          metadata: old.metadata,
        },
        comment: p.comment,
        text: null,
        actor: actorOf(ctx),
        tags: [],
        watch: null,
      });
    } catch (e) {
      if (!(e instanceof MwError) || e.code !== 'fileexists-no-change') throw e;
      // The old version is the current one already: MediaWiki reports a failed status, not an error.
      ctx.result.filerevert = {
        result: 'Failure',
        errors: [
          {
            message: 'fileexists-no-change',
            params: [t.prefixedText],
            code: 'fileexists-no-change',
            type: 'error',
          },
        ],
      };
      return;
    }
    ctx.result.filerevert = { result: 'Success' };
  },
});
