import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalExtensionForMime,
  canonicalMime,
  extensionsForMime,
  findMediaType,
  isMatchingExtension,
  isRecognizableExtension,
  mediaTypeForMime,
  mimeForExtension,
  mimesForExtension,
  normalizeExtension,
} from '../../src/mime/index.js';

describe('mimeForExtension', () => {
  it('maps common extensions the way MediaWiki does (first listing wins)', () => {
    const expected: Record<string, string> = {
      png: 'image/png',
      jpg: 'image/jpeg',
      jpeg: 'image/jpeg',
      JPG: 'image/jpeg',
      gif: 'image/gif',
      webp: 'image/webp',
      svg: 'image/svg+xml',
      tif: 'image/tiff',
      tiff: 'image/tiff',
      bmp: 'image/x-bmp',
      ico: 'image/vnd.microsoft.icon',
      xcf: 'image/x-xcf',
      ogg: 'application/ogg',
      oga: 'application/ogg',
      ogv: 'application/ogg',
      opus: 'application/ogg',
      webm: 'video/webm',
      mp3: 'audio/mpeg',
      wav: 'audio/x-wav',
      flac: 'audio/x-flac',
      mid: 'audio/midi',
      mp4: 'video/mp4',
      mkv: 'audio/x-matroska',
      pdf: 'application/pdf',
      djvu: 'image/vnd.djvu',
      doc: 'application/msword',
      docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      odt: 'application/vnd.oasis.opendocument.text',
      xls: 'application/vnd.ms-excel',
      txt: 'text/plain',
      csv: 'text/csv',
      json: 'application/json',
      zip: 'application/zip',
      tar: 'application/x-gtar',
      gz: 'application/x-gzip',
      xml: 'application/xml',
      html: 'text/html',
      htm: 'text/html',
      js: 'application/javascript',
      exe: 'application/octet-stream',
      bin: 'application/octet-stream',
      stl: 'application/sla',
      xyz: 'chemical/x-xyz',
    };
    for (const [ext, mime] of Object.entries(expected)) assert.equal(mimeForExtension(ext), mime, ext);
    assert.equal(mimeForExtension('nosuchext'), null);
    assert.equal(mimeForExtension(''), null);
  });

  it('lists every type of an extension in order', () => {
    assert.deepEqual(mimesForExtension('ogg'), [
      'application/ogg',
      'audio/ogg',
      'audio/opus',
      'video/ogg',
      'audio/x-ogg',
      'video/x-ogg',
    ]);
    assert.deepEqual(mimesForExtension('xml'), ['application/xml', 'text/xml']);
  });
});

describe('extensionsForMime / canonicalExtensionForMime', () => {
  it('gives the registered extensions, first one canonical', () => {
    assert.deepEqual(extensionsForMime('image/jpeg'), ['jpeg', 'jpg', 'jpe']);
    assert.equal(canonicalExtensionForMime('image/jpeg'), 'jpeg');
    assert.equal(canonicalExtensionForMime('image/png'), 'png');
    assert.equal(canonicalExtensionForMime('text/plain'), 'txt');
    assert.equal(canonicalExtensionForMime('image/svg+xml'), 'svg');
    assert.equal(canonicalExtensionForMime('application/ogg'), 'ogx');
    assert.equal(canonicalExtensionForMime('image/x-bmp'), 'bmp');
    assert.equal(canonicalExtensionForMime('IMAGE/PNG'), 'png');
    assert.equal(canonicalExtensionForMime('unknown/unknown'), null);
    assert.equal(canonicalExtensionForMime('application/x-nothing'), null);
  });

  it('resolves aliases only for types without extensions of their own', () => {
    assert.deepEqual(extensionsForMime('image/pjpeg'), ['jpeg', 'jpg', 'jpe']);
    assert.deepEqual(extensionsForMime('application/x-zip'), extensionsForMime('application/zip'));
    assert.deepEqual(extensionsForMime('text/xml'), ['xml', 'xsl', 'xslt', 'rss', 'rdf']);
  });

  it('isMatchingExtension: true/false for known types, null for unknown ones', () => {
    assert.equal(isMatchingExtension('JPG', 'image/jpeg'), true);
    assert.equal(isMatchingExtension('png', 'image/jpeg'), false);
    assert.equal(isMatchingExtension('png', 'application/x-nothing'), null);
  });

  it('recognisable extensions', () => {
    for (const e of ['png', 'JPG', 'gif', 'svg', 'ogg', 'webm', 'pdf', 'djvu', 'stl', 'mp3']) {
      assert.equal(isRecognizableExtension(e), true, e);
    }
    for (const e of ['txt', 'exe', 'bin', 'doc', 'zip']) assert.equal(isRecognizableExtension(e), false, e);
  });

  it('canonicalMime applies the alias table once', () => {
    assert.equal(canonicalMime('image/bmp'), 'image/x-bmp');
    assert.equal(canonicalMime('application/octet-stream'), 'unknown/unknown');
    assert.equal(canonicalMime('text/xml'), 'application/xml');
    assert.equal(canonicalMime('audio/mpeg'), 'audio/mp3');
    assert.equal(canonicalMime('audio/mp3'), 'audio/mpeg');
    assert.equal(canonicalMime('image/png'), 'image/png');
    assert.equal(canonicalMime('constructor'), 'constructor');
  });
});

