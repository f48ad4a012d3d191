/**
 * MediaWiki page titles: parsing and normalisation as MediaWiki 1.39 does it (Title::newFromText,
 * Title::makeTitleSafe, MediaWikiTitleCodec::splitTitleString).
 *
 * A title is a namespace number plus a DB key (`Foo_bar.png`); its display text uses spaces.
 * Parsing turns spaces and underscores into one another, collapses whitespace runs (including the
 * Unicode spaces MediaWiki knows), drops bidi marks, recognises namespace prefixes (any case, with
 * aliases) and interwiki prefixes, splits off a `#fragment`, rejects illegal characters and
 * sequences, enforces the 255-byte limit and upper-cases the first letter.
 */
import { MwError } from '../errors.js';
import { lc, ucfirst } from './case.js';
import { namedCharacterReference } from './html-entities.js';
import { DEFAULT_INTERWIKI_PREFIXES } from './interwiki.js';
import { sanitizeIP } from './ip.js';
import {
  type NamespaceOptions,
  Namespaces,
  NS_MAIN,
  NS_SPECIAL,
  NS_TALK,
  NS_USER,
  NS_USER_TALK,
} from './namespaces.js';
import { utf8Length } from './php-compat.js';
import { decodeCharReferencesAndNormalize } from './sanitizer.js';

/**
 * $wgLegalTitleChars exactly as MediaWiki prints it (siteinfo `legaltitlechars`). It is a PCRE byte
 * class: every byte from 0x80 up is legal, so every non-ASCII character is.
 */
export const LEGAL_TITLE_CHARS = ' %!"$&\'()*,\\-.\\/0-9:;=?@A-Z\\\\^_`a-z~\\x80-\\xFF+';

