/**
 * Uploaded bytes arrive as many short-lived Buffers (64 KiB per socket read), and checking them makes
 * more (heads, tails, decoded samples). Their memory lies outside V8's heap and is given back only
 * when V8 collects the small objects that hold it, which it does when its own heap fills or when such
 * memory has grown by tens of MiB: at upload speed that was 30–55 MB of dead buffers on top of the
 * server's own memory (up to 70 MB during small uploads), and malloc keeps the high-water mark. A
 * young-generation collection (well under a millisecond) after every few MiB received, or as soon
 * as buffers have grown by a few MiB, frees them while they are young; a full one when they have
 * grown far (buffers that outlived a young collection wait for a full one). Measured on 1 GiB
 * uploads: peak RSS 181 → 143–155 MB chunked, 167 → 130–142 MB direct, for about 4 % more CPU per
 * MiB on direct uploads; during small uploads buffers stay at 8–18 MB instead of 5–70.
 *
 * With many uploads in progress at once each one moves slowly, so its buffers wait in its streams
 * long enough to outlive young collections, and they pile up for a full collection that V8 makes only
 * when they have grown by 64 MiB or more: fifty 20 MiB uploads at once peaked at 200–225 MB. From
 * {@link MANY_RECEIVING} uploads in progress, a full collection is asked for as soon as buffers have
 * grown by {@link EXTERNAL_GROWTH_MANY} since the last full one: 167–168 MB. Below that it is not
 * (small uploads, 4 at a time, spent a quarter more CPU with it).
 *
 * With few uploads at a time some buffers outlive young collections too, and V8 leaves them for
 * long: until its first full collection it sizes the old generation for a start-up, so over 10,000
 * small uploads they grew to 20–70 MB, and malloc kept every peak (its heap grew 40–70 MB). So a
 * collection that is due becomes a full one once the buffers left after young collections (the
 * least level between two) have grown by {@link SURVIVOR_GROWTH} since the last full one: in
 * practice once, early; the same 10,000 uploads then peaked at 10–25 MB of buffers, at no measured
 * cost in CPU (small, chunked and direct uploads side by side).
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Bytes received between two collections. */
const EVERY = 4 * 1024 * 1024;
/** Growth of memory outside V8's heap (buffers) that asks for a collection sooner. */
const EXTERNAL_GROWTH = 8 * 1024 * 1024;

/**
 * Growth that asks for a full collection instead: buffers that outlived a young collection (an
 * upload's own, while it was checked) wait for a full one, which V8 makes only at 64 MiB or more.
 */
const EXTERNAL_GROWTH_FULL = 24 * 1024 * 1024;

/** Uploads in progress from which buffers that outlived young collections are collected sooner. */
export const MANY_RECEIVING = 8;
/** Growth of buffers since the last full collection that asks for one with many uploads in progress. */
const EXTERNAL_GROWTH_MANY = 16 * 1024 * 1024;

/**
 * Growth of the buffers that outlived young collections since the last full collection that makes
 * the next collection a full one.
 */
const SURVIVOR_GROWTH = 8 * 1024 * 1024;

type Gc = (options: { type: 'minor' | 'major'; execution: 'async' }) => void;

let gc: Gc | null | undefined;
let received = 0;
/**
 * The least memory outside the heap seen since the last collection (V8 frees a collection's buffers
 * a little after it, so the level right after it is not the floor).
 */
let floor = Number.POSITIVE_INFINITY;
/** The least memory outside the heap seen since the last full collection. */
let majorFloor = Number.POSITIVE_INFINITY;
/** Uploads being received now ({@link receiving}). */
let inProgress = 0;

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

/**
 * Which collection is due after `received` bytes since the last one, with `external` bytes of
 * buffers now, `floor` the least seen since the last collection and `majorFloor` since the last full
 * one, while `uploads` are being received; null: none yet.
 */
export function collectionDue(
  received: number,
  external: number,
  floor: number,
  majorFloor: number,
  uploads: number,
): 'minor' | 'major' | null {
  if (external >= floor + EXTERNAL_GROWTH_FULL) return 'major';
  if (uploads >= MANY_RECEIVING && external >= majorFloor + EXTERNAL_GROWTH_MANY) return 'major';
  if (received >= EVERY || external >= floor + EXTERNAL_GROWTH) {
    return floor >= majorFloor + SURVIVOR_GROWTH ? 'major' : 'minor';
  }
  return null;
}

/** How many uploads are being received now. */
export const uploadsReceiving = (): number => inProgress;

/** Count an upload being received; call the returned function once, when it is over. */
export function receiving(): () => void {
  inProgress++;
  return () => {
    inProgress--;
  };
}

/**
 * Count `n` bytes received; after every few MiB, or when buffers have piled up, collect the young
 * generation (or, when they piled up far, everything), in the background.
 */
export function bytesReceived(n: number): void {
  received += n;
  const external = getHeapStatistics().external_memory;
  floor = Math.min(floor, external);
  majorFloor = Math.min(majorFloor, external);
  const type = collectionDue(received, external, floor, majorFloor, inProgress);
  if (!type) return;
  received = 0;
  floor = Number.POSITIVE_INFINITY;
  if (type === 'major') majorFloor = Number.POSITIVE_INFINITY;
  collector()?.({ type, execution: 'async' });
}
