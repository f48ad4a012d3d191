/**
 * What a file's row says: its status, its progress in words, its warnings and errors. No DOM: runs in
 * Node for the tests.
 */
import { describeWarning, normalizeWarningCode, type UploadWarnings } from 'mwup/browser';
import { formatSize } from './limits.js';

export type JobState =
  | 'queued'
  | 'refused'
  | 'checking'
  | 'uploading'
  | 'assembling'
  | 'publishing'
  | 'warning'
  | 'error'
  | 'cancelled'
  | 'done';

/**
 * The new file page's text, as Special:Upload writes it (SpecialUpload::getInitialPageText without
 * licenses): the description under a "Summary" heading.
 */
export function initialPageText(description: string): string {
  const heading = '== Summary ==';
  return description !== '' && !description.includes(heading)
    ? `${heading}\n${description}\n`
    : `${description}\n`;
}

/** What the texts depend on. */
export interface JobFacts {
  state: JobState;
  size: number;
  bytesSent: number;
  /** Where a continued upload picked up (bytes), if it did. */
  resumedAt?: number | undefined;
  /** The published file's name. */
  published?: string | undefined;
  alreadyUploaded?: boolean | undefined;
}

/** Whole percent of the bytes the server has confirmed (100 once published). */
export function percentDone(f: Pick<JobFacts, 'state' | 'size' | 'bytesSent'>): number {
  if (f.state === 'done') return 100;
  if (f.size <= 0) return 0;
  return Math.min(100, Math.floor((f.bytesSent / f.size) * 100));
}

/** The status line (a polite live region: it changes with the state, not with every byte). */
export function statusText(f: JobFacts): string {
  switch (f.state) {
    case 'queued':
      return 'Waiting to upload…';
    case 'refused':
      return 'Not uploaded.';
    case 'checking':
      return 'Checking the file before continuing the interrupted upload…';
    case 'uploading':
      return f.resumedAt ? `Continuing the upload from ${formatSize(f.resumedAt)}…` : 'Uploading…';
    case 'assembling':
      return 'The server is putting the file together…';
    case 'publishing':
      return 'Publishing…';
    case 'warning':
      return 'Not published yet: the wiki has warnings about this file.';
    case 'error':
      return 'Upload failed.';
    case 'cancelled':
      return 'Upload cancelled.';
    case 'done':
      return f.alreadyUploaded ? 'This file was already uploaded:' : 'Upload complete:';
  }
}

/** The bytes line: "42% (2.1 MB of 5 MB)". */
export function bytesText(f: JobFacts): string {
  const pct = percentDone(f);
  if (f.state === 'done') return `100% (${formatSize(f.size)})`;
  return `${pct}% (${formatSize(Math.min(f.bytesSent, f.size))} of ${formatSize(f.size)})`;
}

/** Warnings whose values name files, as the API gives them (`A_b.png`). */
const NAMING = new Set(['exists', 'exists-normalized', 'duplicate', 'duplicate-archive', 'badfilename']);

/** A file name as the page shows names (`A b.png`), in a value or a list of them. */
const asText = (v: unknown): unknown =>
  typeof v === 'string' ? v.replace(/_/g, ' ') : Array.isArray(v) ? v.map(asText) : v;

/** The warnings as sentences, one per warning; file names with spaces, as everywhere on the page. */
export function warningTexts(warnings: UploadWarnings): string[] {
  return Object.entries(warnings).map(([code, value]) =>
    describeWarning(code, NAMING.has(normalizeWarningCode(code)) ? asText(value) : value),
  );
}

/** What went wrong, readably, and whether Retry can help. */
export interface ErrorFacts {
  code: string;
  info: string;
}

const CLIENT_TEXTS: Record<string, string> = {
  network:
    'The connection to the server was lost. What was already uploaded is kept: select Retry to continue.',
  timeout: 'The server did not answer in time. Select Retry to continue where the upload stopped.',
  'sha1-mismatch':
    'The server received different bytes than were sent; nothing was published. Select Retry to upload the file again.',
  'source-changed':
    'The file changed while it was being uploaded. Choose it again to upload the new version.',
  'upload-session-lost':
    'The server no longer has the part already uploaded (it expired). Select Retry to upload the file again.',
  'offset-loop': 'The server keeps asking for the same part of the file. Select Retry to try again.',
};

/** The wiki's messages may hold links (`[[:File:A.png]]`, `[[Target|label]]`): their text. */
export function plainText(info: string): string {
  return info.replace(
    /\[\[:?([^|\]]+)(?:\|([^\]]+))?\]\]/g,
    (_, target: string, label?: string) => label ?? target,
  );
}

/** A thrown value as code and sentence (the wiki's own `info` for its errors). */
export function describeError(e: unknown): ErrorFacts {
  if (typeof e === 'object' && e !== null) {
    const x = e as { code?: unknown; info?: unknown; name?: unknown; message?: unknown };
    if (typeof x.code === 'string' && typeof x.info === 'string') {
      return { code: x.code, info: CLIENT_TEXTS[x.code] ?? plainText(x.info) };
    }
    if (x.name === 'NotReadableError' || x.name === 'NotFoundError') {
      return {
        code: 'unreadable',
        info: 'The file could not be read: it may have been changed, moved or deleted. Choose it again.',
      };
    }
    if (typeof x.message === 'string' && x.message !== '') return { code: 'exception', info: x.message };
  }
  return { code: 'exception', info: String(e) };
}
