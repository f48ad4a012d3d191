import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync, crc32 as zlibCrc32 } from 'node:zlib';

export const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');

/** CRC-32 as PNG chunks carry it. */
export const crc32 = (buf: Uint8Array): number => zlibCrc32(buf);

/** One PNG chunk: length, type, data, CRC. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, c]);
}

export const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The IHDR chunk of a w×h PNG. */
export function ihdr(w: number, h: number, colorType = 2, depth = 8): Buffer {
  const b = Buffer.alloc(13);
  b.writeUInt32BE(w);
  b.writeUInt32BE(h, 4);
  b[8] = depth;
  b[9] = colorType;
  return pngChunk('IHDR', b);
}

/**
 * A valid truecolour PNG of w×h random pixels (unique bytes every call); `before` chunks go right
 * after IHDR, `after` chunks after the image data.
 */
export function png(w = 8, h = 8, o: { before?: Buffer[]; after?: Buffer[] } = {}): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < h; y++) rows.push(Buffer.from([0]), randomBytes(w * 3));
  return Buffer.concat([
    PNG_SIG,
    ihdr(w, h),
    ...(o.before ?? []),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows), { level: 0 })),
    ...(o.after ?? []),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG of exactly `size` bytes: a small image plus a private chunk of random padding. */
export function pngOfSize(size: number, w = 4, h = 4): Buffer {
  const base = png(w, h);
  const iend = base.subarray(base.length - 12);
  const head = base.subarray(0, base.length - 12);
  const pad = size - base.length - 12;
  if (pad < 0) throw new Error('pngOfSize: too small');
  return Buffer.concat([head, pngChunk('prVt', randomBytes(pad)), iend]);
}

export const JPEG_BASE = Buffer.from(
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

/** A valid 24-bit BMP of w×h random pixels. */
export function bmp(w = 2, h = 2): Buffer {
  const row = Math.ceil((w * 3) / 4) * 4;
  const data = row * h;
  const head = Buffer.alloc(54);
  head.write('BM', 0, 'latin1');
  head.writeUInt32LE(54 + data, 2);
  head.writeUInt32LE(54, 10);
  head.writeUInt32LE(40, 14);
  head.writeInt32LE(w, 18);
  head.writeInt32LE(h, 22);
  head.writeUInt16LE(1, 26);
  head.writeUInt16LE(24, 28);
  head.writeUInt32LE(data, 34);
  return Buffer.concat([head, randomBytes(data)]);
}

/** A 1×1 GIF89a. */
export const gif = (): Buffer =>
  Buffer.from(
    'GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;',
    'latin1',
  );

/** A one-page PDF (unique bytes every call). */
export function pdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>',
  ];
  let body = `%PDF-1.4\n% ${randomBytes(8).toString('hex')}\n`;
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** Names of the files under a directory, at any depth ([] when it does not exist). */
export const filesUnder = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
        .sort()
    : [];

/** The prototype of `node:fs/promises`' file handles, whose methods a test may replace (and restore). */
export async function fileHandlePrototype(): Promise<FileHandle> {
  const fh = await open(process.execPath, 'r');
  try {
    return Object.getPrototypeOf(fh) as FileHandle;
  } finally {
    await fh.close();
  }
}
