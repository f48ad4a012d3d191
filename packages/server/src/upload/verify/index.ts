/**
 * File content verification of MediaWiki 1.39 (UploadBase::verifyFile and verifyPartialFile):
 * banned MIME types, what old Internet Explorer would sniff, HTML/script detection, SVG script
 * filters, and agreement between the extension and the detected MIME type.
 *
 * Size limits, empty files and file name rules are checked elsewhere. The content is read as a
 * stream: text files are scanned whole with bounded memory, SVGs are parsed whole (up to
 * `svgMaxBytes`), anything else only needs its first bytes — plus its last 64 KiB for ZIP
 * detection when the source does not provide them.
 */
import type { Readable } from 'node:stream';
import {
  guessMime,
  ieMimeTypes,
  improveMimeFromExtension,
  isMatchingExtension,
  isRecognizableExtension,
  type MediaType,
  mediaTypeForMime,
  mimeForExtension,
  mimesForExtension,
  TAIL_BYTES,
} from '../../mime/index.js';
import { verificationError } from './messages.js';
import { detectScriptInBuffer, ScriptScanner } from './script.js';
import { SvgScanner, type SvgScanResult } from './svg.js';
import { xmlEncodingMismatch } from './xml-encoding.js';

export { checkCssFragment, decodeCharReferences, normalizeCss } from './css.js';
export { type VerificationDetails, verificationError, verificationText } from './messages.js';
export { detectScriptInBuffer, ScriptScanner } from './script.js';
export { SvgScanner, type SvgScanResult, scanSvg } from './svg.js';
export { xmlEncodingMismatch } from './xml-encoding.js';

/** The bytes of a file to verify. */
export interface VerifySource {
  /** Size in bytes. */
  size: number;
  /** The first min(size, 1 MiB) bytes. */
  head: Buffer;
  /** The last min(size, 65558) bytes, when already at hand (saves a read of the whole file). */
  tail?: Buffer;
  /** The whole content from the start; may be called more than once. */
  open(): NodeJS.ReadableStream | Readable;
}

/** Verification settings (MediaWiki configuration variables). */
export interface VerifyOptions {
  /** `$wgVerifyMimeType`: refuse excluded MIME types and extension/content mismatches. */
  verifyMimeType: boolean;
  /** `$wgVerifyMimeTypeIE`: also refuse what old Internet Explorer would sniff as an excluded type. */
  verifyMimeTypeIE: boolean;
  /** `$wgMimeTypeExclusions` (lower-case MIME types). */
  mimeTypeExclusions: readonly string[];
  /** `$wgDisableUploadScriptChecks`. */
  disableScriptChecks: boolean;
  /** `$wgSVGMetadataCutoff`: bytes searched for an SVG's XML declaration. */
  svgMetadataCutoff: number;
  /** A chunk or otherwise partial file: MediaWiki's verifyPartialFile (no well-formedness or mismatch check). */
  partial?: boolean;
  /**
   * Largest SVG/XML parsed whole. A bigger file that needs the SVG checks counts as unparsable
   * (`uploadinvalidxml`; a partial file passes). MediaWiki has no such limit. Default 100 MiB.
   */
  svgMaxBytes?: number;
}

/** MediaWiki 1.39's defaults. */
export const DEFAULT_VERIFY_OPTIONS: Readonly<Required<VerifyOptions>> = Object.freeze({
  verifyMimeType: true,
  verifyMimeTypeIE: true,
  mimeTypeExclusions: Object.freeze([
    'text/html',
    'application/javascript',
    'text/javascript',
    'text/x-javascript',
    'application/x-shellscript',
    'application/x-php',
    'text/x-php',
    'text/x-python',
    'text/x-perl',
    'text/x-bash',
    'text/x-sh',
    'text/x-csh',
    'text/scriptlet',
    'application/x-msdownload',
    'application/x-msmetafile',
    'application/java',
    'application/xml',
    'text/xml',
  ]),
  disableScriptChecks: false,
  svgMetadataCutoff: 262144,
  partial: false,
  svgMaxBytes: 100 * 1024 * 1024,
});

