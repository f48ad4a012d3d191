import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MwError } from '../../src/errors.js';
import {
  DEFAULT_VERIFY_OPTIONS,
  type VerifyOptions,
  verifyExtension,
  verifyFile,
} from '../../src/upload/verify/index.js';
import { bmp, jpeg, lateSvg, png, pngChunk, source, svg, text } from './helpers.js';

const opts = (extra: Partial<VerifyOptions> = {}): VerifyOptions => ({ ...DEFAULT_VERIFY_OPTIONS, ...extra });

async function rejectsWith(p: Promise<unknown>, details: unknown[], info?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof MwError, `expected MwError, got ${e}`);
    assert.equal(e.code, 'verification-error');
    assert.deepEqual(e.data.details, details);
    if (info !== undefined) assert.equal(e.info, info);
    return true;
  });
}

describe('verifyFile: recorded MediaWiki answers', () => {
  it('PNG named .jpg → filetype-mime-mismatch', async () => {
    await rejectsWith(
      verifyFile(source(png()), 'jpg'),
      ['filetype-mime-mismatch', 'jpg', 'image/png'],
      'File extension ".jpg" does not match the detected MIME type of the file (image/png).',
    );
  });

  it('PNG named .exe → filetype-mime-mismatch (before any name rule)', async () => {
    await rejectsWith(verifyFile(source(png()), 'exe'), ['filetype-mime-mismatch', 'exe', 'image/png']);
  });

  it('JPEG named .png → filetype-mime-mismatch', async () => {
    await rejectsWith(
      verifyFile(source(jpeg()), 'png'),
      ['filetype-mime-mismatch', 'png', 'image/jpeg'],
      'File extension ".png" does not match the detected MIME type of the file (image/jpeg).',
    );
  });

  it('text named .xyz → filetype-mime-mismatch', async () => {
    await rejectsWith(
      verifyFile(source(text(40)), 'xyz'),
      ['filetype-mime-mismatch', 'xyz', 'text/plain'],
      'File extension ".xyz" does not match the detected MIME type of the file (text/plain).',
    );
  });

  it('a real BMP passes verification (its refusal is a name rule)', async () => {
    const r = await verifyFile(source(bmp()), 'bmp');
    assert.equal(r.mime, 'image/x-bmp');
    assert.equal(r.mediaType, 'BITMAP');
  });

  it('"MZ\\x90\\x00 not a program" named .exe → filetype-bad-ie-mime', async () => {
    await rejectsWith(
      verifyFile(source(Buffer.from('MZ\x90\x00 not a program')), 'exe'),
      ['filetype-bad-ie-mime', 'application/x-msdownload'],
      'Cannot upload this file because Internet Explorer would detect it as "application/x-msdownload", which is a disallowed and potentially dangerous file type.',
    );
  });

  it('"<?php echo 1;" named .php → filetype-badmime', async () => {
    await rejectsWith(
      verifyFile(source(Buffer.from('<?php echo 1;')), 'php'),
      ['filetype-badmime', 'application/x-php'],
      'Files of the MIME type "application/x-php" are not allowed to be uploaded.',
    );
  });

  it('SVG with <script> → uploadscripted (generic script detection comes first)', async () => {
    await rejectsWith(
      verifyFile(source(svg('<script>alert(1)</script>')), 'svg'),
      ['uploadscripted'],
      'This file contains HTML or script code that may be erroneously interpreted by a web browser.',
    );
  });

  it('SVG with onload → uploaded-event-handler-on-svg', async () => {
    await rejectsWith(
      verifyFile(source(svg('<rect width="1" height="1" onload="alert(1)"/>')), 'svg'),
      ['uploaded-event-handler-on-svg', 'onload', 'alert(1)'],
      'Setting event-handler attributes "onload="alert(1)"" is not allowed in SVG files.',
    );
  });

  it('SVG with xlink:href="javascript:…" → uploadscripted', async () => {
    const f = svg(
      '<a xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="javascript:alert(1)"><rect width="1" height="1"/></a>',
    );
    await rejectsWith(verifyFile(source(f), 'svg'), ['uploadscripted']);
  });

  it('clean SVG passes as image/svg+xml (DRAWING)', async () => {
    const r = await verifyFile(source(svg()), 'svg');
    assert.deepEqual(r, { mime: 'image/svg+xml', fileMime: 'image/svg+xml', mediaType: 'DRAWING' });
  });

  it('text/plain .txt passes (TEXT)', async () => {
    const r = await verifyFile(source(text(80)), 'txt');
    assert.deepEqual(r, { mime: 'text/plain', fileMime: 'text/plain', mediaType: 'TEXT' });
  });

  it('the conformance JPEG and PNG pass', async () => {
    assert.equal((await verifyFile(source(jpeg()), 'jpg')).mime, 'image/jpeg');
    assert.equal((await verifyFile(source(jpeg()), 'jpeg')).mime, 'image/jpeg');
    assert.equal((await verifyFile(source(png()), 'png')).mime, 'image/png');
    assert.equal((await verifyFile(source(png()), 'PNG')).mime, 'image/png');
  });

  it('no extension: nothing to compare, the content type is reported', async () => {
    assert.equal((await verifyFile(source(png()), null)).mime, 'image/png');
    assert.equal((await verifyFile(source(text()), null)).mime, 'text/plain');
  });
});

