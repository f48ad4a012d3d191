import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { SequentialReader } from '../../src/media/reader.js';
import type { MediaSource } from '../../src/media/types.js';

/** A source of `size` bytes (byte i = i & 0xff) made up as it is read, counting what was streamed. */
function lazySource(size: number, withOpenFrom: boolean): MediaSource & { streamed: number } {
  const piece = 64 * 1024;
  const src = {
    size,
    head: Buffer.alloc(0),
    streamed: 0,
    open: () => from(0),
    ...(withOpenFrom ? { openFrom: (offset: number) => from(offset) } : {}),
  };
  function from(offset: number): Readable {
    let at = offset;
    return new Readable({
      read() {
        if (at >= size) return void this.push(null);
        const n = Math.min(piece, size - at);
        const b = Buffer.alloc(n);
        for (let i = 0; i < n; i++) b[i] = (at + i) & 0xff;
        at += n;
        src.streamed += n;
        this.push(b);
      },
    });
  }
  return src;
}

describe('SequentialReader', () => {
  it('skips a long stretch without streaming it when the source can start at an offset', async () => {
    const src = lazySource(256 * 1024 * 1024, true);
    const r = new SequentialReader(src);
    assert.deepEqual([...(await r.read(4))], [0, 1, 2, 3]);
    r.seekForward(200 * 1024 * 1024);
    const at = 200 * 1024 * 1024 + 4;
    assert.deepEqual([...(await r.read(2))], [at & 0xff, (at + 1) & 0xff]);
    r.close();
    assert.ok(src.streamed < 8 * 1024 * 1024, `streamed ${src.streamed} bytes`);
  });

  it('reads through (and still returns the right bytes) when the source can only start at 0', async () => {
    const src = lazySource(16 * 1024 * 1024, false);
    const r = new SequentialReader(src);
    await r.read(4);
    r.seekForward(10 * 1024 * 1024);
    const at = 10 * 1024 * 1024 + 4;
    assert.deepEqual([...(await r.read(1))], [at & 0xff]);
    r.close();
    assert.ok(src.streamed >= at);
  });
});
