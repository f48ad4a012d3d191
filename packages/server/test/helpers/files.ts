import { createHash, randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';

export const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, c]);
}

/** A valid truecolour PNG of w×h random pixels (unique bytes every call). */
export function png(w = 8, h = 8): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const rows: Buffer[] = [];
  for (let y = 0; y < h; y++) rows.push(Buffer.from([0]), randomBytes(w * 3));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 0 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG of exactly `size` bytes: a small image plus a private chunk of random padding. */
export function pngOfSize(size: number, w = 4, h = 4): Buffer {
  const base = png(w, h);
  const iend = base.subarray(base.length - 12);
  const head = base.subarray(0, base.length - 12);
  const pad = size - base.length - 12;
  if (pad < 0) throw new Error('pngOfSize: too small');
  return Buffer.concat([head, chunk('prVt', randomBytes(pad)), iend]);
}

const JPEG_BASE = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwg' +
    'IyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgo' +
    'KCgoKCgoKCgoKCgoKCj/wAARCAAMABADASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAb/xAAUEAEAAAAAAAAAAAAA' +
    'AAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABgf/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCXAUUYf//Z',
  'base64',
);

/** A valid 16×12 JPEG with unique bytes (random APP15 segment). */
export function jpeg(pad = 16): Buffer {
  const seg = Buffer.alloc(4);
  seg[0] = 0xff;
  seg[1] = 0xef;
  seg.writeUInt16BE(pad + 2, 2);
  return Buffer.concat([JPEG_BASE.subarray(0, 2), seg, randomBytes(pad), JPEG_BASE.subarray(2)]);
}

export const svg = (extra = '') =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10" viewBox="0 0 20 10"><!-- ${randomBytes(8).toString('hex')} --><rect width="20" height="10" fill="#36c"/>${extra}</svg>\n`,
  );

export const text = (n = 64) => Buffer.from(`${`test text ${randomBytes(n).toString('hex')}`.slice(0, n)}\n`);
