/**
 * MediaWiki 1.39's default namespaces: numbers, canonical and English local names, aliases, the
 * per-namespace flags, and the `meta=siteinfo` `namespaces` / `namespacealiases` data.
 *
 * Names are kept in DB-key form (underscores), as MediaWiki does; `text()` gives the display form.
 */
import { lc } from './case.js';

export const NS_MEDIA = -2;
export const NS_SPECIAL = -1;
export const NS_MAIN = 0;
export const NS_TALK = 1;
export const NS_USER = 2;
export const NS_USER_TALK = 3;
export const NS_PROJECT = 4;
export const NS_PROJECT_TALK = 5;
export const NS_FILE = 6;
export const NS_FILE_TALK = 7;
export const NS_MEDIAWIKI = 8;
export const NS_MEDIAWIKI_TALK = 9;
export const NS_TEMPLATE = 10;
export const NS_TEMPLATE_TALK = 11;
export const NS_HELP = 12;
export const NS_HELP_TALK = 13;
export const NS_CATEGORY = 14;
export const NS_CATEGORY_TALK = 15;

/** Canonical (language-independent) names, DB-key form (NamespaceInfo::CANONICAL_NAMES). */
export const CANONICAL_NAMESPACE_NAMES: Readonly<Record<number, string>> = {
  [NS_MEDIA]: 'Media',
  [NS_SPECIAL]: 'Special',
  [NS_MAIN]: '',
  [NS_TALK]: 'Talk',
  [NS_USER]: 'User',
  [NS_USER_TALK]: 'User_talk',
  [NS_PROJECT]: 'Project',
  [NS_PROJECT_TALK]: 'Project_talk',
  [NS_FILE]: 'File',
  [NS_FILE_TALK]: 'File_talk',
  [NS_MEDIAWIKI]: 'MediaWiki',
  [NS_MEDIAWIKI_TALK]: 'MediaWiki_talk',
  [NS_TEMPLATE]: 'Template',
  [NS_TEMPLATE_TALK]: 'Template_talk',
  [NS_HELP]: 'Help',
  [NS_HELP_TALK]: 'Help_talk',
  [NS_CATEGORY]: 'Category',
  [NS_CATEGORY_TALK]: 'Category_talk',
};

/** English namespace aliases (MessagesEn.php): the pre-1.14 names of the File namespaces. */
export const DEFAULT_NAMESPACE_ALIASES: Readonly<Record<string, number>> = {
  Image: NS_FILE,
  Image_talk: NS_FILE_TALK,
};

/** Namespaces that are always capitalised, whatever $wgCapitalLinks says. */
const ALWAYS_CAPITALIZED = new Set([NS_SPECIAL, NS_USER, NS_MEDIAWIKI]);

/** $wgNamespacesWithSubpages default. */
const DEFAULT_SUBPAGES = new Set([
  NS_TALK,
  NS_USER,
  NS_USER_TALK,
  NS_PROJECT,
  NS_PROJECT_TALK,
  NS_FILE_TALK,
  NS_MEDIAWIKI,
  NS_MEDIAWIKI_TALK,
  NS_TEMPLATE,
  NS_TEMPLATE_TALK,
  NS_HELP,
  NS_HELP_TALK,
  NS_CATEGORY_TALK,
]);

export interface NamespaceOptions {
  /** $wgSitename; the Project namespace is named after it. Default "MediaWiki". */
  siteName?: string;
  /** $wgMetaNamespace. Default: the site name with spaces as underscores. */
  metaNamespace?: string;
  /** $wgMetaNamespaceTalk. Default: `<metaNamespace>_talk`. */
  metaNamespaceTalk?: string;
  /** $wgCapitalLinks. Default true. */
  capitalLinks?: boolean;
  /** $wgCapitalLinkOverrides: namespace → capitalise or not. */
  capitalLinkOverrides?: Readonly<Record<number, boolean>>;
  /** $wgNamespaceAliases: extra alias → namespace number. */
  namespaceAliases?: Readonly<Record<string, number>>;
  /** $wgNamespacesWithSubpages. Default: MediaWiki's list. */
  namespacesWithSubpages?: Iterable<number>;
  /** $wgContentNamespaces. Default [0]. */
  contentNamespaces?: Iterable<number>;
  /** $wgNonincludableNamespaces. Default none. */
  nonincludableNamespaces?: Iterable<number>;
  /** $wgNamespaceProtection (rights needed to edit in a namespace). Default: MediaWiki → editinterface. */
  namespaceProtection?: Readonly<Record<number, string | readonly string[]>>;
}

