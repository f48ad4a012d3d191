/** Cancellation helpers for the copy-upload fetch: linked abort controllers and timer limits. */

/** An abort controller that follows a parent signal until unlinked. */
export function childController(parent: AbortSignal): { ctl: AbortController; unlink: () => void } {
  const ctl = new AbortController();
  if (parent.aborted) {
    ctl.abort(parent.reason);
    return { ctl, unlink: () => {} };
  }
  const onAbort = () => ctl.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { ctl, unlink: () => parent.removeEventListener('abort', onAbort) };
}

/** Settles with the promise, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export const ignore = (): void => {};

export const abortReason = (signal: AbortSignal): unknown =>
  signal.reason ?? Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });

/** Timer delays above 2^31-1 ms would fire at once; a day is as good as forever here. */
export const clampDelay = (ms: number): number => Math.max(1, Math.min(ms, 2 ** 31 - 1));
