import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { classifyText, detectMime, guessMime, improveMimeFromExtension } from '../../src/mime/index.js';
import { bmp, jpeg, png } from '../verify/helpers.js';

const b = (s: string) => Buffer.from(s, 'latin1');

/** A minimal ZIP: one stored entry named `name`, then the central directory end. */
function zip(name: string, content = 'x'): Buffer {
  const local = Buffer.alloc(30);
  local.write('PK\x03\x04', 0, 'latin1');
  local.writeUInt16LE(name.length, 26);
  return Buffer.concat([local, b(name), b(content), b('PK\x05\x06'), Buffer.alloc(18)]);
}

/** A minimal MS compound file whose root entry carries `clsid` (16 raw bytes). */
function compoundFile(clsid: Buffer): Buffer {
  const f = Buffer.alloc(1024);
  b('\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1').copy(f, 0);
  f.writeUInt16LE(0xfffe, 28);
  f.writeUInt16LE(9, 30);
  f.writeUInt32LE(0, 48);
  f[512 + 66] = 5;
  clsid.copy(f, 512 + 80);
  return f;
}
const WORD_CLSID = Buffer.from('0609020000000000c000000000000046', 'hex');

describe('guessMime: magic numbers (MediaWiki order)', () => {
  it('fixed signatures', async () => {
    assert.equal(await guessMime(b('MThd\0\0\0\x06')), 'audio/midi');
    assert.equal(await guessMime(b('OggS\0\x02rest')), 'application/ogg');
    assert.equal(await guessMime(b('ID3\x03\0')), 'audio/mp3');
    assert.equal(await guessMime(b('\xff\xfb\x90\x00')), 'audio/mp3');
    assert.equal(await guessMime(b('\x01\x00\x09\x00\x00\x03')), 'application/x-msmetafile');
    assert.equal(await guessMime(b('%PDF-1.4\n')), 'application/pdf');
    assert.equal(await guessMime(b('gimp xcf file\0')), 'image/x-xcf');
    assert.equal(await guessMime(b('MZ\x90\x00 not a program')), 'unknown/unknown');
    assert.equal(await guessMime(b('\x7fELF\x02\x01')), 'unknown/unknown');
    assert.equal(await guessMime(b('\xca\xfe\xba\xbe\0\0')), 'unknown/unknown');
  });

  it('WebM, Matroska and WebP', async () => {
    const ebml = (doc: string, extra = '') =>
      b(`\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84${doc}${extra}`);
    assert.equal(await guessMime(ebml('webm', 'xxxx\x86\x85V_VP8')), 'video/webm');
    assert.equal(await guessMime(ebml('webm', 'xxxx\x86\x85A_OPUS')), 'audio/webm');
    assert.equal(await guessMime(ebml('matroska')), 'video/x-matroska');
    assert.equal(await guessMime(ebml('other')), 'unknown/unknown');
    assert.equal(await guessMime(b('RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0')), 'image/webp');
  });

  it('MS compound files by root class ID', async () => {
    assert.equal(await guessMime(compoundFile(WORD_CLSID)), 'application/msword');
    assert.equal(await guessMime(compoundFile(Buffer.alloc(16))), 'unknown/unknown');
  });

  it('PHP anywhere in the first KiB, before XML', async () => {
    assert.equal(await guessMime(b('hello <?php echo 1; ?>')), 'application/x-php');
    assert.equal(await guessMime(Buffer.from('<?php', 'utf16le')), 'application/x-php');
    assert.equal(await guessMime(b(`${' '.repeat(1100)}<?php`)), 'text/plain');
    assert.equal(await guessMime(b('<?PHP echo 1;')), 'text/plain');
  });

  it('well-formed XML by root element', async () => {
    assert.equal(await guessMime(b('<svg xmlns="http://www.w3.org/2000/svg"/>')), 'image/svg+xml');
    assert.equal(await guessMime(b('<?xml version="1.0"?>\n<!-- c -->\n<svg/>')), 'image/svg+xml');
    assert.equal(
      await guessMime(b('<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>')),
      'text/html',
    );
    assert.equal(
      await guessMime(b('<diagram xmlns="http://www.lysator.liu.se/~alla/dia/"/>')),
      'application/x-dia-diagram',
    );
    assert.equal(await guessMime(b('<feed xmlns="http://www.w3.org/2005/Atom"/>')), 'application/xml');
    assert.equal(await guessMime(b('<SVG/>')), 'application/xml');
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>', 'utf16le'),
    ]);
    assert.equal(await guessMime(utf16), 'image/svg+xml');
  });

  it('a big XML file is typed by the root element seen in its head', async () => {
    const head = b('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><g>');
    assert.equal(await guessMime(head, { size: 50_000_000 }), 'image/svg+xml');
  });

  it('malformed XML falls through to the text rules', async () => {
    assert.equal(await guessMime(b('<foo>bar')), 'text/plain');
    assert.equal(await guessMime(b('<?xml version="1.0"?><foo>')), 'application/xml');
    assert.equal(await guessMime(b('<?xml version="1.0"?><svg><g></svg>')), 'image/svg+xml');
    assert.equal(await guessMime(b('<svg><g></svg>')), 'image/svg+xml');
    assert.equal(await guessMime(b('<!DOCTYPE svg [<!ENTITY % x "y">]><svg/>')), 'image/svg+xml');
  });

  it('shebang scripts', async () => {
    assert.equal(await guessMime(b('#!/bin/sh\necho hi\n')), 'application/x-sh');
    assert.equal(await guessMime(b('#!/usr/bin/perl -w\n')), 'application/x-perl');
    assert.equal(await guessMime(b('#!/usr/bin/env python3\n')), 'application/x-env');
    assert.equal(
      await guessMime(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('#!/bin/bash\n', 'utf16le')])),
      'application/x-bash',
    );
  });

  it('ZIP-based formats, by the directory at the end', async () => {
    assert.equal(await guessMime(zip('readme.txt')), 'application/zip');
    assert.equal(
      await guessMime(zip('mimetypeapplication/vnd.oasis.opendocument.text')),
      'application/vnd.oasis.opendocument.text',
    );
    assert.equal(await guessMime(zip('[Content_Types].xml')), 'application/x-opc+zip');
    // The directory end must end the file.
    const notAtEnd = Buffer.concat([zip('a'), b('trailing')]);
    assert.equal(await guessMime(notAtEnd), 'application/zip');
    assert.equal(
      await guessMime(Buffer.concat([b('plain text '), b('PK\x05\x06'), Buffer.alloc(18)])),
      'application/zip',
    );
    // For a big file the tail decides.
    const head = png();
    assert.equal(await guessMime(head, { size: 5_000_000, tail: zip('x').subarray(-22) }), 'application/zip');
    assert.equal(await guessMime(head, { size: 5_000_000, tail: Buffer.alloc(100) }), 'image/png');
  });

  it('STL models', async () => {
    const stl = Buffer.alloc(84 + 2 * 50);
    stl.writeUInt32LE(2, 80);
    assert.equal(await guessMime(stl), 'application/sla');
    assert.equal(await guessMime(b('solid cube\n facet normal 0 0 0\nendsolid cube\n')), 'application/sla');
  });

  it('image formats', async () => {
    assert.equal(await guessMime(png()), 'image/png');
    assert.equal(await guessMime(jpeg()), 'image/jpeg');
    assert.equal(await guessMime(bmp()), 'image/x-bmp');
    assert.equal(await guessMime(b('GIF89a\x01\0\x01\0\0\0\0;')), 'image/gif');
    assert.equal(await guessMime(b('II\x2a\0\x08\0\0\0')), 'image/tiff');
    assert.equal(await guessMime(b('MM\0\x2a\0\0\0\x08')), 'image/tiff');
    assert.equal(await guessMime(b('\0\0\x01\0\x01\0\x10\x10')), 'image/x-icon');
    assert.equal(await guessMime(b('8BPS\0\x01')), 'image/x-photoshop');
    assert.equal(await guessMime(b('\0\0\0\x0cjP  \x0d\x0a\x87\x0a')), 'image/jp2');
    assert.equal(await guessMime(b('\0\0\0\x1cftypavif\0\0\0\0')), 'image/avif');
    assert.equal(await guessMime(b('AT&TFORM\0\0\0\x20DJVUINFO')), 'image/vnd.djvu');
    // PHP's WBMP test is loose: a zero byte, a header byte, then two small non-zero sizes.
    assert.equal(await guessMime(b('\0\0\x20\x30\xff\xff')), 'image/vnd.wap.wbmp');
    assert.equal(await guessMime(b('\0\0\x00\x30\xff\xff')), 'unknown/unknown');
  });

  it('what libmagic would report for the rest', async () => {
    assert.equal(await guessMime(gzipSync(Buffer.from('hello'))), 'application/gzip');
    assert.equal(await guessMime(b(`fLaC\0\0\0\x22${'\0'.repeat(40)}`)), 'audio/flac');
    assert.equal(await guessMime(b('RIFF\x24\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0')), 'audio/wav');
    assert.equal(await guessMime(b('{\\rtf1\\ansi hello}')), 'text/rtf');
    assert.equal(await guessMime(b('\x01\x02\x03\xfe\xff\x00')), 'unknown/unknown');
    assert.equal(await guessMime(Buffer.alloc(0)), 'unknown/unknown');
  });
});

