/**
 * The tus endpoint keeps each request's state in an AsyncLocalStorage; on Node 20 a store in use
 * installs async hooks that make every promise of the process about three times slower. They must
 * be off again once no tus request is running, or every upload after the first tus request pays.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

it('leaves no async hooks installed after its requests', async () => {
  const child = fileURLToPath(new URL('./tus-async-hooks-child.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as {
    before: boolean;
    after: boolean;
    answers: number[];
  };
  assert.equal(r.before, false, 'no hooks before any tus request');
  assert.deepEqual(
    r.answers,
    [204, 401],
    'the requests reached the tus endpoint (OPTIONS, POST without a session)',
  );
  assert.equal(r.after, false, 'no hooks after them');
});
