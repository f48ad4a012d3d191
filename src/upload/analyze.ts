import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import type { Config } from '../config.js';
import { MwError, recoverable } from '../errors.js';
import type { FileProps } from '../files/types.js';

/** The bytes of an upload, as the analysis steps see them. */
export interface ContentSource {
  size: number;
  /** The first bytes (up to 1 MiB). */
  head: Buffer;
  open(): Readable;
}

export interface NameCheck {
  /** DB key of the target (`A_b.png`). */
  dbKey: string;
  finalExt: string;
  warnings: Record<string, unknown>;
}

/** Upload file name → title (MediaWiki's UploadBase::getTitle). Throws the name errors. */
export async function checkName(
  desired: string,
  cfg: Config,
  mime: () => Promise<string>,
): Promise<NameCheck> {
  let name = desired.replace(/^(file|image):/i, '');
  if (Buffer.byteLength(name) > 240)
    throw recoverable(new MwError('filename-toolong', 'Filenames may not be longer than 240 bytes.'));
  name = name
    .replace(/[:/\\#<>[\]|{}]/g, '-')
    .replace(/[ _]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!name || /%[0-9A-Fa-f]{2}/.test(name) || name.includes('~~~') || /[\u0000-\u001f\ufffd]/.test(name)) {
    throw recoverable(new MwError('illegal-filename', 'The filename is not allowed.', { filename: name }));
  }
  name = name[0]!.toUpperCase() + name.slice(1);
  const warnings: Record<string, unknown> = {};
  let dot = name.lastIndexOf('.');
  if (dot < 0) {
    const m = await mime();
    const ext = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'text/plain': 'txt' }[m];
    if (!ext) throw recoverable(new MwError('filetype-missing', 'The file is missing an extension.'));
    name = `${name}.${ext}`;
    dot = name.lastIndexOf('.');
  }
  const finalExt = name.slice(dot + 1);
  if (dot === 0) throw recoverable(new MwError('filename-tooshort', 'The filename is too short.'));
  const up = cfg.uploads;
  if (!up.fileExtensions.includes(finalExt.toLowerCase())) {
    throw new MwError(
      'filetype-banned',
      `".${finalExt}" is not a permitted file type. Permitted file types are ${up.fileExtensions.join(', ')}.`,
      { filetype: finalExt, allowed: up.fileExtensions },
    );
  }
  if (name !== desired.replace(/ /g, '_').replace(/^./, (c) => c.toUpperCase())) warnings.badfilename = name;
  return { dbKey: name, finalExt, warnings };
}

export async function detectMime(src: ContentSource): Promise<string> {
  const t = await fileTypeFromBuffer(src.head);
  if (t) return t.mime;
  const text = src.head.toString('utf8');
  if (/<svg[\s>]/i.test(text)) return 'image/svg+xml';
  return /^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/.test(text) ? 'text/plain' : 'application/octet-stream';
}

/** Content checks (MediaWiki's verifyFile). Returns the detected MIME type. */
export async function verifyContent(
  src: ContentSource,
  finalExt: string | null,
  _cfg: Config,
): Promise<string> {
  const mime = await detectMime(src);
  const byExt: Record<string, string> = {
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    gif: 'image/gif',
    txt: 'text/plain',
    svg: 'image/svg+xml',
  };
  if (finalExt && byExt[finalExt.toLowerCase()] && byExt[finalExt.toLowerCase()] !== mime) {
    throw new MwError(
      'verification-error',
      `File extension ".${finalExt}" does not match the detected MIME type of the file (${mime}).`,
      {
        details: ['filetype-mime-mismatch', finalExt, mime],
      },
    );
  }
  return mime;
}

/** Media properties (dimensions, bit depth, metadata) of a verified upload. */
export async function mediaProps(src: ContentSource, mime: string): Promise<FileProps> {
  let width = 0;
  let height = 0;
  let bits = 0;
  if (mime.startsWith('image/')) {
    try {
      const m = await sharp(src.head).metadata();
      width = m.width ?? 0;
      height = m.height ?? 0;
      bits = 8;
    } catch {
      /* unknown image */
    }
  }
  const mediaType = mime.startsWith('image/')
    ? mime === 'image/svg+xml'
      ? 'DRAWING'
      : 'BITMAP'
    : mime.startsWith('text/')
      ? 'TEXT'
      : 'UNKNOWN';
  return { mime, mediaType, width, height, bits, metadata: null };
}
