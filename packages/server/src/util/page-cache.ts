/**
 * Uploaded bytes leave the kernel's page cache once they are on disk (`posix_fadvise(DONTNEED)`,
 * through the server's small addon: {@link releaseMemoryAddon}), as Swift's object server does
 * with the objects it writes.
 *
 * An upload's bytes are written once and seldom read soon after (the checks read the first and last
 * bytes, which come back from disk in well under a millisecond). Left in the cache, every upload
 * takes memory pages the system has not used lately, and pushes out what is read often (the
 * database, thumbnails). Measured on the 2-core development machine (a virtual machine): writing
 * 256 MiB into pages the kernel had just freed cost 0.3 ms of system time per MiB, into fresh ones
 * 1.9 ms; a 256 MiB chunked upload took 4.5–4.7 ms of server CPU per MiB with its bytes left in
 * the cache and 3.1–3.3 with them dropped once flushed (see bench/README.md). Only bytes already
 * flushed are dropped (the kernel keeps dirty pages anyway); without the addon nothing is dropped.
 */
import { releaseMemoryAddon } from './native.js';

/** Whether this process can drop file pages from the cache. */
export const canDropPageCache = (): boolean => releaseMemoryAddon()?.dropPageCacheSupported ?? false;

/**
 * Let the kernel drop its cached pages of `length` bytes of `fd` from `offset` (0: to the end);
 * true if it took the advice. Never throws: a file that stays cached is only memory.
 */
export const dropPageCache = (fd: number, offset: number, length: number): boolean =>
  releaseMemoryAddon()?.dropPageCache(fd, offset, length) ?? false;
