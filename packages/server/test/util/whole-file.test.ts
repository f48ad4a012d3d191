/**
 * A small file written whole by one job on the thread pool (native/whole-file.c, used by local
 * storage for bodies that end within their first write batch): the bytes in order in place, and on
 * any failure an errno, the destination untouched and no temporary file of its own left behind.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeWhole } from '../../src/storage/local-writes.js';
import { wholeFileAddon } from '../../src/util/native.js';

const write = (tmp: string, dest: string, parts: Uint8Array[]) =>
  new Promise<number>((resolve) => wholeFileAddon()!.write(tmp, dest, parts, resolve));

describe('a small file written whole on the thread pool', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mwup-whole-'));
    await mkdir(join(dir, 'tmp'));
    await mkdir(join(dir, 'files'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('is built and loaded (npm install builds the addon where there is a compiler)', () => {
    assert.ok(wholeFileAddon());
  });

  it('puts the parts in order at the destination and leaves no temporary file', async () => {
    const parts = [randomBytes(7), new Uint8Array(0), randomBytes(20_000), randomBytes(1)];
    // More parts than one writev takes (IOV_MAX is 1,024 on Linux).
    const many = Array.from({ length: 3000 }, (_, i) => Buffer.from([i & 0xff, i >> 8]));
    for (const [name, p] of [
      ['a', parts],
      ['b', many],
    ] as const) {
      assert.equal(await write(join(dir, 'tmp', name), join(dir, 'files', name), p), 0);
      assert.deepEqual(await readFile(join(dir, 'files', name)), Buffer.concat(p));
    }
    assert.deepEqual(await readdir(join(dir, 'tmp')), []);
  });

  it('replaces a file at the destination', async () => {
    const dest = join(dir, 'files', 'replaced');
    await writeFile(dest, 'old');
    assert.equal(await write(join(dir, 'tmp', 'r'), dest, [Buffer.from('new')]), 0);
    assert.equal(await readFile(dest, 'utf8'), 'new');
  });

  it('refuses a temporary file that exists, and leaves it and the destination alone', async () => {
    const tmp = join(dir, 'tmp', 'taken');
    const dest = join(dir, 'files', 'kept');
    await writeFile(tmp, 'someone else');
    await writeFile(dest, 'before');
    assert.equal(await write(tmp, dest, [Buffer.from('x')]), -constants.errno.EEXIST);
    assert.equal(await readFile(tmp, 'utf8'), 'someone else');
    assert.equal(await readFile(dest, 'utf8'), 'before');
    await rm(tmp);
  });

  it('removes its temporary file when the rename fails', async () => {
    const tmp = join(dir, 'tmp', 'orphan');
    const err = await write(tmp, join(dir, 'no-such-dir', 'f'), [randomBytes(100)]);
    assert.equal(err, -constants.errno.ENOENT);
    assert.deepEqual(await readdir(join(dir, 'tmp')), []);
  });

  it('answers an errno for a temporary directory that is not there', async () => {
    const err = await write(join(dir, 'missing', 't'), join(dir, 'files', 'never'), [randomBytes(10)]);
    assert.equal(err, -constants.errno.ENOENT);
    await assert.rejects(readFile(join(dir, 'files', 'never')), { code: 'ENOENT' });
  });

  it('refuses arguments that are not two paths, an array of bytes and a callback', () => {
    const addon = wholeFileAddon()!;
    const t = join(dir, 'tmp', 'bad');
    const f = join(dir, 'files', 'bad');
    const call = addon.write as (...a: unknown[]) => void;
    assert.throws(() => call(t, f, [Buffer.from('x')]), /write\(tmp, dest, parts, done\)/);
    assert.throws(() => call(t, f, ['text'], () => {}), /array of Uint8Arrays/);
    assert.throws(() => call(t, f, new Uint16Array(2), () => {}), /array of Uint8Arrays/);
    assert.throws(() => call(t, 7, [], () => {}), /two paths/);
    assert.throws(() => call('a\0b', f, [], () => {}), /two paths/);
  });

  for (const [how, addon] of [
    ['by the addon', wholeFileAddon()],
    ['without the addon (sync calls here, the flush on the pool)', null],
  ] as const)
    it(`is how local storage writes a small body, ${how}: the same file, and node:fs's errors`, async () => {
      const parts = [randomBytes(5000), randomBytes(3)];
      const dest = join(dir, 'files', `local-${addon ? 'addon' : 'js'}`);
      assert.equal(await writeWhole(join(dir, 'tmp', 'w'), dest, parts, 5003, addon), 5003);
      assert.deepEqual(await readFile(dest), Buffer.concat(parts));
      await assert.rejects(
        writeWhole(join(dir, 'tmp', 'w2'), join(dir, 'nowhere', 'f'), parts, 5003, addon),
        {
          code: 'ENOENT',
        },
      );
      assert.deepEqual(await readdir(join(dir, 'tmp')), []);
    });
});