/** What verification learned about the file. */
export interface VerifyResult {
  /** The MIME type to store (MWFileProps 'mime': content, improved with the extension). */
  mime: string;
  /** The MIME type from the content alone (MWFileProps 'file-mime'). */
  fileMime: string;
  /** MediaWiki's media type for `mime`. */
  mediaType: MediaType;
}

const IE_SNIFF_BYTES = 256;
const SCRIPT_HEAD_BYTES = 1024;

/**
 * UploadBase::verifyExtension: does the extension fit the MIME type? An unknown type passes
 * unless the extension is one MediaWiki expects to recognise; a type without extensions passes
 * unless the extension belongs to another type.
 */
export function verifyExtension(mime: string | null, ext: string): boolean {
  if (!mime || mime === 'unknown' || mime === 'unknown/unknown') return !isRecognizableExtension(ext);
  const match = isMatchingExtension(ext, mime);
  if (match === null) return mimesForExtension(ext).length === 0;
  return match;
}

const inList = (mime: string, list: readonly string[]) =>
  list.includes(mime.replace(/[A-Z]+/g, (m) => m.toLowerCase()));

/**
 * Verify a file's content like MediaWiki's UploadBase::verifyFile (or verifyPartialFile when
 * `opts.partial`). `finalExt` is the final extension of the target name as typed (null: none).
 * Throws `verification-error` MwErrors in MediaWiki's order; returns the detected MIME types.
 */
export async function verifyFile(
  src: VerifySource,
  finalExt: string | null,
  opts: VerifyOptions = DEFAULT_VERIFY_OPTIONS,
): Promise<VerifyResult> {
  const ext = finalExt ?? '';
  const { head, size } = src;
  const checks = !opts.disableScriptChecks;
  const svgMaxBytes = opts.svgMaxBytes ?? DEFAULT_VERIFY_OPTIONS.svgMaxBytes;

  // Without the file's last bytes at hand, read the file once for them, feeding the scanners the
  // first bytes suggest will be needed along the way.
  let tail = src.tail ?? (size <= head.length ? head.subarray(Math.max(0, size - TAIL_BYTES), size) : null);
  let early: ContentScan | null = null;
  if (tail === null) {
    const guess = await guessMime(head, { size });
    early = await scanContent(src, {
      tail: true,
      script: checks && guess.startsWith('text/'),
      svg: checks && size <= svgMaxBytes && isSvgCandidate(ext, guess, improveMimeFromExtension(guess, ext)),
    });
    tail = early.tail;
  }

  const fileMime = await guessMime(head, { size, tail });
  const mime = improveMimeFromExtension(fileMime, ext);

  // verifyMimeType
  if (opts.verifyMimeType) {
    if (inList(fileMime, opts.mimeTypeExclusions)) throw verificationError(['filetype-badmime', fileMime]);
    if (opts.verifyMimeTypeIE) {
      const proposed = mimeForExtension(ext) ?? '';
      for (const ieType of ieMimeTypes(head.subarray(0, IE_SNIFF_BYTES), proposed)) {
        if (inList(ieType, opts.mimeTypeExclusions))
          throw verificationError(['filetype-bad-ie-mime', ieType]);
      }
    }
  }

  const svgPartial = checks && (ext === 'svg' || fileMime === 'image/svg+xml');
  const svgFull = checks && !opts.partial && (ext === 'svg' || mime === 'image/svg+xml');
  let svg: SvgScanResult | null = null;

  if (checks) {
    // detectScript: XML encoding trickery (SVG only), then HTML/script patterns — in the whole
    // file for text types, in the first KiB otherwise.
    if (ext === 'svg' || fileMime.startsWith('image/svg')) {
      const prefix = await readPrefix(src, opts.svgMetadataCutoff);
      if (xmlEncodingMismatch(prefix)) throw verificationError(['uploadscripted']);
    }
    const wholeText = fileMime.startsWith('text/');
    const wantSvg = (svgPartial || svgFull) && size <= svgMaxBytes;
    let scripted = wholeText ? early?.scripted : detectScriptInBuffer(head.subarray(0, SCRIPT_HEAD_BYTES));
    svg = wantSvg ? (early?.svg ?? null) : null;
    if (scripted === undefined || scripted === null || (wantSvg && svg === null)) {
      const late = await scanContent(src, {
        tail: false,
        script: scripted === undefined || scripted === null,
        svg: wantSvg && svg === null,
      });
      scripted ??= late.scripted;
      svg ??= late.svg;
    }
    if (scripted) throw verificationError(['uploadscripted']);
    svg ??= { wellFormed: false, verdict: null, reason: 'not parsed (too large)' };
    if (svgPartial && svg.wellFormed && svg.verdict) throw verificationError(svg.verdict);
  }

  if (!opts.partial) {
    if (opts.verifyMimeType && ext !== '' && !verifyExtension(mime, ext)) {
      throw verificationError(['filetype-mime-mismatch', ext, mime ?? '']);
    }
    if (svgFull && svg) {
      if (!svg.wellFormed) throw verificationError(['uploadinvalidxml']);
      if (svg.verdict) throw verificationError(svg.verdict);
    }
  }

  const stored = mime ?? 'unknown/unknown';
  return { mime: stored, fileMime, mediaType: mediaTypeForMime(stored, head) };
}

