import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MwError } from '../../src/errors.js';
import { TitleParser } from '../../src/title/title.js';
import {
  baseName,
  DEFAULT_PROHIBITED_EXTENSIONS,
  filetypeBannedInfo,
  MW_UPLOAD_NAME_DEFAULTS,
  RECOVERABLE_NAME_ERRORS,
  splitExtensions,
  stripIllegalFilenameChars,
  type UploadNameOptions,
  type UploadNameResult,
  uploadTitle,
} from '../../src/title/upload-name.js';
import { recorded } from './fixture.js';

const MIME_EXT: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'text/plain': 'txt',
  'text/html': 'html',
  'application/pdf': 'pdf',
};

/** The reference wiki's configuration (core defaults plus pdf svg txt bin ogg webm). */
const REF: UploadNameOptions = {
  ...MW_UPLOAD_NAME_DEFAULTS,
  fileExtensions: ['png', 'gif', 'jpg', 'jpeg', 'webp', 'pdf', 'svg', 'txt', 'bin', 'ogg', 'webm'],
  canonicalExtensionForMime: (mime) => MIME_EXT[mime],
  parser: new TitleParser({ siteName: 'RefWiki' }),
};

const png = () => 'image/png';

async function fails(p: Promise<unknown>): Promise<MwError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MwError) return e;
    throw e;
  }
  assert.fail('expected an MwError');
}

function ok(r: UploadNameResult, dbKey: string, badfilename?: string) {
  assert.equal(r.title.dbKey, dbKey);
  assert.equal(r.title.ns, 6);
  assert.equal(r.warnings.badfilename, badfilename);
}

describe('uploadTitle matches MediaWiki 1.39 (recorded answers)', () => {
  const parser = new TitleParser({ siteName: recorded.siteName });
  const mimeOf = Object.fromEntries(Object.entries(recorded.mime).map(([k, v]) => [k, v[0]]));
  const extOf = Object.fromEntries(
    Object.values(recorded.mime)
      .filter((v) => v[1] !== null)
      .map((v) => [v[0], v[1]!]),
  );
  for (const c of recorded.uploads) {
    it(`${JSON.stringify(c.n)} (${c.temp}, ${c.v})`, async () => {
      const opts: UploadNameOptions = {
        fileExtensions: recorded.fileExtensions,
        prohibitedExtensions: recorded.prohibited,
        checkFileExtensions: c.v !== 'nocheck',
        strictFileExtensions: c.v !== 'nostrict',
        illegalFileChars: c.v === 'chars' ? ':' : ':/\\',
        canonicalExtensionForMime: (m) => extOf[m],
        parser,
      };
      const run = uploadTitle(c.n, opts, () => mimeOf[c.temp]!);
      if (c.err) {
        const e = await fails(run);
        assert.equal(e.code, c.err);
        assert.equal(e.recoverable, RECOVERABLE_NAME_ERRORS.has(c.err));
        assert.equal(e.data.filename, c.filename);
        assert.equal(e.data.filetype, c.filetype);
        assert.deepEqual(e.data.blacklisted, c.blacklisted);
        if (c.info) assert.equal(e.info, c.info);
      } else {
        const r = await run;
        assert.equal(r.title.dbKey, c.ok);
        assert.equal(r.finalExtension, c.ext);
        assert.equal(r.warnings.badfilename, c.bad);
        assert.deepEqual(r.warnings['filetype-unwanted-type'], c.unw);
      }
    });
  }
});

