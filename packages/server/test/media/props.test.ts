import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { commonMetadata, mediaProps, metadataForVersion } from '../../src/media/props.js';
import type { MediaSource } from '../../src/media/types.js';
import {
  animatedGif,
  bmp,
  buildTiff,
  exifSegment,
  ihdr,
  JPEG_BASE,
  jpegWith,
  latin1,
  memSource,
  PNG_SIG,
  png,
  pngChunk,
  segment,
  u16le,
  u32le,
} from './helpers.js';

const PNG_PLAIN = [
  { name: 'frameCount', value: 0 },
  { name: 'loopCount', value: 1 },
  { name: 'duration', value: 0 },
  { name: 'bitDepth', value: 8 },
  { name: 'colorType', value: 'truecolour' },
  { name: 'metadata', value: [{ name: '_MW_PNG_VERSION', value: 1 }] },
];

describe('PNG', () => {
  it('gives the metadata MediaWiki shows for a plain truecolour PNG (direct_upload transcript)', async () => {
    const p = await mediaProps(memSource(png(120, 90)), 'image/png');
    assert.equal(p.width, 120);
    assert.equal(p.height, 90);
    assert.equal(p.bitdepth, 8);
    assert.deepEqual(p.metadata, PNG_PLAIN);
    assert.deepEqual(p.commonmetadata, []);
    assert.equal(p.duration, undefined);
    assert.deepEqual(p.handlerMetadata, { handler: 'png', metadata: PNG_PLAIN });
  });

  it('reads text, time and resolution chunks into the nested metadata list', async () => {
    const tIME = Buffer.from([0x07, 0xe4, 1, 2, 3, 4, 5]);
    const pHYs = Buffer.alloc(9);
    pHYs.writeUInt32BE(2835);
    pHYs.writeUInt32BE(2834, 4);
    pHYs[8] = 1;
    const file = png(120, 90, {
      before: [
        pngChunk('tEXt', latin1('Title\0Caf\xe9 title')),
        pngChunk('tEXt', latin1('Author\0Ann')),
        pngChunk('zTXt', Buffer.concat([latin1('Comment\0\0'), deflateSync(latin1('zipped comment'))])),
        pngChunk(
          'iTXt',
          Buffer.concat([latin1('Description\0\0\0DE\0Beschreibung\0'), Buffer.from('Grüße', 'utf8')]),
        ),
        pngChunk('tEXt', latin1('Creation Time\0Sat, 07 Mar 2020 10:11:12 +0000')),
        pngChunk('tIME', tIME),
        pngChunk('pHYs', pHYs),
        pngChunk('tEXt', latin1('Unknown\0x')),
      ],
      after: [
        pngChunk('tEXt', latin1('Software\0after idat')),
        pngChunk('tEXt', latin1('title\0Second title')),
      ],
    });
    const lang = (v: string, l = 'x-default') => [
      { name: l, value: v },
      { name: '_type', value: 'lang' },
    ];
    const inner = [
      { name: 'ObjectName', value: lang('Second title') },
      { name: 'Artist', value: lang('Ann') },
      { name: 'PNGFileComment', value: lang('zipped comment') },
      { name: 'ImageDescription', value: lang('Grüße', 'de') },
      { name: 'DateTimeDigitized', value: lang('2020:03:07 10:11:12') },
      { name: 'DateTime', value: '2020:01:02 03:04:05' },
      { name: 'XResolution', value: '2835/100' },
      { name: 'YResolution', value: '2834/100' },
      { name: 'ResolutionUnit', value: 3 },
      { name: 'Software', value: lang('after idat') },
    ];
    const p = await mediaProps(memSource(file), 'image/png');
    assert.deepEqual(p.metadata, [
      ...PNG_PLAIN.slice(0, 5),
      { name: 'metadata', value: [...inner, { name: '_MW_PNG_VERSION', value: 1 }] },
    ]);
    assert.deepEqual(p.commonmetadata, inner);
  });

  it('counts APNG frames and play time (loops multiply the duration)', async () => {
    const actl = Buffer.alloc(8);
    actl.writeUInt32BE(3);
    actl.writeUInt32BE(2, 4);
    const fctl = (num: number, den: number) => {
      const b = Buffer.alloc(26);
      b.writeUInt16BE(num, 20);
      b.writeUInt16BE(den, 22);
      return pngChunk('fcTL', b);
    };
    const file = png(4, 4, {
      colorType: 6,
      before: [pngChunk('acTL', actl), fctl(1, 10), fctl(0, 0), fctl(3, 0)],
    });
    const p = await mediaProps(memSource(file), 'image/png');
    assert.deepEqual(p.metadata.slice(0, 5), [
      { name: 'frameCount', value: 3 },
      { name: 'loopCount', value: 2 },
      { name: 'duration', value: 0.26 },
      { name: 'bitDepth', value: 8 },
      { name: 'colorType', value: 'truecolour-alpha' },
    ]);
    assert.equal(p.duration, 0.26);
  });

  it("uses MediaWiki's colour type names and the PNG bit depth", async () => {
    const cases: Array<[number, number, string]> = [
      [0, 16, 'greyscale'],
      [3, 4, 'index-coloured'],
      [4, 8, 'greyscale-alpha'],
      [6, 8, 'truecolour-alpha'],
    ];
    for (const [ct, depth, name] of cases) {
      const p = await mediaProps(memSource(png(5, 3, { colorType: ct, depth })), 'image/png');
      assert.equal(p.bitdepth, depth);
      assert.deepEqual(p.metadata[3], { name: 'bitDepth', value: depth });
      assert.deepEqual(p.metadata[4], { name: 'colorType', value: name });
    }
  });

  it('reports a PNG without IEND as broken, like MediaWiki', async () => {
    const b = png(5, 3);
    const p = await mediaProps(memSource(b.subarray(0, b.length - 12)), 'image/png');
    assert.equal(p.width, 0);
    assert.equal(p.height, 0);
    assert.deepEqual(p.metadata, [{ name: '_error', value: '0' }]);
    assert.deepEqual(p.commonmetadata, []);
  });

  it('gives the same answer when the file is streamed in tiny chunks', async () => {
    const file = png(33, 21, { after: [pngChunk('tEXt', latin1('Author\0Streamed'))] });
    const whole = await mediaProps(memSource(file), 'image/png');
    const streamed = await mediaProps(memSource(file, { headSize: 16, chunk: 7 }), 'image/png');
    assert.deepEqual(streamed, whole);
    assert.equal(streamed.width, 33);
  });

  it('reads the size of a huge PNG from its header without reading the image data', async () => {
    // A 2 GiB PNG: 50000×40000, one IDAT chunk too large to look at, then IEND.
    const idatLen = 2 * 1024 ** 3;
    const head = Buffer.concat([PNG_SIG, ihdr(50000, 40000)]);
    const idatHeader = Buffer.alloc(8);
    idatHeader.writeUInt32BE(idatLen);
    idatHeader.write('IDAT', 4, 'latin1');
    const tail = Buffer.concat([Buffer.alloc(4), pngChunk('IEND', Buffer.alloc(0))]);
    const prefix = Buffer.concat([head, idatHeader]);
    const size = prefix.length + idatLen + tail.length;
    let served = 0;
    const src: MediaSource = {
      size,
      head: prefix,
      open: () => {
        throw new Error('should seek, not stream the whole file');
      },
      openFrom: (offset) => {
        assert.ok(offset >= prefix.length + idatLen, `read from ${offset}`);
        const rest = tail.subarray(offset - prefix.length - idatLen);
        served += rest.length;
        return Readable.from([rest]);
      },
    };
    const p = await mediaProps(src, 'image/png');
    assert.equal(p.width, 50000);
    assert.equal(p.height, 40000);
    assert.deepEqual(p.metadata, PNG_PLAIN);
    assert.ok(served < 100);
  });
});

