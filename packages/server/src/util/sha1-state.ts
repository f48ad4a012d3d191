/**
 * A SHA-1's state in a form any process can continue: the five words of the hash (big-endian), the
 * count of bytes hashed (64 bits, big-endian), then the bytes of the last, incomplete block (count
 * mod 64 of them); saved as `sha1:` and its base64. The server's addon (`native/sha1-pool.c`) reads
 * and writes it on OpenSSL's code; {@link ScriptSha1} here does the same in plain JavaScript for a
 * process without the addon (several times slower), so that nodes with and without it can continue
 * each other's uploads.
 */

/** The prefix of a saved portable state. */
export const PORTABLE_STATE = 'sha1:';

const HEAD = 28;
const BLOCK = 64;
const MAX_BYTES = 1n << 61n;

/** The bytes of a saved portable state, or null if `saved` is not one. */
export function portableStateBytes(saved: string): Uint8Array | null {
  if (!saved.startsWith(PORTABLE_STATE)) return null;
  const bytes = Buffer.from(saved.slice(PORTABLE_STATE.length), 'base64');
  return isState(bytes) ? bytes : null;
}

/** A state's bytes as saved. */
export function savedPortableState(bytes: Uint8Array): string {
  return PORTABLE_STATE + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

function isState(bytes: Uint8Array): boolean {
  if (bytes.length < HEAD || bytes.length - HEAD >= BLOCK) return false;
  const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getBigUint64(20);
  // SHA-1 counts bits in 64: at most 2^61 bytes.
  return count < MAX_BYTES && Number(count % BigInt(BLOCK)) === bytes.length - HEAD;
}

/** SHA-1 in plain JavaScript, from a portable state (or none) to a portable state or a digest. */
export class ScriptSha1 {
  private readonly h = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
  private readonly w = new Int32Array(80);
  private readonly block = new Uint8Array(BLOCK);
  private pending = 0;
  private count = 0n;

  /** Throws for bytes that are not a state. */
  constructor(state: Uint8Array | null = null) {
    if (!state) return;
    if (!isState(state)) throw new Error('not a saved SHA-1 state');
    const view = new DataView(state.buffer, state.byteOffset, state.length);
    for (let i = 0; i < 5; i++) this.h[i] = view.getInt32(4 * i);
    this.count = view.getBigUint64(20);
    this.pending = state.length - HEAD;
    this.block.set(state.subarray(HEAD));
  }

  update(data: Uint8Array): void {
    let at = 0;
    this.count += BigInt(data.length);
    if (this.pending) {
      const n = Math.min(BLOCK - this.pending, data.length);
      this.block.set(data.subarray(0, n), this.pending);
      this.pending += n;
      at = n;
      if (this.pending < BLOCK) return;
      this.compress(this.block, 0);
      this.pending = 0;
    }
    for (; at + BLOCK <= data.length; at += BLOCK) this.compress(data, at);
    this.block.set(data.subarray(at));
    this.pending = data.length - at;
  }

  save(): Uint8Array {
    const out = new Uint8Array(HEAD + this.pending);
    const view = new DataView(out.buffer);
    for (let i = 0; i < 5; i++) view.setInt32(4 * i, this.h[i]!);
    view.setBigUint64(20, this.count);
    out.set(this.block.subarray(0, this.pending), HEAD);
    return out;
  }

  /** Hex digest; the hash is not to be used afterwards. */
  digest(): string {
    const bits = this.count * 8n;
    const tail = new Uint8Array(((this.pending + 8) >> 6) * BLOCK + BLOCK);
    tail.set(this.block.subarray(0, this.pending));
    tail[this.pending] = 0x80;
    new DataView(tail.buffer).setBigUint64(tail.length - 8, bits);
    for (let at = 0; at < tail.length; at += BLOCK) this.compress(tail, at);
    return Array.from(this.h, (x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
  }

  /** One block; the words are kept as signed 32-bit integers, which V8 computes without boxing. */
  private compress(data: Uint8Array, at: number): void {
    const w = this.w;
    const h = this.h;
    for (let i = 0; i < 16; i++) {
      const p = at + 4 * i;
      w[i] = (data[p]! << 24) | (data[p + 1]! << 16) | (data[p + 2]! << 8) | data[p + 3]!;
    }
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h[0]!;
    let b = h[1]!;
    let c = h[2]!;
    let d = h[3]!;
    let e = h[4]!;
    let i = 0;
    for (; i < 20; i++) {
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + w[i]! + 0x5a827999) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (; i < 40; i++) {
      const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[i]! + 0x6ed9eba1) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (; i < 60; i++) {
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + w[i]! - 0x70e44324) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (; i < 80; i++) {
      const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[i]! - 0x359d3e2a) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + b) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + d) | 0;
    h[4] = (h[4]! + e) | 0;
  }
}