describe('uploadTitle: the reference transcripts', () => {
  const run = 'Rpabc';
  const replaced: [string, string][] = [
    [`${run}-colon-a:b.png`, `${run}-colon-a-b.png`],
    [`${run}-slash-a/b.png`, `${run}-slash-a-b.png`],
    [`${run}-backslash-a\\b.png`, `${run}-backslash-a-b.png`],
    [`${run}-hash-a#b.png`, `${run}-hash-a-b.png`],
    [`${run}-pipe-a|b.png`, `${run}-pipe-a-b.png`],
    [`${run}-lt-gt-a<>b.png`, `${run}-lt-gt-a--b.png`],
    [`${run}-brackets-a[]b.png`, `${run}-brackets-a--b.png`],
    [`${run}-braces-a{}b.png`, `${run}-braces-a--b.png`],
    ['Rp a<b>c#d x.png', 'Rp_a-b-c-d_x.png'],
  ];
  for (const [name, dbKey] of replaced) {
    it(`${JSON.stringify(name)} → ${dbKey} with badfilename`, async () => {
      ok(await uploadTitle(name, REF, png), dbKey, dbKey);
    });
  }

  const illegal: [string, string][] = [
    [`${run}-percent-encoded-a%2Fb.png`, `${run}-percent-encoded-a%2Fb.png`],
    [`${run}-tilde3-a~~~b.png`, `${run}-tilde3-a~~~b.png`],
    // the API turns the BEL into U+FFFD before the name is looked at
    [`${run}-control-a\ufffdb.png`, `${run}-control-a\ufffdb.png`],
    ['a&amp;b.png', 'a&amp;b.png'],
    ['..', '..'],
  ];
  for (const [name, filename] of illegal) {
    it(`${JSON.stringify(name)} → recoverable illegal-filename`, async () => {
      const e = await fails(uploadTitle(name, REF, png));
      assert.equal(e.code, 'illegal-filename');
      assert.equal(e.info, 'The filename is not allowed.');
      assert.deepEqual(e.data, { filename });
      assert.equal(e.recoverable, true);
    });
  }

  it('a raw control character is replaced like any illegal character', async () => {
    ok(await uploadTitle('a\u0007b.png', REF, png), 'A-b.png', 'A-b.png');
  });

  it('capitalises a lower-case first letter without a badfilename warning', async () => {
    ok(await uploadTitle(`${run.toLowerCase()}-lower.png`, REF, png), `${run}-lower.png`);
    ok(await uploadTitle('ärger.png', REF, png), 'Ärger.png');
    ok(await uploadTitle('a b.png', REF, png), 'A_b.png');
    ok(await uploadTitle('ß.png', REF, png), 'SS.png');
    ok(await uploadTitle('ıi.png', REF, png), 'Ii.png');
  });

  it('appends the canonical extension of the detected type to a name without one', async () => {
    let calls = 0;
    const r = await uploadTitle(`${run}-noext`, REF, () => {
      calls++;
      return Promise.resolve('image/png');
    });
    ok(r, `${run}-noext.png`, `${run}-noext.png`);
    assert.equal(r.finalExtension, 'png');
    assert.equal(calls, 1);
    ok(await uploadTitle(`${run}-noext`, REF, () => 'text/plain'), `${run}-noext.txt`, `${run}-noext.txt`);
    await uploadTitle('x.png', REF, () => {
      calls++;
      return 'image/png';
    });
    assert.equal(calls, 1, 'the type is only asked for when the name has no extension');
  });

  it('no extension and no usable type → recoverable filetype-missing', async () => {
    for (const mime of [undefined, () => 'unknown/unknown', () => 'application/x-nothing']) {
      const e = await fails(uploadTitle('noext', REF, mime));
      assert.equal(e.code, 'filetype-missing');
      assert.equal(e.info, 'The file has no extension (like ".jpg").');
      assert.equal(e.recoverable, true);
    }
    // a trailing dot is an empty extension: MediaWiki does not guess then
    assert.equal((await fails(uploadTitle('x.', REF, png))).code, 'filetype-missing');
  });

  it('drops a File: or Image: prefix', async () => {
    ok(await uploadTitle('File:X.png', REF, png), 'X.png', 'X.png');
    ok(await uploadTitle('image:x y.png', REF, png), 'X_y.png', 'X_y.png');
    ok(await uploadTitle('File:a&amp;b.png', REF, png), 'A&b.png', 'A&b.png');
    // other namespaces are not prefixes: the colon becomes a dash
    ok(await uploadTitle('Talk:x.png', REF, png), 'Talk-x.png', 'Talk-x.png');
    // an invalid File: title is not recognised as one
    ok(await uploadTitle('File:a<b.png', REF, png), 'File-a-b.png', 'File-a-b.png');
  });

  it('longer than 240 bytes → recoverable filename-toolong (bytes, before replacement)', async () => {
    ok(await uploadTitle(`${'a'.repeat(236)}.png`, REF, png), `A${'a'.repeat(235)}.png`);
    for (const name of [
      `${'a'.repeat(237)}.png`,
      `${'é'.repeat(119)}.png`,
      `${'€'.repeat(79)}.png`,
      `File:${'a'.repeat(237)}.png`,
    ]) {
      const e = await fails(uploadTitle(name, REF, png));
      assert.equal(e.code, 'filename-toolong');
      assert.equal(e.info, 'Filenames may not be longer than 240 bytes.');
      assert.equal(e.recoverable, true);
    }
    ok(await uploadTitle(`${'é'.repeat(118)}.png`, REF, png), `É${'é'.repeat(117)}.png`);
    ok(
      await uploadTitle(`File:${'a'.repeat(236)}.png`, REF, png),
      `A${'a'.repeat(235)}.png`,
      `A${'a'.repeat(235)}.png`,
    );
  });

  it('empty base name → recoverable filename-tooshort', async () => {
    const e = await fails(uploadTitle('.png', REF, png));
    assert.equal(e.code, 'filename-tooshort');
    assert.equal(e.info, 'The filename is too short.');
    assert.equal(e.recoverable, true);
    ok(await uploadTitle('..png', REF, png), '..png');
    ok(await uploadTitle('.foo.png', REF, png), '.foo.png');
  });

  it('a prohibited extension anywhere → filetype-banned with blacklisted', async () => {
    const e = await fails(uploadTitle('x.php.png', REF, png));
    assert.equal(e.code, 'filetype-banned');
    assert.equal(e.recoverable, false);
    assert.equal(
      e.info,
      '".php" is not a permitted file type. Permitted file types are png, gif, jpg, jpeg, webp, pdf, svg, txt, bin, ogg, webm.',
    );
    assert.deepEqual(e.data, { filetype: 'png', allowed: REF.fileExtensions, blacklisted: ['php'] });
    const two = await fails(uploadTitle('x.EXE.php.png', REF, png));
    assert.deepEqual(two.data.blacklisted, ['exe', 'php']);
    assert.match(two.info, /^"\.exe, php" are not permitted file types\. /);
    assert.deepEqual((await fails(uploadTitle('x.xml', REF, png))).data.blacklisted, ['xml']);
    // even with extension checks off
    const off = { ...REF, checkFileExtensions: false, strictFileExtensions: false };
    assert.equal((await fails(uploadTitle('x.htm', off, png))).code, 'filetype-banned');
    // an appended extension is checked too
    assert.deepEqual((await fails(uploadTitle('page', REF, () => 'text/html'))).data, {
      filetype: 'html',
      allowed: REF.fileExtensions,
      blacklisted: ['html'],
    });
  });

  it('an extension outside the list → filetype-banned (strict), keeping its case', async () => {
    const e = await fails(uploadTitle(`${run}-unwanted_extension-c.bmp`, REF, png));
    assert.equal(e.code, 'filetype-banned');
    assert.equal(
      e.info,
      '".bmp" is not a permitted file type. Permitted file types are png, gif, jpg, jpeg, webp, pdf, svg, txt, bin, ogg, webm.',
    );
    assert.deepEqual(e.data, {
      filetype: 'bmp',
      allowed: ['png', 'gif', 'jpg', 'jpeg', 'webp', 'pdf', 'svg', 'txt', 'bin', 'ogg', 'webm'],
    });
    assert.equal((await fails(uploadTitle('x.BMP', REF, png))).data.filetype, 'BMP');
    ok(await uploadTitle('x.PNG', REF, png), 'X.PNG');
  });

  it('Strict off: an unwanted extension is only a warning', async () => {
    const loose = {
      ...REF,
      fileExtensions: ['png', 'gif', 'jpg', 'jpeg', 'webp'],
      strictFileExtensions: false,
    };
    const r = await uploadTitle('x.xyz', loose, png);
    assert.equal(r.title.dbKey, 'X.xyz');
    assert.deepEqual(r.warnings, { 'filetype-unwanted-type': ['xyz', 'png, gif, jpg, jpeg, webp', 5] });
    const none = await uploadTitle('x.xyz', { ...loose, checkFileExtensions: false }, png);
    assert.deepEqual(none.warnings, {});
    const dup = await uploadTitle('x.xyz', { ...loose, fileExtensions: ['png', 'png'] }, png);
    assert.deepEqual(dup.warnings['filetype-unwanted-type'], ['xyz', 'png', 1]);
  });

  it('asciiOnlyNames → recoverable windows-nonascii-filename', async () => {
    const ascii = { ...REF, asciiOnlyNames: true };
    const e = await fails(uploadTitle('ärger.png', ascii, png));
    assert.equal(e.code, 'windows-nonascii-filename');
    assert.equal(e.info, 'This wiki does not support filenames with special characters.');
    assert.equal(e.recoverable, true);
    ok(await uploadTitle('arger.png', ascii, png), 'Arger.png');
    // banned comes first
    assert.equal((await fails(uploadTitle('ärger.bmp', ascii, png))).code, 'filetype-banned');
  });

  it('applies the checks in MediaWiki order', async () => {
    // too long before illegal characters
    assert.equal((await fails(uploadTitle(`~~~${'a'.repeat(240)}.png`, REF, png))).code, 'filename-toolong');
    // missing before banned
    assert.equal((await fails(uploadTitle('x.php.', REF, png))).code, 'filetype-missing');
    // banned before too short
    assert.equal((await fails(uploadTitle('.bmp', REF, png))).code, 'filetype-banned');
  });

  it('exports the recoverable set and 1.39.17 defaults', () => {
    assert.deepEqual([...RECOVERABLE_NAME_ERRORS].sort(), [
      'filename-toolong',
      'filename-tooshort',
      'filetype-missing',
      'illegal-filename',
      'windows-nonascii-filename',
    ]);
    assert.deepEqual(MW_UPLOAD_NAME_DEFAULTS.fileExtensions, ['png', 'gif', 'jpg', 'jpeg', 'webp']);
    assert.deepEqual(DEFAULT_PROHIBITED_EXTENSIONS, recorded.prohibited);
    assert.equal(MW_UPLOAD_NAME_DEFAULTS.checkFileExtensions, true);
    assert.equal(MW_UPLOAD_NAME_DEFAULTS.strictFileExtensions, true);
    assert.equal(MW_UPLOAD_NAME_DEFAULTS.illegalFileChars, ':/\\');
  });
});

