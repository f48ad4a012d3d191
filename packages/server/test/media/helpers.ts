import { Readable } from 'node:stream';
import { deflateSync } from 'node:zlib';
import type { MediaSource } from '../../src/media/types.js';
import { ihdr, JPEG_BASE, PNG_SIG, pngChunk } from '../helpers/files.js';

// ---------------------------------------------------------------------------------------------
// Sources

/**
 * A MediaSource over bytes in memory. `headSize` limits the head (to exercise streaming) and
 * `chunk` sets the stream's chunk size.
 */
export function memSource(
  b: Buffer,
  opts: { headSize?: number; chunk?: number; openFrom?: boolean } = {},
): MediaSource {
  const chunk = opts.chunk ?? 65536;
  const stream = (from: number) =>
    Readable.from(
      (function* () {
        for (let i = from; i < b.length; i += chunk) yield b.subarray(i, Math.min(b.length, i + chunk));
      })(),
    );
  const src: MediaSource = {
    size: b.length,
    head: b.subarray(0, Math.min(b.length, opts.headSize ?? 1024 * 1024)),
    open: () => stream(0),
  };
  if (opts.openFrom) src.openFrom = (o) => stream(o);
  return src;
}

// ---------------------------------------------------------------------------------------------
// PNG

export { crc32, ihdr, PNG_SIG, pngChunk } from '../helpers/files.js';

