/**
 * Small isomorphic helpers: abortable sleep, work shared by callers with their own signals, backoff,
 * Retry-After parsing, signal combination.
 */

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One piece of work that several callers wait for, each with its own signal (a login, siteinfo): a
 * caller whose signal aborts stops waiting at once with its own reason; the work is aborted only when
 * every caller waiting for it has given up (a caller without a signal never does). Start a new task
 * when `state` says this one is no longer usable.
 */
export interface SharedTask<T> {
  readonly state: 'pending' | 'fulfilled' | 'rejected' | 'aborted';
  wait(signal?: AbortSignal): Promise<T>;
}

export function sharedTask<T>(run: (signal: AbortSignal) => Promise<T>): SharedTask<T> {
  const ctrl = new AbortController();
  let settled: 'fulfilled' | 'rejected' | undefined;
  let waiting = 0;
  let pinned = false;
  const work = run(ctrl.signal).then(
    (v) => {
      settled = 'fulfilled';
      return v;
    },
    (e) => {
      settled = 'rejected';
      throw e;
    },
  );
  work.catch(() => {});
  return {
    get state() {
      return settled ?? (ctrl.signal.aborted ? 'aborted' : 'pending');
    },
    wait(signal) {
      if (!signal) {
        pinned = true;
        return work;
      }
      if (signal.aborted) return Promise.reject(abortReason(signal));
      waiting++;
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => {
          waiting--;
          if (waiting === 0 && !pinned && !settled) ctrl.abort(abortReason(signal));
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        work.then(
          (v) => {
            signal.removeEventListener('abort', onAbort);
            resolve(v);
          },
          (e) => {
            signal.removeEventListener('abort', onAbort);
            reject(e);
          },
        );
      });
    },
  };
}

export interface BackoffOptions {
  /** First delay in ms (default 1000). */
  baseMs?: number;
  /** Largest delay in ms (default 60000). */
  maxMs?: number;
  factor?: number;
}

/** Exponential backoff with full jitter on the upper half: attempt 1 → ~base, 2 → ~2·base, … capped. */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}, retryAfterSec?: number): number {
  const base = opts.baseMs ?? 1000;
  const max = opts.maxMs ?? 60_000;
  const factor = opts.factor ?? 2;
  const exp = Math.min(max, base * factor ** Math.max(0, attempt - 1));
  const jittered = exp / 2 + Math.random() * (exp / 2);
  const floor = retryAfterSec !== undefined && retryAfterSec > 0 ? retryAfterSec * 1000 : 0;
  return Math.max(jittered, floor);
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into seconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10);
  const t = Date.parse(trimmed);
  if (Number.isFinite(t)) return Math.max(0, Math.ceil((t - now) / 1000));
  return undefined;
}

/**
 * A signal that aborts when `parent` aborts or after `timeoutMs`. `timedOut()` tells which.
 * `dispose()` clears the timer and the listener.
 */
export function timeoutSignal(
  parent: AbortSignal | undefined,
  timeoutMs: number | undefined,
): { signal: AbortSignal; timedOut: () => boolean; dispose: () => void } {
  const ctrl = new AbortController();
  let timedOut = false;
  const onAbort = () => ctrl.abort(parent?.reason);
  if (parent) {
    if (parent.aborted) ctrl.abort(parent.reason);
    else parent.addEventListener('abort', onAbort, { once: true });
  }
  const timer =
    timeoutMs && timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          ctrl.abort(new DOMException('The request timed out.', 'TimeoutError'));
        }, timeoutMs)
      : undefined;
  return {
    signal: ctrl.signal,
    timedOut: () => timedOut,
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    },
  };
}

/** Accepts `5M`, `5MiB`, `512k`, `1048576`, `1.5G` (binary units). */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number.parseFloat(m[1] as string);
  const unit = (m[2] ?? '').toLowerCase();
  const mult =
    unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : unit === 't' ? 1024 ** 4 : 1;
  const v = Math.round(n * mult);
  return Number.isSafeInteger(v) ? v : undefined;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
