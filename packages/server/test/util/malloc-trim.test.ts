/**
 * The heap trim gives back the free pages that glibc keeps inside its heap: many buffers freed below
 * one that lives on stay resident until `malloc_trim`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { canTrimMalloc } from '../../src/util/malloc-trim.js';

const MODULE = fileURLToPath(new URL('../../src/util/malloc-trim.ts', import.meta.url));

/** In a fresh process: RSS after freeing ~60 MB of buffers below a live one, and after a trim. */
const CHILD = `
const { trimMalloc } = await import(process.argv[1]);
const { readFileSync } = await import('node:fs');
const rss = () => Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
let bufs = [];
for (let i = 0; i < 20000; i++) bufs.push(Buffer.alloc(3000));
const keep = Buffer.alloc(3000);
bufs = null;
// V8 frees the buffers' memory a little after the collection that finds them dead: until it has.
while (process.memoryUsage().arrayBuffers > 10e6) {
  globalThis.gc();
  await new Promise((r) => setImmediate(r));
}
const before = rss();
const trimmed = trimMalloc();
console.log(JSON.stringify({ before, after: rss(), trimmed, kept: keep.length }));
`;

/** glibc's version where this process runs on glibc (the addon is built at install there). */
const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header
  ?.glibcVersionRuntime;

describe('malloc trim', { skip: glibc ? false : 'not glibc: nothing to trim' }, () => {
  it('is built and loaded (npm install builds it where there is a compiler)', () => {
    assert.equal(canTrimMalloc(), true);
  });

  it('gives back the pages of freed buffers that freeing alone left with the process', () => {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', CHILD, MODULE],
      { encoding: 'utf8' },
    );
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as {
      before: number;
      after: number;
      trimmed: boolean;
    };
    assert.equal(r.trimmed, true);
    assert.ok(r.before - r.after > 30e6, `RSS ${r.before} → ${r.after}: less than 30 MB given back`);
  });
});
