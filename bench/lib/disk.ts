/**
 * The disk's write rate on the filesystem of the servers' data directories (the system's temporary
 * directory): `size` bytes written in blocks, made durable with `fdatasync` once at the end or after
 * every block. The blocks are random bytes made before the clock starts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MIB = 1024 * 1024;

/** MiB/s of writing `size` bytes in `block`-byte writes, with `fdatasync` after each write or only at the end. */
export async function diskWriteRate(size: number, block: number, syncEachBlock: boolean) {
  const dir = await mkdtemp(join(tmpdir(), 'mwup-bench-disk-'));
  const buf = randomBytes(block);
  try {
    const t0 = performance.now();
    const fh = await open(join(dir, 'write.bin'), 'w');
    for (let off = 0; off < size; off += block) {
      const n = Math.min(block, size - off);
      await fh.write(buf, 0, n);
      if (syncEachBlock) await fh.datasync();
    }
    if (!syncEachBlock) await fh.datasync();
    await fh.close();
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, rate: size / MIB / seconds };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
