/** list=filearchive: deleted file versions, with what the user may see of them, as MediaWiki lists them. */
import { MwError } from '../../errors.js';
import { sha1FromBase36 } from '../../util/sha1.js';
import { helpUrl } from '../module.js';
import { continueParts, isoFromTs14, ts14 } from './pageset.js';
import { defineQueryModule } from './submodule.js';
import { titleFromDb } from './titles.js';

const PROPS = [
  'sha1',
  'timestamp',
  'user',
  'size',
  'dimensions',
  'description',
  'mime',
  'mediatype',
  'bitdepth',
  'archivename',
] as const;

export const listFilearchive = defineQueryModule({
  name: 'filearchive',
  kind: 'list',
  prefix: 'fa',
  doc: { classname: 'ApiQueryFilearchive', helpurls: [helpUrl('Filearchive')] },
  params: {
    from: { type: 'string' },
    to: { type: 'string' },
    prefix: { type: 'string' },
    dir: { type: 'enum', values: ['ascending', 'descending'], default: 'ascending' },
    sha1: { type: 'string' },
    sha1base36: { type: 'string' },
    prop: { type: 'multi', values: PROPS, default: 'timestamp' },
    limit: { type: 'limit', default: 10, max: 500, highMax: 5000 },
    continue: { type: 'string' },
  },
  async execute(q, p) {
    const { ctx } = q;
    const props = new Set(p.prop);
    if (props.has('description') && !ctx.can('deletedhistory')) {
      throw new MwError(
        'permissiondenied',
        "You don't have permission to view descriptions of deleted files.",
      );
    }
    let sha1: string | undefined;
    if (p.sha1 !== undefined) {
      if (!/^[0-9a-f]{40}$/i.test(p.sha1))
        throw new MwError('invalidsha1hash', 'The SHA1 hash provided is not valid.');
      sha1 = p.sha1.toLowerCase();
    } else if (p.sha1base36 !== undefined) {
      if (!/^[0-9a-z]{31}$/i.test(p.sha1base36)) {
        throw new MwError('invalidsha1base36hash', 'The SHA1Base36 hash provided is not valid.');
      }
      sha1 = sha1FromBase36(p.sha1base36);
    }
    // Looking deleted files up by their bytes needs the right to see deleted text.
    if (sha1 !== undefined && !ctx.can('deletedtext')) sha1 = undefined;
    let cont: { name: string; timestamp: string; id: number } | undefined;
    if (p.continue !== undefined) {
      const [name, ts, id] = continueParts(p.continue, 3) as [string, string, string];
      cont = { name, timestamp: isoFromTs14(ts), id: Number(id) };
    }
    const key = (s: string | undefined) =>
      s === undefined ? undefined : titleFromDb(6, s.replace(/ /g, '_'), ctx.config).dbKey;
    const rows = await ctx.services.archive.list({
      ascending: p.dir === 'ascending',
      limit: p.limit + 1,
      from: key(p.from),
      to: key(p.to),
      prefix: key(p.prefix),
      sha1,
      cont,
    });
    const list: Record<string, unknown>[] = [];
    for (const [i, r] of rows.entries()) {
      if (i >= p.limit) {
        q.continuation.facontinue = `${r.name}|${ts14(r.timestamp)}|${r.id}`;
        break;
      }
      const o: Record<string, unknown> = { id: r.id, name: r.name };
      const t = titleFromDb(6, r.name, ctx.config);
      o.ns = 6;
      o.title = t.prefixedText;
      if (props.has('description')) o.description = r.description;
      if (props.has('user')) {
        o.userid = r.user_id;
        o.user = r.user_text;
      }
      if (props.has('sha1')) o.sha1 = r.sha1;
      if (props.has('timestamp')) o.timestamp = r.timestamp;
      // MediaWiki 1.39 gives these columns as strings.
      if (props.has('size')) o.size = String(r.size);
      if (props.has('dimensions')) {
        o.height = String(r.height);
        o.width = String(r.width);
      }
      if (props.has('mediatype')) o.mediatype = r.media_type;
      if (props.has('bitdepth')) o.bitdepth = String(r.bits);
      if (props.has('mime')) o.mime = r.mime;
      if (props.has('archivename') && r.archive_name) o.archivename = r.archive_name;
      list.push(o);
    }
    q.query.filearchive = list;
  },
});
