/**
 * XML bytes to text the way libxml2 reads them: byte-order mark, UTF-16 sniffing, the declared
 * encoding, and where the first undecodable byte stops the parser.
 */
// ---------------------------------------------------------------------------------------------
// Decoding

/** The charset of an XML document: BOM, UTF-16 sniffing, then the XML declaration; default UTF-8. */
function sniffEncoding(b: Buffer): { label: string; skip: number } {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { label: 'utf-8', skip: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { label: 'utf-16le', skip: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { label: 'utf-16be', skip: 2 };
  if (b[0] === 0x3c && b[1] === 0x00 && b[2] === 0x3f && b[3] === 0x00) return { label: 'utf-16le', skip: 0 };
  if (b[0] === 0x00 && b[1] === 0x3c && b[2] === 0x00 && b[3] === 0x3f) return { label: 'utf-16be', skip: 0 };
  const decl = /^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(
    b.subarray(0, 200).toString('latin1'),
  );
  if (decl) {
    const label = decl[1]!.toLowerCase();
    try {
      new TextDecoder(label);
      return { label, skip: 0 };
    } catch {
      return { label: 'utf-8', skip: 0 };
    }
  }
  return { label: 'utf-8', skip: 0 };
}

/** Length of the longest prefix of `b` that is valid UTF-8 (a parser stops at the first bad byte). */
function validUtf8Prefix(b: Buffer): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      min = 0x10000;
    } else return i;
    if (i + len > n) return i;
    let cp = c & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const t = b[i + k]!;
      if ((t & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (t & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return n;
}

/** A decoded XML document and what is needed to map positions back to input bytes. */
export interface DecodedXml {
  text: string;
  /** Whether the document declared an encoding (libxml's doc->encoding). */
  declaredEncoding: boolean;
  /** Input size in bytes. */
  size: number;
  /** Bytes before the text (a byte-order mark). */
  skip: number;
  /** Bytes per UTF-16 code unit of the text: 0 for UTF-8, 2 for UTF-16, 1 for single-byte charsets. */
  unitBytes: number;
  /** Byte offset of the first undecodable byte (the parser stops there), or Infinity. */
  errorAt: number;
}

/** XML bytes → text. */
export function decodeXml(b: Buffer): DecodedXml {
  const { label, skip } = sniffEncoding(b);
  let body = b.subarray(skip);
  let errorAt = Number.POSITIVE_INFINITY;
  if (label === 'utf-8') {
    const ok = validUtf8Prefix(body);
    if (ok < body.length) errorAt = skip + ok;
    body = body.subarray(0, ok);
  }
  const text = new TextDecoder(label, { ignoreBOM: true }).decode(body);
  const unitBytes = label === 'utf-8' ? 0 : label.startsWith('utf-16') ? 2 : 1;
  return {
    text,
    declaredEncoding: /^<\?xml[^>]*?encoding\s*=/.test(text.slice(0, 200)),
    size: b.length,
    skip,
    unitBytes,
    errorAt,
  };
}