describe('classifyText', () => {
  it('plain, HTML and XML text; binary is null', () => {
    assert.equal(classifyText(b('hello\tworld\r\n')), 'text/plain');
    assert.equal(classifyText(b('caf\xe9 \x80\x9f')), 'text/plain');
    assert.equal(classifyText(b('\xef\xbb\xbf<html>')), 'text/html');
    assert.equal(classifyText(b('x <TITLE>t</TITLE>')), 'text/html');
    assert.equal(classifyText(b('<!DOCTYPE html>')), 'text/html');
    assert.equal(classifyText(b('see <a href="x">')), 'text/html');
    assert.equal(classifyText(b(`${' '.repeat(5000)}<html>`)), 'text/plain');
    assert.equal(classifyText(b('<?xml version="1.0"?><x/>')), 'text/xml');
    assert.equal(classifyText(b('<?xml version="1.0"?><!DOCTYPE html><html>')), 'text/html');
    assert.equal(classifyText(b('a\0b')), null);
    assert.equal(classifyText(b('a\x1bb\x07\x08')), 'text/plain');
    assert.equal(
      classifyText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<html>', 'utf16le')])),
      'text/html',
    );
    assert.equal(classifyText(Buffer.from('plain', 'utf16le')), null);
  });
});

describe('detectMime and improveMimeFromExtension', () => {
  it('improves with the extension like MWFileProps', async () => {
    assert.equal(await detectMime(b('a,b\n1,2\n'), { extHint: 'csv' }), 'text/csv');
    assert.equal(await detectMime(b('a,b\n1,2\n'), { extHint: 'txt' }), 'text/plain');
    assert.equal(await detectMime(b('a,b\n1,2\n')), 'text/plain');
    assert.equal(
      await detectMime(zip('[Content_Types].xml'), { extHint: 'docx' }),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    assert.equal(await detectMime(zip('[Content_Types].xml'), { extHint: 'zip' }), 'application/zip');
    assert.equal(await detectMime(b('MZ\x90\x00'), { extHint: 'exe' }), 'unknown/unknown');
    assert.equal(await detectMime(b('\x01\x02\x03'), { extHint: 'nosuch' }), 'unknown/unknown');
    assert.equal(await detectMime(b('ID3\x03\0'), { extHint: 'mp3' }), 'audio/mpeg');
  });

  it('improveMimeFromExtension cases', () => {
    assert.equal(improveMimeFromExtension('unknown/unknown', 'doc'), 'application/msword');
    assert.equal(improveMimeFromExtension('unknown/unknown', 'png'), 'unknown/unknown');
    assert.equal(improveMimeFromExtension('unknown/unknown', 'nosuch'), null);
    assert.equal(improveMimeFromExtension('text/plain', 'json'), 'application/json');
    assert.equal(improveMimeFromExtension('text/plain', 'xml'), 'application/xml');
    assert.equal(improveMimeFromExtension('text/plain', 'xyz'), 'text/plain');
    assert.equal(improveMimeFromExtension('image/png', 'jpg'), 'image/png');
  });
});