const underscores = (s: string) => s.replace(/ /g, '_');
const spaces = (s: string) => s.replace(/_/g, ' ');

/**
 * The namespaces of one wiki (MediaWiki's NamespaceInfo plus the content language's names).
 * Immutable once built.
 */
export class Namespaces {
  readonly siteName: string;
  readonly capitalLinks: boolean;
  private readonly local: ReadonlyMap<number, string>;
  private readonly aliasList: readonly { name: string; id: number }[];
  /** Lower-cased name (canonical, local or alias, DB-key form) → namespace. */
  private readonly byName: ReadonlyMap<string, number>;
  private readonly overrides: Readonly<Record<number, boolean>>;
  private readonly subpages: ReadonlySet<number>;
  private readonly content: ReadonlySet<number>;
  private readonly nonincludable: ReadonlySet<number>;
  private readonly protection: Readonly<Record<number, string | readonly string[]>>;

  constructor(opts: NamespaceOptions = {}) {
    this.siteName = opts.siteName ?? 'MediaWiki';
    this.capitalLinks = opts.capitalLinks ?? true;
    this.overrides = opts.capitalLinkOverrides ?? {};
    const meta = underscores(opts.metaNamespace ?? this.siteName);
    const metaTalk = underscores(opts.metaNamespaceTalk ?? `${meta}_talk`);
    const local = new Map<number, string>();
    for (const [id, name] of Object.entries(CANONICAL_NAMESPACE_NAMES)) local.set(Number(id), name);
    local.set(NS_PROJECT, meta);
    local.set(NS_PROJECT_TALK, metaTalk);
    this.local = local;

    const aliases = { ...DEFAULT_NAMESPACE_ALIASES, ...(opts.namespaceAliases ?? {}) };
    this.aliasList = Object.entries(aliases).map(([name, id]) => ({ name: underscores(name), id }));

    // Same precedence as Language::getNsIndex: canonical names first, then aliases, then local names.
    const byName = new Map<string, number>();
    for (const [id, name] of local) byName.set(lc(name), id);
    for (const a of this.aliasList) byName.set(lc(a.name), a.id);
    for (const [id, name] of Object.entries(CANONICAL_NAMESPACE_NAMES)) byName.set(lc(name), Number(id));
    byName.delete('');
    this.byName = byName;

    this.subpages = new Set(opts.namespacesWithSubpages ?? DEFAULT_SUBPAGES);
    this.content = new Set(opts.contentNamespaces ?? [NS_MAIN]);
    this.nonincludable = new Set(opts.nonincludableNamespaces ?? []);
    this.protection = opts.namespaceProtection ?? { [NS_MEDIAWIKI]: 'editinterface' };
  }

  /** All namespace numbers, ascending. */
  get ids(): number[] {
    return [...this.local.keys()].sort((a, b) => a - b);
  }

  /** Whether the namespace number exists. */
  exists(ns: number): boolean {
    return this.local.has(ns);
  }

  /** Canonical name in DB-key form ('' for the main namespace), undefined if unknown. */
  canonicalName(ns: number): string | undefined {
    return CANONICAL_NAMESPACE_NAMES[ns];
  }

  /** Local (English) name in DB-key form, e.g. `User_talk`, `RefWiki`; '' for main. */
  name(ns: number): string | undefined {
    return this.local.get(ns);
  }

  /** Local name for display, with spaces: `User talk`. */
  text(ns: number): string | undefined {
    const n = this.local.get(ns);
    return n === undefined ? undefined : spaces(n);
  }

