/** Encoding a request: parameters as MediaWiki reads them, file parts as Blobs, network failures classified. */

import type { RequestFile } from './api-types.js';
import { HttpError, type MwClientError, UploadError } from './errors.js';
import type { Params } from './types.js';

export const isBrowser = (): boolean =>
  typeof (globalThis as { document?: unknown }).document !== 'undefined' &&
  typeof (globalThis as { window?: unknown }).window !== 'undefined';

function encodeValue(v: string | number | boolean | readonly (string | number)[]): string {
  if (Array.isArray(v)) {
    const parts = v.map(String);
    return parts.some((p) => p.includes('|')) ? `\x1f${parts.join('\x1f')}` : parts.join('|');
  }
  if (typeof v === 'boolean') return '1';
  return String(v);
}

/** Drops absent and `false` values; `true` becomes `1` (MediaWiki booleans are presence-only). */
export function encodeParams(params: Params): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === false) continue;
    out.push([k, encodeValue(v as string | number | boolean | readonly (string | number)[])]);
  }
  return out;
}

const NETWORK_NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The Blob to put in a FormData for a file part. */
export async function fileBlob(f: RequestFile, signal?: AbortSignal): Promise<Blob> {
  const type = f.type ?? 'application/octet-stream';
  if (f.data instanceof Blob) return f.data;
  if (f.data) return new Blob([f.data as Uint8Array<ArrayBuffer>], { type });
  if (!f.range) throw new TypeError('A file part needs data or a range');
  const { source, start, end } = f.range;
  if (source.blob) return source.blob(start, end);
  const bytes = await source.read(start, end, signal);
  if (bytes.byteLength !== end - start) {
    throw new UploadError({
      code: 'source-changed',
      info: `Read ${bytes.byteLength} bytes instead of ${end - start}.`,
    });
  }
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
}

export function classifyFetchFailure(e: unknown, action: string): MwClientError {
  const raw = e as { cause?: { code?: string; message?: string; name?: string }; code?: string };
  const cause =
    raw.cause ?? (raw.code ? (raw as { code?: string; message?: string; name?: string }) : undefined);
  if (cause?.name === 'NotReadableError') {
    // A file-backed Blob whose file changed after it was opened.
    return new UploadError({
      code: 'source-changed',
      info: `The file changed while it was being uploaded (${cause.message ?? 'the blob could not be read'}).`,
      cause: e,
    });
  }
  const code = cause?.code;
  const notSent = code !== undefined && NETWORK_NOT_SENT.has(code);
  const detail = cause?.message ?? (e as Error).message ?? String(e);
  return new HttpError({
    code: 'network',
    info: `Network error during ${action}: ${detail}${code && !detail.includes(code) ? ` (${code})` : ''}`,
    retryable: true,
    ambiguous: !notSent,
    data: code ? { errno: code } : {},
    cause: e,
  });
}
