/**
 * The limits Special:Upload announces (`data-*` of `<main>`) and the checks made before a file is
 * sent: size, empty files, the destination name's extension and length, with MediaWiki's messages.
 * No DOM: runs in Node for the tests.
 */

export const DEFAULT_CHUNK_SIZE = 5 * 1024 * 1024;

/** MediaWiki's limit on the length of a file name (a title of 255 bytes minus room for archive names). */
export const MAX_NAME_BYTES = 240;

export interface Limits {
  /** Largest file in bytes (`$wgMaxUploadSize`); Infinity when the page names none. */
  maxSize: number;
  /** Extensions accepted, lower case (`$wgFileExtensions`); empty when the page names none. */
  extensions: string[];
  /** Files larger than this go up in chunks of this size. */
  chunkSize: number;
}

const positiveInt = (v: string | undefined): number | undefined => {
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/** The limits from `<main>`'s dataset (`maxSize`, `extensions`, `chunkSize`). */
export function readLimits(data: Readonly<Record<string, string | undefined>>): Limits {
  return {
    maxSize: positiveInt(data.maxSize) ?? Number.POSITIVE_INFINITY,
    extensions: (data.extensions ?? '')
      .split(',')
      .map((e) => e.trim().replace(/^\./, '').toLowerCase())
      .filter((e) => e !== ''),
    chunkSize: positiveInt(data.chunkSize) ?? DEFAULT_CHUNK_SIZE,
  };
}

/** The extension MediaWiki checks: what follows the last dot, lower case; null without one. */
export function fileExtension(name: string): string | null {
  const dot = name.lastIndexOf('.');
  if (dot < 0 || dot === name.length - 1) return null;
  return name.slice(dot + 1).toLowerCase();
}

/** A size as MediaWiki writes it (`Language::formatSize`): 900 bytes, 12 KB, 1.5 MB, 4 GB. */
export function formatSize(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  let i = 0;
  while (size >= 1024 && i < units.length - 1) {
    size /= 1024;
    i++;
  }
  const digits = i > 1 ? 2 : 0;
  const rounded = Math.round(size * 10 ** digits) / 10 ** digits;
  return `${rounded} ${units[i]}`;
}

/** The permitted types as MediaWiki lists them: `png, gif, jpg`. */
const typeList = (exts: readonly string[]): string => exts.join(', ');

/** "Maximum file size: 4 GB. Permitted file types: png, gif, jpg." */
export function describeLimits(limits: Limits): string {
  const parts: string[] = [];
  if (Number.isFinite(limits.maxSize)) parts.push(`Maximum file size: ${formatSize(limits.maxSize)}.`);
  if (limits.extensions.length > 0) parts.push(`Permitted file types: ${typeList(limits.extensions)}.`);
  return parts.join(' ');
}

/** Why a file is refused before anything is sent; `code` is MediaWiki's message or error code. */
export interface Refusal {
  code:
    | 'file-too-large'
    | 'empty-file'
    | 'nofilename'
    | 'filename-toolong'
    | 'filetype-missing'
    | 'filetype-banned-type';
  message: string;
  /** Whether another destination name can fix it. */
  byName: boolean;
}

const utf8Length = (s: string): number => new TextEncoder().encode(s).byteLength;

/** The first reason to refuse `size` bytes under the destination name `destName`, or null. */
export function checkFile(size: number, destName: string, limits: Limits): Refusal | null {
  if (size > limits.maxSize) {
    return {
      code: 'file-too-large',
      message: `This file is bigger than the server is configured to allow: it has ${formatSize(size)}, the maximum is ${formatSize(limits.maxSize)}.`,
      byName: false,
    };
  }
  if (size === 0) {
    return { code: 'empty-file', message: 'The file you submitted was empty.', byName: false };
  }
  const name = destName.trim();
  if (name === '') {
    return { code: 'nofilename', message: 'Enter a destination file name.', byName: true };
  }
  if (utf8Length(name) > MAX_NAME_BYTES) {
    return {
      code: 'filename-toolong',
      message: `Filenames may not be longer than ${MAX_NAME_BYTES} bytes.`,
      byName: true,
    };
  }
  if (limits.extensions.length === 0) return null;
  const ext = fileExtension(name);
  if (ext === null) {
    return {
      code: 'filetype-missing',
      message: 'The file has no extension (like ".jpg").',
      byName: true,
    };
  }
  if (!limits.extensions.includes(ext)) {
    const plural = limits.extensions.length === 1 ? 'file type is' : 'file types are';
    return {
      code: 'filetype-banned-type',
      message: `.${ext} is not a permitted file type. Permitted ${plural} ${typeList(limits.extensions)}.`,
      byName: true,
    };
  }
  return null;
}

/** The file page of an uploaded file: `/wiki/File:A_b.png`, as the server's links are written. */
export function filePageUrl(name: string): string {
  const bare = name.replace(/^\s*(file|image)\s*:\s*/i, '').trim();
  const encoded = encodeURIComponent(`File:${bare}`.replace(/ /g, '_'))
    .replace(/%3A/gi, ':')
    .replace(/%2F/gi, '/');
  return `/wiki/${encoded}`;
}
