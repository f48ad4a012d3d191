import { inflateSync } from 'node:zlib';
import { BrokenFile, type HandlerResult } from './handler.js';
import { asciiLower, type PhpArray, php, phpKey } from './items.js';
import { latin1, utf8 } from './php.js';
import { SequentialReader } from './reader.js';
import { toExifTimestamp } from './timestamp.js';
import type { MediaSource } from './types.js';

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Chunks above this size are skipped (PNGMetadataExtractor::MAX_CHUNK_SIZE). */
const MAX_CHUNK_SIZE = 3145728;
/** Cap on the inflated size of one compressed text chunk (a guard MediaWiki does not have). */
export const MAX_INFLATED_TEXT = 16 * 1024 * 1024;

/** PNG text keywords MediaWiki reads, and the metadata names they become. */
const TEXT_CHUNKS: Record<string, string> = {
  'xml:com.adobe.xmp': 'xmp',
  artist: 'Artist',
  model: 'Model',
  make: 'Make',
  author: 'Artist',
  comment: 'PNGFileComment',
  description: 'ImageDescription',
  title: 'ObjectName',
  copyright: 'Copyright',
  source: 'Model',
  software: 'Software',
  disclaimer: 'Disclaimer',
  warning: 'ContentWarning',
  url: 'Identifier',
  label: 'Label',
  'creation time': 'DateTimeDigitized',
};

