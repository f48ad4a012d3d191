/**
 * Character set helpers: strict UTF-16/UTF-32 decoding with glibc iconv's conventions (a BOM is
 * honoured for the plain `UTF-16`/`UTF-32` names, big-endian otherwise; any malformed or truncated
 * input fails), and a streaming decoder for XML documents that picks the encoding the way an XML
 * parser does (byte order mark, then the first bytes, then the encoding declaration).
 */

/** Names accepted by {@link decodeUnicodeStrict}. */
export type WideEncoding = 'UTF-16' | 'UTF-16BE' | 'UTF-16LE' | 'UTF-32' | 'UTF-32BE' | 'UTF-32LE';

/**
 * Decode a whole buffer as UTF-16 or UTF-32, or return null when it is not valid in that encoding
 * (odd length, unpaired surrogate, code point out of range), as `iconv($enc, 'UTF-8', $s)` does.
 * UTF-16 goes through TextDecoder; UTF-32 is not in the Encoding Standard, so it is decoded here.
 */
export function decodeUnicodeStrict(buf: Uint8Array, enc: WideEncoding): string | null {
  let le = enc.endsWith('LE');
  let i = 0;
  if (enc === 'UTF-16' && buf.length >= 2) {
    if (buf[0] === 0xfe && buf[1] === 0xff) i = 2;
    else if (buf[0] === 0xff && buf[1] === 0xfe) {
      i = 2;
      le = true;
    }
  } else if (enc === 'UTF-32' && buf.length >= 4) {
    if (buf[0] === 0 && buf[1] === 0 && buf[2] === 0xfe && buf[3] === 0xff) i = 4;
    else if (buf[0] === 0xff && buf[1] === 0xfe && buf[2] === 0 && buf[3] === 0) {
      i = 4;
      le = true;
    }
  }
  if (!enc.startsWith('UTF-32')) {
    // ignoreBOM: a byte order mark after the one honoured above is a character, as in iconv.
    const decoder = new TextDecoder(le ? 'utf-16le' : 'utf-16be', { fatal: true, ignoreBOM: true });
    try {
      return decoder.decode(buf.subarray(i));
    } catch {
      return null;
    }
  }
  if ((buf.length - i) % 4 !== 0) return null;
  const out: string[] = [];
  for (; i < buf.length; i += 4) {
    const cp = le
      ? (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)) >>> 0
      : ((buf[i]! << 24) | (buf[i + 1]! << 16) | (buf[i + 2]! << 8) | buf[i + 3]!) >>> 0;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
    out.push(String.fromCodePoint(cp));
  }
  return out.join('');
}

/** Thrown by {@link XmlTextDecoder} for undecodable input or an unsupported encoding. */
export class CharsetError extends Error {
  override name = 'CharsetError';
}

interface ChunkDecoder {
  decode(chunk: Uint8Array, final: boolean): string;
}

function textDecoder(label: string): ChunkDecoder {
  const d = new TextDecoder(label, { fatal: true });
  return {
    decode(chunk, final) {
      try {
        return d.decode(chunk, { stream: !final });
      } catch {
        throw new CharsetError(`input is not valid ${label}`);
      }
    },
  };
}

function utf32Decoder(le: boolean): ChunkDecoder {
  let carry = new Uint8Array(0);
  return {
    decode(chunk, final) {
      let buf = chunk;
      if (carry.length) {
        buf = new Uint8Array(carry.length + chunk.length);
        buf.set(carry);
        buf.set(chunk, carry.length);
      }
      const usable = buf.length - (buf.length % 4);
      if (final && usable !== buf.length) throw new CharsetError('truncated UTF-32 input');
      carry = buf.slice(usable);
      const s = decodeUnicodeStrict(buf.subarray(0, usable), le ? 'UTF-32LE' : 'UTF-32BE');
      if (s === null) throw new CharsetError('input is not valid UTF-32');
      return s;
    },
  };
}

const SNIFF_LIMIT = 4096;

