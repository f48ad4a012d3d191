/**
 * Uploaded bytes arrive as many short-lived Buffers (64 KiB per socket read). Their memory lies
 * outside V8's heap and is given back only when V8 collects the small objects that hold it, which
 * it does when its own heap fills or when such memory has grown by tens of MiB: at upload speed
 * that was 30–55 MB of dead buffers on top of the server's own memory. A young-generation
 * collection (well under a millisecond) after every few MiB received frees them while they are
 * young. Measured on 1 GiB uploads: peak RSS 181 → 143–155 MB chunked, 167 → 130–142 MB direct,
 * for about 4 % more CPU per MiB on direct uploads.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Bytes received between two collections. */
const EVERY = 4 * 1024 * 1024;

type Gc = (options: { type: 'minor'; execution: 'async' }) => void;

let gc: Gc | null | undefined;
let received = 0;

/** V8's collector, exposed for this process (null where it cannot be). */
function collector(): Gc | null {
  if (gc !== undefined) return gc;
  try {
    setFlagsFromString('--expose-gc');
    const fn: unknown = runInNewContext('gc');
    gc = typeof fn === 'function' ? (fn as Gc) : null;
  } catch {
    gc = null;
  }
  return gc;
}

/** Count `n` bytes received; after every few MiB, collect the young generation (in the background). */
export function bytesReceived(n: number): void {
  received += n;
  if (received < EVERY) return;
  received = 0;
  collector()?.({ type: 'minor', execution: 'async' });
}
