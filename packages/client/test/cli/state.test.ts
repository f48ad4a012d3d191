/**
 * The resume state file is written when an upload starts, then at most once per interval while its
 * chunks go up (not once per chunk), and whatever is pending is written by `flush` or the timer.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type StateEntry, StateFile } from '../../src/cli/state.js';
import type { ResumeToken } from '../../src/index.js';
import { useTempDir } from '../library/helpers.js';

const tmp = useTempDir();

const entry = (id: string, offset: number): StateEntry => ({
  id,
  path: '/data/a.png',
  api: 'http://wiki.example/w/api.php',
  filename: 'A.png',
  options: {},
  token: { offset } as unknown as ResumeToken,
  updatedAt: new Date().toISOString(),
});

async function offsets(path: string): Promise<Record<string, number>> {
  const doc = JSON.parse(await readFile(path, 'utf8')) as { uploads: Record<string, StateEntry> };
  return Object.fromEntries(Object.entries(doc.uploads).map(([k, v]) => [k, v.token.offset]));
}

describe('the state file', () => {
  it('writes the first token at once and later ones on flush', async () => {
    const path = join(tmp.dir, 'a.json');
    const state = new StateFile(path, 60_000);
    await state.putSoon(entry('u1', 100));
    assert.deepEqual(await offsets(path), { u1: 100 });
    for (let off = 200; off <= 1000; off += 100) await state.putSoon(entry('u1', off));
    await state.putSoon(entry('u2', 5));
    assert.deepEqual(await offsets(path), { u1: 100, u2: 5 }, 'later tokens wait');
    await state.flush();
    assert.deepEqual(await offsets(path), { u1: 1000, u2: 5 });
  });

  it('forgets a pending token of an upload that is removed', async () => {
    const path = join(tmp.dir, 'b.json');
    const state = new StateFile(path, 60_000);
    await state.putSoon(entry('u1', 1));
    await state.putSoon(entry('u1', 2));
    await state.remove('u1');
    await state.flush();
    assert.deepEqual(await offsets(path), {});
  });

  it('writes a pending token by itself once the interval has passed', async () => {
    const path = join(tmp.dir, 'c.json');
    const state = new StateFile(path, 50);
    await state.putSoon(entry('u1', 1));
    await state.putSoon(entry('u1', 2));
    let seen = await offsets(path);
    while (seen.u1 !== 2) {
      await new Promise((r) => setImmediate(r));
      seen = await offsets(path);
    }
    assert.deepEqual(seen, { u1: 2 });
  });
});
