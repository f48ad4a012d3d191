/**
 * The IETF resumable-upload draft on the tus endpoint: its requests, told apart by
 * `Upload-Draft-Interop-Version` (5: draft 03, 6: draft 05, as tus-js-client 4 sends them), are
 * served as the tus requests they correspond to, and the answers get the draft's headers.
 *
 *   draft                                     tus 1.0
 *   POST, Upload-Complete: ?1, body           POST, Upload-Length: body length, body
 *   POST, Upload-Complete: ?0 (or no length)  POST, Upload-Defer-Length: 1
 *   PATCH, Upload-Complete: ?1                PATCH; the length is known once the body ends
 *   HEAD, DELETE                              the same
 */
import type { IncomingHttpHeaders } from 'node:http';

export const INTEROP_VERSIONS = [5, 6] as const;
export type InteropVersion = (typeof INTEROP_VERSIONS)[number];

/** The draft's interop version a request speaks; null for tus requests. */
export function interopVersion(headers: IncomingHttpHeaders): InteropVersion | null | 'unsupported' {
  const v = headers['upload-draft-interop-version'];
  if (v === undefined) return null;
  const n = Number(v);
  return (INTEROP_VERSIONS as readonly number[]).includes(n) ? (n as InteropVersion) : 'unsupported';
}

/** A structured-field boolean (`?1`, `?0`); undefined when absent or malformed. */
function sfBoolean(v: string | string[] | undefined): boolean | undefined {
  if (v === '?1') return true;
  if (v === '?0') return false;
  return undefined;
}

const hasBody = (h: IncomingHttpHeaders) =>
  (h['content-length'] !== undefined && h['content-length'] !== '0') || h['transfer-encoding'] !== undefined;

/**
 * Rewrite a draft request's headers into the tus request it stands for; returns whether the body
 * completes the upload (`Upload-Complete: ?1`).
 */
export function draftToTus(method: string, h: IncomingHttpHeaders): boolean {
  const complete = sfBoolean(h['upload-complete']) === true;
  h['tus-resumable'] = '1.0.0';
  if (method === 'POST') {
    if (h['upload-length'] === undefined && h['upload-defer-length'] === undefined) {
      if (complete && h['content-length'] !== undefined) h['upload-length'] = h['content-length'];
      else h['upload-defer-length'] = '1';
    }
    if (hasBody(h)) h['content-type'] = 'application/offset+octet-stream';
    else delete h['content-type'];
  } else if (method === 'PATCH') {
    h['content-type'] = 'application/offset+octet-stream';
  }
  return complete;
}

/** The draft's headers on an answer. */
export function draftAnswerHeaders(
  version: InteropVersion,
  upload: { offset: number; length: number | null } | undefined,
  maxSize: number,
): Record<string, string> {
  const out: Record<string, string> = { 'Upload-Draft-Interop-Version': String(version) };
  if (upload)
    out['Upload-Complete'] = upload.length !== null && upload.offset === upload.length ? '?1' : '?0';
  if (version >= 6) out['Upload-Limit'] = `max-size=${maxSize}`;
  return out;
}