const COLOR_TYPES: Record<number, string> = {
  0: 'greyscale',
  2: 'truecolour',
  3: 'index-coloured',
  4: 'greyscale-alpha',
  6: 'truecolour-alpha',
};

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(parts: Buffer[]): number {
  let c = 0xffffffff;
  for (const b of parts) for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function inflate(b: Buffer): Buffer | null {
  try {
    return inflateSync(b, { maxOutputLength: MAX_INFLATED_TEXT });
  } catch {
    return null;
  }
}

/** Set a language variant of a text field: $text[$key][$lang] = $v; $text[$key]['_type'] = 'lang'. */
function setLang(text: PhpArray, key: string, lang: string, v: string): void {
  let cur = text.get(key);
  if (!(cur instanceof Map)) {
    cur = new Map();
    text.set(key, cur);
  }
  cur.set(phpKey(lang), v);
  cur.set('_type', 'lang');
}

// keyword \0 flag \0 lang \0 translated-keyword \0 text (PNGMetadataExtractor's pattern).
const ITXT = /^([^\x00]{1,79})\x00(\x00|\x01)\x00([^\x00]*)(.)[^\x00]*\x00(.*)$/s;

/**
 * PNGMetadataExtractor::getMetadata + BitmapMetadataHandler::PNG + PNGHandler::getSizeAndMetadata.
 * Reads every chunk header up to IEND (as MediaWiki does), interpreting IHDR, acTL, fcTL, text,
 * tIME and pHYs chunks; image data is skipped, not decoded.
 */
export async function pngHandler(src: MediaSource): Promise<HandlerResult> {
  try {
    const r = await extract(src);
    const meta = php([
      ['frameCount', r.frameCount],
      ['loopCount', r.loopCount],
      ['duration', r.duration],
      ['bitDepth', r.bitDepth],
      ['colorType', r.colorType],
    ]);
    // XMP is not interpreted; it is dropped like MediaWiki drops it after parsing.
    r.text.delete('xmp');
    const inner: PhpArray = new Map(r.text);
    inner.set('_MW_PNG_VERSION', 1);
    meta.set('metadata', inner);
    return { width: r.width, height: r.height, bits: r.bitDepth, metadata: meta };
  } catch (e) {
    if (!(e instanceof BrokenFile)) throw e;
    return { width: 0, height: 0, bits: 0, metadata: php([['_error', '0']]) };
  }
}

async function extract(src: MediaSource) {
  let frameCount: number | null = 0;
  let loopCount: number | null = 1;
  const text: PhpArray = new Map();
  let duration = 0;
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  let colorType = 'unknown';

  const fh = new SequentialReader(src);
  const read = async (n: number): Promise<Buffer> => {
    if (n === 0) return Buffer.alloc(0);
    const b = await fh.read(n);
    if (b.length < n) throw new BrokenFile('unexpected end of file');
    return b;
  };
  try {
    if (!(await read(8)).equals(PNG_SIG)) throw new BrokenFile('Not a valid PNG file');
    while (!fh.eof) {
      const size = (await read(4)).readUInt32BE(0);
      if (size > MAX_CHUNK_SIZE) {
        fh.seekForward(4 + size + 4);
        continue;
      }
      const type = (await read(4)).toString('latin1');
      if (!INTERESTING.has(type)) {
        // Data and CRC are read (and must be there) but not looked at.
        if (fh.pos + size + 4 > src.size) throw new BrokenFile('unexpected end of file');
        fh.seekForward(size + 4);
        continue;
      }
      const data = size === 0 ? Buffer.alloc(0) : Buffer.from(await read(size));
      const crc = await read(4);
      if (crc.readUInt32BE(0) !== crc32([Buffer.from(type, 'latin1'), data])) continue;

      if (type === 'IHDR') {
        width = data.length >= 4 ? data.readUInt32BE(0) : 0;
        height = data.length >= 8 ? data.readUInt32BE(4) : 0;
        bitDepth = data[8] ?? 0;
        colorType = COLOR_TYPES[data[9] ?? 0] ?? 'unknown';
      } else if (type === 'acTL') {
        if (size < 4) continue;
        frameCount = size >= 8 ? data.readUInt32BE(0) : null;
        loopCount = size >= 8 ? data.readUInt32BE(4) : null;
      } else if (type === 'fcTL') {
        const rest = data.subarray(20);
        if (rest.length < 4) continue;
        const num = rest.readUInt16BE(0);
        let den = rest.readUInt16BE(2);
        if (den === 0) den = 100;
        if (num) duration += num / den;
      } else if (type === 'iTXt') {
        const m = ITXT.exec(data.toString('latin1'));
        if (!m) continue;
        const keyword = asciiLower(m[1]!);
        const name = TEXT_CHUNKS[keyword];
        if (!name) continue;
        let lang = asciiLower(m[3]!);
        if (lang === '') lang = 'x-default';
        let content: Buffer | null = Buffer.from(m[5]!, 'latin1');
        if (m[2] === '\x01') {
          if (m[4] !== '\x00') continue;
          content = inflate(content);
          if (!content) continue;
        }
        setLang(text, name, utf8(Buffer.from(lang, 'latin1')), utf8(content));
      } else if (type === 'tEXt') {
        const nul = data.indexOf(0);
        if (nul < 0) continue;
        if (nul === 0) continue;
        const name = TEXT_CHUNKS[asciiLower(data.subarray(0, nul).toString('latin1'))];
        if (!name) continue;
        setLang(text, name, 'x-default', latin1(data.subarray(nul + 1)));
      } else if (type === 'zTXt') {
        const nul = data.indexOf(0);
        if (nul < 0) continue;
        if (nul === 0 || nul === data.length - 1) continue;
        const name = TEXT_CHUNKS[asciiLower(data.subarray(0, nul).toString('latin1'))];
        if (!name) continue;
        if (data[nul + 1] !== 0) continue;
        const content = inflate(data.subarray(nul + 2));
        if (!content) continue;
        setLang(text, name, 'x-default', latin1(content));
      } else if (type === 'tIME') {
        if (size !== 7) continue;
        const p = (n: number, w: number) => String(n).padStart(w, '0');
        const mw = `${p(data.readUInt16BE(0), 4)}${p(data[2]!, 2)}${p(data[3]!, 2)}${p(data[4]!, 2)}${p(data[5]!, 2)}${p(data[6]!, 2)}`;
        const exif = toExifTimestamp(mw);
        if (exif) text.set('DateTime', exif);
      } else if (type === 'pHYs') {
        if (size !== 9) continue;
        const w = data.readUInt32BE(0);
        const h = data.readUInt32BE(4);
        if (data[8] === 1 && w > 0 && h > 0) {
          text.set('XResolution', `${w}/100`);
          text.set('YResolution', `${h}/100`);
          text.set('ResolutionUnit', 3);
        }
      } else if (type === 'IEND') {
        break;
      }
    }
  } finally {
    fh.close();
  }

  if (loopCount !== null && loopCount > 1) duration *= loopCount;

  const dtd = text.get('DateTimeDigitized');
  if (dtd instanceof Map) {
    for (const [k, v] of dtd) {
      if (k === '_type' || typeof v !== 'string') continue;
      const f = toExifTimestamp(v);
      if (f) dtd.set(k, f);
    }
  }
  return { width, height, frameCount, loopCount, duration, text, bitDepth, colorType };
}

const INTERESTING = new Set(['IHDR', 'acTL', 'fcTL', 'iTXt', 'tEXt', 'zTXt', 'tIME', 'pHYs', 'IEND']);