  /**
   * The namespace a prefix names (Language::getNsIndex): canonical names, local names and aliases,
   * case-insensitively. Spaces and underscores are the same. Undefined if none.
   */
  index(name: string): number | undefined {
    if (name === '') return undefined;
    return this.byName.get(lc(underscores(name)));
  }

  /** The aliases (DB-key form) and their namespaces. */
  aliases(): readonly { name: string; id: number }[] {
    return this.aliasList;
  }

  /** Talk namespaces are the odd, non-negative ones. */
  isTalk(ns: number): boolean {
    return ns > NS_MAIN && ns % 2 === 1;
  }

  /** The subject namespace of a talk namespace (itself for subject namespaces). */
  subject(ns: number): number {
    return this.isTalk(ns) ? ns - 1 : ns;
  }

  /** The talk namespace of a subject namespace (itself for talk namespaces); undefined for Special/Media. */
  talk(ns: number): number | undefined {
    if (ns < NS_MAIN) return undefined;
    return this.isTalk(ns) ? ns : ns + 1;
  }

  /** Whether titles in this namespace get their first letter upper-cased (NamespaceInfo::isCapitalized). */
  isCapitalized(ns: number): boolean {
    const index = this.subject(ns === NS_MEDIA ? NS_FILE : ns);
    if (ALWAYS_CAPITALIZED.has(index)) return true;
    const o = this.overrides[index];
    return o ?? this.capitalLinks;
  }

  hasSubpages(ns: number): boolean {
    return this.subpages.has(ns);
  }

  isContent(ns: number): boolean {
    return this.content.has(ns);
  }

  isNonincludable(ns: number): boolean {
    return this.nonincludable.has(ns);
  }

  /** The `namespaceprotection` value siteinfo prints, or undefined. */
  protectionRight(ns: number): string | undefined {
    const p = this.protection[ns];
    if (p === undefined) return undefined;
    const s = typeof p === 'string' ? p : p.filter(Boolean).join('|');
    return s === '' ? undefined : s;
  }
}

/**
 * `meta=siteinfo&siprop=namespaces` value, keyed by namespace number, in MediaWiki's key order.
 * formatversion=1: the name under `*` (last), true flags as `""`, false flags left out.
 * formatversion=2: the name under `name`, flags as booleans.
 */
export function siteinfoNamespaces(
  ns: Namespaces,
  formatVersion: 1 | 2,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const id of ns.ids) {
    const name = ns.text(id)!;
    const canonical = ns.canonicalName(id);
    const protection = ns.protectionRight(id);
    const o: Record<string, unknown> = { id, case: ns.isCapitalized(id) ? 'first-letter' : 'case-sensitive' };
    if (formatVersion === 2) {
      o.name = name;
      o.subpages = ns.hasSubpages(id);
      if (canonical) o.canonical = spaces(canonical);
      o.content = ns.isContent(id);
      o.nonincludable = ns.isNonincludable(id);
    } else {
      if (ns.hasSubpages(id)) o.subpages = '';
      if (canonical) o.canonical = spaces(canonical);
      if (ns.isContent(id)) o.content = '';
      if (ns.isNonincludable(id)) o.nonincludable = '';
    }
    if (protection !== undefined) o.namespaceprotection = protection;
    if (formatVersion === 1) o['*'] = name;
    out[String(id)] = o;
  }
  return out;
}

/**
 * `meta=siteinfo&siprop=namespacealiases` value: `[{id, "*"|alias}]` sorted by id, then name.
 * Aliases equal to a namespace's own name are left out, as MediaWiki does.
 */
export function siteinfoNamespaceAliases(ns: Namespaces, formatVersion: 1 | 2): Record<string, unknown>[] {
  const key = formatVersion === 2 ? 'alias' : '*';
  return ns
    .aliases()
    .filter((a) => ns.name(a.id) !== a.name)
    .map((a) => ({ id: a.id, name: spaces(a.name) }))
    .sort((a, b) => a.id - b.id || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((a) => ({ id: a.id, [key]: a.name }));
}
