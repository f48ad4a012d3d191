import { MwError } from '../../errors.js';
import { commentLinkTargets, existingPages, fileInfo, IMAGEINFO_PROPS } from '../../files/imageinfo.js';
import { NS_FILE } from '../../files/repo.js';
import type { FileVersion } from '../../files/types.js';
import { sha1FromBase36 } from '../../util/sha1.js';
import type { ApiContext } from '../context.js';
import { continueParts, isoFromTs14, noteMaxLimit, timestampParam, ts14 } from './pageset.js';
import { defineQueryModule } from './submodule.js';
import { fileTitleText, titleParser } from './titles.js';

const PROPS = IMAGEINFO_PROPS.filter(
  (p) => p !== 'archivename' && p !== 'thumbmime' && p !== 'uploadwarning',
);

/** ApiQueryBase::titlePartToKey for File titles: the DB-key form of the start of a name. */
function titlePartToKey(ctx: ApiContext, part: string): string {
  const t = titleParser(ctx.config).makeTitleSafe(NS_FILE, `${part}x`);
  if (!t || t.ns !== NS_FILE) throw new MwError('invalidtitle', `Bad title "${part}".`);
  return t.dbKey.slice(0, -1);
}

const mustUseWith = (a: string, b: string) =>
  new MwError('invalidparammix', `The "${a}" parameter may only be used with "${b}".`);

