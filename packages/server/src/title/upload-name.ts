/**
 * Upload file name → File title, as MediaWiki 1.39's UploadBase::getTitle does it, with the same
 * order of checks and the same API errors (ApiUpload::checkVerification).
 */
import { MwError, recoverable } from '../errors.js';
import { asciiLower } from './case.js';
import { NS_FILE } from './namespaces.js';
import { phpLooseEquals, phpTrim, utf8Length } from './php-compat.js';
import { defaultTitleParser, ILLEGAL_TITLE_CHAR, type Title, type TitleParser } from './title.js';

/** $wgFileExtensions default. */
export const DEFAULT_FILE_EXTENSIONS: readonly string[] = ['png', 'gif', 'jpg', 'jpeg', 'webp'];

/** $wgProhibitedFileExtensions in MediaWiki 1.39.17 (`xml` came with the T341565 fix). */
export const DEFAULT_PROHIBITED_EXTENSIONS: readonly string[] = [
  'html',
  'htm',
  'js',
  'jsb',
  'mhtml',
  'mht',
  'xhtml',
  'xht',
  'php',
  'phtml',
  'php3',
  'php4',
  'php5',
  'phps',
  'phar',
  'shtml',
  'jhtml',
  'pl',
  'py',
  'cgi',
  'exe',
  'scr',
  'dll',
  'msi',
  'vbs',
  'bat',
  'com',
  'pif',
  'cmd',
  'vxd',
  'cpl',
  'xml',
];

/** $wgIllegalFileChars default: `:`, `/` and `\`. */
export const DEFAULT_ILLEGAL_FILE_CHARS = ':/\\';

/** Longest file name in bytes (oi_archive_name is 255 bytes and holds `YYYYMMDDHHMMSS!`). */
export const MAX_FILENAME_BYTES = 240;

export interface UploadNameOptions {
  /** $wgFileExtensions (allowed / preferred extensions, lower case). */
  fileExtensions: readonly string[];
  /** $wgProhibitedFileExtensions: refused anywhere in the name. */
  prohibitedExtensions: readonly string[];
  /** $wgCheckFileExtensions */
  checkFileExtensions: boolean;
  /** $wgStrictFileExtensions: an extension outside fileExtensions is an error, not a warning. */
  strictFileExtensions: boolean;
  /** $wgIllegalFileChars as a plain list of characters (each one becomes `-`). */
  illegalFileChars: string;
  /** Refuse non-ASCII names (a storage backend without Unicode paths): `windows-nonascii-filename`. */
  asciiOnlyNames?: boolean;
  /** MIME type → canonical extension (MimeAnalyzer::getExtensionFromMimeTypeOrNull), for names without one. */
  canonicalExtensionForMime: (mime: string) => string | undefined | null;
  /** Title parser of the wiki (default: MediaWiki defaults). */
  parser?: TitleParser;
}

/** MediaWiki 1.39.17's defaults for everything but the MIME mapping. */
export const MW_UPLOAD_NAME_DEFAULTS: Readonly<
  Omit<UploadNameOptions, 'canonicalExtensionForMime' | 'parser'>
> = {
  fileExtensions: DEFAULT_FILE_EXTENSIONS,
  prohibitedExtensions: DEFAULT_PROHIBITED_EXTENSIONS,
  checkFileExtensions: true,
  strictFileExtensions: true,
  illegalFileChars: DEFAULT_ILLEGAL_FILE_CHARS,
  asciiOnlyNames: false,
};

/**
 * Name errors after which MediaWiki keeps the upload in the stash and answers with `filekey`
 * (ApiUpload::dieRecoverableError). `filetype-banned` is not one of them.
 */
export const RECOVERABLE_NAME_ERRORS: ReadonlySet<string> = new Set([
  'filename-tooshort',
  'illegal-filename',
  'filename-toolong',
  'filetype-missing',
  'windows-nonascii-filename',
]);