describe('JPEG', () => {
  it('gives MEDIAWIKI_EXIF_VERSION 2 for a stripped JPEG, and 1 with metadataversion=1', async () => {
    const p = await mediaProps(memSource(JPEG_BASE), 'image/jpeg');
    assert.equal(p.width, 16);
    assert.equal(p.height, 12);
    assert.equal(p.bitdepth, 8);
    assert.deepEqual(p.metadata, [{ name: 'MEDIAWIKI_EXIF_VERSION', value: 2 }]);
    assert.deepEqual(p.commonmetadata, []);
    assert.deepEqual(metadataForVersion(p.handlerMetadata, '1'), [
      { name: 'MEDIAWIKI_EXIF_VERSION', value: 1 },
    ]);
    assert.deepEqual(metadataForVersion(p.handlerMetadata, 'latest'), p.metadata);
    assert.deepEqual(metadataForVersion(p.handlerMetadata, '2'), p.metadata);
  });

  it('reads Exif as PHP and MediaWiki do (GPS collapsed, charset comments decoded)', async () => {
    const str = (s: string) => latin1(s);
    const rat = (...v: number[]) => u32le(...v);
    const tiff = buildTiff({
      IFD0: [
        [0x010f, 2, 4, str('Abc\0')],
        [0x0110, 2, 20, str('Model')],
        [0x0112, 3, 1, u16le(6)],
      ],
      GPS: [
        [0, 1, 4, Buffer.from([2, 3, 0, 0])],
        [1, 2, 2, str('S\0')],
        [2, 5, 3, rat(10, 1, 30, 1, 36, 10)],
        [3, 2, 2, str('W\0')],
        [4, 5, 3, rat(20, 1, 0, 1, 0, 1)],
        [5, 1, 1, Buffer.from([1])],
        [6, 5, 1, rat(1234, 10)],
        [0x1c, 7, 12, str('ASCII\0\0\0abc ')],
      ],
    });
    const file = jpegWith([exifSegment(tiff)]);
    const expected = [
      { name: 'Make', value: 'Abc' },
      { name: 'Model', value: 'Model' },
      { name: 'Orientation', value: 6 },
      { name: 'GPSLatitude', value: -10.501 },
      { name: 'GPSLongitude', value: -20 },
      { name: 'GPSAltitude', value: -123.4 },
      { name: 'GPSAreaInformation', value: 'abc' },
      { name: 'GPSVersionID', value: '0.0.3.2' },
      { name: 'MEDIAWIKI_EXIF_VERSION', value: 2 },
    ];
    const p = await mediaProps(memSource(file), 'image/jpeg');
    assert.deepEqual(p.metadata, expected);
    assert.deepEqual(p.commonmetadata, expected.slice(0, -1));
    // Orientation 6: MediaWiki with a scaler reports the rotated size.
    assert.deepEqual([p.width, p.height], [12, 16]);
    const noRotate = await mediaProps(memSource(file), 'image/jpeg', { autoRotate: false });
    assert.deepEqual([noRotate.width, noRotate.height], [16, 12]);
  });

  it('validates Exif values, keeps PHP formats and flattens arrays for metadataversion=1', async () => {
    const tiff = buildTiff({
      IFD0: [
        [0x0102, 3, 3, u16le(8, 8, 8)],
        [0x011a, 5, 1, u32le(72, 1)],
        [0x013b, 2, 9, latin1('Jos\xe9 X\0\0')], // not ASCII: dropped
        [0x0131, 2, 10, latin1('ab\0cdefgh\0')], // cut at NUL
        [0x0128, 3, 2, u16le(2, 2)], // wrong count: dropped
      ],
      EXIF: [
        [0x9000, 7, 4, latin1('0230')],
        [0x9101, 7, 4, Buffer.from([1, 2, 3, 0])],
        [0xa301, 7, 1, Buffer.from([1])],
        [0x9286, 7, 20, Buffer.concat([latin1('UNICODE\0'), Buffer.from('héllo ', 'utf16le')])],
        [0x927c, 7, 4, latin1('abcd')], // MakerNote: ignored
      ],
    });
    const p = await mediaProps(memSource(jpegWith([exifSegment(tiff)])), 'image/jpeg');
    const cc = [
      { name: 0, value: 1 },
      { name: 1, value: 2 },
      { name: 2, value: 3 },
      { name: 3, value: 0 },
      { name: '_type', value: 'ol' },
    ];
    assert.deepEqual(p.metadata, [
      {
        name: 'BitsPerSample',
        value: [
          { name: 0, value: 8 },
          { name: 1, value: 8 },
          { name: 2, value: 8 },
        ],
      },
      { name: 'XResolution', value: '72/1' },
      { name: 'Software', value: 'ab' },
      { name: 'ExifVersion', value: '0230' },
      { name: 'ComponentsConfiguration', value: cc },
      { name: 'SceneType', value: 1 },
      { name: 'UserComment', value: 'héllo' },
      { name: 'MEDIAWIKI_EXIF_VERSION', value: 2 },
    ]);
    const v1 = metadataForVersion(p.handlerMetadata, '1');
    assert.deepEqual(v1[0], { name: 'BitsPerSample', value: '\n*8\n*8\n*8' });
    assert.deepEqual(v1[4], { name: 'ComponentsConfiguration', value: '\n#1\n#2\n#3\n#0' });
    assert.deepEqual(v1.at(-1), { name: 'MEDIAWIKI_EXIF_VERSION', value: 1 });
  });

  it('keeps comments (Windows-1252 converted) and drops garbage ones', async () => {
    const file = jpegWith([
      segment(0xfe, latin1('  caf\xe9  ')),
      segment(0xfe, Buffer.from('utf8 ü')),
      segment(0xfe, latin1('c\x01trl')),
    ]);
    const p = await mediaProps(memSource(file), 'image/jpeg');
    assert.deepEqual(p.metadata, [
      {
        name: 'JPEGFileComment',
        value: [
          { name: 0, value: 'café' },
          { name: 1, value: 'utf8 ü' },
        ],
      },
      { name: 'MEDIAWIKI_EXIF_VERSION', value: 2 },
    ]);
  });

  it('reports a JPEG without start of scan as broken', async () => {
    const p = await mediaProps(memSource(JPEG_BASE.subarray(0, 160)), 'image/jpeg');
    assert.deepEqual([p.width, p.height], [0, 0]);
    assert.deepEqual(p.metadata, [{ name: '_error', value: '-1' }]);
  });
});

