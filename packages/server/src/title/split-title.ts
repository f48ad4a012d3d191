/**
 * MediaWikiTitleCodec::splitTitleString (MediaWiki 1.39): split a title string into namespace,
 * interwiki prefix, DB key and fragment, normalise it and reject what MediaWiki rejects.
 *
 * Spaces and underscores turn into one another, whitespace runs (including the Unicode spaces
 * MediaWiki knows) collapse, bidi marks are dropped, namespace prefixes (any case, with aliases) and
 * interwiki prefixes are recognised, a `#fragment` is split off, illegal characters and sequences
 * are refused, the 255-byte limit is enforced and the first letter is upper-cased.
 */
import { lc } from './case.js';
import { sanitizeIP } from './ip.js';
import { type Namespaces, NS_MAIN, NS_SPECIAL, NS_TALK, NS_USER, NS_USER_TALK } from './namespaces.js';
import { utf8Length } from './php-compat.js';
import { TitleError } from './title-error.js';

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

/** What splitting needs to know about the wiki. */
export interface TitleRules {
  readonly namespaces: Namespaces;
  /** Whether a prefix names a known interwiki (case-insensitive). */
  isInterwiki(prefix: string): boolean;
  /** Title::capitalize: upper-case the first letter if the namespace is capitalised. */
  capitalize(text: string, ns: number): string;
}

const trimUnderscores = (s: string) => s.replace(/^_+|_+$/g, '');

/** Whether a DB key is a relative path (`.`, `..`, `./x`, `x/../y`, …). */
function isRelativePath(dbKey: string): boolean {
  return (
    dbKey.includes('.') &&
    (dbKey === '.' ||
      dbKey === '..' ||
      dbKey.startsWith('./') ||
      dbKey.startsWith('../') ||
      dbKey.includes('/./') ||
      dbKey.includes('/../') ||
      dbKey.endsWith('/.') ||
      dbKey.endsWith('/..'))
  );
}

/**
 * Split and normalise a title string (no character references are decoded here). `defaultNs`
 * applies when the text has no namespace prefix. Throws TitleError.
 */
export function splitTitleString(text: string, defaultNs: number, rules: TitleRules): TitleParts {
  const { namespaces } = rules;
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
    const index = namespaces.index(prefix);
    if (index !== undefined) {
      dbKey = m[2]!;
      ns = index;
      if (index === NS_TALK) {
        // Talk:File:X and Talk:wikipedia:X cannot exist.
        const x = PREFIX.exec(dbKey);
        if (x && (namespaces.index(x[1]!) || rules.isInterwiki(x[1]!))) {
          throw new TitleError('title-invalid-talk-namespace');
        }
      }
    } else if (rules.isInterwiki(prefix)) {
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
  if (isRelativePath(dbKey)) throw new TitleError('title-invalid-relative');
  if (dbKey.includes('~~~')) throw new TitleError('title-invalid-magic-tilde');

  const maxLength = ns !== NS_SPECIAL ? 255 : 512;
  if (utf8Length(dbKey) > maxLength) throw new TitleError('title-invalid-too-long', [maxLength]);

  if (interwiki === '') dbKey = rules.capitalize(dbKey, ns);
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