/**
 * Streaming byte → text decoder for XML. The encoding comes from a byte order mark, from the
 * byte pattern of `<?` in UTF-16/UTF-32, or from the `encoding` of the XML declaration (default
 * UTF-8). A byte order mark is dropped. Throws {@link CharsetError} on an unsupported encoding
 * (EBCDIC, unknown names, a UTF-16/32 label on 8-bit data) or on malformed input.
 */
export class XmlTextDecoder {
  private decoder: ChunkDecoder | null = null;
  private pending: Uint8Array[] = [];
  private pendingLength = 0;
  /** The encoding in use, once known. */
  encoding = '';

  write(chunk: Uint8Array): string {
    if (this.decoder) return this.decoder.decode(chunk, false);
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    const head = Buffer.concat(this.pending, this.pendingLength);
    if (!this.sniff(head, false)) return '';
    this.pending = [];
    this.pendingLength = 0;
    return this.decoder!.decode(head.subarray(this.skip), false);
  }

  end(): string {
    if (!this.decoder) {
      const head = Buffer.concat(this.pending, this.pendingLength);
      this.pending = [];
      this.sniff(head, true);
      return this.decoder!.decode(head.subarray(this.skip), true);
    }
    return this.decoder.decode(new Uint8Array(0), true);
  }

  private skip = 0;

  /** Decide the encoding from the first bytes; false when more bytes are needed. */
  private sniff(b: Buffer, final: boolean): boolean {
    if (b.length < 4 && !final) return false;
    const q = (i: number) => b[i] ?? -1;
    const use = (label: string, skip: number, d?: ChunkDecoder) => {
      this.encoding = label;
      this.skip = skip;
      this.decoder = d ?? textDecoder(label);
      return true;
    };
    if (q(0) === 0x00 && q(1) === 0x00 && q(2) === 0xfe && q(3) === 0xff)
      return use('utf-32be', 4, utf32Decoder(false));
    if (q(0) === 0xff && q(1) === 0xfe && q(2) === 0x00 && q(3) === 0x00)
      return use('utf-32le', 4, utf32Decoder(true));
    if (q(0) === 0xef && q(1) === 0xbb && q(2) === 0xbf) return use('utf-8', 3);
    if (q(0) === 0xfe && q(1) === 0xff) return use('utf-16be', 2);
    if (q(0) === 0xff && q(1) === 0xfe) return use('utf-16le', 2);
    if (q(0) === 0x00 && q(1) === 0x00 && q(2) === 0x00 && q(3) === 0x3c)
      return use('utf-32be', 0, utf32Decoder(false));
    if (q(0) === 0x3c && q(1) === 0x00 && q(2) === 0x00 && q(3) === 0x00)
      return use('utf-32le', 0, utf32Decoder(true));
    if (q(0) === 0x00 && q(1) === 0x3c && q(2) === 0x00 && q(3) === 0x3f) return use('utf-16be', 0);
    if (q(0) === 0x3c && q(1) === 0x00 && q(2) === 0x3f && q(3) === 0x00) return use('utf-16le', 0);
    if (q(0) === 0x4c && q(1) === 0x6f && q(2) === 0xa7 && q(3) === 0x94)
      throw new CharsetError('EBCDIC is not supported');
    // ASCII-compatible: look for the encoding declaration.
    const text = b.subarray(0, SNIFF_LIMIT).toString('latin1');
    if (!text.startsWith('<?xml')) return use('utf-8', 0);
    const close = text.indexOf('?>');
    if (close < 0 && !final && b.length < SNIFF_LIMIT) return false;
    const decl = close < 0 ? text : text.slice(0, close);
    const m = /\sencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\1/.exec(decl);
    const label = (m?.[2] ?? 'utf-8').toLowerCase();
    if (/^(utf-?(16|32)|ucs-?[24])/.test(label))
      throw new CharsetError(`document labelled ${label} has 8-bit content`);
    let d: ChunkDecoder;
    try {
      d = textDecoder(label);
    } catch {
      throw new CharsetError(`unsupported encoding ${label}`);
    }
    return use(label, 0, d);
  }
}