/** A valid PNG w×h (any colour type) with chunks before and after the image data. */
export function png(
  w = 8,
  h = 8,
  o: { colorType?: number; depth?: number; before?: Buffer[]; after?: Buffer[] } = {},
): Buffer {
  const ct = o.colorType ?? 2;
  const depth = o.depth ?? 8;
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[ct]!;
  const rows: Buffer[] = [];
  for (let y = 0; y < h; y++)
    rows.push(Buffer.from([0]), Buffer.alloc(Math.ceil((w * channels * depth) / 8), 0x5a));
  const plte = ct === 3 ? [pngChunk('PLTE', Buffer.from([255, 0, 0, 0, 0, 255]))] : [];
  return Buffer.concat([
    PNG_SIG,
    ihdr(w, h, ct, depth),
    ...plte,
    ...(o.before ?? []),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    ...(o.after ?? []),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export const latin1 = (s: string) => Buffer.from(s, 'latin1');

// ---------------------------------------------------------------------------------------------
// JPEG

export { JPEG_BASE } from '../helpers/files.js';

/** A JPEG segment (marker + length + data). */
export function segment(marker: number, data: Buffer): Buffer {
  const b = Buffer.alloc(4);
  b[0] = 0xff;
  b[1] = marker;
  b.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([b, data]);
}

/** JPEG_BASE (or another JPEG) with segments inserted after SOI. */
export function jpegWith(segments: Buffer[], base = JPEG_BASE): Buffer {
  return Buffer.concat([base.subarray(0, 2), ...segments, base.subarray(2)]);
}

/** An Exif APP1 segment for a TIFF structure. */
export const exifSegment = (tiff: Buffer) => segment(0xe1, Buffer.concat([latin1('Exif\0\0'), tiff]));

// ---------------------------------------------------------------------------------------------
// TIFF / Exif

/** [tag, format, count, value bytes] */
export type Entry = [number, number, number, Buffer];

/** A TIFF structure with IFD0 and optional Exif and GPS directories (pointers are added). */
export function buildTiff(o: { le?: boolean; IFD0?: Entry[]; EXIF?: Entry[]; GPS?: Entry[] }): Buffer {
  const le = o.le ?? true;
  const w16 = (b: Buffer, v: number, off: number) => (le ? b.writeUInt16LE(v, off) : b.writeUInt16BE(v, off));
  const w32 = (b: Buffer, v: number, off: number) =>
    le ? b.writeUInt32LE(v >>> 0, off) : b.writeUInt32BE(v >>> 0, off);
  type E = [number, number, number, Buffer | null];
  const ifds: Array<[string, E[]]> = [['IFD0', [...(o.IFD0 ?? [])]]];
  if (o.EXIF) ifds.push(['EXIF', o.EXIF]);
  if (o.GPS) ifds.push(['GPS', o.GPS]);
  if (o.EXIF) ifds[0]![1].push([0x8769, 4, 1, null]);
  if (o.GPS) ifds[0]![1].push([0x8825, 4, 1, null]);
  const sizes = ifds.map(
    ([, es]) =>
      2 +
      12 * es.length +
      4 +
      es.reduce((a, e) => a + (e[3] && e[3].length > 4 ? e[3].length + (e[3].length & 1) : 0), 0),
  );
  const offsets: Record<string, number> = {};
  let off = 8;
  ifds.forEach(([n], i) => {
    offsets[n] = off;
    off += sizes[i]!;
  });
  const hdr = Buffer.alloc(8);
  hdr.write(le ? 'II' : 'MM', 'latin1');
  w16(hdr, 42, 2);
  w32(hdr, 8, 4);
  const out = [hdr];
  ifds.forEach(([n, es], i) => {
    const b = Buffer.alloc(sizes[i]!);
    w16(b, es.length, 0);
    let dataOff = 2 + 12 * es.length + 4;
    es.forEach(([t, f, c, v], j) => {
      const p = 2 + 12 * j;
      w16(b, t, p);
      w16(b, f, p + 2);
      w32(b, c, p + 4);
      if (v === null) {
        w32(b, offsets[t === 0x8769 ? 'EXIF' : 'GPS']!, p + 8);
      } else if (v.length <= 4) {
        v.copy(b, p + 8);
      } else {
        w32(b, offsets[n]! + dataOff, p + 8);
        v.copy(b, dataOff);
        dataOff += v.length + (v.length & 1);
      }
    });
    out.push(b);
  });
  return Buffer.concat(out);
}

export const u16le = (...v: number[]) => {
  const b = Buffer.alloc(2 * v.length);
  v.forEach((x, i) => {
    b.writeUInt16LE(x, 2 * i);
  });
  return b;
};
export const u32le = (...v: number[]) => {
  const b = Buffer.alloc(4 * v.length);
  v.forEach((x, i) => {
    b.writeUInt32LE(x >>> 0, 4 * i);
  });
  return b;
};

// ---------------------------------------------------------------------------------------------
// GIF

/** A 3×2 GIF89a: 2 frames (delays 10 and 25 cs), looping, with comments (one repeated, one Latin-1). */
export function animatedGif(): Buffer {
  const parts = [latin1('GIF89a'), Buffer.from([3, 0, 2, 0, 0xf1, 0, 0]), Buffer.alloc(12, 0x80)];
  parts.push(Buffer.from([0x21, 0xff, 11]), latin1('NETSCAPE2.0'), Buffer.from([3, 1, 0, 0, 0]));
  parts.push(Buffer.from([0x21, 0xfe, 5]), latin1('hello'), Buffer.from([0]));
  for (const d of [10, 25]) {
    parts.push(Buffer.from([0x21, 0xf9, 4, 0, d, 0, 0, 0]));
    parts.push(Buffer.from([0x2c, 0, 0, 0, 0, 3, 0, 2, 0, 0]), Buffer.from([2, 2, 0x44, 0x01, 0]));
    parts.push(Buffer.from([0x21, 0xfe, 5]), latin1('hello'), Buffer.from([0]));
  }
  parts.push(Buffer.from([0x21, 0xfe, 4]), latin1('caf\xe9'), Buffer.from([0]));
  parts.push(latin1(';'));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------
// BMP

/** A 24-bit BMP; a negative height makes a top-down bitmap. */
export function bmp(w: number, h: number): Buffer {
  const rows = Math.abs(h);
  const row = Math.ceil((w * 3) / 4) * 4;
  const head = Buffer.alloc(54);
  head.write('BM', 0, 'latin1');
  head.writeUInt32LE(54 + row * rows, 2);
  head.writeUInt32LE(54, 10);
  head.writeUInt32LE(40, 14);
  head.writeInt32LE(w, 18);
  head.writeInt32LE(h, 22);
  head.writeUInt16LE(1, 26);
  head.writeUInt16LE(24, 28);
  head.writeUInt32LE(row * rows, 34);
  const data = Buffer.alloc(row * rows);
  for (let y = 0; y < rows; y++) for (let x = 0; x < w; x++) data[y * row + x * 3 + 2] = 200; // red
  return Buffer.concat([head, data]);
}

export const SVG_NS = 'xmlns="http://www.w3.org/2000/svg"';
export const svg = (s: string) => Buffer.from(s, 'utf8');
