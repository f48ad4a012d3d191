/**
 * Gives the C library's free memory back to the system now and then (`malloc_trim(0)`, through the
 * server's small addon: {@link releaseMemoryAddon}).
 *
 * Uploaded bytes pass through many short-lived Buffers in malloc's heap, among the long-lived memory
 * of SQLite and the rest. glibc returns freed memory only from the top of its heap, so when dead
 * buffers pile up before a collection and something long-lived lands above them, their pages stay
 * with the process after they are freed: over 10,000 small uploads the heap kept 5–10 MB of free
 * pages (measured: `malloc_trim(0)` at the end gave back 6–10 MB of the heap every time, and the
 * RSS fell 6–8 MB below its level at the start). Trimming every few seconds keeps that memory
 * from staying; without the addon (no compiler at install, not glibc) nothing is trimmed.
 */
import { releaseMemoryAddon } from './native.js';

/** How often the heap is trimmed while the server runs. */
const TRIM_EVERY_MS = 5000;

/** Whether this process can trim its heap. */
export const canTrimMalloc = (): boolean => releaseMemoryAddon()?.trimSupported ?? false;

/** Trim now; true if memory was given back. */
export const trimMalloc = (): boolean => releaseMemoryAddon()?.trim() ?? false;

/** Trim every {@link TRIM_EVERY_MS} (a timer that does not keep the process alive); returns a stop function. */
export function startMallocTrim(): () => void {
  if (!canTrimMalloc()) return () => {};
  const timer = setInterval(trimMalloc, TRIM_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
