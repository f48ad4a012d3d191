/**
 * Helpers for the name-based upload warnings (UploadBase::getExistsWarning) and for where files
 * live (FileRepo hash paths, archive names). The caller does the database look-ups.
 */
import { createHash } from 'node:crypto';
import { asciiLower } from './case.js';
import { NS_FILE } from './namespaces.js';
import { phpLooseEquals, phpTrim } from './php-compat.js';
import { defaultTitleParser, type TitleParser } from './title.js';

/** File::normalizeExtension: lower case, common aliases folded (jpeg → jpg …); '' if not [0-9a-z]+. */
export function normalizeExtension(ext: string): string {
  const lower = asciiLower(ext);
  const squish: Record<string, string> = { htm: 'html', jpeg: 'jpg', mpeg: 'mpg', tiff: 'tif', ogv: 'ogg' };
  const s = squish[lower];
  if (s !== undefined) return s;
  return /^[0-9a-z]+$/.test(lower) ? lower : '';
}

/**
 * A file name split as getExistsWarning splits it: at the last dot, unless the name has no dot or
 * starts with one (then the whole name is the base and the extension is '').
 */
export function splitFileName(name: string): { partName: string; extension: string } {
  if (!name.includes('.') || name.startsWith('.')) return { partName: name, extension: '' };
  const n = name.lastIndexOf('.');
  return { partName: name.slice(0, n), extension: name.slice(n + 1) };
}

/**
 * What to look up for `exists-normalized` (after `exists` and `page-exists` found nothing):
 *
 * 1. `normalizedName` (when not null): if a file with exactly this name exists → `exists-normalized`
 *    with that name (`X.PNG` → `X.png`, `X.jpeg` → `X.jpg`);
 * 2. otherwise the first file (ordered by name) whose name starts with `similarPrefix`
 *    (`X.`, case-sensitive, a LIKE prefix match with `_`/`%` escaped) → `exists-normalized` with its name.
 */
export function normalizedExtensionVariants(dbKey: string): {
  normalizedName: string | null;
  similarPrefix: string;
} {
  const { partName, extension } = splitFileName(dbKey);
  const norm = normalizeExtension(extension);
  return {
    normalizedName: norm !== extension ? `${partName}.${norm}` : null,
    similarPrefix: `${partName}.`,
  };
}

/** UploadBase::isThumbName: `NNpx-…` or `NNNpx-…` (two leading digits), judged on the part before the last dot. */
export function isThumbName(name: string): boolean {
  const n = name.lastIndexOf('.');
  const part = Buffer.from(n > 0 ? name.slice(0, n) : name, 'utf8');
  const at = (from: number, len: number) => part.subarray(from, from + len).toString('latin1');
  return (at(3, 3) === 'px-' || at(2, 3) === 'px-') && /^[0-9]{2}$/.test(at(0, 2));
}

/**
 * Whether a name looks like a thumbnail and, if so, the name of the file it would be a thumbnail
 * of (text after the first `-`, same extension, as a File title DB key). The warning is `thumb`
 * when that file exists, `thumb-name` otherwise; either way its value is the uploaded name.
 * `original` is null in the odd case where the remainder is not a valid title.
 */
export function thumbNameInfo(
  dbKey: string,
  parser: TitleParser = defaultTitleParser,
): { isThumb: false } | { isThumb: true; original: string | null } {
  if (!isThumbName(dbKey)) return { isThumb: false };
  const { partName, extension } = splitFileName(dbKey);
  const t = parser.newFromText(`${partName.slice(partName.indexOf('-') + 1)}.${extension}`, NS_FILE);
  return { isThumb: true, original: t && t.ns === NS_FILE ? t.dbKey : null };
}

/** The default content of MediaWiki:Filename-prefix-blacklist (English). */
export const DEFAULT_FILENAME_PREFIX_BLACKLIST_MESSAGE =
  ' #<!-- leave this line exactly as it is --> <pre>\n' +
  '# Syntax is as follows:\n' +
  '#   * Everything from a "#" character to the end of the line is a comment\n' +
  '#   * Every non-blank line is a prefix for typical filenames assigned automatically by digital cameras\n' +
  'CIMG # Casio\n' +
  'DSC_ # Nikon\n' +
  'DSCF # Fuji\n' +
  'DSCN # Nikon\n' +
  'DUW # some mobile phones\n' +
  'IMG # generic\n' +
  'JD # Jenoptik\n' +
  'MGP # Pentax\n' +
  'PICT # misc.\n' +
  ' #</pre> <!-- leave this line exactly as it is -->';

