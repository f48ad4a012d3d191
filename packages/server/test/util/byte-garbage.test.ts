import { constants, PerformanceObserver } from 'node:perf_hooks';
import { it } from 'node:test';
import { bytesReceived } from '../../src/util/byte-garbage.js';
import { waitFor } from '../helpers/wait.js';

it('collects the young generation after every few MiB received', async () => {
  let minor = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e.detail as { kind?: number } | undefined)?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  try {
    // Ten times 4 MiB, in socket-sized pieces: a collection follows each within moments (this test
    // allocates too little for V8 to collect on its own ten times meanwhile).
    for (let round = 0; round < 10; round++) {
      const before = minor;
      for (let i = 0; i < 64; i++) bytesReceived(64 * 1024);
      await waitFor(() => minor > before, `collection ${round + 1} is made`, 2000);
    }
  } finally {
    obs.disconnect();
  }
});
