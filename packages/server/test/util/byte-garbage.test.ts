import assert from 'node:assert/strict';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { after, before, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bytesReceived, collectionDue, MANY_RECEIVING, receiving } from '../../src/util/byte-garbage.js';
import { waitFor } from '../helpers/wait.js';

let minor = 0;
let major = 0;
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++;
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
  assert.equal(collectionDue(1000, floor + MiB, floor, floor, 1), null);
  assert.equal(collectionDue(4 * MiB, floor, floor, floor, 1), 'minor');
  assert.equal(collectionDue(20_000, floor + 8 * MiB, floor, floor, 1), 'minor');
  assert.equal(collectionDue(20_000, floor + 24 * MiB, floor, floor, 1), 'major');
  assert.equal(collectionDue(4 * MiB, floor + 30 * MiB, floor, floor, 1), 'major');
});

it('with many uploads in progress, a full collection once buffers grew 16 MiB since the last full one', () => {
  const MiB = 1024 * 1024;
  const majorFloor = 50 * MiB;
  // Young collections came and went (their floor is recent); buffers kept growing across them.
  const floor = majorFloor + 14 * MiB;
  assert.equal(collectionDue(20_000, majorFloor + 16 * MiB, floor, majorFloor, MANY_RECEIVING), 'major');
  assert.equal(collectionDue(20_000, majorFloor + 15 * MiB, floor, majorFloor, MANY_RECEIVING), null);
  // Few uploads: nothing before a collection is due, however far buffers grew since the last full one.
  assert.equal(collectionDue(20_000, majorFloor + 20 * MiB, floor, majorFloor, MANY_RECEIVING - 1), null);
});

it('makes a due collection a full one once the buffers left after young ones grew 8 MiB since the last full one', () => {
  const MiB = 1024 * 1024;
  const majorFloor = 50 * MiB;
  // The level between young collections (floor) is what outlived them.
  for (const uploads of [1, MANY_RECEIVING]) {
    assert.equal(
      collectionDue(4 * MiB, majorFloor + 9 * MiB, majorFloor + 7 * MiB, majorFloor, uploads),
      'minor',
    );
    assert.equal(
      collectionDue(4 * MiB, majorFloor + 9 * MiB, majorFloor + 8 * MiB, majorFloor, uploads),
      'major',
    );
    assert.equal(
      collectionDue(20_000, majorFloor + 9 * MiB, majorFloor + 8 * MiB, majorFloor, uploads),
      null,
    );
  }
  // Young garbage alone (a high level, a low floor) does not.
  assert.equal(collectionDue(4 * MiB, majorFloor + 15 * MiB, majorFloor + MiB, majorFloor, 1), 'minor');
});

it('collects everything when buffers outlive young collections, however few uploads are received', async () => {
  // Buffers that stay alive, 1 MiB more per MiB received: a first full collection (whenever this
  // module last asked for one), then the next, counted from it, 8 MiB of such buffers later.
  const kept: Buffer[] = [];
  const keepReceiving = async (upTo: number) => {
    const start = major;
    const from = kept.length;
    for (let i = 0; i < upTo && major === start; i++) {
      kept.push(Buffer.alloc(1024 * 1024, i));
      bytesReceived(1024 * 1024);
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => major > start, 'a full collection is made', 2000);
    return kept.length - from;
  };
  await keepReceiving(40);
  const mib = await keepReceiving(40);
  assert.ok(mib >= 8 && mib <= 16, `the next full collection came after ${mib} MiB`);
});

it('collects everything when buffers outlive young collections while many uploads are received', async () => {
  // Start from a full collection (and let its report arrive), so that none made for earlier work
  // is taken for the one this asks for.
  setFlagsFromString('--expose-gc');
  const first = major;
  (runInNewContext('gc') as () => void)();
  await waitFor(() => major > first, 'the first full collection is reported', 2000);
  const settled = major;
  const over = Array.from({ length: MANY_RECEIVING }, () => receiving());
  try {
    // Buffers that stay alive (as those waiting in slow uploads' streams): each young collection
    // leaves them, 1 MiB more per MiB received; a full one is asked for past 16 MiB.
    const kept: Buffer[] = [];
    for (let i = 0; i < 40 && major === settled; i++) {
      kept.push(Buffer.alloc(1024 * 1024, i));
      bytesReceived(1024 * 1024);
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => major > settled, 'a full collection is made', 2000);
    assert.ok(kept.length >= 12 && kept.length <= 24, `the full collection came after ${kept.length} MiB`);
  } finally {
    for (const done of over) done();
  }
});
