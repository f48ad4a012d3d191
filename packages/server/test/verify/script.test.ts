import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MwError } from '../../src/errors.js';
import {
  detectScriptInBuffer,
  ScriptScanner,
  verifyFile,
  xmlEncodingMismatch,
} from '../../src/upload/verify/index.js';
import { source } from './helpers.js';

const detect = (s: string | Buffer) =>
  detectScriptInBuffer(typeof s === 'string' ? Buffer.from(s, 'latin1') : s);

/** Run a scanner over `s` cut into pieces of `size` bytes. */
function detectInPieces(s: Buffer, size: number): boolean {
  const sc = new ScriptScanner();
  for (let i = 0; i < s.length; i += size) sc.write(s.subarray(i, i + size));
  return sc.end();
}

describe('detectScript', () => {
  it('HTML doctype and tags', () => {
    assert.equal(detect('plain text'), false);
    assert.equal(detect('x <BODY>'), true);
    assert.equal(detect('x <head'), true);
    assert.equal(detect('x <Html'), true);
    assert.equal(detect('x <scRipt'), true);
    assert.equal(detect('x < script'), false);
    assert.equal(detect('<!DOCTYPE      XHTML'), true);
    assert.equal(detect('<!doctype html'), true);
    assert.equal(detect('<!doctype\thtml'), false);
    assert.equal(detect('<!doctype svg'), false);
  });

  it('script types', () => {
    assert.equal(detect('type="text/javascript"'), true);
    assert.equal(detect("TYPE = 'application/ECMAscript'"), true);
    assert.equal(detect('type=javascript'), true);
    assert.equal(detect('type = application/x-ecmascript'), false);
    assert.equal(detect('type="text/plain"'), false);
  });

  it('script URLs in attributes and CSS', () => {
    assert.equal(detect('<a href="javascript:alert(1)">'), true);
    assert.equal(detect('src =\n "  VBScript:x" data=  ecmascript:y'), true);
    assert.equal(detect('background: url( "javascript:x")'), true);
    assert.equal(detect('href="java script:x"'), false);
    assert.equal(detect('href="javascript"'), false);
  });

  it('decodes character references before looking for script URLs', () => {
    assert.equal(detect('href="&#106;avascript:x"'), true);
    assert.equal(detect('href="&#X6A;&#x61;vascript&#58;x"'), true);
    assert.equal(detect(`href="&#${'0'.repeat(80)}106;avascript:x"`), true);
    assert.equal(detect('href=&quot;javascript:x'), true);
    assert.equal(detect('url&#40;javascript:x)'), true);
    assert.equal(detect('href="&#106avascript:x"'), false);
    assert.equal(detect('href="&amp;#106;avascript:x"'), false);
    assert.equal(detect('href="&#1114112;avascript:x"'), false);
  });

  it('unbounded whitespace and long words do not hide a match', () => {
    assert.equal(detect(`type=${' '.repeat(200_000)}java`), true);
    assert.equal(detect(`href=${'&#32;'.repeat(5000)}javascript:`), true);
    assert.equal(detect(`type="${'x'.repeat(300)}/java"`), true);
    assert.equal(detect(`${'y'.repeat(300)}type=java`), true);
    assert.equal(detect(`type="${'x'.repeat(300)}java"`), false);
    assert.equal(detect(`href="java${'a'.repeat(100)}script:"`), false);
    assert.equal(detect(`&${'a'.repeat(50)};type=java`), true);
  });

  it('decodes UTF-16 with a byte order mark, keeping ASCII only', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('x <b\u00e9ody>', 'utf16le')]);
    assert.equal(detect(le), true);
    const be = Buffer.from('\ufeffsee href="java\u4e00script:x"', 'utf16le').swap16();
    assert.equal(detect(be), true);
    assert.equal(detect(Buffer.from('<script>', 'utf16le')), false);
  });

  it('finds patterns across write boundaries', () => {
    const s = Buffer.from(`${'a'.repeat(1000)} <a href = "java&#115;cript:x"> ${'b'.repeat(1000)}`);
    for (const size of [1, 2, 3, 7, 64, 1000, 1009, 1017])
      assert.equal(detectInPieces(s, size), true, `size ${size}`);
    const le = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`${'a'.repeat(99)}<script>`, 'utf16le'),
    ]);
    for (const size of [1, 3, 5, 64]) assert.equal(detectInPieces(le, size), true, `utf16 size ${size}`);
  });

  it('scans text files whole: a script split across a 64 KiB boundary deep in a big file', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 'lorem ipsum dolor sit amet\n');
    const at = 2 * 1024 * 1024 + 65536 - 5;
    const script = Buffer.from('see href="javascript:alert(1)"');
    const f = Buffer.concat([body.subarray(0, at), script, body.subarray(at)]);
    await assert.rejects(verifyFile(source(f), 'txt'), (e: unknown) => {
      assert.ok(e instanceof MwError);
      assert.deepEqual(e.data.details, ['uploadscripted']);
      return true;
    });
    assert.equal((await verifyFile(source(body), 'txt')).mime, 'text/plain');
  });
});

describe('XML encoding check (SVG)', () => {
  it('safe, unsafe and unterminated declarations', () => {
    assert.equal(xmlEncodingMismatch(Buffer.from('<?xml version="1.0" encoding="utf-8"?><svg/>')), false);
    assert.equal(xmlEncodingMismatch(Buffer.from("<?xml version='1.0' encoding='Windows-1252'?>")), false);
    assert.equal(xmlEncodingMismatch(Buffer.from('<?xml version="1.0"?><svg/>')), false);
    assert.equal(xmlEncodingMismatch(Buffer.from('<svg/>')), false);
    assert.equal(xmlEncodingMismatch(Buffer.from('<?xml version="1.0" encoding="UTF-7"?>')), true);
    assert.equal(xmlEncodingMismatch(Buffer.from('<?XML version="1.0" encoding = "shift_jis" ?>')), true);
    assert.equal(xmlEncodingMismatch(Buffer.from('<?xml version="1.0" ')), true);
    assert.equal(xmlEncodingMismatch(Buffer.from([0x4c, 0x6f, 0xa7, 0x94, 0x93])), true);
  });

  it('declarations that only show after decoding UTF-16 or UTF-32', () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xfe, 0xff]),
      Buffer.from('<?xml version="1.0" encoding="UTF-7"?>', 'utf16le').swap16(),
    ]);
    assert.equal(xmlEncodingMismatch(utf16), true);
    const utf32 = Buffer.alloc(4 * 40);
    const decl = '<?xml version="1.0" encoding="x"?>';
    for (let i = 0; i < decl.length; i++) utf32.writeUInt32BE(decl.charCodeAt(i), i * 4);
    assert.equal(xmlEncodingMismatch(utf32.subarray(0, decl.length * 4)), true);
    const safe16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('<?xml version="1.0" encoding="UTF-16"?>', 'utf16le'),
    ]);
    assert.equal(xmlEncodingMismatch(safe16), false);
  });
});
