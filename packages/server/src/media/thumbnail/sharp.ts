/**
 * libvips through sharp, loaded on first use: a server that renders no thumbnail (an API-only node,
 * a benchmark, the admin tools) does not carry the library in memory.
 */
import type SharpType from 'sharp';

export type Sharp = typeof SharpType;

let loaded: Promise<Sharp> | undefined;

/** sharp, configured once: no operation cache (it would keep decoded images around), one thread per image. */
export function loadSharp(): Promise<Sharp> {
  loaded ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache(false);
    sharp.concurrency(1);
    return sharp;
  });
  return loaded;
}
