/**
 * The S3 requests of the hot paths (a chunk's listing and part, a file's PutObject, the parts and
 * part copies of a multipart upload, HEAD and DELETE of one object), signed and sent by the S3
 * client's own parts (its signer's class, credentials, HTTP handler with its connections and
 * timeouts, and retry strategy) but without its command pipeline: that pipeline (some thirty
 * middlewares, endpoint rules, serialisers) cost 2–5 ms of CPU per request on a 2-core machine,
 * more than half of a 5 MiB part's. Everything else still goes through the client's commands.
 */
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';

/** An S3 error answer, shaped as the client's errors are (`name` is S3's code). */
export class S3Error extends Error {
  readonly $metadata: { httpStatusCode: number; clockSkewCorrected?: boolean };
  constructor(code: string, message: string, status: number) {
    super(message || code);
    this.name = code;
    this.$metadata = { httpStatusCode: status };
  }
}

/** Codes of a request refused for its time; the SDK corrects its clock from the answer's `Date`. */
const CLOCK_SKEW_CODES = new Set([
  'AuthFailure',
  'InvalidSignatureException',
  'RequestExpired',
  'RequestInTheFuture',
  'RequestTimeTooSkewed',
  'SignatureDoesNotMatch',
]);
/** A difference between the clocks worth correcting (the SDK's threshold). */
const SKEW_MS = 240_000;

export interface S3Call {
  method: 'GET' | 'HEAD' | 'PUT' | 'DELETE';
  /** The object's key; '' for the bucket itself. */
  key: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** The answer may be an error even with status 200 (copies: S3 sends its status before the copy ends). */
  errorIn200?: boolean;
}

export interface S3Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

/** SHA-256 of the empty body, the payload hash of a request without one. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** Status codes and network errors worth another try, as the SDK's standard retries tell them. */
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const THROTTLING_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);

type RetryType = 'THROTTLING' | 'TRANSIENT';

function retryType(e: unknown): RetryType | null {
  if (e instanceof S3Error) {
    if (e.$metadata.clockSkewCorrected) return 'TRANSIENT';
    if (e.$metadata.httpStatusCode === 429 || THROTTLING_CODES.has(e.name)) return 'THROTTLING';
    return TRANSIENT_STATUS.has(e.$metadata.httpStatusCode) ? 'TRANSIENT' : null;
  }
  const err = e as { name?: string; code?: string };
  return err?.name === 'TimeoutError' || NETWORK_CODES.has(err?.code ?? '') ? 'TRANSIENT' : null;
}

/**
 * An error of an S3 request, marked as the client marks its errors (`$metadata`, without a status
 * when no answer came), which tells storage failures from others (`backendFailure`).
 */
function marked(e: unknown): unknown {
  if (e instanceof Error && !('$metadata' in e)) Object.assign(e, { $metadata: {} });
  return e;
}

/** S3's escaping of a key in a path: every byte but the unreserved ones and `/`. */
export function escapeKey(key: string): string {
  return key
    .split('/')
    .map((s) =>
      encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/');
}

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of XML character data. */
export function xmlText(s: string): string {
  return s.replace(ENTITY, (_, hex: string, dec: string, name: string) =>
    hex || dec ? String.fromCodePoint(Number.parseInt(hex ?? dec, hex ? 16 : 10)) : NAMED[name]!,
  );
}

/** The text of every `<name>` element of an XML answer (S3's answers have no attributes on them). */
export function xmlAll(xml: string, name: string): string[] {
  const out: string[] = [];
  const open = `<${name}>`;
  const close = `</${name}>`;
  for (let at = xml.indexOf(open); at >= 0; at = xml.indexOf(open, at)) {
    const end = xml.indexOf(close, at);
    if (end < 0) break;
    out.push(xml.slice(at + open.length, end));
    at = end + close.length;
  }
  return out;
}

/** The text of the first `<name>` element, entities replaced. */
export function xmlOne(xml: string, name: string): string | undefined {
  const v = xmlAll(xml, name)[0];
  return v === undefined ? undefined : xmlText(v);
}

interface RetryToken {
  getRetryDelay(): number;
}
interface RetryStrategyV2 {
  acquireInitialRetryToken(scope: string): Promise<RetryToken>;
  refreshRetryTokenForRetry(token: RetryToken, info: { errorType: RetryType }): Promise<RetryToken>;
  recordSuccess(token: RetryToken): void;
}
interface Handler {
  handle(
    request: unknown,
  ): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Readable } }>;
}

