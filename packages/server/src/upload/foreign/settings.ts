/**
 * The foreign file repositories of the configuration, with MediaWiki's defaults filled in
 * (ForeignAPIRepo's constructor and SetupDynamicConfig's `$wgUseInstantCommons` entry).
 */

import { ConfigError } from '../../config/load.js';
import type { Config, ForeignRepoConfig } from '../../config/schema.js';
import { FileUrls } from '../../files/urls.js';

/** One foreign repository, every setting decided. */
export interface ForeignRepoSettings {
  name: string;
  apibase: string;
  displayName: string;
  /** `index.php`'s folder (description pages, `action=render`). */
  scriptDirUrl: string;
  /** MediaWiki's `url` and `thumbUrl` of the repository: false when unknown. */
  url: string | false;
  thumbUrl: string | false;
  descBaseUrl?: string;
  articleUrl?: string;
  favicon?: string;
  fetchDescription?: boolean;
  descriptionCacheExpiry?: number;
  /** Seconds file information is kept (0: not kept). */
  apiMetadataExpiry: number;
  /** Seconds thumbnail URLs are kept (0: as long as file information). */
  apiThumbCacheExpiry: number;
  timeoutMs: number;
  connectTimeoutMs: number;
}

/** `$wgUseInstantCommons`'s entry (MediaWiki 1.39's SetupDynamicConfig). */
export const INSTANT_COMMONS: ForeignRepoConfig = {
  name: 'wikimediacommons',
  apibase: 'https://commons.wikimedia.org/w/api.php',
  url: 'https://upload.wikimedia.org/wikipedia/commons',
  thumbUrl: 'https://upload.wikimedia.org/wikipedia/commons/thumb',
  fetchDescription: true,
  descriptionCacheExpiry: 43200,
  apiThumbCacheExpiry: 0,
};

/** Names MediaWiki's `shared-repo-name-<name>` messages give (else `shared-repo`). */
const DISPLAY_NAMES: Record<string, string> = { wikimediacommons: 'Wikimedia Commons' };

/** MediaWiki's $wgHTTPTimeout and $wgHTTPConnectTimeout. */
const DEFAULT_TIMEOUT_SECONDS = 25;
const DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;

/** PHP's dirname() of a URL: everything before the last slash. */
const dirname = (url: string) => url.replace(/\/[^/]*$/, '');

/** Every foreign repository the configuration names, in order (InstantCommons last, as MediaWiki adds it). */
export function foreignRepoSettings(config: Config): ForeignRepoSettings[] {
  const list = [...config.foreignFileRepos, ...(config.useInstantCommons ? [INSTANT_COMMONS] : [])];
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const [i, r] of list.entries()) {
    if (seen.has(r.name)) problems.push(`foreignFileRepos[${i}].name: "${r.name}" is used twice`);
    seen.add(r.name);
  }
  if (problems.length) throw new ConfigError(problems);
  const localUrl = new FileUrls(config).uploadPath;
  return list.map((r) => {
    const thumbExpiry = r.apiThumbCacheExpiry ?? 86400;
    // FileRepo: thumbUrl defaults to url/thumb; ForeignAPIRepo: a repository whose thumbnails
    // may be cached takes the local upload path for both.
    let url: string | false = r.url ?? false;
    let thumbUrl: string | false = r.thumbUrl ?? (url ? `${url}/thumb` : false);
    if (thumbExpiry > 0 && !url) url = localUrl;
    if (thumbExpiry > 0 && !thumbUrl) thumbUrl = `${url}/thumb`;
    return {
      name: r.name,
      apibase: r.apibase,
      displayName: r.displayName ?? DISPLAY_NAMES[r.name] ?? 'a shared repository',
      scriptDirUrl: r.scriptDirUrl ?? dirname(r.apibase),
      url,
      thumbUrl,
      ...(r.descBaseUrl !== undefined ? { descBaseUrl: r.descBaseUrl } : {}),
      ...(r.articleUrl !== undefined ? { articleUrl: r.articleUrl } : {}),
      ...(r.favicon !== undefined ? { favicon: r.favicon } : {}),
      ...(r.fetchDescription !== undefined ? { fetchDescription: r.fetchDescription } : {}),
      ...(r.descriptionCacheExpiry !== undefined ? { descriptionCacheExpiry: r.descriptionCacheExpiry } : {}),
      apiMetadataExpiry: r.apiMetadataExpiry ?? 14400,
      apiThumbCacheExpiry: thumbExpiry,
      timeoutMs: (r.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      connectTimeoutMs: (r.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT_SECONDS) * 1000,
    };
  });
}
