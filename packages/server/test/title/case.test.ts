import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asciiLower, lc, ucfirst } from '../../src/title/case.js';
import { isNumericString, phpLooseEquals, phpTrim, utf8Length } from '../../src/title/php-compat.js';

describe('ucfirst (Language::ucfirst on PHP 8.2)', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['abc', 'Abc'],
    ['Abc', 'Abc'],
    ['1abc', '1abc'],
    ['_abc', '_abc'],
    ['`abc', '`abc'],
    ['{abc', '{abc'],
    ['ärger', 'Ärger'],
    ['éa', 'Éa'],
    ['ÿ', 'Ÿ'],
    ['ß', 'SS'],
    ['ŉx', 'ʼNx'],
    ['ǆx', 'Ǆx'],
    ['ǅx', 'Ǆx'],
    ['ǳ', 'Ǳ'],
    ['ı', 'I'],
    ['i̇', 'İ'.normalize('NFD')],
    ['\u0390', '\u0399\u0308\u0301'],
    ['ᾳ', 'ΑΙ'],
    ['ς', 'Σ'],
    ['µ', 'Μ'],
    ['ſ', 'S'],
    ['ﬀ', 'FF'],
    ['ⓐ', 'Ⓐ'],
    ['ა', 'Ა'],
    ['𐐨x', '𐐀x'],
    ['日本', '日本'],
    // cased only from Unicode 16 on: PHP 8.2 leaves them alone
    ['\u0264', '\u0264'],
    ['\u019b', '\u019b'],
    ['\u{10d70}', '\u{10d70}'],
    ['\u{16ebb}', '\u{16ebb}'],
    // only the first code point changes, combining marks stay
    ['e\u0301a', 'E\u0301a'],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () =>
      assert.equal(ucfirst(input), expected));
  }

  it('uses overrides for a multi-byte first character only (as mbUpperChar does)', () => {
    assert.equal(ucfirst('ab', { a: 'a' }), 'Ab');
    assert.equal(ucfirst('ðx', { ð: 'Dh' }), 'Dhx');
  });
});

describe('lc and asciiLower', () => {
  it('lower-cases code point by code point (no final-sigma rule, Kelvin sign → k)', () => {
    assert.equal(lc('FILE_Talk'), 'file_talk');
    assert.equal(lc('ΟΔΟΣ'), 'οδοσ');
    assert.equal(lc('TAL\u212a'), 'talk');
    assert.equal(lc('\u1c89'), '\u1c89');
  });
  it('asciiLower only touches A-Z', () => {
    assert.equal(asciiLower('PHP.ÄÖ'), 'php.ÄÖ');
  });
});

describe('PHP helpers', () => {
  it('trim, byte length, loose equality', () => {
    assert.equal(phpTrim(' \t\n\r\0\x0Bx \u00a0'), 'x \u00a0');
    assert.equal(utf8Length('aé€😀'), 1 + 2 + 3 + 4);
    assert.equal(isNumericString(' 1.5'), true);
    assert.equal(isNumericString('1e3'), true);
    assert.equal(isNumericString('.5'), true);
    assert.equal(isNumericString('0x1A'), false);
    assert.equal(isNumericString('1.5.png'), false);
    assert.equal(phpLooseEquals('1e3', '1000'), true);
    assert.equal(phpLooseEquals(' 1.5', '1.5'), true);
    assert.equal(phpLooseEquals('abc', 'ABC'), false);
    assert.equal(phpLooseEquals('0', ''), false);
  });
});