/** `filetype-unwanted-type` warning value: [extension, "png, gif, …", number of preferred types]. */
export type UnwantedTypeWarning = [string, string, number];

export interface UploadNameWarnings {
  /** The final file name (DB key) when it differs from the requested one. */
  badfilename?: string;
  'filetype-unwanted-type'?: UnwantedTypeWarning;
}

export interface UploadNameResult {
  /** The File: title the upload goes to. */
  title: Title;
  /** The last extension as typed (not lower-cased), e.g. `PNG`. */
  finalExtension: string;
  /** Name warnings, in MediaWiki's order (badfilename first). */
  warnings: UploadNameWarnings;
}

/**
 * wfStripIllegalFilenameChars: every character outside the legal title characters or in
 * `illegalFileChars` becomes `-`, then any directory part left is dropped (wfBaseName).
 */
export function stripIllegalFilenameChars(
  name: string,
  illegalFileChars: string = DEFAULT_ILLEGAL_FILE_CHARS,
): string {
  let out = '';
  for (const ch of name) out += ILLEGAL_TITLE_CHAR.test(ch) || illegalFileChars.includes(ch) ? '-' : ch;
  return baseName(out);
}

/** wfBaseName without a suffix: the last path component (either slash), trailing slashes ignored. */
export function baseName(path: string): string {
  const trimmed = path.replace(/[/\\]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return trimmed.slice(cut + 1);
}

/** UploadBase::splitExtensions: the part before the first dot, and every part after it. */
export function splitExtensions(name: string): { base: string; extensions: string[] } {
  const [base = '', ...extensions] = name.split('.');
  return { base, extensions };
}

/** UploadBase::checkFileExtension: case-insensitive membership (PHP's loose in_array). */
export function isListedExtension(ext: string, list: readonly string[]): boolean {
  const lower = asciiLower(ext);
  return list.some((e) => phpLooseEquals(lower, e));
}

/** UploadBase::checkFileExtensionList: the (lower-cased) parts that are in `list`, duplicates kept. */
export function listedExtensions(exts: readonly string[], list: readonly string[]): string[] {
  return exts.map(asciiLower).filter((e) => list.includes(e));
}

const unique = (list: readonly string[]) => [...new Set(list)];

/** The English `filetype-banned-type` text as the API prints it. */
export function filetypeBannedInfo(shown: readonly string[], allowed: readonly string[]): string {
  const many = shown.length !== 1;
  const text =
    `".${shown.join(', ')}" ${many ? 'are not permitted file types' : 'is not a permitted file type'}. ` +
    `Permitted ${allowed.length === 1 ? 'file type is' : 'file types are'} ${allowed.join(', ')}.`;
  return text.replace(/[ \r\n\t]+/g, ' ').trim();
}

const tooLong = () =>
  recoverable(new MwError('filename-toolong', 'Filenames may not be longer than 240 bytes.'));
const illegal = (filename: string) =>
  recoverable(new MwError('illegal-filename', 'The filename is not allowed.', { filename }));
const missing = () =>
  recoverable(new MwError('filetype-missing', 'The file has no extension (like ".jpg").'));
const nonAscii = () =>
  recoverable(
    new MwError('windows-nonascii-filename', 'This wiki does not support filenames with special characters.'),
  );
const tooShort = () => recoverable(new MwError('filename-tooshort', 'The filename is too short.'));

/**
 * UploadBase::checkBadFileName: the final name (DB key) if it differs from what was asked for,
 * ignoring spaces vs underscores and first-letter case; otherwise undefined.
 */
export function badFileName(
  finalDbKey: string,
  desiredName: string,
  parser: TitleParser = defaultTitleParser,
): string | undefined {
  const comparable = parser.capitalize(desiredName.replace(/ /g, '_'), NS_FILE);
  if (!phpLooseEquals(desiredName, finalDbKey) && !phpLooseEquals(comparable, finalDbKey)) return finalDbKey;
  return undefined;
}

/**
 * UploadBase::getTitle steps 1–10 plus the name warnings of checkWarnings:
 *
 * 1. a `File:`/`Image:` prefix is dropped (the name is parsed as a title; character references decode);
 * 2. more than 240 bytes → `filename-toolong`;
 * 3. illegal characters → `-`, directory parts dropped;
 * 4. not a valid File title → `illegal-filename` (data `filename`);
 * 5. no extension: `detectedMime()` is asked and the canonical extension appended, else `filetype-missing`
 *    (a name ending in a dot has an empty extension and is not guessed for);
 * 6. a prohibited extension anywhere, or (strict) a final extension not allowed → `filetype-banned`;
 * 7. `asciiOnlyNames` and a non-ASCII name → `windows-nonascii-filename`;
 * 8. empty base name (`.png`) → `filename-tooshort`.
 *
 * Errors are MwError; the recoverable ones (RECOVERABLE_NAME_ERRORS) have `recoverable` set.
 * `desiredName` is the `filename` parameter after the API's Unicode clean-up.
 */
export async function uploadTitle(
  desiredName: string,
  opts: UploadNameOptions,
  detectedMime?: () => Promise<string> | string,
): Promise<UploadNameResult> {
  const parser = opts.parser ?? defaultTitleParser;

  const asTitle = parser.newFromText(desiredName);
  let filtered = asTitle && asTitle.ns === NS_FILE ? asTitle.dbKey : desiredName;

  if (utf8Length(filtered) > MAX_FILENAME_BYTES) throw tooLong();

  filtered = stripIllegalFilenameChars(filtered, opts.illegalFileChars);
  let title = parser.makeTitleSafe(NS_FILE, filtered);
  if (!title) throw illegal(filtered);
  filtered = title.dbKey;

  const split = splitExtensions(filtered);
  let extensions = split.extensions;
  let finalExtension = '';
  if (extensions.length) {
    finalExtension = phpTrim(extensions[extensions.length - 1]!);
  } else if (detectedMime) {
    const mime = await detectedMime();
    if (mime !== 'unknown/unknown') {
      const ext = opts.canonicalExtensionForMime(mime);
      if (ext !== undefined && ext !== null) {
        finalExtension = ext;
        filtered += `.${ext}`;
        title = parser.makeTitleSafe(NS_FILE, filtered);
        if (!title) throw illegal(filtered);
        extensions = [ext];
      }
    }
  }

  const blacklisted = listedExtensions(extensions, opts.prohibitedExtensions);
  if (finalExtension === '') throw missing();
  if (
    blacklisted.length ||
    (opts.checkFileExtensions &&
      opts.strictFileExtensions &&
      !isListedExtension(finalExtension, opts.fileExtensions))
  ) {
    const allowed = unique(opts.fileExtensions);
    const data: Record<string, unknown> = { filetype: finalExtension, allowed };
    if (blacklisted.length) data.blacklisted = blacklisted;
    const info = filetypeBannedInfo(blacklisted.length ? blacklisted : [finalExtension], allowed);
    throw new MwError('filetype-banned', info, data);
  }

  if (opts.asciiOnlyNames && !/^[\x00-\x7f]*$/.test(title.text)) throw nonAscii();

  const partName = [split.base, ...extensions.slice(0, -1)].join('.');
  if (partName === '') throw tooShort();

  const warnings: UploadNameWarnings = {};
  const bad = badFileName(title.dbKey, desiredName, parser);
  if (bad !== undefined) warnings.badfilename = bad;
  if (opts.checkFileExtensions) {
    const preferred = unique(opts.fileExtensions);
    if (!isListedExtension(finalExtension, preferred)) {
      warnings['filetype-unwanted-type'] = [finalExtension, preferred.join(', '), preferred.length];
    }
  }
  return { title, finalExtension, warnings };
}
