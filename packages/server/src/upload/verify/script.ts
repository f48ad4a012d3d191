/**
 * UploadBase::detectScript as a streaming scanner.
 *
 * MediaWiki lower-cases the file (the whole file for text/* types, the first 1024 bytes otherwise),
 * decodes UTF-16 when there is a byte order mark (keeping only ASCII), and looks for an HTML
 * doctype and the tags `<body`, `<head`, `<html`, `<script`; then, after decoding character
 * references, for `type=…/javascript`-like script types, `href|src|data=javascript:` and
 * `url(javascript:`. This scanner does the same on a byte stream of any length with bounded memory.
 * To make fixed-size overlapping windows exact, the text is first normalised in a way that keeps
 * every match and creates none: whitespace runs become one space, and word-character runs longer
 * than 34 keep their first and last 16 characters around `__` (no pattern contains `_`, and each
 * pattern's words sit at the edges of their run).
 */
import { isValidCodepoint } from './css.js';

/** Script patterns, on the normalised, lower-cased, reference-decoded text. */
const DECODED_PATTERNS = [
  /type ?= ?['"]? ?(?:\w*\/)?(?:ecma|java)/,
  /(?:href|src|data) ?= ?['"]? ?(?:ecma|java)script:/,
  /url ?\( ?['"]? ?(?:ecma|java)script:/,
];
const DOCTYPE_HTML = /<!doctype ?x?html/;
const HTML_TAGS = ['<body', '<head', '<html', '<script'];

const CARRY_RAW = 32;
const CARRY_DECODED = 256;
const RUN_KEEP = 16;
const RUN_MAX = 2 * RUN_KEEP + 2;
const NAME_MAX = 8;
const NAMED: Readonly<Record<string, number>> = { quot: 0x22, amp: 0x26, lt: 0x3c, gt: 0x3e, apos: 0x27 };

enum Ref {
  None,
  Amp,
  Name,
  Hash,
  Dec,
  HexX,
  Hex,
}

const isWord = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHexDigit = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66);
const isNameChar = (c: number) => (c >= 0x61 && c <= 0x7a) || isDigit(c) || c >= 0x80;

/**
 * Streaming detectScript. Feed the bytes MediaWiki would look at with {@link write} (it returns
 * true as soon as something script-like is found), then call {@link end}.
 */
export class ScriptScanner {
  /** Whether script-like content has been found. */
  found = false;
  private started = false;
  private firstByte = -1;
  private utf16: 'le' | 'be' | null = null;
  private oddByte = -1;
  private rawCarry = '';
  private decodedCarry = '';
  // character reference decoder
  private ref = Ref.None;
  private refDigits = new Uint8Array(RUN_KEEP);
  private refRing = new Uint8Array(RUN_KEEP);
  private refCount = 0;
  private refValue = 0;
  private refName = '';
  // whitespace / word-run normaliser
  private inSpace = false;
  private run = 0;
  private runPending = new Uint8Array(RUN_MAX - RUN_KEEP);
  private runRing = new Uint8Array(RUN_KEEP);
  private out = new Uint8Array(0);
  private outLen = 0;

  write(chunk: Uint8Array): boolean {
    if (this.found || chunk.length === 0) return this.found;
    let bytes = lowerAscii(chunk);
    if (!this.started) {
      // The byte order mark needs the first two bytes together.
      if (this.firstByte >= 0) {
        const joined = new Uint8Array(bytes.length + 1);
        joined[0] = this.firstByte;
        joined.set(bytes, 1);
        bytes = joined;
        this.firstByte = -1;
      } else if (bytes.length === 1) {
        this.firstByte = bytes[0]!;
        return false;
      }
      this.started = true;
      if (bytes[0] === 0xfe && bytes[1] === 0xff) this.utf16 = 'be';
      else if (bytes[0] === 0xff && bytes[1] === 0xfe) this.utf16 = 'le';
    }
    if (this.utf16) bytes = this.asciiFromUtf16(bytes);
    this.scanRaw(bytes);
    if (!this.found) this.scanDecoded(bytes, false);
    return this.found;
  }

  /** Finish the stream; true when script-like content was found. */
  end(): boolean {
    if (this.firstByte >= 0) {
      const b = Uint8Array.of(this.firstByte);
      this.firstByte = -1;
      this.started = true;
      this.scanRaw(b);
      if (!this.found) this.scanDecoded(b, false);
    }
    if (!this.found) this.scanDecoded(new Uint8Array(0), true);
    return this.found;
  }

  /** UTF-16 → the ASCII characters only (iconv's ASCII//IGNORE). */
  private asciiFromUtf16(b: Uint8Array): Uint8Array {
    const out = new Uint8Array((b.length >> 1) + 1);
    let n = 0;
    let i = 0;
    const le = this.utf16 === 'le';
    const unit = (x: number, y: number) => (le ? x | (y << 8) : (x << 8) | y);
    if (this.oddByte >= 0 && b.length > 0) {
      const cu = unit(this.oddByte, b[0]!);
      if (cu < 0x80) out[n++] = cu;
      this.oddByte = -1;
      i = 1;
    }
    for (; i + 1 < b.length; i += 2) {
      const cu = unit(b[i]!, b[i + 1]!);
      if (cu < 0x80) out[n++] = cu;
    }
    if (i < b.length) this.oddByte = b[i]!;
    return out.subarray(0, n);
  }

  /** Doctype and tag checks on the text before reference decoding. */
  private scanRaw(b: Uint8Array): void {
    const s = (this.rawCarry + Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1')).replace(
      / {2,}/g,
      ' ',
    );
    if (DOCTYPE_HTML.test(s) || HTML_TAGS.some((t) => s.includes(t))) this.found = true;
    this.rawCarry = s.slice(-CARRY_RAW);
  }

  private emit(c: number): void {
    this.out[this.outLen++] = c;
  }

  /** Normalise one decoded character: collapse whitespace, shorten long word runs. */
  private put(c: number): void {
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    else if (c >= 0x80) c = 0x80;
    if (isWord(c)) {
      this.inSpace = false;
      const k = ++this.run;
      if (k <= RUN_KEEP) this.emit(c);
      else {
        if (k <= RUN_MAX) this.runPending[k - RUN_KEEP - 1] = c;
        this.runRing[(k - RUN_KEEP - 1) & (RUN_KEEP - 1)] = c;
      }
      return;
    }
    this.flushRun();
    if (isSpace(c)) {
      if (!this.inSpace) this.emit(0x20);
      this.inSpace = true;
      return;
    }
    this.inSpace = false;
    this.emit(c);
  }

  private flushRun(): void {
    const k = this.run;
    if (k > RUN_KEEP) {
      if (k <= RUN_MAX) {
        for (let j = 0; j < k - RUN_KEEP; j++) this.emit(this.runPending[j]!);
      } else {
        this.emit(0x5f);
        this.emit(0x5f);
        for (let j = k - RUN_KEEP + 1; j <= k; j++)
          this.emit(this.runRing[(j - RUN_KEEP - 1) & (RUN_KEEP - 1)]!);
      }
    }
    this.run = 0;
  }

  /** Emit a numeric reference that did not complete, as the raw text it was. */
  private flushRawRef(): void {
    this.put(0x26);
    this.put(0x23);
    if (this.ref === Ref.HexX || this.ref === Ref.Hex) this.put(0x78);
    const n = this.refCount;
    for (let j = 0; j < Math.min(n, RUN_KEEP); j++) this.put(this.refDigits[j]!);
    if (n > 2 * RUN_KEEP) {
      this.put(0x5f);
      this.put(0x5f);
    }
    const from = Math.max(RUN_KEEP, n - RUN_KEEP);
    for (let j = from; j < n; j++) this.put(this.refRing[(j - RUN_KEEP) & (RUN_KEEP - 1)]!);
  }

  private addDigit(c: number, base: number): void {
    const n = this.refCount++;
    if (n < RUN_KEEP) this.refDigits[n] = c;
    else this.refRing[(n - RUN_KEEP) & (RUN_KEEP - 1)] = c;
    const d = c <= 0x39 ? c - 0x30 : c - 0x61 + 10;
    this.refValue = Math.min(this.refValue * base + d, 0x110000);
  }

  /** One character while inside a character reference; false when it must be looked at again. */
  private refStep(c: number): boolean {
    switch (this.ref) {
      case Ref.Amp:
        if (c === 0x23) {
          this.ref = Ref.Hash;
          this.refCount = 0;
          this.refValue = 0;
          return true;
        }
        if (isNameChar(c)) {
          this.ref = Ref.Name;
          this.refName = String.fromCharCode(c);
          return true;
        }
        this.ref = Ref.None;
        this.put(0x26);
        return false;
      case Ref.Name:
        if (c === 0x3b) {
          const cp = Object.hasOwn(NAMED, this.refName) ? NAMED[this.refName] : undefined;
          if (cp !== undefined) this.put(cp);
          else {
            this.putRawName();
            this.put(0x3b);
          }
          this.ref = Ref.None;
          return true;
        }
        if (isNameChar(c) && this.refName.length < NAME_MAX) {
          this.refName += String.fromCharCode(c);
          return true;
        }
        this.putRawName();
        this.ref = Ref.None;
        return false;
      case Ref.Hash:
        if (isDigit(c)) {
          this.ref = Ref.Dec;
          this.addDigit(c, 10);
          return true;
        }
        if (c === 0x78) {
          this.ref = Ref.HexX;
          return true;
        }
        break;
      case Ref.Dec:
      case Ref.Hex: {
        const dec = this.ref === Ref.Dec;
        if (dec ? isDigit(c) : isHexDigit(c)) {
          this.addDigit(c, dec ? 10 : 16);
          return true;
        }
        if (c === 0x3b) {
          const v = this.refValue;
          this.put(isValidCodepoint(v) ? Math.min(v, 0x80) : 0x80);
          this.ref = Ref.None;
          return true;
        }
        break;
      }
      case Ref.HexX:
        if (isHexDigit(c)) {
          this.ref = Ref.Hex;
          this.addDigit(c, 16);
          return true;
        }
        break;
    }
    this.flushRawRef();
    this.ref = Ref.None;
    return false;
  }

  private putRawName(): void {
    this.put(0x26);
    for (let j = 0; j < this.refName.length; j++) this.put(this.refName.charCodeAt(j));
  }

  /**
   * Decode character references (Sanitizer::decodeCharReferences semantics) and normalise, then
   * look for the script patterns. The common case (no reference in progress) is handled inline.
   */
  private scanDecoded(b: Uint8Array, final: boolean): void {
    if (this.out.length < b.length * 2 + 256) this.out = new Uint8Array(b.length * 2 + 256);
    const out = this.out;
    const pending = this.runPending;
    const ring = this.runRing;
    let n = 0;
    let run = this.run;
    let inSpace = this.inSpace;
    let inRef = this.ref !== Ref.None;
    for (let i = 0; i < b.length; i++) {
      let c = b[i]!;
      if (!inRef && c !== 0x26) {
        if (c >= 0x80) c = 0x80;
        if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f) {
          inSpace = false;
          const k = ++run;
          if (k <= RUN_KEEP) out[n++] = c;
          else {
            if (k <= RUN_MAX) pending[k - RUN_KEEP - 1] = c;
            ring[(k - RUN_KEEP - 1) & (RUN_KEEP - 1)] = c;
          }
          continue;
        }
        if (run > RUN_KEEP) {
          if (run <= RUN_MAX) {
            for (let j = 0; j < run - RUN_KEEP; j++) out[n++] = pending[j]!;
          } else {
            out[n++] = 0x5f;
            out[n++] = 0x5f;
            for (let j = run - RUN_KEEP + 1; j <= run; j++)
              out[n++] = ring[(j - RUN_KEEP - 1) & (RUN_KEEP - 1)]!;
          }
        }
        run = 0;
        if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) {
          if (!inSpace) out[n++] = 0x20;
          inSpace = true;
          continue;
        }
        inSpace = false;
        out[n++] = c;
        continue;
      }
      // A character reference: the slow path, with the state in fields.
      this.run = run;
      this.inSpace = inSpace;
      this.outLen = n;
      if (this.ref === Ref.None) this.ref = Ref.Amp;
      else if (!this.refStep(c)) i--;
      run = this.run;
      inSpace = this.inSpace;
      n = this.outLen;
      inRef = (this.ref as Ref) !== Ref.None;
    }
    this.run = run;
    this.inSpace = inSpace;
    this.outLen = n;
    if (final) {
      if (this.ref === Ref.Amp) this.put(0x26);
      else if (this.ref === Ref.Name) this.putRawName();
      else if (this.ref !== Ref.None) this.flushRawRef();
      this.ref = Ref.None;
      this.flushRun();
    }
    const s = this.decodedCarry + Buffer.from(out.buffer, out.byteOffset, this.outLen).toString('latin1');
    // Every pattern ends in "ecma" or "java".
    if ((s.includes('java') || s.includes('ecma')) && DECODED_PATTERNS.some((p) => p.test(s)))
      this.found = true;
    this.decodedCarry = s.slice(-CARRY_DECODED);
  }
}

function lowerAscii(chunk: Uint8Array): Uint8Array {
  const out = new Uint8Array(chunk.length);
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk[i]!;
    out[i] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
  }
  return out;
}

/** detectScript on a complete piece of content (e.g. the first 1024 bytes of a binary file). */
export function detectScriptInBuffer(buf: Uint8Array): boolean {
  const s = new ScriptScanner();
  s.write(buf);
  return s.end();
}
