/** PNG test files of an exact size: small ones in memory, big ones streamed to disk. */
import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';

const MIB = 1024 * 1024;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer, c = 0xffffffff): number {
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return c;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE((crc32(td) ^ 0xffffffff) >>> 0);
  return Buffer.concat([len, td, c]);
}
/**
 * A valid PNG of exactly `size` bytes with random pixels and padding, new bytes on every call. Its
 * first 256 bytes hold no `<`: IE's content sniffing (MediaWiki's `filetype-bad-ie-mime` check) takes
 * random bytes that happen to spell `<pre` or `<img` there for HTML, and refuses the file.
 */
export function smallPng(size: number): Buffer {
  for (;;) {
    const png = randomSmallPng(size);
    if (!png.subarray(0, 256).includes(0x3c)) return png;
  }
}

function randomSmallPng(size: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(4, 0);
  ihdr.writeUInt32BE(4, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const rows = Buffer.concat(
    Array.from({ length: 4 }, () => Buffer.concat([Buffer.from([0]), randomBytes(12)])),
  );
  const head = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
  ]);
  const iend = chunk('IEND', Buffer.alloc(0));
  const pad = size - head.length - iend.length - 12;
  return Buffer.concat([head, chunk('prVt', randomBytes(pad)), iend]);
}
/** Write a PNG of `size` bytes to disk without holding it in memory; returns its SHA-1. */
export async function bigPng(path: string, size: number): Promise<string> {
  const prefix = smallPng(200);
  const idatEnd = prefix.indexOf(Buffer.from('prVt')) - 4;
  const start = prefix.subarray(0, idatEnd);
  const iend = chunk('IEND', Buffer.alloc(0));
  const padLen = size - start.length - iend.length - 12;
  const fh = await open(path, 'w');
  const sha = createHash('sha1');
  const put = async (b: Buffer) => {
    sha.update(b);
    await fh.write(b);
  };
  const len = Buffer.alloc(4);
  len.writeUInt32BE(padLen);
  await put(start);
  await put(Buffer.concat([len, Buffer.from('prVt')]));
  let crc = crc32(Buffer.from('prVt'));
  let left = padLen;
  while (left > 0) {
    const b = randomBytes(Math.min(left, 8 * MIB));
    // No `<` in the file's first 256 bytes (see smallPng).
    if (left === padLen) for (let i = 0; i < 256 && i < b.length; i++) if (b[i] === 0x3c) b[i] = 0x3d;
    crc = crc32(b, crc);
    await put(b);
    left -= b.length;
  }
  const c = Buffer.alloc(4);
  c.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  await put(c);
  await put(iend);
  await fh.close();
  return sha.digest('hex');
}