/** One character outside $wgLegalTitleChars (the same class, in code points). */
export const ILLEGAL_TITLE_CHAR = /[^ %!"$&'()*,\-./0-9:;=?@A-Z\\^_`a-z~\u0080-\u{10FFFF}+]/u;

/** MediaWikiTitleCodec::getTitleInvalidRegex: an illegal character, a %xx escape or an entity. */
const TITLE_INVALID =
  /[^ %!"$&'()*,\-./0-9:;=?@A-Z\\^_`a-z~\u0080-\u{10FFFF}+]|%[0-9A-Fa-f]{2}|&[A-Za-z0-9\u0080-\u{10FFFF}]+;/u;

/** Bidi marks and overrides that slip into pasted titles; dropped. */
const BIDI = /[\u200E\u200F\u202A-\u202E]+/g;

/** Runs of the characters MediaWiki treats as spaces in titles. */
const WHITESPACE = /[ _\u00A0\u1680\u180E\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/g;

/**
 * `prefix:rest`. PCRE's `.` (no /s) stops at a newline and its `$` also matches before a final
 * newline; the pattern keeps both quirks.
 */
const PREFIX = /^([^\n]+?)_*:_*([^\n]*)\n?$/;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** MediaWiki's message keys for invalid titles (MalformedTitleException). */
export type TitleErrorKey =
  | 'title-invalid'
  | 'title-invalid-empty'
  | 'title-invalid-utf8'
  | 'title-invalid-talk-namespace'
  | 'title-invalid-characters'
  | 'title-invalid-relative'
  | 'title-invalid-magic-tilde'
  | 'title-invalid-too-long'
  | 'title-invalid-leading-colon'
  | 'title-invalid-interwiki';

// HTML5 names that also decode without the trailing semicolon (a text tokenizer decodes them).
const LEGACY_ENTITY_NAMES = (
  'Aacute aacute Acirc acirc acute AElig aelig Agrave agrave amp AMP Aring aring Atilde atilde Auml auml ' +
  'brvbar Ccedil ccedil cedil cent copy COPY curren deg divide Eacute eacute Ecirc ecirc Egrave egrave ETH ' +
  'eth Euml euml frac12 frac14 frac34 gt GT Iacute iacute Icirc icirc iexcl Igrave igrave iquest Iuml iuml ' +
  'laquo lt LT macr micro middot nbsp not Ntilde ntilde Oacute oacute Ocirc ocirc Ograve ograve ordf ordm ' +
  'Oslash oslash Otilde otilde Ouml ouml para plusmn pound quot QUOT raquo reg REG sect shy sup1 sup2 sup3 ' +
  'szlig THORN thorn times Uacute uacute Ucirc ucirc Ugrave ugrave uml Uuml uuml Yacute yacute yen yuml'
).split(' ');

/** How an HTML text tokenizer shows an `&name;` sequence (the API strips markup from messages). */
function displayEntity(seq: string): string {
  if (!seq.startsWith('&') || !seq.endsWith(';') || seq.length < 3) return seq;
  const name = seq.slice(1, -1);
  const full = namedCharacterReference(name);
  if (full !== undefined) return full;
  let best = '';
  for (const legacy of LEGACY_ENTITY_NAMES) {
    if (legacy.length > best.length && name.startsWith(legacy)) best = legacy;
  }
  return best ? namedCharacterReference(best)! + name.slice(best.length) + ';' : seq;
}

/** Sanitizer::normalizeWhitespace, applied by the API to message texts. */
const normalizeMessageWhitespace = (s: string) => s.replace(/[ \r\n\t]+/g, ' ').trim();

/** The English text of an invalid-title message, as the API prints it (e.g. `invalidreason`). */
export function titleErrorReason(key: TitleErrorKey, params: readonly (string | number)[] = []): string {
  switch (key) {
    case 'title-invalid-empty':
      return 'The requested page title is empty or contains only the name of a namespace.';
    case 'title-invalid-utf8':
      return 'The requested page title contains an invalid UTF-8 sequence.';
    case 'title-invalid-interwiki':
      return 'The requested page title contains an interwiki link which cannot be used in titles.';
    case 'title-invalid-talk-namespace':
      return 'The requested page title refers to a talk page that cannot exist.';
    case 'title-invalid-characters':
      return normalizeMessageWhitespace(
        `The requested page title contains invalid characters: "${displayEntity(String(params[0] ?? ''))}".`,
      );
    case 'title-invalid-relative':
      return "Title has relative path. Relative page titles (./, ../) are invalid, because they will often be unreachable when handled by user's browser.";
    case 'title-invalid-magic-tilde':
      return 'The requested page title contains invalid magic tilde sequence (~~~).';
    case 'title-invalid-too-long': {
      const n = Number(params[0] ?? 255);
      return `The requested page title is too long. It must be no longer than ${n} ${n === 1 ? 'byte' : 'bytes'} in UTF-8 encoding.`;
    }
    case 'title-invalid-leading-colon':
      return 'The requested page title contains an invalid colon at the beginning.';
    default:
      return 'The requested page title is invalid';
  }
}

/** Why a title is invalid: MediaWiki's message key, its parameters and the English text. */
export class TitleError extends Error {
  readonly key: TitleErrorKey;
  readonly params: readonly (string | number)[];

  constructor(key: TitleErrorKey, params: readonly (string | number)[] = []) {
    super(titleErrorReason(key, params));
    this.name = 'TitleError';
    this.key = key;
    this.params = params;
  }

  /** The English reason text (same as `message`). */
  get reason(): string {
    return this.message;
  }
}

/** The parts a title string splits into. */
export interface TitleParts {
  ns: number;
  /** DB key: underscores, first letter capitalised where the namespace wants it. */
  dbKey: string;
  /** Text after `#`, with spaces. */
  fragment: string;
  /** Lower-case interwiki prefix, '' for local titles. */
  interwiki: string;
}

export interface TitleParserOptions extends NamespaceOptions {
  /** Namespaces to use (built from the other options when absent). */
  namespaces?: Namespaces;
  /** Interwiki prefixes (the `interwiki` table). Default: a fresh installation's list. */
  interwikiPrefixes?: Iterable<string>;
  /** $wgOverrideUcfirstCharacters: first character → its capitalised form. */
  ucfirstOverrides?: Readonly<Record<string, string>>;
}

const trimUnderscores = (s: string) => s.replace(/^_+|_+$/g, '');

/** Parses title strings for one wiki (its namespaces, interwiki prefixes and case rules). */
export class TitleParser {
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
    let dbKey = text.replace(/ /g, '_');
    let ns = defaultNs;
    let interwiki = '';
    let fragment = '';

    if (LONE_SURROGATE.test(dbKey)) throw new TitleError('title-invalid-utf8');
    dbKey = trimUnderscores(dbKey.replace(BIDI, '').replace(WHITESPACE, '_'));
    if (dbKey.includes('\ufffd')) throw new TitleError('title-invalid-utf8');

    // A leading colon means the main namespace, whatever the default.
    if (dbKey.startsWith(':')) {
      ns = NS_MAIN;
      dbKey = trimUnderscores(dbKey.slice(1));
    }
    if (dbKey === '') throw new TitleError('title-invalid-empty');

    const m = PREFIX.exec(dbKey);
    if (m) {
      const prefix = m[1]!;
      const index = this.namespaces.index(prefix);
      if (index !== undefined) {
        dbKey = m[2]!;
        ns = index;
        if (index === NS_TALK) {
          // Talk:File:X and Talk:wikipedia:X cannot exist.
          const x = PREFIX.exec(dbKey);
          if (x && (this.namespaces.index(x[1]!) || this.isInterwiki(x[1]!))) {
            throw new TitleError('title-invalid-talk-namespace');
          }
        }
      } else if (this.isInterwiki(prefix)) {
        dbKey = m[2]!;
        interwiki = lc(prefix);
        if (dbKey.startsWith(':')) {
          ns = NS_MAIN;
          dbKey = trimUnderscores(dbKey.slice(1));
        }
      }
    }

    const hash = dbKey.indexOf('#');
    if (hash !== -1) {
      fragment = dbKey.slice(hash + 1).replace(/_/g, ' ');
      dbKey = dbKey.slice(0, hash).replace(/_+$/, '');
    }

    const bad = TITLE_INVALID.exec(dbKey);
    if (bad) throw new TitleError('title-invalid-characters', [bad[0]]);

    if (
      dbKey.includes('.') &&
      (dbKey === '.' ||
        dbKey === '..' ||
        dbKey.startsWith('./') ||
        dbKey.startsWith('../') ||
        dbKey.includes('/./') ||
        dbKey.includes('/../') ||
        dbKey.endsWith('/.') ||
        dbKey.endsWith('/..'))
    ) {
      throw new TitleError('title-invalid-relative');
    }
    if (dbKey.includes('~~~')) throw new TitleError('title-invalid-magic-tilde');

    const maxLength = ns !== NS_SPECIAL ? 255 : 512;
    if (utf8Length(dbKey) > maxLength) throw new TitleError('title-invalid-too-long', [maxLength]);

    if (interwiki === '' && this.namespaces.isCapitalized(ns)) dbKey = ucfirst(dbKey, this.ucfirstOverrides);
    if (dbKey === '' && interwiki === '' && ns !== NS_MAIN) throw new TitleError('title-invalid-empty');
    if (ns === NS_USER || ns === NS_USER_TALK) dbKey = sanitizeIP(dbKey) ?? dbKey;
    if (dbKey.startsWith(':')) throw new TitleError('title-invalid-leading-colon');

    // TitleValue::assertValidSpec
    if (/^[_ ]|[\r\n\t]|[_ ]$/.test(dbKey)) {
      throw new TitleError('title-invalid', [`Bad value for parameter $title: invalid name '${dbKey}'`]);
    }
    if (dbKey === '' && ns !== NS_MAIN) {
      throw new TitleError('title-invalid', [
        'Bad value for parameter $title: should not be empty unless namespace is main',
      ]);
    }
    return { ns, dbKey, fragment, interwiki };
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

/** The API error for a parameter that holds an invalid title: code `invalidtitle`, `Bad title "X".` */
export function invalidTitleError(text: string): MwError {
  return new MwError('invalidtitle', normalizeMessageWhitespace(`Bad title "${text}".`));
}
