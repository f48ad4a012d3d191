/**
 * Why a title is invalid: MediaWiki's message keys (MalformedTitleException) and their English texts
 * as the API prints them.
 */
import { decodeHTML } from 'entities';
import { MwError } from '../errors.js';

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

/**
 * How an HTML text tokenizer shows an `&name;` sequence (the API strips markup from messages): the
 * HTML5 rules for text, where a few legacy names also decode without their semicolon
 * (`&notit;` → `¬it;`).
 */
function displayEntity(seq: string): string {
  return /^&[A-Za-z0-9\u0080-\u{10FFFF}]+;$/u.test(seq) ? decodeHTML(seq) : seq;
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

/** The API error for a parameter that holds an invalid title: code `invalidtitle`, `Bad title "X".` */
export function invalidTitleError(text: string): MwError {
  return new MwError('invalidtitle', normalizeMessageWhitespace(`Bad title "${text}".`));
}
