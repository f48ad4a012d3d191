/** Titles for the Action API (adapter over the title library, one parser per wiki configuration). */
import type { Config } from '../../config.js';
import { wikiTitleParser } from '../../files/urls.js';
import { siteinfoNamespaceAliases, siteinfoNamespaces } from '../../title/namespaces.js';
import { Title, TitleError } from '../../title/title.js';
import type { ApiContext } from '../context.js';

/** The title parser for a wiki (its site name decides the project namespace). */
export const titleParser = wikiTitleParser;

export type ParsedTitle =
  | { ns: number; dbKey: string; prefixedText: string; prefixedDbKey: string; title: Title }
  | { invalid: string };

/** Parse user input as a title (Title::newFromText); `invalid` holds MediaWiki's reason text. */
export function parseTitle(text: string, defaultNs = 0, config?: Pick<Config, 'siteName'>): ParsedTitle {
  const parser = config ? titleParser(config) : undefined;
  try {
    const t = Title.newFromTextThrow(text, defaultNs, parser);
    if (t.isExternal)
      return {
        invalid: 'The requested page title contains an interwiki link which cannot be used in titles.',
      };
    return describe(t);
  } catch (e) {
    if (e instanceof TitleError) return { invalid: e.reason };
    throw e;
  }
}

/** A title from a namespace and DB key that came from the database. */
export function titleFromDb(ns: number, dbKey: string, config?: Pick<Config, 'siteName'>) {
  return describe(Title.makeTitle(ns, dbKey, config ? titleParser(config) : undefined));
}

function describe(t: Title) {
  return { ns: t.ns, dbKey: t.dbKey, prefixedText: t.prefixedText, prefixedDbKey: t.prefixedDbKey, title: t };
}

/** `File:A b.png` for a file's DB key. */
export function fileTitleText(dbKey: string): string {
  return `File:${dbKey.replace(/_/g, ' ')}`;
}

/** meta=siteinfo namespaces. */
export function siteNamespaces(ctx: ApiContext): unknown {
  return siteinfoNamespaces(titleParser(ctx.config).namespaces, ctx.fv);
}

/** meta=siteinfo namespacealiases. */
export function siteNamespaceAliases(ctx: ApiContext): unknown {
  return siteinfoNamespaceAliases(titleParser(ctx.config).namespaces, ctx.fv);
}