describe('media types', () => {
  it('follow MediaWiki’s table', () => {
    const expected: Record<string, string> = {
      'image/png': 'BITMAP',
      'image/jpeg': 'BITMAP',
      'image/gif': 'BITMAP',
      'image/webp': 'BITMAP',
      'image/tiff': 'BITMAP',
      'image/x-bmp': 'BITMAP',
      'image/bmp': 'BITMAP',
      'image/x-icon': 'BITMAP',
      'image/x-xcf': 'BITMAP',
      'image/svg+xml': 'DRAWING',
      'application/pdf': 'OFFICE',
      'image/vnd.djvu': 'OFFICE',
      'application/msword': 'OFFICE',
      'application/ogg': 'MULTIMEDIA',
      'audio/ogg': 'MULTIMEDIA',
      'video/ogg': 'MULTIMEDIA',
      'audio/mpeg': 'AUDIO',
      'audio/wav': 'AUDIO',
      'audio/midi': 'AUDIO',
      'audio/flac': 'AUDIO',
      'audio/webm': 'AUDIO',
      'video/webm': 'VIDEO',
      'video/mp4': 'VIDEO',
      'video/mpeg': 'VIDEO',
      'text/plain': 'TEXT',
      'text/csv': 'TEXT',
      'application/json': 'TEXT',
      'text/x-anything': 'TEXT',
      'application/javascript': 'EXECUTABLE',
      'text/javascript': 'EXECUTABLE',
      'application/zip': 'ARCHIVE',
      'application/x-gzip': 'ARCHIVE',
      'application/sla': '3D',
      'unknown/unknown': 'UNKNOWN',
      'application/octet-stream': 'UNKNOWN',
      'image/x-nothing': 'UNKNOWN',
    };
    for (const [mime, type] of Object.entries(expected)) assert.equal(mediaTypeForMime(mime), type, mime);
    assert.equal(mediaTypeForMime(null), 'UNKNOWN');
  });

  it('Ogg files are told apart by their first bytes', () => {
    const ogg = (codec: string) =>
      Buffer.concat([Buffer.from('OggS\0\x02'), Buffer.alloc(22), Buffer.from(codec)]);
    assert.equal(mediaTypeForMime('application/ogg', ogg('\x80theora')), 'VIDEO');
    assert.equal(mediaTypeForMime('application/ogg', ogg('\x01vorbis')), 'AUDIO');
    assert.equal(mediaTypeForMime('application/ogg', ogg('OpusHead')), 'AUDIO');
    assert.equal(mediaTypeForMime('application/ogg', ogg('ffmpeg2theora')), 'MULTIMEDIA');
  });

  it('findMediaType accepts extensions', () => {
    assert.equal(findMediaType('.csv'), 'TEXT');
    assert.equal(findMediaType('.png'), 'BITMAP');
    assert.equal(findMediaType('.xyz'), 'UNKNOWN');
    assert.equal(findMediaType('.nosuch'), 'UNKNOWN');
  });
});

describe('normalizeExtension', () => {
  it('lower-cases and folds synonyms like File::normalizeExtension', () => {
    assert.equal(normalizeExtension('JPEG'), 'jpg');
    assert.equal(normalizeExtension('jpg'), 'jpg');
    assert.equal(normalizeExtension('htm'), 'html');
    assert.equal(normalizeExtension('MPEG'), 'mpg');
    assert.equal(normalizeExtension('tiff'), 'tif');
    assert.equal(normalizeExtension('ogv'), 'ogg');
    assert.equal(normalizeExtension('PNG'), 'png');
    assert.equal(normalizeExtension('Xyz2'), 'xyz2');
  });

  it('gives an empty string for anything but letters and digits', () => {
    assert.equal(normalizeExtension('tar.gz'), '');
    assert.equal(normalizeExtension('a-b'), '');
    assert.equal(normalizeExtension('\u212apg'), '');
    assert.equal(normalizeExtension(''), '');
  });
});