describe('verifyFile: MIME type rules', () => {
  it('refuses excluded types detected from content (HTML in a .txt)', async () => {
    await rejectsWith(verifyFile(source(Buffer.from('<html><body>x</body></html>')), 'txt'), [
      'filetype-badmime',
      'text/html',
    ]);
    await rejectsWith(verifyFile(source(Buffer.from('hello <table> x')), 'txt'), [
      'filetype-badmime',
      'text/html',
    ]);
  });

  it('UTF-16 text: HTML is text/html, a script URL is found after decoding', async () => {
    const utf16 = (t: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]);
    await rejectsWith(verifyFile(source(utf16('<html><body>hi</body></html>')), 'txt'), [
      'filetype-badmime',
      'text/html',
    ]);
    await rejectsWith(verifyFile(source(utf16('see href="java\u00e9script:alert(1)"')), 'txt'), [
      'uploadscripted',
    ]);
    assert.equal((await verifyFile(source(utf16('just some text')), 'txt')).mime, 'text/plain');
  });

  it('refuses XML documents (application/xml) and scripts the content names', async () => {
    await rejectsWith(verifyFile(source(Buffer.from('<?xml version="1.0"?><feed/>')), 'txt'), [
      'filetype-badmime',
      'application/xml',
    ]);
  });

  it('exclusions follow the configuration', async () => {
    const r = await verifyFile(
      source(Buffer.from('<?php echo 1;')),
      'php',
      opts({ mimeTypeExclusions: [], verifyMimeTypeIE: false }),
    );
    assert.equal(r.mime, 'application/x-php');
  });

  it('verifyMimeType=false skips exclusions, IE sniffing and the mismatch check', async () => {
    const o = opts({ verifyMimeType: false });
    assert.equal((await verifyFile(source(png()), 'jpg', o)).mime, 'image/png');
    assert.equal(
      (await verifyFile(source(Buffer.from('MZ\x90\x00 not a program')), 'exe', o)).mime,
      'unknown/unknown',
    );
    assert.equal(
      (await verifyFile(source(Buffer.from('<?php echo 1;')), 'php', o)).mime,
      'application/x-php',
    );
  });

  it('IE sniffing: HTML in the first 255 bytes of a PNG is text/html to IE 5/6', async () => {
    const f = png(2, 2, [pngChunk('tEXt', Buffer.from('Comment\0<html><body>hi</body></html>'))]);
    await rejectsWith(verifyFile(source(f), 'png'), ['filetype-bad-ie-mime', 'text/html']);
    // Without the IE check, the generic script detection still sees it.
    await rejectsWith(verifyFile(source(f), 'png', opts({ verifyMimeTypeIE: false })), ['uploadscripted']);
  });

  it('script detection in binary files covers only the first 1024 bytes', async () => {
    const filler = Buffer.alloc(1200, 0x41);
    const late = png(2, 2, [
      pngChunk('zzZz', filler),
      pngChunk('tEXt', Buffer.from('x\0<script>alert(1)</script>')),
    ]);
    assert.equal((await verifyFile(source(late), 'png')).mime, 'image/png');
    const early = png(2, 2, [
      pngChunk('zzZz', Buffer.alloc(300, 0x41)),
      pngChunk('tEXt', Buffer.from('x\0<script>')),
    ]);
    await rejectsWith(verifyFile(source(early), 'png'), ['uploadscripted']);
  });

  it('an HTML doctype past the IE window is found by script detection', async () => {
    const f = png(2, 2, [
      pngChunk('zzZz', Buffer.alloc(300, 0x41)),
      pngChunk('tEXt', Buffer.from('x\0<!DOCTYPE   XHTML')),
    ]);
    await rejectsWith(verifyFile(source(f), 'png', opts({ verifyMimeTypeIE: false })), ['uploadscripted']);
  });

  it('disableScriptChecks turns off script and SVG checks', async () => {
    const o = opts({ disableScriptChecks: true });
    assert.equal(
      (await verifyFile(source(svg('<script>alert(1)</script>')), 'svg', o)).mime,
      'image/svg+xml',
    );
    assert.equal((await verifyFile(source(svg('<rect onload="x()"/>')), 'svg', o)).mime, 'image/svg+xml');
  });

  it('unknown content passes with an unrecognisable extension and fails with a recognisable one', async () => {
    const blob = Buffer.from([0x01, 0x02, 0x03, 0xfe, 0xff, 0x00, 0x10]);
    assert.equal((await verifyFile(source(blob), 'bin')).mime, 'unknown/unknown');
    assert.equal((await verifyFile(source(blob), 'foo')).mime, 'unknown/unknown');
    await rejectsWith(verifyFile(source(blob), 'png'), ['filetype-mime-mismatch', 'png', 'unknown/unknown']);
  });

  it('text with a textual extension gets that extension type', async () => {
    assert.equal((await verifyFile(source(Buffer.from('a,b\n1,2\n')), 'csv')).mime, 'text/csv');
    assert.equal((await verifyFile(source(Buffer.from('{"a": 1}\n')), 'json')).mime, 'application/json');
  });

  it('a ZIP whose directory ends the file is a ZIP, even behind a PNG header', async () => {
    const zipTail = Buffer.concat([Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)]);
    const polyglot = Buffer.concat([png(), zipTail]);
    await rejectsWith(verifyFile(source(polyglot), 'png'), [
      'filetype-mime-mismatch',
      'png',
      'application/zip',
    ]);
    // Also when the file is bigger than its head and the tail has to be read from the stream.
    const big = Buffer.concat([png(), Buffer.alloc(1_200_000, 0x20), zipTail]);
    const s = source(big);
    await rejectsWith(verifyFile(s, 'png'), ['filetype-mime-mismatch', 'png', 'application/zip']);
    assert.equal(s.opens, 1);
    const withTail = source(big, { withTail: true });
    await rejectsWith(verifyFile(withTail, 'png'), ['filetype-mime-mismatch', 'png', 'application/zip']);
    assert.equal(withTail.opens, 0);
  });

  it('reads a big file once when its tail is unknown, not at all for a binary whose tail is known', async () => {
    const bigText = Buffer.alloc(1_500_000, 'plain words\n');
    const t = source(bigText);
    assert.equal((await verifyFile(t, 'txt')).mime, 'text/plain');
    assert.equal(t.opens, 1);
    const tt = source(bigText, { withTail: true });
    assert.equal((await verifyFile(tt, 'txt')).mime, 'text/plain');
    assert.equal(tt.opens, 1);
    const bigSvg = lateSvg(`<g>${'<rect/>'.repeat(200_000)}</g>`);
    const sv = source(bigSvg);
    assert.equal((await verifyFile(sv, 'svg')).mime, 'image/svg+xml');
    assert.equal(sv.opens, 1);
    const bigPng = png(600, 600);
    const p = source(bigPng, { withTail: true });
    assert.equal((await verifyFile(p, 'png')).mime, 'image/png');
    assert.equal(p.opens, 0);
  });

  it('partial files skip the mismatch check but not the banned types', async () => {
    const o = opts({ partial: true });
    assert.equal((await verifyFile(source(png()), 'jpg', o)).mime, 'image/png');
    await rejectsWith(verifyFile(source(Buffer.from('<?php echo 1;')), 'png', o), [
      'filetype-badmime',
      'application/x-php',
    ]);
    await rejectsWith(verifyFile(source(Buffer.from('see href="javascript:alert(1)"')), 'txt', o), [
      'uploadscripted',
    ]);
  });

  it('verifyExtension follows MediaWiki', () => {
    assert.equal(verifyExtension('image/png', 'png'), true);
    assert.equal(verifyExtension('image/png', 'PNG'), true);
    assert.equal(verifyExtension('image/png', 'jpg'), false);
    assert.equal(verifyExtension('unknown/unknown', 'exe'), true);
    assert.equal(verifyExtension('unknown/unknown', 'gif'), false);
    assert.equal(verifyExtension(null, 'txt'), true);
    assert.equal(verifyExtension('application/x-foo', 'foo'), true);
    assert.equal(verifyExtension('application/x-foo', 'png'), false);
    assert.equal(verifyExtension('image/x-bmp', 'bmp'), true);
  });
});

