import type { HandlerResult } from './handler.js';
import { type PhpArray, php } from './items.js';
import { SequentialReader } from './reader.js';
import type { MediaSource } from './types.js';

const MAX_CHUNKS = 100;
const HEADER_LENGTH = 18;

/**
 * WebPHandler::getSizeAndMetadata: walks the RIFF chunk list (headers only) and decodes the
 * VP8/VP8L/VP8X headers for size, compression, animation and transparency.
 */
export async function webpHandler(src: MediaSource): Promise<HandlerResult> {
  const broken = { width: 0, height: 0, bits: 0, metadata: php([['_error', '0']]) };
  const info = await extract(src);
  if (!info || info.size === 0) return broken;
  const inner: PhpArray = php([['_MW_WEBP_VERSION', 1]]);
  info.set('metadata', inner);
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  return { width: num(info.get('width')), height: num(info.get('height')), bits: 0, metadata: info };
}

async function extract(src: MediaSource): Promise<PhpArray | null> {
  const fh = new SequentialReader(src);
  try {
    if ((await fh.read(4)).toString('latin1') !== 'RIFF') return null;
    if ((await fh.read(4)).length !== 4) return null;
    const fourCC = await fh.read(4);
    if (fourCC.length !== 4) return null;
    if (fourCC.toString('latin1') !== 'WEBP') return null;
    let vp8: PhpArray = new Map();
    for (let n = 0; n < MAX_CHUNKS && !fh.eof; n++) {
      const cc = await fh.read(4);
      if (cc.length !== 4) break;
      const sz = await fh.read(4);
      if (sz.length !== 4) break;
      const size = sz.readUInt32LE(0);
      const id = cc.toString('latin1');
      if (id === 'VP8 ' || id === 'VP8L' || id === 'VP8X') {
        // The chunk header as file_get_contents( $file, false, null, $start, 18 ) sees it.
        const body = Buffer.from(await fh.read(HEADER_LENGTH - 8));
        const header = Buffer.concat([cc, sz, body]);
        const consumed = body.length;
        if (id === 'VP8 ') return merge(vp8, lossy(header));
        if (id === 'VP8L') return merge(vp8, lossless(header));
        vp8 = merge(vp8, extended(header));
        const rest = size + (size % 2) - consumed;
        if (rest >= 0) fh.seekForward(rest);
        else fh.seekBack(-rest);
        continue;
      }
      fh.seekForward(size + (size % 2));
    }
    return vp8;
  } finally {
    fh.close();
  }
}

/** array_merge() of string-keyed arrays: later values win, first positions stay. */
function merge(a: PhpArray, b: PhpArray): PhpArray {
  const out: PhpArray = new Map(a);
  for (const [k, v] of b) out.set(k, v);
  return out;
}

function lossy(h: Buffer): PhpArray {
  if (h.length < 14 || h[11] !== 0x9d || h[12] !== 0x01 || h[13] !== 0x2a) return new Map();
  // unpack('v2', …) of fewer than 4 bytes fails: both sizes become 0.
  const w = h.length >= 18 ? h.readUInt16LE(14) : 0;
  const ht = h.length >= 18 ? h.readUInt16LE(16) : 0;
  return php([
    ['compression', 'lossy'],
    ['width', w & 0x3fff],
    ['height', ht & 0x3fff],
  ]);
}

function lossless(h: Buffer): PhpArray {
  if (h[8] !== 0x2f) return new Map();
  const b = [h[9] ?? 0, h[10] ?? 0, h[11] ?? 0, h[12] ?? 0];
  return php([
    ['compression', 'lossless'],
    ['width', (b[0]! | ((b[1]! & 0x3f) << 8)) + 1],
    ['height', (((b[1]! & 0xc0) >> 6) | (b[2]! << 2) | ((b[3]! & 0x03) << 10)) + 1],
  ]);
}

function extended(h: Buffer): PhpArray {
  const flags = h[8] ?? 0;
  // unpack('V', substr(…, 3) . "\x00") fails on a short header: the field becomes 0.
  const u24 = (o: number) => (h.length >= o + 3 ? h[o]! | (h[o + 1]! << 8) | (h[o + 2]! << 16) : 0);
  return php([
    ['compression', 'unknown'],
    ['animated', (flags & 2) === 2],
    ['transparency', (flags & 16) === 16],
    ['width', u24(12) + 1],
    ['height', u24(15) + 1],
  ]);
}
