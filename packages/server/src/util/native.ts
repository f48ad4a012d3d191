/**
 * The server's small native addon (`packages/server/native/release-memory.c`, built by the package's
 * install script with node-gyp): calls Node has none of. Optional: where it was not built (no
 * compiler at install) every caller goes on without it.
 */
import { createRequire } from 'node:module';

export interface ReleaseMemoryAddon {
  /** `malloc_trim(0)`; true if memory was given back (always false where it is not supported). */
  trim(): boolean;
  /** Whether `trim` does anything here (glibc). */
  readonly trimSupported: boolean;
  /**
   * `posix_fadvise(fd, offset, length, POSIX_FADV_DONTNEED)`; true if the kernel took the advice
   * (false where it is not supported, or for arguments out of range).
   */
  dropPageCache(fd: number, offset: number, length: number): boolean;
  /** Whether `dropPageCache` does anything here. */
  readonly dropPageCacheSupported: boolean;
}

let addon: ReleaseMemoryAddon | null | undefined;

/** The addon, or null where it was not built. */
export function releaseMemoryAddon(): ReleaseMemoryAddon | null {
  if (addon !== undefined) return addon;
  try {
    // From src/util or dist/util alike: the package's build directory.
    addon = createRequire(import.meta.url)('../../build/Release/release_memory.node') as ReleaseMemoryAddon;
  } catch {
    addon = null;
  }
  return addon;
}
