/**
 * Test files of any exact size: valid PNGs (a 1×1 image) padded with private ancillary chunks of random
 * bytes, so every file is unique, accepted as image/png (whole or chunk by chunk), and cheap for a server
 * to verify.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { open, writeFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const buf of parts) {
    for (let i = 0; i < buf.length; i++)
      c = (CRC_TABLE[(c ^ (buf[i] as number)) & 0xff] as number) ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32([head.subarray(4), data]));
  return Buffer.concat([head, data, crc]);
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function header(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr)]);
}

function trailer(): Buffer {
  const pixel = Buffer.from([0, ...randomFillSync(Buffer.alloc(3))]);
  return Buffer.concat([chunk('IDAT', deflateSync(pixel)), chunk('IEND', Buffer.alloc(0))]);
}

const MAX_FILL = 1024 * 1024;

/**
 * Random padding with the high bit set in every byte. MediaWiki checks each chunk as if it were a file
 * of its own (verifyPartialFile); padding that happened to start a chunk with `MZ` or `<html` would be
 * refused. High bytes spell no such signature.
 */
function randomPadding(b: Buffer): Buffer {
  randomFillSync(b);
  for (let i = 0; i < b.length; i++) b[i] = (b[i] as number) | 0x80;
  return b;
}

/** Sizes of the padding chunks' data so that header + padding + trailer is exactly `size`. */
function* fillSizes(remaining: number): Generator<number> {
  let left = remaining;
  while (left > 0) {
    let take = Math.min(MAX_FILL, left - 12);
    const after = left - (take + 12);
    if (after > 0 && after < 12) take -= 12;
    if (take < 0) throw new RangeError('size too small for a padded PNG');
    yield take;
    left -= take + 12;
  }
}

/** A unique valid PNG of exactly `size` bytes, in memory. */
export function pngOfSize(size: number): Buffer {
  const head = header();
  const tail = trailer();
  const parts: Buffer[] = [head];
  for (const n of fillSizes(size - head.length - tail.length))
    parts.push(chunk('mwUp', randomPadding(Buffer.alloc(n))));
  parts.push(tail);
  const out = Buffer.concat(parts);
  if (out.length !== size) throw new Error(`built ${out.length} bytes instead of ${size}`);
  return out;
}

/** Writes a unique valid PNG of exactly `size` bytes to `path`, streaming; returns its hex SHA-1. */
export async function writePng(path: string, size: number): Promise<string> {
  if (size <= 64 * 1024 * 1024) {
    const b = pngOfSize(size);
    await writeFile(path, b);
    return createHash('sha1').update(b).digest('hex');
  }
  const hash = createHash('sha1');
  const fh = await open(path, 'w');
  try {
    const put = async (b: Buffer) => {
      hash.update(b);
      await fh.write(b);
    };
    const head = header();
    const tail = trailer();
    await put(head);
    const data = Buffer.alloc(MAX_FILL);
    for (const n of fillSizes(size - head.length - tail.length)) {
      await put(chunk('mwUp', randomPadding(data.subarray(0, n))));
    }
    await put(tail);
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

export const sha1Hex = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');
