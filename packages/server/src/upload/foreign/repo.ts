/**
 * One foreign repository reached through its Action API: MediaWiki's ForeignAPIRepo and
 * ForeignAPIFile. Asks what MediaWiki asks (`prop=imageinfo` of a title, `list=allimages` by SHA-1,
 * `meta=siteinfo`, thumbnails by `iiurlwidth`, the description page by `action=render`), keeps the
 * answers for the configured times, and never fails: a repository that cannot be reached is logged
 * once, answers "no such file" and is not asked again for a short while (as MediaWiki keeps a
 * failed fetch for 30 seconds), so a dead or slow repository costs at most one timeout.
 */
import type { Logger } from '../../log.js';
import { sha1Base36 } from '../../util/sha1.js';
import { ExpiringCache } from './cache.js';
import { cleanInfo } from './clean.js';
import { type ForeignHttp, getText, isUnreachable } from './http.js';
import type { ForeignRepoSettings } from './settings.js';
import type { ForeignFile, ForeignImageInfo, ForeignThumb } from './types.js';

/** ForeignAPIFile::getProps, plus commonmetadata (the same file's, shown as it is). */
const FILE_PROPS = 'timestamp|user|comment|url|size|sha1|metadata|commonmetadata|mime|mediatype|extmetadata';
/** What list=allimages is asked for a SHA-1 (ForeignAPIRepo::findBySha1). */
const SHA1_PROPS = 'timestamp|user|comment|url|size|sha1|mime|mediatype';
/** How long a failed request is remembered (WANObjectCache::adaptiveTTL without a modification time). */
const FAILURE_MS = 30_000;
/** ForeignAPIRepo::getInfo keeps the foreign siteinfo this long. */
const SITEINFO_MS = 7200_000;

/** A decoded API answer, or null when there was none. */
type Answer = Record<string, unknown> | null;

export interface FileQueryOptions {
  /** iimetadataversion (default `latest`). */
  metadataVersion?: string;
  /** iiextmetadatalanguage (default the wiki's language). */
  extLanguage?: string;
  extMultilang?: boolean;
}

export interface SiteInfo {
  articlepath?: string;
  server?: string;
  favicon?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `File:A b.png` (any namespace name) → `A_b.png`. */
const dbKeyOf = (title: string) => title.slice(title.indexOf(':') + 1).replace(/ /g, '_');

export class ForeignApiRepo {
  private readonly answers = new ExpiringCache<Answer>();
  private readonly texts = new ExpiringCache<string | null>(500);
  /** Until when requests are not sent (the repository failed to answer). */
  private downUntil = 0;

  constructor(
    readonly s: ForeignRepoSettings,
    private readonly http: Omit<ForeignHttp, 'timeoutMs' | 'connectTimeoutMs'>,
    private readonly lang: string,
    private readonly log: Logger,
  ) {}

  get name(): string {
    return this.s.name;
  }

  /** One request, unless the repository is known to be down; null when it gave no usable answer. */
  private async fetchText(url: string, what: string): Promise<string | null> {
    if (Date.now() < this.downUntil) return null;
    const started = Date.now();
    try {
      return await getText(url, {
        ...this.http,
        timeoutMs: this.s.timeoutMs,
        connectTimeoutMs: this.s.connectTimeoutMs,
      });
    } catch (e) {
      const unreachable = isUnreachable(e);
      if (unreachable) this.downUntil = Date.now() + FAILURE_MS;
      this.log.warn(
        { repo: this.s.name, url, err: e instanceof Error ? e.message : String(e), ms: Date.now() - started },
        unreachable
          ? `foreign file repository ${this.s.name} did not answer ${what}; not asked again for ${FAILURE_MS / 1000} s`
          : `foreign file repository ${this.s.name} failed ${what}`,
      );
      return null;
    }
  }