const isSvgCandidate = (ext: string, fileMime: string, mime: string | null) =>
  ext === 'svg' || fileMime === 'image/svg+xml' || mime === 'image/svg+xml';

/** What one read of the content found. */
interface ContentScan {
  /** Whether detectScript matched (null: not looked for). */
  scripted: boolean | null;
  svg: SvgScanResult | null;
  /** The last min(size, 65558) bytes (null: not asked for). */
  tail: Buffer | null;
}

/**
 * Read the whole content once, feeding the script scanner, the SVG scanner and/or a tail buffer.
 * Stops as soon as nothing more is needed (script found, or every consumer done).
 */
async function scanContent(
  src: VerifySource,
  want: { script: boolean; svg: boolean; tail: boolean },
): Promise<ContentScan> {
  const script = want.script ? new ScriptScanner() : null;
  const svg = want.svg ? new SvgScanner() : null;
  let tailParts: Buffer[] = [];
  let tailLength = 0;
  const feed = (chunk: Buffer): boolean => {
    if (want.tail) {
      tailParts.push(chunk);
      tailLength += chunk.length;
      if (tailLength > 4 * TAIL_BYTES) {
        const joined = Buffer.concat(tailParts, tailLength);
        tailParts = [Buffer.from(joined.subarray(joined.length - TAIL_BYTES))];
        tailLength = TAIL_BYTES;
      }
    }
    if (script && !script.found) script.write(chunk);
    if (svg && !svg.done) svg.write(chunk);
    if (want.tail) return true;
    if (script?.found) return false;
    return (script !== null && !script.found) || (svg !== null && !svg.done);
  };
  if (src.size <= src.head.length) feed(src.head.subarray(0, src.size));
  else await forEachChunk(src, feed);
  let tail: Buffer | null = null;
  if (want.tail) {
    const all = Buffer.concat(tailParts, tailLength);
    tail = all.subarray(Math.max(0, all.length - TAIL_BYTES));
  }
  return { scripted: script ? script.found || script.end() : null, svg: svg ? svg.end() : null, tail };
}

/** Read the content chunk by chunk until `fn` returns false or the stream ends. */
async function forEachChunk(src: VerifySource, fn: (chunk: Buffer) => boolean): Promise<void> {
  const stream = src.open();
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (!fn(buf)) break;
    }
  } finally {
    const s = stream as Partial<Readable>;
    if (typeof s.destroy === 'function' && !s.destroyed) s.destroy();
  }
}

/** The first min(size, n) bytes. */
async function readPrefix(src: VerifySource, n: number): Promise<Buffer> {
  if (n <= src.head.length || src.size <= src.head.length) return src.head.subarray(0, n);
  const parts: Buffer[] = [];
  let length = 0;
  await forEachChunk(src, (chunk) => {
    parts.push(chunk);
    length += chunk.length;
    return length < n;
  });
  return Buffer.concat(parts, length).subarray(0, n);
}