/** list=allimages */
export const listAllimages = defineQueryModule({
  name: 'allimages',
  kind: 'list',
  prefix: 'ai',
  params: {
    sort: { type: 'enum', values: ['name', 'timestamp'], default: 'name' },
    dir: { type: 'enum', values: ['ascending', 'descending', 'newer', 'older'], default: 'ascending' },
    from: { type: 'string' },
    to: { type: 'string' },
    continue: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    prop: { type: 'multi', values: PROPS, default: 'timestamp|url' },
    prefix: { type: 'string' },
    minsize: { type: 'integer' },
    maxsize: { type: 'integer' },
    sha1: { type: 'string' },
    sha1base36: { type: 'string' },
    user: { type: 'string' },
    filterbots: { type: 'enum', values: ['all', 'bots', 'nobots'], default: 'all' },
    mime: { type: 'multi', freeValues: true },
    limit: { type: 'limit', default: 10, max: 500, highMax: 5000 },
  },
  async execute(q, p) {
    const { ctx } = q;
    const db = ctx.services.db;
    const asc = !(p.dir === 'descending' || p.dir === 'older');
    const byName = p.sort === 'name';
    if (byName) {
      for (const k of ['start', 'end', 'user'] as const)
        if (p[k] !== undefined) throw mustUseWith(`ai${k}`, 'aisort=timestamp');
      if (p.filterbots !== 'all') throw mustUseWith('aifilterbots', 'aisort=timestamp');
    } else {
      for (const k of ['from', 'to', 'prefix'] as const)
        if (p[k] !== undefined) throw mustUseWith(`ai${k}`, 'aisort=name');
      if (p.user !== undefined && p.filterbots !== 'all') {
        throw new MwError('invalidparammix', 'The "aiuser" parameter cannot be used with "aifilterbots".');
      }
    }
    noteMaxLimit(ctx, 'allimages', 'ailimit', p.limit);
    let query = db.selectFrom('images').selectAll();
    if (byName) {
      if (p.continue !== undefined)
        query = query.where('name', asc ? '>=' : '<=', continueParts(p.continue, 1)[0]!);
      if (p.from !== undefined) query = query.where('name', asc ? '>=' : '<=', titlePartToKey(ctx, p.from));
      if (p.to !== undefined) query = query.where('name', asc ? '<=' : '>=', titlePartToKey(ctx, p.to));
      if (p.prefix !== undefined) {
        const prefix = titlePartToKey(ctx, p.prefix);
        query = query.where('name', '>=', prefix).where('name', '<', `${prefix}\u{10ffff}`);
      }
    } else {
      const start = timestampParam('aistart', p.start);
      const end = timestampParam('aiend', p.end);
      if (start !== undefined) query = query.where('timestamp', asc ? '>=' : '<=', start);
      if (end !== undefined) query = query.where('timestamp', asc ? '<=' : '>=', end);
      if (p.continue !== undefined) {
        const [ts, name] = continueParts(p.continue, 2) as [string, string];
        const iso = isoFromTs14(ts);
        query = query.where((eb) =>
          eb.or([
            eb('timestamp', asc ? '>' : '<', iso),
            eb.and([eb('timestamp', '=', iso), eb('name', asc ? '>=' : '<=', name)]),
          ]),
        );
      }
      if (p.user !== undefined) {
        const u = await ctx.services.users.byName(p.user);
        query = query.where('user_id', '=', u?.id ?? -1);
      }
      if (p.filterbots !== 'all') {
        const bots = (
          await db.selectFrom('user_groups').select('user_id').where('group_name', '=', 'bot').execute()
        ).map((r) => r.user_id);
        if (p.filterbots === 'bots') query = query.where('user_id', 'in', bots.length ? bots : [-1]);
        else if (bots.length) query = query.where('user_id', 'not in', bots);
      }
    }
    if (p.minsize !== undefined) query = query.where('size', '>=', p.minsize);
    if (p.maxsize !== undefined) query = query.where('size', '<=', p.maxsize);
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
    if (sha1 !== undefined) query = query.where('sha1', '=', sha1);
    if (p.mime.length) {
      const exact = p.mime.filter((m) => !m.endsWith('/*')).map((m) => m.toLowerCase());
      const majors = p.mime.filter((m) => m.endsWith('/*')).map((m) => m.slice(0, -1).toLowerCase());
      query = query.where((eb) =>
        eb.or([
          ...(exact.length ? [eb('mime', 'in', exact)] : []),
          ...majors.map((m) => eb('mime', 'like', `${m.replace(/[\\%_]/g, '\\$&')}%`)),
        ]),
      );
    }
    query = byName
      ? query.orderBy('name', asc ? 'asc' : 'desc')
      : query.orderBy('timestamp', asc ? 'asc' : 'desc').orderBy('name', asc ? 'asc' : 'desc');
    const rows = await query.limit(p.limit + 1).execute();
    const props = new Set(p.prop);
    const list: Record<string, unknown>[] = [];
    for (const [i, r] of rows.entries()) {
      if (i >= p.limit) {
        q.continuation.aicontinue = byName ? r.name : `${ts14(r.timestamp)}|${r.name}`;
        break;
      }
      const file: FileVersion = {
        name: r.name,
        blobKey: r.blob_key,
        size: Number(r.size),
        width: r.width,
        height: r.height,
        bits: r.bits,
        mediaType: r.media_type,
        mime: r.mime,
        metadata: JSON.parse(r.metadata) as unknown,
        description: r.description,
        userId: r.user_id,
        userText: r.user_text,
        timestamp: r.timestamp,
        sha1: r.sha1,
        archiveName: '',
      };
      const page = props.has('url')
        ? await db
            .selectFrom('pages')
            .select('id')
            .where('namespace', '=', NS_FILE)
            .where('title', '=', r.name)
            .executeTakeFirst()
        : undefined;
      const known = props.has('parsedcomment')
        ? await existingPages(db, ctx.config, commentLinkTargets(ctx.config, r.description))
        : undefined;
      const info: Record<string, unknown> = {
        name: r.name,
        ...fileInfo(ctx, file, {
          props,
          metadataVersion: 'latest',
          pageId: page?.id ?? null,
          knownPages: known,
        }),
      };
      if (props.has('badfile')) ctx.flag(info, 'badfile', false);
      info.ns = NS_FILE;
      info.title = fileTitleText(r.name);
      list.push(info);
    }
    q.query.allimages = list;
  },
});
