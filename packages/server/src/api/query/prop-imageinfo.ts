import { MwError } from '../../errors.js';
import { commentLinkTargets, fileInfo, IMAGEINFO_PROPS, type InfoOptions } from '../../files/imageinfo.js';
import { NS_FILE } from '../../files/repo.js';
import type { FileVersion } from '../../files/types.js';
import { FileUrls, type ThumbRequest } from '../../files/urls.js';
import type { ApiContext } from '../context.js';
import { helpUrl } from '../module.js';
import type { ParamDefs, Params } from '../params.js';
import { foreignImageInfo } from './foreign-imageinfo.js';
import { continueParts, isoFromTs14, noteMaxLimit, type QueryPage, timestampParam } from './pageset.js';
import { defineQueryModule, type QueryContext } from './submodule.js';

/** Parameters shared by prop=imageinfo and the modules built like it (allimages' aiprop). */
export const THUMB_PARAMS = {
  urlwidth: { type: 'integer', default: -1, doc: { helpParams: [50] } },
  urlheight: { type: 'integer', default: -1 },
  urlparam: { type: 'string', default: '' },
} satisfies ParamDefs;

/**
 * ApiQueryImageInfo::getScale + mergeThumbParams: the thumbnail asked for, or null. `urlparam`
 * understands `NNNpx`; anything else is warned about and ignored.
 */
export function thumbRequest(
  ctx: ApiContext,
  module: string,
  prefix: string,
  p: { urlwidth: number; urlheight: number; urlparam: string },
  fileName: string,
): ThumbRequest | null {
  let width: number | null = p.urlwidth !== -1 ? p.urlwidth : null;
  const height = p.urlheight !== -1 ? p.urlheight : null;
  if (p.urlparam) {
    const m = /^(\d+)px$/.exec(p.urlparam);
    if (!m) {
      ctx.warn(
        module,
        'badurlparam',
        `Could not parse "${prefix}urlparam" for ${fileName}. Using only width and height.`,
      );
    } else if (width === null) {
      width = Number(m[1]);
    } else if (Number(m[1]) !== width) {
      ctx.warn(
        module,
        'urlparamwidth',
        `Ignoring width value set in "${prefix}urlparam" (${m[1]}) in favor of width value derived from "${prefix}urlwidth"/"${prefix}urlheight" (${width}).`,
      );
    }
  }
  if (width === null && height === null) return p.urlparam ? { width: null, height: null } : null;
  if ((width !== null && width <= 0) || (height !== null && height <= 0 && width === null)) {
    throw new MwError('urlparamnormal', `Could not normalize image parameters for ${fileName}.`);
  }
  return { width, height };
}

const IMAGEINFO_PARAMS = {
  prop: { type: 'multi', values: IMAGEINFO_PROPS, default: 'timestamp|user' },
  limit: { type: 'limit', default: 1, max: 500, highMax: 5000 },
  start: { type: 'string', doc: { type: 'timestamp' } },
  end: { type: 'string', doc: { type: 'timestamp' } },
  urlwidth: THUMB_PARAMS.urlwidth,
  urlheight: THUMB_PARAMS.urlheight,
  metadataversion: { type: 'string', default: '1' },
  extmetadatalanguage: { type: 'string', default: 'en' },
  extmetadatamultilang: { type: 'boolean' },
  extmetadatafilter: { type: 'multi', freeValues: true },
  urlparam: THUMB_PARAMS.urlparam,
  badfilecontexttitle: { type: 'string' },
  continue: { type: 'string' },
  localonly: { type: 'boolean' },
} satisfies ParamDefs;

type ImageinfoParams = Params<typeof IMAGEINFO_PARAMS>;

/**
 * A file only a foreign repository has (RepoGroup::findFiles after the local repository): its one
 * version (foreign files have no history here), or false when no foreign repository has it.
 */
async function foreignInfo(
  q: QueryContext,
  page: QueryPage,
  p: ImageinfoParams,
  props: ReadonlySet<string>,
  start: string | undefined,
  end: string | undefined,
): Promise<boolean> {
  const { ctx } = q;
  const foreign = ctx.services.foreign;
  if (!foreign.any) return false;
  const file = await foreign.findFile(page.dbKey, {
    metadataVersion: props.has('metadata') ? p.metadataversion : undefined,
    extLanguage: props.has('extmetadata') ? p.extmetadatalanguage : undefined,
    extMultilang: props.has('extmetadata') && p.extmetadatamultilang,
  });
  const repo = file && foreign.byName(file.repo);
  if (!file || !repo) return false;
  // Title::isKnown: a missing page whose file a shared repository has.
  if (page.pageId === null) ctx.flag(page.data, 'known', true);
  page.data.imagerepository = file.repo;
  if (props.has('badfile')) ctx.flag(page.data, 'badfile', false);
  const ts = file.info.timestamp ?? '';
  const list: Record<string, unknown>[] = [];
  if ((start === undefined || ts <= start) && (end === undefined || ts >= end)) {
    list.push(
      await foreignImageInfo(ctx, repo, file, {
        props,
        thumb: thumbRequest(ctx, 'imageinfo', 'ii', p, file.name),
        urlParam: p.urlparam,
        extmetadataFilter: p.extmetadatafilter,
      }),
    );
  }
  page.data.imageinfo = list;
  return true;
}