  /** An action=query request (format=json, redirects, uselang as ForeignAPIRepo::fetchImageQuery). */
  private query(params: Record<string, string>, ttlMs: number): Promise<Answer> {
    const q = new URLSearchParams({
      ...params,
      action: 'query',
      format: 'json',
      formatversion: '2',
      redirects: 'true',
      uselang: params.uselang ?? this.lang,
    });
    const url = `${this.s.apibase}${this.s.apibase.includes('?') ? '&' : '?'}${q}`;
    return this.answers.get(
      url,
      async () => {
        const text = await this.fetchText(url, 'a query');
        if (text === null) return null;
        try {
          const data: unknown = JSON.parse(text);
          if (isObject(data)) return data;
        } catch {}
        this.log.warn({ repo: this.s.name, url }, `foreign file repository ${this.s.name} answered no JSON`);
        return null;
      },
      (a) => (a === null ? Math.min(FAILURE_MS, ttlMs) : ttlMs),
    );
  }

  private get metadataMs(): number {
    return this.s.apiMetadataExpiry * 1000;
  }

  /** The first page's first imageinfo entry of an answer, with the page's title and id. */
  private static firstInfo(a: Answer): { title: string; pageId?: number; info: ForeignImageInfo } | null {
    const pages = isObject(a?.query) ? a.query.pages : undefined;
    const list = Array.isArray(pages) ? pages : isObject(pages) ? Object.values(pages) : [];
    for (const p of list) {
      if (!isObject(p) || !Array.isArray(p.imageinfo) || !isObject(p.imageinfo[0])) continue;
      return {
        title: String(p.title ?? ''),
        ...(typeof p.pageid === 'number' && p.pageid > 0 ? { pageId: p.pageid } : {}),
        info: cleanInfo(p.imageinfo[0]),
      };
    }
    return null;
  }

  /** The current version of `File:<dbKey>` there (following redirects), or null. */
  async findFile(dbKey: string, o: FileQueryOptions = {}): Promise<ForeignFile | null> {
    const params: Record<string, string> = {
      titles: `File:${dbKey}`,
      prop: 'imageinfo',
      iiprop: FILE_PROPS,
      iimetadataversion: o.metadataVersion ?? 'latest',
      iiextmetadatalanguage: o.extLanguage ?? this.lang,
    };
    if (o.extMultilang) params.iiextmetadatamultilang = '1';
    const found = ForeignApiRepo.firstInfo(await this.query(params, this.metadataMs));
    if (!found) return null;
    return {
      repo: this.s.name,
      name: dbKeyOf(found.title) || dbKey,
      ...(found.pageId ? { pageId: found.pageId } : {}),
      info: found.info,
    };
  }

  /** The files there with these bytes (hex SHA-1), by name (ForeignAPIRepo::findBySha1). */
  async findBySha1(sha1: string): Promise<ForeignFile[]> {
    const a = await this.query(
      { list: 'allimages', aisha1base36: sha1Base36(sha1), aiprop: SHA1_PROPS },
      this.metadataMs,
    );
    const list = isObject(a?.query) && Array.isArray(a.query.allimages) ? a.query.allimages : [];
    const out: ForeignFile[] = [];
    for (const img of list) {
      if (!isObject(img) || typeof img.name !== 'string') continue;
      out.push({ repo: this.s.name, name: img.name, info: cleanInfo(img) });
    }
    return out;
  }

  /** A thumbnail as the repository renders it (ForeignAPIRepo::getThumbUrl), or null. */
  async thumb(
    dbKey: string,
    width: number | null,
    height: number | null,
    param = '',
  ): Promise<ForeignThumb | null> {
    const ttl = this.s.apiThumbCacheExpiry > 0 ? this.s.apiThumbCacheExpiry * 1000 : this.metadataMs;
    const found = ForeignApiRepo.firstInfo(
      await this.query(
        {
          titles: `File:${dbKey}`,
          prop: 'imageinfo',
          iiprop: 'url|timestamp|thumbmime',
          iiurlwidth: String(width ?? -1),
          iiurlheight: String(height ?? -1),
          iiurlparam: param,
        },
        ttl,
      ),
    );
    if (!found) return null;
    const { thumburl, thumbwidth, thumbheight, thumbmime, responsiveUrls, thumberror } = found.info;
    if (thumburl === undefined && thumberror === undefined) return null;
    return { thumburl, thumbwidth, thumbheight, thumbmime, responsiveUrls, thumberror };
  }