describe('GIF', () => {
  it('counts frames, loop and delays, and keeps distinct comments', async () => {
    const p = await mediaProps(memSource(animatedGif()), 'image/gif');
    assert.deepEqual([p.width, p.height, p.bitdepth], [3, 2, 1]);
    const comments = [
      { name: 0, value: 'hello' },
      { name: 1, value: 'café' },
    ];
    assert.deepEqual(p.metadata, [
      { name: 'frameCount', value: 2 },
      { name: 'looped', value: true },
      { name: 'duration', value: 0.35 },
      {
        name: 'metadata',
        value: [
          { name: 'GIFFileComment', value: comments },
          { name: '_MW_GIF_VERSION', value: 1 },
        ],
      },
    ]);
    assert.deepEqual(p.commonmetadata, [{ name: 'GIFFileComment', value: comments }]);
    assert.equal(p.duration, 0.35);
  });

  it('reads a still GIF made by libvips', async () => {
    const b = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#f00' } })
      .gif()
      .toBuffer();
    const p = await mediaProps(memSource(b), 'image/gif');
    assert.deepEqual([p.width, p.height], [30, 20]);
    assert.deepEqual(p.metadata.slice(0, 3), [
      { name: 'frameCount', value: 1 },
      { name: 'looped', value: false },
      { name: 'duration', value: 0 },
    ]);
  });

  it('does not loop on a truncated application block', async () => {
    const b = Buffer.concat([
      latin1('GIF89a'),
      Buffer.from([3, 0, 2, 0, 0x80, 0, 0]),
      Buffer.alloc(6),
      Buffer.from([0x21, 0xff, 11]),
      latin1('NETSCAPE'),
    ]);
    const p = await mediaProps(memSource(b), 'image/gif');
    assert.ok(Array.isArray(p.metadata));
  });
});

