/**
 * A small decoder for uncompressed Windows bitmaps (1/4/8-bit palette, 16/24/32-bit, BI_RGB or
 * BI_BITFIELDS), used to rasterise BMP thumbnails since the image library has no BMP reader.
 */

export interface RawImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, top row first. */
  data: Buffer;
}

export class BmpDecodeError extends Error {}

function maskShift(mask: number): [number, number] {
  if (mask === 0) return [0, 0];
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (((mask >>> (shift + bits)) & 1) === 1) bits++;
  return [shift, bits];
}

/** Decode a BMP file held in memory. `maxPixels` bounds the output size. */
export function decodeBmp(b: Buffer, maxPixels: number): RawImage {
  if (b.length < 26 || b.toString('latin1', 0, 2) !== 'BM') throw new BmpDecodeError('not a BMP file');
  const dataOffset = b.readUInt32LE(10);
  const headerSize = b.readUInt32LE(14);
  let width: number;
  let rawHeight: number;
  let bpp: number;
  let compression = 0;
  let colorsUsed = 0;
  if (headerSize === 12) {
    width = b.readUInt16LE(18);
    rawHeight = b.readInt16LE(20);
    bpp = b.readUInt16LE(24);
  } else {
    if (b.length < 14 + 40) throw new BmpDecodeError('truncated header');
    width = b.readInt32LE(18);
    rawHeight = b.readInt32LE(22);
    bpp = b.readUInt16LE(28);
    compression = b.readUInt32LE(30);
    colorsUsed = b.readUInt32LE(46);
  }
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0) throw new BmpDecodeError('bad dimensions');
  if (width * height > maxPixels) throw new BmpDecodeError('image too large');
  let masks: [number, number, number, number] | null = null;
  if (compression === 3 || compression === 6) {
    const at = headerSize >= 52 ? 14 + 40 : 14 + headerSize;
    if (b.length < at + 12) throw new BmpDecodeError('truncated masks');
    masks = [
      b.readUInt32LE(at),
      b.readUInt32LE(at + 4),
      b.readUInt32LE(at + 8),
      headerSize >= 56 ? b.readUInt32LE(at + 12) : 0,
    ];
  } else if (compression !== 0) {
    throw new BmpDecodeError('compressed bitmaps are not supported');
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw new BmpDecodeError('unsupported bit depth');
  if (!masks && bpp === 16) masks = [0x7c00, 0x03e0, 0x001f, 0];
  const palette: number[][] = [];
  if (bpp <= 8) {
    const entry = headerSize === 12 ? 3 : 4;
    const n = colorsUsed || 1 << bpp;
    const at = 14 + headerSize;
    for (let i = 0; i < n && at + i * entry + 2 < b.length; i++) {
      const o = at + i * entry;
      palette.push([b[o + 2]!, b[o + 1]!, b[o]!]);
    }
  }
  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (dataOffset + stride * height > b.length) throw new BmpDecodeError('truncated pixel data');
  const out = Buffer.alloc(width * height * 4);
  const ms = masks ? masks.map(maskShift) : null;
  const scale = (v: number, bits: number) =>
    bits === 0 ? 255 : bits >= 8 ? v >>> (bits - 8) : Math.round((v * 255) / ((1 << bits) - 1));
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      let r = 0;
      let g = 0;
      let bl = 0;
      let a = 255;
      if (bpp <= 8) {
        const bit = x * bpp;
        const byte = b[row + (bit >> 3)]!;
        const idx = (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        const c = palette[idx] ?? [0, 0, 0];
        [r, g, bl] = c as [number, number, number];
      } else if (bpp === 24) {
        const p = row + x * 3;
        bl = b[p]!;
        g = b[p + 1]!;
        r = b[p + 2]!;
      } else {
        const v = bpp === 16 ? b.readUInt16LE(row + x * 2) : b.readUInt32LE(row + x * 4);
        if (ms && masks) {
          const ch = masks.map((m, i) => scale((v & m) >>> ms[i]![0], ms[i]![1]));
          [r, g, bl] = ch as [number, number, number];
          a = masks[3] ? ch[3]! : 255;
        } else {
          bl = v & 0xff;
          g = (v >>> 8) & 0xff;
          r = (v >>> 16) & 0xff;
        }
      }
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = bl;
      out[o + 3] = a;
    }
  }
  return { width, height, data: out };
}