async function readText(body: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(c as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** Signed requests to one bucket, through an S3 client's signer, connections and retries. */
export class SignedRequests {
  private readonly signer: SignatureV4;
  private readonly protocol: string;
  private readonly hostname: string;
  private readonly port: number | undefined;
  private readonly host: string;
  /** Path of the bucket on the host: `/bucket` (path style) or '' (the bucket in the host name). */
  private readonly base: string;
  private strategy?: Promise<RetryStrategyV2>;

  constructor(
    private readonly client: S3Client,
    where: { bucket: string; endpoint?: string; region: string; forcePathStyle: boolean },
  ) {
    const { bucket } = where;
    const url = new URL(where.endpoint ?? `https://s3.${where.region}.amazonaws.com`);
    // A bucket name with dots cannot be a host name under TLS; the SDK uses the path then too.
    const inPath = where.forcePathStyle || bucket.includes('.');
    this.protocol = url.protocol;
    this.hostname = inPath ? url.hostname : `${bucket}.${url.hostname}`;
    this.port = url.port ? Number(url.port) : undefined;
    this.host = url.port ? `${this.hostname}:${url.port}` : this.hostname;
    this.base = `${url.pathname.replace(/\/$/, '')}${inPath ? `/${escapeKey(bucket)}` : ''}`;
    const cfg = client.config;
    this.signer = new SignatureV4({
      credentials: cfg.credentials,
      region: where.region,
      service: 's3',
      sha256: cfg.sha256,
      // S3 signs the path as sent, and the payload's hash is a header of ours.
      uriEscapePath: false,
      applyChecksum: false,
    });
  }

  /** Send `call`, retried as the client's retry strategy says; an error answer throws {@link S3Error}. */
  async send(call: S3Call): Promise<S3Answer> {
    this.strategy ??= this.client.config.retryStrategy() as Promise<RetryStrategyV2>;
    const strategy = await this.strategy;
    let token = await strategy.acquireInitialRetryToken('s3');
    for (;;) {
      try {
        const answer = await this.once(call);
        strategy.recordSuccess(token);
        return answer;
      } catch (e) {
        const errorType = retryType(e);
        if (!errorType) throw marked(e);
        try {
          token = await strategy.refreshRetryTokenForRetry(token, { errorType });
        } catch {
          throw marked(e);
        }
        await new Promise((r) => setTimeout(r, token.getRetryDelay()));
      }
    }
  }

  private async once(call: S3Call): Promise<S3Answer> {
    // The bytes of blobs go unhashed (`UNSIGNED-PAYLOAD`, what the SDK sends for any streamed body):
    // signing them costs a SHA-256 of every byte here and another on the server (Swift checks it),
    // about a third of the CPU of sending a part. Their integrity on the way rests on TCP (TLS with
    // an https endpoint); the upload's SHA-1, computed from the bytes the client sent, is what
    // `mwup-admin check --sha1` checks stored blobs against.
    const headers: Record<string, string> = {
      host: this.host,
      'x-amz-content-sha256': call.body ? 'UNSIGNED-PAYLOAD' : EMPTY_SHA256,
      ...call.headers,
    };
    if (call.body) headers['content-length'] = String(call.body.length);
    const cfg = this.client.config as { systemClockOffset?: number };
    const request = await this.signer.sign(
      {
        method: call.method,
        protocol: this.protocol,
        hostname: this.hostname,
        port: this.port,
        path: call.key ? `${this.base}/${escapeKey(call.key)}` : `${this.base}/`,
        query: call.query ?? {},
        headers,
        body: call.body,
      },
      // The client's clock offset from the server's, as the SDK corrects it.
      { signingDate: new Date(Date.now() + (cfg.systemClockOffset ?? 0)) },
    );
    const handler = this.client.config.requestHandler as unknown as Handler;
    const { response } = await handler.handle(request);
    const body = await readText(response.body);
    const status = response.statusCode;
    if (status >= 300 || (call.errorIn200 && body.includes('<Error>'))) {
      const code = xmlOne(body, 'Code') ?? (status === 404 ? 'NotFound' : `HTTP${status}`);
      const err = new S3Error(code, xmlOne(body, 'Message') ?? '', status === 200 ? 500 : status);
      const serverTime = Date.parse(response.headers.date ?? '');
      if (CLOCK_SKEW_CODES.has(code) && !Number.isNaN(serverTime)) {
        const offset = serverTime - Date.now();
        if (Math.abs(offset - (cfg.systemClockOffset ?? 0)) >= SKEW_MS) {
          cfg.systemClockOffset = offset;
          err.$metadata.clockSkewCorrected = true; // sent again, signed with the corrected time
        }
      }
      throw err;
    }
    return { status, headers: response.headers, body };
  }
}
