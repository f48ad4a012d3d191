/** The multi-file uploader's page-free parts: limits and checks, texts, resume storage, the pool. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkFile,
  DEFAULT_CHUNK_SIZE,
  describeLimits,
  fileExtension,
  filePageUrl,
  formatSize,
  readLimits,
} from '../../assets/uploader/limits.js';
import {
  bytesText,
  describeError,
  initialPageText,
  percentDone,
  plainText,
  statusText,
  warningTexts,
} from '../../assets/uploader/messages.js';
import { Pool } from '../../assets/uploader/pool.js';
import { isResumeToken, ResumeStore, resumeKey } from '../../assets/uploader/resume-store.js';
import { API, MemoryStorage, token } from './uploader-fakes.js';

const limits = readLimits({ maxSize: '1000', extensions: 'png, JPG,.txt', chunkSize: '100' });

describe('limits and the checks before sending', () => {
  it('reads the page data, with defaults for what is missing or malformed', () => {
    assert.deepEqual(limits, { maxSize: 1000, extensions: ['png', 'jpg', 'txt'], chunkSize: 100 });
    assert.deepEqual(readLimits({ maxSize: 'lots', chunkSize: '-5' }), {
      maxSize: Number.POSITIVE_INFINITY,
      extensions: [],
      chunkSize: DEFAULT_CHUNK_SIZE,
    });
  });

  it('finds the extension MediaWiki checks (the last one, lower case)', () => {
    assert.equal(fileExtension('Photo.JPG'), 'jpg');
    assert.equal(fileExtension('archive.tar.gz'), 'gz');
    assert.equal(fileExtension('README'), null);
    assert.equal(fileExtension('dot.'), null);
  });

  it('writes sizes as MediaWiki does', () => {
    assert.equal(formatSize(900), '900 bytes');
    assert.equal(formatSize(12 * 1024 + 300), '12 KB');
    assert.equal(formatSize(5 * 1024 * 1024), '5 MB');
    assert.equal(formatSize(1.5 * 1024 * 1024), '1.5 MB');
    assert.equal(formatSize(4 * 1024 ** 3), '4 GB');
    assert.equal(
      describeLimits(readLimits({ maxSize: String(4 * 1024 ** 3), extensions: 'png,gif' })),
      'Maximum file size: 4 GB. Permitted file types: png, gif.',
    );
  });

  it('refuses what the wiki would refuse, with its messages', () => {
    assert.equal(checkFile(1000, 'A.png', limits), null);
    assert.equal(checkFile(10, 'A.PNG', limits), null);
    const big = checkFile(1001, 'A.png', limits);
    assert.equal(big?.code, 'file-too-large');
    assert.equal(big?.byName, false);
    assert.match(big?.message ?? '', /bigger than the server is configured to allow.*1001 bytes.*1000 bytes/);
    assert.equal(checkFile(0, 'A.png', limits)?.code, 'empty-file');
    assert.equal(checkFile(10, '  ', limits)?.code, 'nofilename');
    assert.equal(checkFile(10, `${'é'.repeat(119)}.png`, limits)?.code, 'filename-toolong');
    assert.equal(checkFile(10, 'README', limits)?.message, 'The file has no extension (like ".jpg").');
    const exe = checkFile(10, 'Setup.exe', limits);
    assert.equal(exe?.code, 'filetype-banned-type');
    assert.equal(exe?.byName, true);
    assert.equal(exe?.message, '.exe is not a permitted file type. Permitted file types are png, jpg, txt.');
    assert.equal(checkFile(10, 'Setup.exe', readLimits({})), null, 'no list on the page: no check');
  });

  it('links to the file page with underscores', () => {
    assert.equal(filePageUrl('A b.png'), '/wiki/File:A_b.png');
    assert.equal(filePageUrl('File:Ä & ?.png'), '/wiki/File:%C3%84_%26_%3F.png');
  });
});

describe('what a row says', () => {
  const facts = { size: 2 * 1024 * 1024, bytesSent: 1024 * 1024 };
  it('counts progress in whole percent and words', () => {
    assert.equal(percentDone({ ...facts, state: 'uploading' }), 50);
    assert.equal(percentDone({ ...facts, state: 'done' }), 100);
    assert.equal(percentDone({ state: 'uploading', size: 0, bytesSent: 0 }), 0);
    assert.equal(bytesText({ ...facts, state: 'uploading' }), '50% (1 MB of 2 MB)');
    assert.equal(
      statusText({ ...facts, state: 'uploading', resumedAt: 1024 * 1024 }),
      'Continuing the upload from 1 MB…',
    );
    assert.equal(statusText({ ...facts, state: 'done' }), 'Upload complete:');
  });

  it('explains warnings and errors readably', () => {
    assert.deepEqual(warningTexts({ exists: 'A.png', duplicate: ['B.png'] }), [
      'A file named "A.png" already exists; uploading would add a new version.',
      'The same content is already on the wiki as: B.png.',
    ]);
    // The API names files by their database keys; the page shows them with spaces.
    assert.deepEqual(warningTexts({ exists: 'Old_photo.png', duplicate: ['A_b.png', 'C_d.png'] }), [
      'A file named "Old photo.png" already exists; uploading would add a new version.',
      'The same content is already on the wiki as: A b.png, C d.png.',
    ]);
    assert.equal(
      plainText('Duplicate of [[:File:A.png]] and [[B|the other]].'),
      'Duplicate of File:A.png and the other.',
    );
    assert.equal(
      describeError({ code: 'verification-error', info: 'Bad [[:File:X.png]]' }).info,
      'Bad File:X.png',
    );
    assert.match(describeError({ code: 'network', info: 'Failed to fetch' }).info, /connection .* lost/);
    assert.equal(describeError({ name: 'NotReadableError', message: 'x' }).code, 'unreadable');
    assert.equal(describeError(new Error('boom')).info, 'boom');
  });

  it('writes the file page as Special:Upload does', () => {
    assert.equal(initialPageText('A cat'), '== Summary ==\nA cat\n');
    assert.equal(initialPageText(''), '\n');
  });
});

describe('resume storage', () => {
  const file = { name: 'Big.txt', size: 500, lastModified: 1700000000000 };
  const what = { token: token(), destName: 'Big one.txt', description: 'Big' };

  it('keys a file by wiki, name, size and modification time', () => {
    const k = resumeKey(API, file);
    assert.notEqual(k, resumeKey(API, { ...file, lastModified: file.lastModified + 1 }));
    assert.notEqual(k, resumeKey(API, { ...file, size: 501 }));
    assert.notEqual(k, resumeKey(API, { ...file, name: 'big.txt' }));
    assert.notEqual(k, resumeKey('http://other.test/w/api.php', file));
  });

  it('keeps an upload until it is removed or expires', () => {
    const storage = new MemoryStorage();
    let now = 1_000_000;
    const store = new ResumeStore(storage, API, { now: () => now, maxAgeMs: 1000 });
    store.save(file, what);
    assert.deepEqual(store.load(file)?.token, what.token);
    assert.equal(store.load(file)?.destName, 'Big one.txt');
    assert.equal(store.load({ ...file, lastModified: 1 }), undefined, 'another file');
    assert.equal(store.list().length, 1);
    now += 1000;
    assert.equal(store.load(file), undefined, 'expired with the stash');
    assert.equal(storage.map.size, 0, 'and removed');
    store.save(file, what);
    store.remove(file);
    assert.equal(store.load(file), undefined);
  });

  it('ignores what it cannot use: another wiki, bad JSON, a token of another size', () => {
    const storage = new MemoryStorage();
    const store = new ResumeStore(storage, API);
    new ResumeStore(storage, 'http://other.test/w/api.php').save(file, {
      ...what,
      token: token({ api: 'http://other.test/w/api.php' }),
    });
    assert.equal(store.list().length, 0);
    storage.setItem(resumeKey(API, file), '{not json');
    assert.equal(store.load(file), undefined);
    store.save(file, { ...what, token: token({ filesize: 501 }) });
    assert.equal(store.load(file), undefined);
    assert.equal(isResumeToken(token()), true);
    assert.equal(isResumeToken(token({ offset: 600 })), false);
    assert.equal(isResumeToken(token({ sha1: 'xyz' })), false);
    assert.equal(isResumeToken({ ...token(), v: 2 }), false);
  });

  it('lists oldest first and drops expired entries of any wiki', () => {
    const storage = new MemoryStorage();
    let now = 0;
    const store = new ResumeStore(storage, API, { now: () => now, maxAgeMs: 100 });
    store.save({ ...file, name: 'B.txt' }, what);
    now = 50;
    store.save({ ...file, name: 'A.txt' }, what);
    storage.setItem('unrelated', 'x');
    assert.deepEqual(
      store.list().map((s) => s.file.name),
      ['B.txt', 'A.txt'],
    );
    now = 120;
    assert.deepEqual(
      store.list().map((s) => s.file.name),
      ['A.txt'],
    );
    assert.equal(storage.getItem('unrelated'), 'x', 'other keys are left alone');
  });

  it('works on without storage (refused or missing)', () => {
    const storage = new MemoryStorage();
    storage.broken = true;
    for (const store of [new ResumeStore(storage, API), new ResumeStore(undefined, API)]) {
      store.save(file, what);
      assert.equal(store.load(file), undefined);
      assert.deepEqual(store.list(), []);
      store.remove(file);
    }
  });
});

describe('the pool', () => {
  it('runs a few at a time, in order, once each, and goes on after failures', async () => {
    const pool = new Pool(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const waits: (() => void)[] = [];
    const item = (n: number, fail = false) => ({
      run: () =>
        new Promise<void>((resolve, reject) => {
          order.push(n);
          running++;
          most = Math.max(most, running);
          waits.push(() => {
            running--;
            if (fail) reject(new Error('no'));
            else resolve();
          });
        }),
    });
    const items = [item(1, true), item(2), item(3), item(4)];
    for (const i of items) pool.add(i);
    pool.add(items[3]!);
    assert.equal(pool.running, 2);
    assert.equal(pool.waiting, 2);
    while (waits.length > 0) {
      waits.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
    assert.deepEqual(order, [1, 2, 3, 4]);
    assert.equal(most, 2);
    assert.equal(pool.running, 0);
    assert.throws(() => new Pool(0), RangeError);
  });
});
