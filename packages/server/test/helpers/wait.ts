import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Wait until `cond` holds, checking every few milliseconds; fail naming `what` after `ms`. Tests
 * wait for the condition they need, never for a fixed time.
 */
export async function waitFor(
  cond: () => Promise<boolean> | boolean,
  what: string,
  ms = 10_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await sleep(10);
  }
}

/** Call `f` until it returns something other than `undefined`; fail naming `what` after `ms`. */
export async function waitForValue<T>(
  f: () => Promise<T | undefined>,
  what: string,
  ms = 10_000,
): Promise<T> {
  let value: T | undefined;
  await waitFor(
    async () => {
      value = await f();
      return value !== undefined;
    },
    what,
    ms,
  );
  return value as T;
}
