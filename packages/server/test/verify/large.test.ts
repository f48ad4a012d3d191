import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MwError } from '../../src/errors.js';
import { verifyFile } from '../../src/upload/verify/index.js';
import { generatedSource } from './helpers.js';

const MiB = 1024 * 1024;

/** Peak resident set size growth (bytes) while `fn` runs, sampled every 20 ms. */
async function peakRssGrowth<T>(fn: () => Promise<T>): Promise<{ value: T | unknown; growth: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  let value: T | unknown;
  try {
    value = await fn();
  } catch (e) {
    value = e;
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return { value, growth: peak - base };
}

describe('large files are streamed', () => {
  it('a 200 MB text file is scanned whole with flat memory, and a late script is found', async () => {
    const size = 200 * MiB;
    const block = Buffer.alloc(65536, 'All work and no play makes Jack a dull boy.\n');
    const lastBlock = Math.floor((size - 1) / 65536);
    // The script starts 12 bytes before the end of one block and ends in the next.
    const script = Buffer.from('see href="javascript:alert(1)"');
    const before = Buffer.from(block);
    script.copy(before, 65536 - 12);
    const after = Buffer.from(block);
    script.copy(after, 0, 12);
    const clean = await peakRssGrowth(() =>
      verifyFile(
        generatedSource(size, () => block),
        'txt',
      ),
    );
    assert.deepEqual(clean.value, { mime: 'text/plain', fileMime: 'text/plain', mediaType: 'TEXT' });
    assert.ok(clean.growth < 96 * MiB, `RSS grew by ${(clean.growth / MiB).toFixed(1)} MiB`);

    const bad = await peakRssGrowth(() =>
      verifyFile(
        generatedSource(size, (i) => (i === lastBlock - 1 ? before : i === lastBlock ? after : block)),
        'txt',
      ),
    );
    assert.ok(bad.value instanceof MwError);
    assert.deepEqual(bad.value.data.details, ['uploadscripted']);
    assert.ok(bad.growth < 96 * MiB, `RSS grew by ${(bad.growth / MiB).toFixed(1)} MiB`);
  });
});