describe('verifyFile: SVG order of checks', () => {
  it('a filter hit in a well-formed SVG comes before the extension check', async () => {
    const f = lateSvg('<rect onclick="x()"/>');
    await rejectsWith(verifyFile(source(f), 'webp'), ['uploaded-event-handler-on-svg', 'onclick', 'x()']);
    // Named .png, old IE would have sniffed the XML declaration first.
    await rejectsWith(verifyFile(source(f), 'png'), ['filetype-bad-ie-mime', 'text/xml']);
  });

  it('malformed XML: the extension check first, then uploadinvalidxml', async () => {
    const f = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>');
    await rejectsWith(
      verifyFile(source(f), 'svg'),
      ['uploadinvalidxml'],
      'The XML in the uploaded file could not be parsed.',
    );
    await rejectsWith(verifyFile(source(f), 'webp'), ['filetype-mime-mismatch', 'webp', 'image/svg+xml']);
  });

  it('partial (chunk) verification lets malformed and truncated SVGs through', async () => {
    const whole = lateSvg('<rect/>');
    const chunk = whole.subarray(0, whole.length - 10);
    assert.equal((await verifyFile(source(chunk), 'svg', opts({ partial: true }))).mime, 'image/svg+xml');
    await rejectsWith(verifyFile(source(chunk), 'svg'), ['uploadinvalidxml']);
  });

  it('SVGs above svgMaxBytes are refused whole and passed as chunks', async () => {
    const f = lateSvg('<rect/>');
    await rejectsWith(verifyFile(source(f), 'svg', opts({ svgMaxBytes: 100 })), ['uploadinvalidxml']);
    assert.equal(
      (await verifyFile(source(f), 'svg', opts({ svgMaxBytes: 100, partial: true }))).mime,
      'image/svg+xml',
    );
  });
});