/**
 * UploadBase::getFilenamePrefixBlacklist: one prefix a line; lines starting with `#` are comments,
 * and a `#` later in a line cuts it one character before the `#` (the space MediaWiki expects there).
 */
export function parseFilenamePrefixBlacklist(message: string): string[] {
  const list: string[] = [];
  for (let line of message.split('\n')) {
    const first = phpTrim(line).slice(0, 1);
    if (first === '#' || first === '') continue;
    const hash = line.indexOf('#');
    if (hash > 0) line = line.slice(0, Math.max(0, hash - 1));
    list.push(phpTrim(line));
  }
  return list;
}

/** The camera prefixes MediaWiki warns about by default (`bad-prefix`). */
export const DEFAULT_FILENAME_PREFIX_BLACKLIST: readonly string[] = parseFilenamePrefixBlacklist(
  DEFAULT_FILENAME_PREFIX_BLACKLIST_MESSAGE,
);

/**
 * The prefix from `list` the name's base part (before the last dot) starts with, or null
 * (the `bad-prefix` warning, whose value is the uploaded name).
 */
export function badPrefix(
  dbKey: string,
  list: readonly string[] = DEFAULT_FILENAME_PREFIX_BLACKLIST,
): string | null {
  const part = Buffer.from(splitFileName(dbKey).partName, 'utf8');
  for (const prefix of list) {
    const len = Buffer.byteLength(prefix, 'utf8');
    if (phpLooseEquals(part.subarray(0, len).toString('utf8'), prefix)) return prefix;
  }
  return null;
}

/** Whether the name starts with one of the prefixes (see badPrefix). */
export function hasBadPrefix(
  dbKey: string,
  list: readonly string[] = DEFAULT_FILENAME_PREFIX_BLACKLIST,
): boolean {
  return badPrefix(dbKey, list) !== null;
}

/**
 * The name-based checks of UploadBase::getExistsWarning after `exists` and `page-exists`, in order.
 * The caller runs the look-ups: `normalizedName` exists → `exists-normalized` (that name); a file
 * with `similarPrefix` → `exists-normalized` (its name); `thumb` set → `thumb` if the original
 * exists else `thumb-name`; `badPrefix` set → `bad-prefix`. The value of the last three is `dbKey`.
 */
export function existsWarningChecks(
  dbKey: string,
  parser: TitleParser = defaultTitleParser,
  prefixes: readonly string[] = DEFAULT_FILENAME_PREFIX_BLACKLIST,
): {
  normalizedName: string | null;
  similarPrefix: string;
  thumb: { original: string | null } | null;
  badPrefix: string | null;
} {
  const v = normalizedExtensionVariants(dbKey);
  const t = thumbNameInfo(dbKey, parser);
  return { ...v, thumb: t.isThumb ? { original: t.original } : null, badPrefix: badPrefix(dbKey, prefixes) };
}

/** Escape `\`, `%` and `_` for a LIKE pattern with `ESCAPE '\'`. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * FileRepo::getHashPathForLevel: `a/ab/` from the MD5 of the name (UTF-8), one directory per level
 * (MediaWiki's default is 2 levels; 0 gives '').
 */
export function fileHashPath(dbKey: string, levels = 2): string {
  if (levels <= 0) return '';
  const hash = createHash('md5').update(dbKey, 'utf8').digest('hex');
  let path = '';
  for (let i = 1; i <= levels; i++) path += `${hash.slice(0, i)}/`;
  return path;
}

/** An old version's archive name: `YYYYMMDDHHMMSS!Name.png`. */
export function archiveName(timestamp14: string, dbKey: string): string {
  if (!/^\d{14}$/.test(timestamp14)) throw new RangeError(`Not a 14-digit timestamp: ${timestamp14}`);
  return `${timestamp14}!${dbKey}`;
}
