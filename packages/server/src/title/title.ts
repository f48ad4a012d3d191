/**
 * MediaWiki page titles as MediaWiki 1.39 handles them (Title::newFromText, Title::makeTitleSafe):
 * a parser for one wiki's rules, and the parsed Title with its text forms.
 *
 * A title is a namespace number plus a DB key (`Foo_bar.png`); its display text uses spaces.
 * Splitting and normalising the string is in split-title.ts, the reasons a title is invalid in
 * title-error.ts.
 */
import { lc, ucfirst } from './case.js';
import { DEFAULT_INTERWIKI_PREFIXES } from './interwiki.js';
import { type NamespaceOptions, Namespaces, NS_MAIN } from './namespaces.js';
import { decodeCharReferencesAndNormalize } from './sanitizer.js';
import { splitTitleString, type TitleParts, type TitleRules } from './split-title.js';
import { TitleError } from './title-error.js';

export { ILLEGAL_TITLE_CHAR, LEGAL_TITLE_CHARS, type TitleParts } from './split-title.js';
export { invalidTitleError, TitleError, type TitleErrorKey, titleErrorReason } from './title-error.js';

export interface TitleParserOptions extends NamespaceOptions {
  /** Namespaces to use (built from the other options when absent). */
  namespaces?: Namespaces;
  /** Interwiki prefixes (the `interwiki` table). Default: a fresh installation's list. */
  interwikiPrefixes?: Iterable<string>;
  /** $wgOverrideUcfirstCharacters: first character → its capitalised form. */
  ucfirstOverrides?: Readonly<Record<string, string>>;
}

/** Parses title strings for one wiki (its namespaces, interwiki prefixes and case rules). */
export class TitleParser implements TitleRules {
  readonly namespaces: Namespaces;
  private readonly interwikis: ReadonlySet<string>;
  private readonly ucfirstOverrides: Readonly<Record<string, string>> | undefined;

  constructor(opts: TitleParserOptions = {}) {
    this.namespaces = opts.namespaces ?? new Namespaces(opts);
    this.interwikis = new Set([...(opts.interwikiPrefixes ?? DEFAULT_INTERWIKI_PREFIXES)].map((p) => lc(p)));
    this.ucfirstOverrides = opts.ucfirstOverrides;
  }

  /** Whether a prefix names a known interwiki (case-insensitive). */
  isInterwiki(prefix: string): boolean {
    return this.interwikis.has(lc(prefix));
  }

  /** Title::capitalize: upper-case the first letter if the namespace is capitalised. */
  capitalize(text: string, ns: number): string {
    return this.namespaces.isCapitalized(ns) ? ucfirst(text, this.ucfirstOverrides) : text;
  }

  /**
   * MediaWikiTitleCodec::splitTitleString: split and normalise a title string (no character
   * references are decoded here). Throws TitleError.
   */
  split(text: string, defaultNs: number = NS_MAIN): TitleParts {
    return splitTitleString(text, defaultNs, this);
  }

  /**
   * Title::newFromTextThrow: decode character references (`&eacute;`, `&#x3017;`), then parse.
   * `defaultNs` applies when the text has no namespace prefix. Throws TitleError.
   */
  newFromTextThrow(text: string, defaultNs: number = NS_MAIN): Title {
    const filtered = decodeCharReferencesAndNormalize(text);
    return this.fromParts(this.split(filtered.replace(/ /g, '_'), defaultNs));
  }

  /** Title::newFromText: like newFromTextThrow, but null for an invalid or empty title. */
  newFromText(text: string, defaultNs: number = NS_MAIN): Title | null {
    if (text === '') return null;
    try {
      return this.newFromTextThrow(text, defaultNs);
    } catch (e) {
      if (e instanceof TitleError) return null;
      throw e;
    }
  }

  /**
   * Title::makeTitleSafe: the text is taken as a title in namespace `ns` (after `<Canonical>:`),
   * without decoding character references. Null for an unknown namespace or an invalid title.
   */
  makeTitleSafe(ns: number, text: string): Title | null {
    if (!this.namespaces.exists(ns)) return null;
    const e = this.makeTitleSafeError(ns, text);
    return e instanceof Title ? e : null;
  }

  /** makeTitleSafe, but returning why the title is invalid instead of null (RangeError for an unknown namespace). */
  makeTitleSafeError(ns: number, text: string): Title | TitleError {
    if (!this.namespaces.exists(ns)) throw new RangeError(`Unknown namespace ${ns}`);
    const canonical = this.namespaces.canonicalName(ns) ?? '';
    try {
      return this.fromParts(this.split(canonical === '' ? text : `${canonical}:${text}`, NS_MAIN));
    } catch (e) {
      if (e instanceof TitleError) return e;
      throw e;
    }
  }