/** prop=imageinfo */
export const propImageinfo = defineQueryModule({
  name: 'imageinfo',
  kind: 'prop',
  prefix: 'ii',
  doc: { classname: 'ApiQueryImageInfo', helpurls: [helpUrl('Imageinfo')] },
  params: IMAGEINFO_PARAMS,
  async execute(q, p) {
    const { ctx } = q;
    const start = timestampParam('iistart', p.start);
    const end = timestampParam('iiend', p.end);
    noteMaxLimit(ctx, 'imageinfo', 'iilimit', p.limit);
    const props = new Set(p.prop);
    const pages = q.pages
      .inNamespace(NS_FILE)
      .sort((a, b) => (a.dbKey < b.dbKey ? -1 : a.dbKey > b.dbKey ? 1 : 0));
    let fromTitle: string | null = null;
    let fromStart: string | undefined;
    if (p.continue !== undefined) {
      const [t, ts] = continueParts(p.continue, 2) as [string, string];
      fromTitle = t;
      fromStart = isoFromTs14(ts);
    }
    const single = pages.length === 1;
    const repo = ctx.services.files;
    // The current versions of all the titles in one look-up.
    const current = await repo.currentOf(
      pages.filter((page) => fromTitle === null || page.dbKey >= fromTitle).map((page) => page.dbKey),
    );
    for (const page of pages) {
      if (fromTitle !== null && page.dbKey < fromTitle) continue;
      const from = fromTitle !== null && page.dbKey === fromTitle ? fromStart : start;
      const cur = current.get(page.dbKey) ?? null;
      if (!cur && !p.localonly && (await foreignInfo(q, page, p, props, from, end))) continue;
      if (!cur) {
        page.data.imagerepository = '';
        // uploadwarning and badfile describe names that have no file yet (destination checks).
        if (props.has('uploadwarning') || props.has('badfile')) {
          if (props.has('badfile')) ctx.flag(page.data, 'badfile', false);
          const info: Record<string, unknown> = {};
          if (props.has('uploadwarning')) info.html = '';
          if (props.has('canonicaltitle')) info.canonicaltitle = page.title;
          if (props.has('url')) {
            const urls = new FileUrls(ctx.config);
            info.descriptionurl = urls.page(`File:${page.dbKey}`);
            if (page.pageId) info.descriptionshorturl = urls.shortPage(page.pageId);
          }
          ctx.flag(info, 'filemissing', true);
          page.data.imageinfo = [info];
        }
        continue;
      }
      page.data.imagerepository = 'local';
      if (props.has('badfile')) ctx.flag(page.data, 'badfile', false);
      const opts: InfoOptions = {
        props,
        thumb: thumbRequest(ctx, 'imageinfo', 'ii', p, cur.name),
        metadataVersion: p.metadataversion,
        extmetadataFilter: p.extmetadatafilter,
        pageId: page.pageId,
      };
      const list: Record<string, unknown>[] = [];
      const versions: FileVersion[] = [];
      if ((from === undefined || cur.timestamp <= from) && (end === undefined || cur.timestamp >= end))
        versions.push(cur);
      // One more than the limit tells whether there is more: asked only of a single title (with
      // several, nothing continues the history, as on MediaWiki), so the current version alone
      // answers the usual `iilimit=1` of many titles.
      if (versions.length < p.limit + (single ? 1 : 0)) {
        versions.push(
          ...(await repo.historyWindow(page.dbKey, {
            start: from,
            end,
            limit: p.limit + 1 - versions.length,
          })),
        );
      }
      for (const [i, v] of versions.entries()) {
        if (i >= p.limit) {
          // One more than the limit: there is more history to be had.
          if (single) {
            q.continuation.iistart = v.timestamp;
            q.propIncomplete = true;
          }
          break;
        }
        if (props.has('parsedcomment')) {
          opts.knownPages = await ctx.services.pages.existing(
            ctx.config,
            commentLinkTargets(ctx.config, v.description),
          );
        }
        list.push(fileInfo(ctx, v, opts));
      }
      page.data.imageinfo = list;
    }
  },
});
