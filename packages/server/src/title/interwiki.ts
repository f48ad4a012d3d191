/**
 * The interwiki table a fresh MediaWiki 1.39 installation has (the installer loads it from
 * maintenance/interwiki.list). A title such as `wikipedia:Foo` names a page on another wiki; the
 * title parser needs the prefixes to tell them from plain text, and meta=siteinfo reports the map.
 */
import table from './interwiki-map.json' with { type: 'json' };

export interface InterwikiEntry {
  prefix: string;
  url: string;
  /** api.php of the other wiki, where the table knows it. */
  api?: string;
}

export const DEFAULT_INTERWIKI_MAP: readonly InterwikiEntry[] = table.map;

export const DEFAULT_INTERWIKI_PREFIXES: readonly string[] = DEFAULT_INTERWIKI_MAP.map((e) => e.prefix);