describe('name helpers', () => {
  it('stripIllegalFilenameChars replaces illegal characters and keeps the base name', () => {
    assert.equal(
      stripIllegalFilenameChars('a:b/c\\d#e<f>g[h]i{j}k|l\u0007m\u007fn.png'),
      'a-b-c-d-e-f-g-h-i-j-k-l-m-n.png',
    );
    assert.equal(stripIllegalFilenameChars('ä €😀 %&+~.png'), 'ä €😀 %&+~.png');
    assert.equal(stripIllegalFilenameChars('dir/sub/x.png', ':'), 'x.png');
    assert.equal(stripIllegalFilenameChars('C:\\dir\\x.png', ''), 'x.png');
    assert.equal(stripIllegalFilenameChars('a:b.png', ''), 'a:b.png');
    assert.equal(stripIllegalFilenameChars('a b.png', ' '), 'a-b.png');
  });

  it('baseName is wfBaseName', () => {
    assert.equal(baseName('a/b/'), 'b');
    assert.equal(baseName('a\\b//'), 'b');
    assert.equal(baseName('/'), '');
    assert.equal(baseName('abc'), 'abc');
  });

  it('splitExtensions splits at every dot', () => {
    assert.deepEqual(splitExtensions('a.tar.gz'), { base: 'a', extensions: ['tar', 'gz'] });
    assert.deepEqual(splitExtensions('.png'), { base: '', extensions: ['png'] });
    assert.deepEqual(splitExtensions('x'), { base: 'x', extensions: [] });
  });

  it('filetypeBannedInfo handles singular lists', () => {
    assert.equal(
      filetypeBannedInfo(['bmp'], ['png']),
      '".bmp" is not a permitted file type. Permitted file type is png.',
    );
  });
});
