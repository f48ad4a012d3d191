import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  archiveName,
  badPrefix,
  DEFAULT_FILENAME_PREFIX_BLACKLIST,
  DEFAULT_FILENAME_PREFIX_BLACKLIST_MESSAGE,
  escapeLike,
  existsWarningChecks,
  fileHashPath,
  hasBadPrefix,
  isThumbName,
  normalizedExtensionVariants,
  normalizeExtension,
  parseFilenamePrefixBlacklist,
  splitFileName,
  thumbNameInfo,
} from '../../src/title/file-names.js';
import { recorded } from './fixture.js';

describe('thumbnail names', () => {
  for (const [name, expected] of Object.entries(recorded.thumbs)) {
    it(`isThumbName(${JSON.stringify(name)}) is ${expected} (as MediaWiki says)`, () =>
      assert.equal(isThumbName(name), expected));
  }

  it('thumbNameInfo gives the un-prefixed original', () => {
    assert.deepEqual(thumbNameInfo('40px-Foo.png'), { isThumb: true, original: 'Foo.png' });
    assert.deepEqual(thumbNameInfo('120px-foo_bar-baz.jpg'), { isThumb: true, original: 'Foo_bar-baz.jpg' });
    assert.deepEqual(thumbNameInfo('99px-ärger.png'), { isThumb: true, original: 'Ärger.png' });
    assert.deepEqual(thumbNameInfo('Foo.png'), { isThumb: false });
    assert.deepEqual(thumbNameInfo('4000px-Foo.png'), { isThumb: false });
    assert.deepEqual(thumbNameInfo('40px-..png'), { isThumb: true, original: '..png' });
  });
});

describe('bad prefixes', () => {
  it('parses the default message as MediaWiki does', () => {
    assert.deepEqual(DEFAULT_FILENAME_PREFIX_BLACKLIST, recorded.prefixes);
    assert.deepEqual(DEFAULT_FILENAME_PREFIX_BLACKLIST, [
      'CIMG',
      'DSC_',
      'DSCF',
      'DSCN',
      'DUW',
      'IMG',
      'JD',
      'MGP',
      'PICT',
    ]);
    assert.ok(DEFAULT_FILENAME_PREFIX_BLACKLIST_MESSAGE.includes('PICT # misc.'));
  });

  it('cuts a trailing comment one character before the #', () => {
    assert.deepEqual(parseFilenamePrefixBlacklist('# c\n\n  \nABC # x\nIMG#y\n  XYZ  \n #z'), [
      'ABC',
      'IM',
      'XYZ',
    ]);
  });

  const cases: [string, string | null][] = [
    ['IMG_1234.jpg', 'IMG'],
    ['DSC_0001.jpg', 'DSC_'],
    ['DSCN0001.jpg', 'DSCN'],
    ['CIMG0001.JPG', 'CIMG'],
    ['PICT.png', 'PICT'],
    ['Img_1234.jpg', null],
    ['My_IMG.jpg', null],
  ];
  for (const [name, prefix] of cases) {
    it(`${name} → ${prefix}`, () => {
      assert.equal(badPrefix(name), prefix);
      assert.equal(hasBadPrefix(name), prefix !== null);
    });
  }
  it('looks only at the part before the last dot', () => {
    assert.equal(badPrefix('IMG'), 'IMG');
    assert.equal(badPrefix('X.IMG'), null);
    assert.equal(badPrefix('JD.png', ['JD.']), null);
  });
});

describe('exists-normalized look-ups', () => {
  for (const [ext, expected] of Object.entries(recorded.normext)) {
    it(`normalizeExtension(${JSON.stringify(ext)}) = ${JSON.stringify(expected)}`, () =>
      assert.equal(normalizeExtension(ext), expected));
  }

  it('gives the normalised name and the similar-name prefix', () => {
    assert.deepEqual(normalizedExtensionVariants('X.PNG'), { normalizedName: 'X.png', similarPrefix: 'X.' });
    assert.deepEqual(normalizedExtensionVariants('X.jpeg'), { normalizedName: 'X.jpg', similarPrefix: 'X.' });
    assert.deepEqual(normalizedExtensionVariants('X.JPG'), { normalizedName: 'X.jpg', similarPrefix: 'X.' });
    assert.deepEqual(normalizedExtensionVariants('X.png'), { normalizedName: null, similarPrefix: 'X.' });
    assert.deepEqual(normalizedExtensionVariants('A.b.Tiff'), {
      normalizedName: 'A.b.tif',
      similarPrefix: 'A.b.',
    });
    assert.deepEqual(normalizedExtensionVariants('X.pn-g'), { normalizedName: 'X.', similarPrefix: 'X.' });
  });

  it('splits names the way getExistsWarning does', () => {
    assert.deepEqual(splitFileName('a.b.png'), { partName: 'a.b', extension: 'png' });
    assert.deepEqual(splitFileName('.foo.png'), { partName: '.foo.png', extension: '' });
    assert.deepEqual(splitFileName('noext'), { partName: 'noext', extension: '' });
  });

  it('collects all name checks in order', () => {
    assert.deepEqual(existsWarningChecks('40px-IMG.PNG'), {
      normalizedName: '40px-IMG.png',
      similarPrefix: '40px-IMG.',
      thumb: { original: 'IMG.PNG' },
      badPrefix: null,
    });
    assert.deepEqual(existsWarningChecks('IMG_1.png'), {
      normalizedName: null,
      similarPrefix: 'IMG_1.',
      thumb: null,
      badPrefix: 'IMG',
    });
  });

  it('escapes LIKE wildcards', () => {
    assert.equal(escapeLike('A_b%c\\d.'), 'A\\_b\\%c\\\\d.');
  });
});

describe('storage names', () => {
  it('hash paths from the MD5 of the name (Example.jpg → a/a9/)', () => {
    assert.equal(fileHashPath('Example.jpg'), 'a/a9/');
    for (const [name, md5] of Object.entries(recorded.hash)) {
      assert.equal(fileHashPath(name), `${md5[0]}/${md5.slice(0, 2)}/`);
      assert.equal(fileHashPath(name, 3), `${md5[0]}/${md5.slice(0, 2)}/${md5.slice(0, 3)}/`);
    }
    assert.equal(fileHashPath('Example.jpg', 0), '');
  });

  it('archive names', () => {
    assert.equal(archiveName('20261125040930', 'Foo_bar.png'), '20261125040930!Foo_bar.png');
    assert.throws(() => archiveName('2026-11-25', 'x'), RangeError);
  });
});
