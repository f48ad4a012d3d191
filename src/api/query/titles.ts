/** Title parsing for the query page set (adapter over the title library). */
export type ParsedTitle = { ns: number; dbKey: string; prefixedText: string } | { invalid: string };

const NS: Record<string, number> = { file: 6, image: 6, user: 2, category: 14, mediawiki: 8, template: 10 };
const NS_NAME: Record<number, string> = {
  6: 'File',
  2: 'User',
  14: 'Category',
  8: 'MediaWiki',
  10: 'Template',
};

export function parseTitle(text: string, defaultNs = 0): ParsedTitle {
  let t = text.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
  let ns = defaultNs;
  const m = /^([^:]+):(.*)$/.exec(t);
  if (m && NS[m[1]!.trim().toLowerCase()] !== undefined) {
    ns = NS[m[1]!.trim().toLowerCase()]!;
    t = m[2]!.trim();
  }
  if (!t) return { invalid: 'The requested page title is empty or contains only the name of a namespace.' };
  t = t[0]!.toUpperCase() + t.slice(1);
  const dbKey = t.replace(/ /g, '_');
  return { ns, dbKey, prefixedText: ns === 0 ? t : `${NS_NAME[ns]}:${t}` };
}

/** meta=siteinfo namespaces (placeholder until the title library provides them). */
export function siteNamespaces(_ctx: unknown): unknown {
  return {};
}
export function siteNamespaceAliases(_ctx: unknown): unknown {
  return [];
}