  /** The repository's `meta=siteinfo` general part (ForeignAPIRepo::getInfo), or null. */
  async siteInfo(): Promise<SiteInfo | null> {
    const a = await this.query({ meta: 'siteinfo', siprop: 'general' }, SITEINFO_MS);
    const g = isObject(a?.query) && isObject(a.query.general) ? a.query.general : null;
    if (!g) return null;
    const out: SiteInfo = {};
    for (const k of ['articlepath', 'server', 'favicon'] as const)
      if (typeof g[k] === 'string') out[k] = g[k];
    return out;
  }

  /** The rendered description page (`index.php?title=Image:…&action=render`), when `fetchDescription` is on. */
  async description(dbKey: string, lang = this.lang): Promise<string | null> {
    if (!this.s.fetchDescription) return null;
    const title = encodeURIComponent(`Image:${dbKey}`).replace(/%3A/g, ':');
    const url = `${this.s.scriptDirUrl}/index.php?title=${title}&action=render&uselang=${encodeURIComponent(lang)}`;
    const ttl = (this.s.descriptionCacheExpiry ?? 0) * 1000;
    return this.texts.get(
      url,
      () => this.fetchText(url, 'a description page'),
      (t) => (t === null ? 0 : ttl),
    );
  }

  /**
   * What meta=filerepoinfo says of the repository (FileRepo::getInfo + ForeignAPIRepo::getInfo), in
   * MediaWiki's order; the foreign siteinfo (articlepath, server, favicon) only `withSiteInfo`.
   */
  async info(withSiteInfo = true): Promise<Record<string, unknown>> {
    const s = this.s;
    const o: Record<string, unknown> = {
      name: s.name,
      displayname: s.displayName,
      rootUrl: s.url,
      local: false,
      url: s.url,
      thumbUrl: s.thumbUrl,
      initialCapital: true,
    };
    if (s.descBaseUrl !== undefined) o.descBaseUrl = s.descBaseUrl;
    o.scriptDirUrl = s.scriptDirUrl;
    if (s.articleUrl !== undefined) o.articleUrl = s.articleUrl;
    if (s.fetchDescription !== undefined) o.fetchDescription = s.fetchDescription;
    if (s.descriptionCacheExpiry !== undefined) o.descriptionCacheExpiry = s.descriptionCacheExpiry;
    if (s.favicon !== undefined) o.favicon = s.favicon;
    o.apiurl = s.apibase;
    const site = withSiteInfo ? await this.siteInfo() : null;
    if (site) {
      if (site.articlepath !== undefined) o.articlepath = site.articlepath;
      if (site.server !== undefined) o.server = site.server;
      if (o.favicon === undefined && site.favicon !== undefined) o.favicon = site.favicon;
    }
    return o;
  }
}

/** The keys `ForeignApiRepo.info()` can have for these settings (ApiQueryFileRepoInfo::getProps). */
export function repoInfoKeys(s: ForeignRepoSettings): string[] {
  return [
    'name',
    'displayname',
    'rootUrl',
    'local',
    'url',
    'thumbUrl',
    'initialCapital',
    ...(s.descBaseUrl !== undefined ? ['descBaseUrl'] : []),
    'scriptDirUrl',
    ...(s.articleUrl !== undefined ? ['articleUrl'] : []),
    ...(s.fetchDescription !== undefined ? ['fetchDescription'] : []),
    ...(s.descriptionCacheExpiry !== undefined ? ['descriptionCacheExpiry'] : []),
    'favicon',
    'apiurl',
    'articlepath',
    'server',
  ];
}
