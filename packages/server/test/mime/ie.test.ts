import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ieMimeTypes } from '../../src/mime/index.js';
import { png } from '../verify/helpers.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const unique = (l: string[]) => [...new Set(l)];

describe('ieMimeTypes (IE 5, 6, 7, 7-strict, 7-nohtml)', () => {
  it('types IE does not know are taken as sent', () => {
    assert.deepEqual(unique(ieMimeTypes(b('<html>'), 'image/svg+xml')), ['image/svg+xml']);
  });

  it('executables and archives by magic number', () => {
    assert.deepEqual(unique(ieMimeTypes(b('MZ\x90\x00 not a program'), 'application/octet-stream')), [
      'application/x-msdownload',
    ]);
    assert.deepEqual(unique(ieMimeTypes(b('MZ\x90\x00 not a program'), '')), ['application/x-msdownload']);
    assert.deepEqual(unique(ieMimeTypes(b('\xca\xfe\xba\xbe\0\0\0\x32'), 'text/plain')), [
      'application/java',
    ]);
    assert.deepEqual(unique(ieMimeTypes(b('PK\x03\x04\x14\0\0\0'), 'application/octet-stream')), [
      'application/zip',
    ]);
  });

  it('HTML tags in text make it HTML (the no-HTML variant only for text/plain)', () => {
    assert.deepEqual(ieMimeTypes(b('hello <body> world'), 'text/plain'), Array(5).fill('text/html'));
    assert.deepEqual(ieMimeTypes(b('x <A HREF="y">'), 'application/pdf'), [
      'text/html',
      'text/html',
      'text/html',
      'text/html',
      'text/plain',
    ]);
  });

  it('PNG: IE 7 trusts the declared type, IE 5/6 still sniff HTML', () => {
    const plain = png();
    assert.deepEqual(unique(ieMimeTypes(plain, 'image/png')), ['image/png']);
    const withHtml = Buffer.concat([plain.subarray(0, 33), b('\0\0\0\x10tEXtc\0<html><body>')]);
    assert.deepEqual(ieMimeTypes(withHtml, 'image/png'), [
      'text/html',
      'text/html',
      'image/png',
      'image/png',
      'image/png',
    ]);
  });

  it('XML, scriptlets, feeds', () => {
    assert.deepEqual(ieMimeTypes(b('<?xml version="1.0"?><x/>'), 'text/plain'), [
      'text/xml',
      'text/xml',
      'text/xml',
      'text/plain',
      'text/xml',
    ]);
    assert.deepEqual(unique(ieMimeTypes(b('x <scriptlet>'), 'text/plain')), ['text/scriptlet']);
    assert.deepEqual(
      ieMimeTypes(b('<rss version="2.0">'), 'text/plain').slice(2),
      Array(3).fill('application/rss+xml'),
    );
    assert.deepEqual(
      ieMimeTypes(b('<channel>'), 'text/plain').slice(0, 2),
      Array(2).fill('application/x-cdf'),
    );
  });

  it('tags match case-insensitively in ASCII only, as C strncasecmp', () => {
    assert.deepEqual(unique(ieMimeTypes(b('x <hTmL> y'), 'text/plain').slice(0, 4)), ['text/html']);
    assert.deepEqual(unique(ieMimeTypes(b('x <SCRIPTLET>'), 'text/plain')), ['text/scriptlet']);
    // '@' and '`' differ by the case bit but are not letters; Latin-1 capitals are not ASCII ones.
    assert.deepEqual(unique(ieMimeTypes(b('x <\xc8TML> <`EED>'), 'text/plain')), ['text/plain']);
    assert.deepEqual(unique(ieMimeTypes(b('x <BODY\x00'), 'text/plain').slice(0, 4)), ['text/html']);
  });

  it('only the first 255 bytes count', () => {
    const late = Buffer.concat([Buffer.alloc(255, 0x61), b('<html>')]);
    assert.deepEqual(unique(ieMimeTypes(late, 'text/plain')), ['text/plain']);
    const edge = Buffer.concat([Buffer.alloc(249, 0x61), b('<html>')]);
    assert.deepEqual(unique(ieMimeTypes(edge, 'text/plain')), ['text/html']);
  });

  it('binary-looking data keeps a binary declared type; text keeps a text type', () => {
    assert.deepEqual(unique(ieMimeTypes(b('\x01\x02\x03\x04\x05abc'), 'image/gif')), ['image/gif']);
    assert.deepEqual(unique(ieMimeTypes(b('just words'), 'application/postscript')), [
      'application/postscript',
    ]);
    assert.deepEqual(unique(ieMimeTypes(b('just words'), 'image/gif')), ['text/plain']);
  });
});
