import assert from 'node:assert/strict';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { after, before, it } from 'node:test';
import { bytesReceived, collectionDue } from '../../src/util/byte-garbage.js';
import { waitFor } from '../helpers/wait.js';

let minor = 0;
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
  }
});
before(() => obs.observe({ entryTypes: ['gc'] }));
after(() => obs.disconnect());

// Each case waits briefly: this test allocates too little for V8 to collect on its own meanwhile.

it('collects the young generation after every few MiB received', async () => {
  for (let round = 0; round < 10; round++) {
    const before = minor;
    // 4 MiB in socket-sized pieces.
    for (let i = 0; i < 64; i++) bytesReceived(64 * 1024);
    await waitFor(() => minor > before, `collection ${round + 1} is made`, 2000);
  }
});

it('collects sooner when buffers have piled up, however few bytes were received', async () => {
  for (let round = 0; round < 5; round++) {
    const before = minor;
    // Small uploads (20 kB each) whose checks leave 1 MiB of dead buffers each, one per turn.
    for (let i = 0; i < 16 && minor === before; i++) {
      Buffer.alloc(1024 * 1024, i);
      bytesReceived(20_000);
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => minor > before, `collection ${round + 1} is made`, 2000);
  }
});

it('asks for a young collection after 4 MiB or 8 MiB more buffers, a full one after 24 MiB more', () => {
  const MiB = 1024 * 1024;
  const floor = 50 * MiB;
  assert.equal(collectionDue(1000, floor + MiB, floor), null);
  assert.equal(collectionDue(4 * MiB, floor, floor), 'minor');
  assert.equal(collectionDue(20_000, floor + 8 * MiB, floor), 'minor');
  assert.equal(collectionDue(20_000, floor + 24 * MiB, floor), 'major');
  assert.equal(collectionDue(4 * MiB, floor + 30 * MiB, floor), 'major');
});
