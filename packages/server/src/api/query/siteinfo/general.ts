/** meta=siteinfo&siprop=general: the wiki's name, paths, versions, limits and feature flags. */
import { GENERATOR } from '../../../version.js';
import type { ApiContext } from '../../context.js';

/** $wgThumbLimits and $wgImageLimits of MediaWiki 1.39 (the sizes users may choose in preferences). */
const THUMB_LIMITS = [120, 150, 180, 200, 250, 300];
const IMAGE_LIMITS = [
  [320, 240],
  [640, 480],
  [800, 600],
  [1024, 768],
  [1280, 1024],
  [2560, 2048],
] as const;

/** A PHP list that formatversion 2 prints as an object keyed "0", "1", … (MediaWiki marks it so). */
function indexed<T>(ctx: ApiContext, list: readonly T[]): T[] | Record<string, T> {
  return ctx.fv === 2 ? Object.fromEntries(list.map((v, i) => [String(i), v])) : [...list];
}

export function general(ctx: ApiContext): Record<string, unknown> {
  const c = ctx.config;
  const g: Record<string, unknown> = {};
  const flag = (key: string, value: boolean) => ctx.flag(g, key, value);
  g.mainpage = 'Main Page';
  g.base = `${c.server}${c.scriptPath}/index.php/Main_Page`;
  g.sitename = c.siteName;
  flag('mainpageisdomainroot', false);
  g.logo = `${c.server}${c.scriptPath}/resources/assets/change-your-logo.svg`;
  g.generator = GENERATOR;
  // MediaWiki reports its PHP runtime here; mwup reports the runtime it runs on.
  g.phpversion = process.versions.node;
  g.phpsapi = 'node';
  g.dbtype = ctx.services.dialect;
  g.dbversion = ctx.services.dbVersion;
  flag('imagewhitelistenabled', false);
  flag('langconversion', true);
  flag('linkconversion', true);
  flag('titleconversion', true);
  g.linkprefixcharset = '';
  g.linkprefix = '';
  g.linktrail = '/^([a-z]+)(.*)$/sD';
  g.legaltitlechars = ' %!"$&\'()*,\\-.\\/0-9:;=?@A-Z\\\\^_`a-z~\\x80-\\xFF+';
  g.invalidusernamechars = '@:>';
  flag('allunicodefixes', false);
  flag('fixarabicunicode', true);
  flag('fixmalayalamunicode', true);
  g.case = 'first-letter';
  g.lang = c.lang;
  g.fallback = [];
  flag('rtl', false);
  g.fallback8bitEncoding = 'windows-1252';
  flag('readonly', false);
  flag('writeapi', true);
  g.maxarticlesize = 2097152;
  g.timezone = 'UTC';
  g.timeoffset = 0;
  g.articlepath = `${c.scriptPath}/index.php/$1`;
  g.scriptpath = c.scriptPath;
  g.script = `${c.scriptPath}/index.php`;
  g.variantarticlepath = false;
  g.server = c.server;
  g.servername = new URL(c.server).hostname;
  g.wikiid = c.wikiId;
  g.time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  flag('misermode', false);
  flag('uploadsenabled', c.uploads.enabled);
  g.maxuploadsize = c.uploads.maxUploadSize;
  g.minuploadchunksize = c.uploads.minChunkSize;
  const gallery: Record<string, unknown> = { imagesPerRow: 0, imageWidth: 120, imageHeight: 120 };
  ctx.flag(gallery, 'captionLength', true);
  ctx.flag(gallery, 'showBytes', true);
  ctx.flag(gallery, 'showDimensions', true);
  gallery.mode = 'traditional';
  g.galleryoptions = gallery;
  g.thumblimits = indexed(ctx, THUMB_LIMITS);
  g.imagelimits = indexed(
    ctx,
    IMAGE_LIMITS.map(([width, height]) => ({ width, height })),
  );
  g.favicon = `${c.server}/favicon.ico`;
  g.centralidlookupprovider = 'local';
  g.allcentralidlookupproviders = ['local'];
  flag('interwikimagic', true);
  // ISBN, PMID and RFC magic links are off by default in 1.39; formatversion 1 drops false values.
  g.magiclinks = ctx.fv === 2 ? { ISBN: false, PMID: false, RFC: false } : [];
  g.categorycollation = 'uppercase';
  flag('nofollowlinks', true);
  g.nofollownsexceptions = [];
  g.nofollowdomainexceptions = ['mediawiki.org'];
  flag('externallinktarget', false);
  return g;
}
