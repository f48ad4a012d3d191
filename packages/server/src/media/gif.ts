import { BrokenFile, type HandlerResult } from './handler.js';
import { type PhpArray, php, phpList } from './items.js';
import { isCleanUtf8, utf8, windows1252 } from './php.js';
import { SequentialReader } from './reader.js';
import type { MediaSource } from './types.js';

/** GIFMetadataExtractor::MAX_SUBBLOCKS. */
const MAX_SUBBLOCKS = 262144;
/** Cap on the bytes kept of one comment (MediaWiki keeps up to MAX_SUBBLOCKS × 255). */
export const MAX_COMMENT_BYTES = 1024 * 1024;

/**
 * GIFMetadataExtractor::getMetadata + BitmapMetadataHandler::GIF + GIFHandler::getSizeAndMetadata.
 * Walks every block of the file (frames are counted and skipped, never decoded). `bits` is the
 * colour-table size field of the last image descriptor, as MediaWiki records it.
 */
export async function gifHandler(src: MediaSource): Promise<HandlerResult> {
  const fh = new SequentialReader(src);
  try {
    const r = await extract(fh);
    const inner: PhpArray = new Map();
    if (r.comment.length > 0) inner.set('GIFFileComment', phpList(r.comment));
    inner.set('_MW_GIF_VERSION', 1);
    return {
      width: r.width,
      height: r.height,
      bits: r.bpp,
      metadata: php([
        ['frameCount', r.frameCount],
        ['looped', r.looped],
        ['duration', r.duration],
        ['metadata', inner],
      ]),
    };
  } catch (e) {
    if (!(e instanceof BrokenFile)) throw e;
    return { width: 0, height: 0, bits: 0, metadata: php([['_error', '0']]) };
  } finally {
    fh.close();
  }
}

async function extract(fh: SequentialReader) {
  let frameCount = 0;
  let duration = 0;
  let looped = false;
  const comment: Array<string | false> = [];
  const seekTargets = new Set<number>();

  const decodeBPP = (b: Buffer): [number, boolean] => {
    if (b.length < 1) throw new BrokenFile('Ran out of input');
    return [(b[0]! & 7) + 1, b[0]! >> 7 === 1];
  };
  const skipBlock = async () => {
    while (!fh.eof) {
      const b = await fh.read(1);
      if (b.length < 1) throw new BrokenFile('Ran out of input');
      if (b[0] === 0) return;
      fh.skip(b[0]!);
    }
  };
  /** readBlock(): the data of a sub-block sequence (with length bytes for XMP). */
  const readBlock = async (
    includeLengths: boolean,
    keep: number,
  ): Promise<{ data: Buffer; tail: Buffer }> => {
    const parts: Buffer[] = [];
    let kept = 0;
    let tail = Buffer.alloc(0);
    const add = (b: Buffer) => {
      if (kept < keep) {
        const take = b.subarray(0, keep - kept);
        parts.push(Buffer.from(take));
        kept += take.length;
      }
      tail = Buffer.concat([tail, b]);
      if (tail.length > 257) tail = tail.subarray(tail.length - 257);
    };
    let sub = await fh.read(1);
    let blocks = 0;
    while (!(sub.length === 1 && sub[0] === 0)) {
      blocks++;
      if (blocks > MAX_SUBBLOCKS) throw new BrokenFile('MAX_SUBBLOCKS exceeded');
      if (fh.eof) throw new BrokenFile('Unexpected EOF');
      if (includeLengths) add(sub);
      add(await fh.read(sub[0] ?? 0));
      sub = await fh.read(1);
    }
    return { data: Buffer.concat(parts), tail };
  };

  const sig = (await fh.read(6)).toString('latin1');
  if (sig !== 'GIF87a' && sig !== 'GIF89a') throw new BrokenFile('Not a valid GIF file');
  const wb = await fh.read(2);
  const width = wb.length === 2 ? wb.readUInt16LE(0) : 0;
  const hb = await fh.read(2);
  const height = hb.length === 2 ? hb.readUInt16LE(0) : 0;
  let [bpp, haveMap] = decodeBPP(await fh.read(1));
  fh.skip(2);
  if (haveMap) fh.skip(3 * 2 ** bpp);

  while (!fh.eof) {
    const buf = await fh.read(1);
    const c = buf[0];
    if (c === 0x2c) {
      frameCount++;
      fh.skip(8);
      [bpp, haveMap] = decodeBPP(await fh.read(1));
      if (haveMap) fh.skip(3 * 2 ** bpp);
      fh.skip(1);
      await skipBlock();
    } else if (c === 0x21) {
      const eb = await fh.read(1);
      if (eb.length < 1) throw new BrokenFile('Ran out of input');
      const code = eb[0];
      if (code === 0xf9) {
        fh.skip(2);
        const d = await fh.read(2);
        if (d.length < 2) throw new BrokenFile('Ran out of input');
        duration += d.readUInt16LE(0) * 0.01;
        fh.skip(1);
        const term = await fh.read(1);
        if (term.length < 1) throw new BrokenFile('Ran out of input');
        if (term[0] !== 0) throw new BrokenFile('Malformed Graphics Control Extension block');
      } else if (code === 0xfe) {
        const { data } = await readBlock(false, MAX_COMMENT_BYTES);
        if (data.length === 0) throw new BrokenFile('Read error, zero-length comment block');
        const text = isCleanUtf8(data) ? utf8(data) : windows1252(data, false);
        if (comment.length === 0 || comment[comment.length - 1] !== text) comment.push(text);
      } else if (code === 0xff) {
        const lb = await fh.read(1);
        if (lb.length < 1) throw new BrokenFile('Ran out of input');
        const len = lb[0]!;
        const data = Buffer.from(await fh.read(len));
        const ident = data.toString('latin1');
        if (len !== 11 || (ident !== 'NETSCAPE2.0' && ident !== 'XMP DataXMP')) {
          // fseek back over the length byte and the data MediaWiki meant to read (even if the file
          // ended early), then skip from there as sub-blocks. A truncated block can make MediaWiki
          // loop forever here; coming back to the same place is treated as a broken file instead.
          fh.seekBack(len + 1);
          if (seekTargets.has(fh.pos)) throw new BrokenFile('GIF parser would loop');
          seekTargets.add(fh.pos);
          await skipBlock();
          continue;
        }
        if (ident === 'NETSCAPE2.0') {
          const intro = await fh.read(2);
          if (!intro.equals(Buffer.from([3, 1]))) throw new BrokenFile('Expected \\x03\\x01');
          const ld = await fh.read(2);
          if (ld.length < 2) throw new BrokenFile('Ran out of input');
          if (ld.readUInt16LE(0) !== 1) looped = true;
          fh.skip(1);
        } else {
          // XMP is checked for its magic trailer (as MediaWiki does) but not interpreted.
          const { tail } = await readBlock(true, 0);
          // substr($xmp, -257, 3) and substr($xmp, -4) of the data with its length bytes.
          const magicOk =
            tail.subarray(0, 3).equals(Buffer.from([0x01, 0xff, 0xfe])) &&
            tail.subarray(Math.max(0, tail.length - 4)).equals(Buffer.from([3, 2, 1, 0]));
          if (!magicOk) throw new BrokenFile('XMP does not have magic trailer!');
        }
      } else {
        await skipBlock();
      }
    } else if (c === 0x3b) {
      break;
    } else {
      if (buf.length < 1) throw new BrokenFile('Ran out of input');
      throw new BrokenFile(`Unknown byte ${c}`);
    }
  }
  return { frameCount, looped, duration, comment, width, height, bpp };
}
