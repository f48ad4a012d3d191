/**
 * Composing one S3 object from the parts of an appendable blob with a multipart upload in which every
 * part of at least 5 MiB is copied on the server (UploadPartCopy) and only runs of smaller parts are
 * read and sent again, 5 MiB at a time.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import type { Bucket, ObjectRange } from './bucket.js';

const MIB = 1024 * 1024;
/** S3's smallest part (except the last one of an upload). */
export const MIN_PART = 5 * MIB;
/** S3's largest part, and largest source of a single CopyObject. */
const MAX_PART = 5 * 1024 * MIB;

/** A stored piece of a blob: bytes [start, start + size) in the object `key`. */
export interface Part {
  key: string;
  start: number;
  size: number;
  mtimeMs: number;
}

/** A piece of the composed object: copied on the server, or sent by us (bytes gathered from parts). */
type Segment =
  | { kind: 'copy'; key: string; start: number; end: number }
  | { kind: 'upload'; ranges: ObjectRange[]; size: number };

export interface ComposeLimits {
  /** Most parts one multipart upload may have (S3: 10000). */
  maxParts: number;
  /** Parts composed or uploaded at once. */
  concurrency: number;
}

/**
 * Split the parts into the pieces of a multipart upload. Parts of at least 5 MiB (and a last part
 * of any size) are copied on the server; smaller ones are gathered, with the head of a following
 * part when needed, into uploaded pieces of `target` bytes. Every piece but the last is at least
 * 5 MiB, as S3 requires.
 */
function segments(parts: Part[], copy: boolean, target: number): Segment[] {
  const out: Segment[] = [];
  let pending: ObjectRange[] = [];
  let pendingSize = 0;
  const flush = () => {
    if (pendingSize > 0) out.push({ kind: 'upload', ranges: pending, size: pendingSize });
    pending = [];
    pendingSize = 0;
  };
  parts.forEach((p, i) => {
    const last = i === parts.length - 1;
    let pos = 0;
    while (pos < p.size) {
      const rest = p.size - pos;
      if (copy && pendingSize === 0 && (rest >= MIN_PART || last)) {
        const n = Math.ceil(rest / MAX_PART);
        const each = Math.ceil(rest / n);
        for (let s = pos; s < p.size; s += each) {
          out.push({ kind: 'copy', key: p.key, start: s, end: Math.min(p.size, s + each) - 1 });
        }
        pos = p.size;
      } else {
        const take = Math.min(rest, target - pendingSize);
        pending.push({ key: p.key, start: pos, end: pos + take - 1 });
        pendingSize += take;
        pos += take;
        if (pendingSize >= target) flush();
      }
    }
  });
  flush();
  return out;
}

/** Write the object `dest` from `parts` (in order, `size` bytes in all). */
export async function composeObject(
  bucket: Bucket,
  dest: string,
  parts: Part[],
  size: number,
  limits: ComposeLimits,
): Promise<void> {
  const { client, name: Bucket } = bucket;
  let segs = segments(parts, true, MIN_PART);
  if (segs.length > limits.maxParts) {
    segs = segments(parts, false, Math.max(MIN_PART, Math.ceil(size / limits.maxParts)));
  }
  const only = segs[0];
  if (segs.length <= 1) {
    if (only?.kind === 'copy') {
      await client.send(
        new CopyObjectCommand({ Bucket, Key: dest, CopySource: bucket.copySource(only.key) }),
      );
    } else {
      await bucket.put(dest, only ? await bucket.gatherRanges(only.ranges, only.size) : Buffer.alloc(0));
    }
    return;
  }
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key: dest }));
  try {
    const etags: string[] = new Array(segs.length);
    let next = 0;
    const worker = async () => {
      while (next < segs.length) {
        const i = next++;
        const s = segs[i]!;
        if (s.kind === 'copy') {
          etags[i] = await bucket.uploadPartCopy(dest, UploadId!, i + 1, s);
        } else {
          const body = await bucket.gatherRanges(s.ranges, s.size);
          etags[i] = await bucket.uploadPart(dest, UploadId!, i + 1, body);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(limits.concurrency, segs.length) }, worker));
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: dest,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) },
      }),
    );
  } catch (e) {
    await client.send(new AbortMultipartUploadCommand({ Bucket, Key: dest, UploadId })).catch(() => {});
    throw e;
  }
}
