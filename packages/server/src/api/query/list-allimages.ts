import { MwError } from '../../errors.js';
import { commentLinkTargets, fileInfo, IMAGEINFO_PROPS } from '../../files/imageinfo.js';
import type { FileListFilter } from '../../files/listing.js';
import { pageKey } from '../../files/pages.js';
import { NS_FILE } from '../../files/repo.js';
import { sha1FromBase36 } from '../../util/sha1.js';
import type { ApiContext } from '../context.js';
import { helpUrl } from '../module.js';
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
  doc: { classname: 'ApiQueryAllImages', helpurls: [helpUrl('Allimages')], generator: true },
  params: {
    sort: { type: 'enum', values: ['name', 'timestamp'], default: 'name' },
    dir: { type: 'enum', values: ['ascending', 'descending', 'newer', 'older'], default: 'ascending' },
    from: { type: 'string' },
    to: { type: 'string' },
    continue: { type: 'string' },
    start: { type: 'string', doc: { type: 'timestamp' } },
    end: { type: 'string', doc: { type: 'timestamp' } },
    prop: { type: 'multi', values: PROPS, default: 'timestamp|url', doc: { helpFrom: 'query+imageinfo' } },
    prefix: { type: 'string' },
    minsize: { type: 'integer' },
    maxsize: { type: 'integer' },
    sha1: { type: 'string' },
    sha1base36: { type: 'string' },
    user: { type: 'string', doc: { type: 'user', subtypes: ['name', 'ip', 'interwiki', 'id'] } },
    filterbots: { type: 'enum', values: ['all', 'bots', 'nobots'], default: 'all' },
    mime: { type: 'multi', freeValues: true },
    limit: { type: 'limit', default: 10, max: 500, highMax: 5000 },
  },
  async execute(q, p) {
    const { ctx } = q;
    const { listing, pages, users } = ctx.services;
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
    const f: FileListFilter = { byName, ascending: asc, limit: p.limit + 1 };
    if (byName) {
      if (p.continue !== undefined) f.continueName = continueParts(p.continue, 1)[0]!;
      if (p.from !== undefined) f.fromName = titlePartToKey(ctx, p.from);
      if (p.to !== undefined) f.toName = titlePartToKey(ctx, p.to);
      if (p.prefix !== undefined) f.prefix = titlePartToKey(ctx, p.prefix);
    } else {
      f.start = timestampParam('aistart', p.start);
      f.end = timestampParam('aiend', p.end);
      if (p.continue !== undefined) {
        const [ts, name] = continueParts(p.continue, 2) as [string, string];
        f.from = { timestamp: isoFromTs14(ts), name };
      }
      if (p.user !== undefined) f.userId = (await users.byName(p.user))?.id ?? -1;
      if (p.filterbots !== 'all') {
        f.users = { ids: await users.idsInGroup('bot'), mode: p.filterbots === 'bots' ? 'only' : 'exclude' };
      }
    }
    f.minSize = p.minsize;
    f.maxSize = p.maxsize;
    if (p.sha1 !== undefined) {
      if (!/^[0-9a-f]{40}$/i.test(p.sha1))
        throw new MwError('invalidsha1hash', 'The SHA1 hash provided is not valid.');
      f.sha1 = p.sha1.toLowerCase();
    } else if (p.sha1base36 !== undefined) {
      if (!/^[0-9a-z]{31}$/i.test(p.sha1base36)) {
        throw new MwError('invalidsha1base36hash', 'The SHA1Base36 hash provided is not valid.');
      }
      f.sha1 = sha1FromBase36(p.sha1base36);
    }
    if (p.mime.length) {
      f.mime = {
        exact: p.mime.filter((m) => !m.endsWith('/*')).map((m) => m.toLowerCase()),
        majors: p.mime.filter((m) => m.endsWith('/*')).map((m) => m.slice(0, -1).toLowerCase()),
      };
    }
    const rows = await listing.list(f);
    const props = new Set(p.prop);
    const list: Record<string, unknown>[] = [];
    const pagesOfRows = props.has('url')
      ? await pages.byTitles(rows.slice(0, p.limit).map((r) => ({ ns: NS_FILE, dbKey: r.name })))
      : null;
    for (const [i, r] of rows.entries()) {
      if (i >= p.limit) {
        q.continuation.aicontinue = byName ? r.name : `${ts14(r.timestamp)}|${r.name}`;
        break;
      }
      const known = props.has('parsedcomment')
        ? await pages.existing(ctx.config, commentLinkTargets(ctx.config, r.description))
        : undefined;
      const info: Record<string, unknown> = {
        name: r.name,
        ...fileInfo(ctx, r, {
          props,
          metadataVersion: 'latest',
          pageId: pagesOfRows?.get(pageKey(NS_FILE, r.name))?.id ?? null,
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