  /** Title::makeTitle: no checks at all; the caller vouches for `dbKey`. */
  makeTitle(ns: number, dbKey: string, fragment = '', interwiki = ''): Title {
    return new Title(this, { ns, dbKey, fragment, interwiki });
  }

  /** Why `text` is not a valid title (as newFromTextThrow sees it), or null when it is one. */
  titleError(text: string, defaultNs: number = NS_MAIN): TitleError | null {
    try {
      this.newFromTextThrow(text, defaultNs);
      return null;
    } catch (e) {
      if (e instanceof TitleError) return e;
      throw e;
    }
  }

  private fromParts(p: TitleParts): Title {
    return new Title(this, p);
  }
}

/** The parser for a wiki with MediaWiki's defaults (site name "MediaWiki", default interwikis). */
export const defaultTitleParser = new TitleParser();

const spaces = (s: string) => s.replace(/_/g, ' ');

/** A parsed, valid title. */
export class Title {
  readonly ns: number;
  /** DB key, e.g. `Foo_bar.png`. */
  readonly dbKey: string;
  /** Fragment after `#` (with spaces), '' if none. */
  readonly fragment: string;
  /** Lower-case interwiki prefix, '' for a local title. */
  readonly interwiki: string;
  readonly #parser: TitleParser;

  constructor(parser: TitleParser, parts: TitleParts) {
    this.#parser = parser;
    this.ns = parts.ns;
    this.dbKey = parts.dbKey;
    this.fragment = parts.fragment;
    this.interwiki = parts.interwiki;
  }

  /** Parse `text` with the default parser (or `parser`); null when invalid. See TitleParser.newFromText. */
  static newFromText(text: string, defaultNs: number = NS_MAIN, parser = defaultTitleParser): Title | null {
    return parser.newFromText(text, defaultNs);
  }

  /** Like newFromText but throws TitleError. */
  static newFromTextThrow(text: string, defaultNs: number = NS_MAIN, parser = defaultTitleParser): Title {
    return parser.newFromTextThrow(text, defaultNs);
  }

  /** A title in namespace `ns` from unprefixed text; null when invalid. See TitleParser.makeTitleSafe. */
  static makeTitleSafe(ns: number, text: string, parser = defaultTitleParser): Title | null {
    return parser.makeTitleSafe(ns, text);
  }

  /** A title from trusted parts, without checks. */
  static makeTitle(ns: number, dbKey: string, parser = defaultTitleParser): Title {
    return parser.makeTitle(ns, dbKey);
  }

  /** The parser (and so the wiki) this title belongs to. */
  get parser(): TitleParser {
    return this.#parser;
  }

  /** Text form of the DB key: `Foo bar.png`. */
  get text(): string {
    return spaces(this.dbKey);
  }

  /** Whether this title points to another wiki. */
  get isExternal(): boolean {
    return this.interwiki !== '';
  }

  /** Namespace name with spaces ('' for main). Interwiki titles use the canonical name. */
  get nsText(): string {
    const ns = this.#parser.namespaces;
    const name = (this.isExternal ? ns.canonicalName(this.ns) : undefined) ?? ns.name(this.ns) ?? '';
    return spaces(name);
  }

  private prefix(name: string): string {
    let p = this.isExternal ? `${this.interwiki}:` : '';
    if (this.ns !== NS_MAIN) p += `${this.nsText}:`;
    return p + name;
  }

  /** `File:Foo_bar.png` */
  get prefixedDbKey(): string {
    return this.prefix(this.dbKey).replace(/ /g, '_');
  }

  /** `File:Foo bar.png` (what the API prints as `title`). */
  get prefixedText(): string {
    return spaces(this.prefix(this.dbKey));
  }

  /** prefixedText plus `#fragment` when there is one. */
  get fullText(): string {
    return this.fragment ? `${this.prefixedText}#${this.fragment}` : this.prefixedText;
  }

  /** Same page: namespace, DB key and interwiki (the fragment does not count). */
  equals(other: Title): boolean {
    return this.ns === other.ns && this.dbKey === other.dbKey && this.interwiki === other.interwiki;
  }

  toString(): string {
    return this.prefixedText;
  }

  toJSON(): TitleParts & { title: string } {
    return {
      ns: this.ns,
      dbKey: this.dbKey,
      fragment: this.fragment,
      interwiki: this.interwiki,
      title: this.prefixedText,
    };
  }
}

/**
 * Why `text` is not a valid title (MediaWiki's `title-invalid-*` key and English reason), or null.
 * Title::newFromTextThrow semantics, so `''` is `title-invalid-empty`.
 */
export function titleError(
  text: string,
  defaultNs: number = NS_MAIN,
  parser = defaultTitleParser,
): TitleError | null {
  return parser.titleError(text, defaultNs);
}
