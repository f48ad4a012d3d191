import { readFileSync } from 'node:fs';

/** A title result as recorded: [ns, dbKey, interwiki, fragment, prefixedText] or ['!', errorKey]. */
export type RecordedTitle = [number, string, string, string, string] | ['!', string];

export interface RecordedTitleCase {
  t: string;
  nft0: RecordedTitle;
  nft6: RecordedTitle | '=';
  mts6: RecordedTitle;
  mts0: RecordedTitle | '=';
  strip?: string;
  decoded?: string;
  r0?: string;
  r6?: string;
}

export interface RecordedUploadCase {
  n: string;
  temp: 'png' | 'txt' | 'html' | 'pdf' | 'unknown';
  v: 'ref' | 'nostrict' | 'nocheck' | 'chars';
  ok?: string;
  ext?: string;
  bad?: string;
  unw?: [string, string, number];
  err?: string;
  filename?: string;
  filetype?: string;
  blacklisted?: string[];
  info?: string;
}

/** Answers recorded from MediaWiki 1.39.17 (see `about` in the file). */
export interface Recorded {
  siteName: string;
  fileExtensions: string[];
  prohibited: string[];
  mime: Record<string, [string, string | null]>;
  titles: RecordedTitleCase[];
  uploads: RecordedUploadCase[];
  hash: Record<string, string>;
  normext: Record<string, string>;
  thumbs: Record<string, boolean>;
  prefixes: string[];
  siteinfo: { fv1: Record<string, unknown>; fv2: Record<string, unknown> };
}

export const recorded: Recorded = JSON.parse(
  readFileSync(new URL('../fixtures/title/mw139-names.json', import.meta.url), 'utf8'),
);