describe('WebP, TIFF, BMP and others', () => {
  it('reads lossy, lossless and extended WebP headers', async () => {
    const base = (w: number, h: number, ch: 3 | 4) =>
      sharp({ create: { width: w, height: h, channels: ch, background: '#f008' } });
    const lossy = await mediaProps(
      memSource(await base(30, 20, 3).webp({ quality: 80 }).toBuffer()),
      'image/webp',
    );
    assert.deepEqual([lossy.width, lossy.height, lossy.bitdepth], [30, 20, 0]);
    assert.deepEqual(lossy.metadata, [
      { name: 'compression', value: 'lossy' },
      { name: 'width', value: 30 },
      { name: 'height', value: 20 },
      { name: 'metadata', value: [{ name: '_MW_WEBP_VERSION', value: 1 }] },
    ]);
    const lossless = await mediaProps(
      memSource(await base(31, 21, 4).webp({ lossless: true }).toBuffer()),
      'image/webp',
    );
    assert.deepEqual(lossless.metadata.slice(0, 3), [
      { name: 'compression', value: 'lossless' },
      { name: 'width', value: 31 },
      { name: 'height', value: 21 },
    ]);
    const alpha = await mediaProps(
      memSource(await base(32, 22, 4).webp({ quality: 80 }).toBuffer()),
      'image/webp',
    );
    assert.deepEqual(alpha.metadata.slice(0, 5), [
      { name: 'compression', value: 'lossy' },
      { name: 'animated', value: false },
      { name: 'transparency', value: true },
      { name: 'width', value: 32 },
      { name: 'height', value: 22 },
    ]);
    assert.deepEqual(alpha.commonmetadata, []);
  });

  it('reads TIFF size and tags from its first directory', async () => {
    const b = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#00f' } })
      .tiff()
      .toBuffer();
    const p = await mediaProps(memSource(b), 'image/tiff');
    assert.deepEqual([p.width, p.height, p.bitdepth], [40, 30, 0]);
    assert.deepEqual(p.metadata.slice(0, 2), [
      { name: 'ImageWidth', value: 40 },
      { name: 'ImageLength', value: 30 },
    ]);
    assert.deepEqual(p.metadata.at(-1), { name: 'MEDIAWIKI_EXIF_VERSION', value: 2 });
    assert.deepEqual(metadataForVersion(p.handlerMetadata, 1).at(-1), {
      name: 'MEDIAWIKI_EXIF_VERSION',
      value: 1,
    });
  });

  it('reads BMP sizes as unsigned numbers, like MediaWiki', async () => {
    const p = await mediaProps(memSource(bmp(7, 5)), 'image/x-ms-bmp');
    assert.deepEqual([p.width, p.height, p.bitdepth], [7, 5, 0]);
    assert.deepEqual(p.metadata, []);
    const topDown = await mediaProps(memSource(bmp(7, -5)), 'image/bmp');
    assert.equal(topDown.height, 4294967291);
  });

  it('gives nothing for types without a media handler', async () => {
    for (const mime of ['application/pdf', 'text/plain', 'application/octet-stream']) {
      const p = await mediaProps(memSource(Buffer.from('%PDF-1.4 hello')), mime);
      assert.deepEqual([p.width, p.height, p.bitdepth], [0, 0, 0]);
      assert.deepEqual(p.metadata, []);
      assert.deepEqual(p.commonmetadata, []);
      assert.deepEqual(p.handlerMetadata, { handler: 'none', metadata: [] });
    }
  });

  it('recomputes commonmetadata from stored handler metadata', async () => {
    const p = await mediaProps(memSource(animatedGif()), 'image/gif');
    const stored = JSON.parse(JSON.stringify(p.handlerMetadata));
    assert.deepEqual(commonMetadata(stored), p.commonmetadata);
  });
});
