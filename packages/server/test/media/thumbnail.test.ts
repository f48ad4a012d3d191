import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { mediaProps } from '../../src/media/props.js';
import {
  iconPath,
  renderThumbnail,
  responsivePlans,
  responsiveWidths,
  type ScaledPlan,
  type ThumbFile,
  ThumbnailError,
  thumbDimensions,
  thumbFileName,
  thumbPlan,
} from '../../src/media/thumbnail/index.js';
import { bmp, memSource, png, SVG_NS, svg } from './helpers.js';

const file = (name: string, mime: string, width: number, height: number): ThumbFile => ({
  name,
  mime,
  width,
  height,
});

describe('thumbnail sizes and names', () => {
  it('scales a 120×90 PNG to 40×30 with 60px and 80px responsive thumbnails (direct_upload transcript)', () => {
    const f = file('A.png', 'image/png', 120, 90);
    const plan = thumbPlan(f, { width: 40 });
    assert.equal(plan.kind, 'thumb');
    const p = plan as ScaledPlan;
    assert.deepEqual([p.width, p.height, p.physicalWidth, p.physicalHeight], [40, 30, 40, 30]);
    assert.equal(thumbFileName(f.name, f.mime, p.paramString), '40px-A.png');
    assert.equal(p.thumbMime, 'image/png');
    const r = responsivePlans(f, plan);
    assert.equal(thumbFileName(f.name, f.mime, (r['1.5'] as ScaledPlan).paramString), '60px-A.png');
    assert.equal(thumbFileName(f.name, f.mime, (r['2'] as ScaledPlan).paramString), '80px-A.png');
    assert.deepEqual(thumbDimensions(120, 90, 'image/png', { width: 40 }), { width: 40, height: 30 });
  });

  it('answers with the original for a bitmap asked at or above its size, without responsive URLs', () => {
    const f = file('X.png', 'image/png', 7, 5);
    const plan = thumbPlan(f, { width: 40 });
    assert.deepEqual(plan, { kind: 'original', width: 7, height: 5 });
    assert.deepEqual(responsivePlans(f, plan), {});
    assert.deepEqual(thumbDimensions(7, 5, 'image/png', { width: 40 }), { width: 7, height: 5 });
  });

  it('lists the original as 1.5x/2x when those exceed a bitmap', () => {
    const f = file('X.png', 'image/png', 50, 40);
    const r = responsivePlans(f, thumbPlan(f, { width: 40 }));
    assert.deepEqual(r, {
      '1.5': { kind: 'original', width: 50, height: 40 },
      '2': { kind: 'original', width: 50, height: 40 },
    });
  });

  it('scales SVG up and names the PNG rendering Name.svg.png (svg_clean transcript)', () => {
    const f = file('S.svg', 'image/svg+xml', 20, 10);
    const plan = thumbPlan(f, { width: 40 }) as ScaledPlan;
    assert.deepEqual([plan.kind, plan.width, plan.height], ['thumb', 40, 20]);
    assert.equal(thumbFileName(f.name, f.mime, plan.paramString), '40px-S.svg.png');
    const r = responsivePlans(f, plan);
    assert.equal(thumbFileName(f.name, f.mime, (r['1.5'] as ScaledPlan).paramString), '60px-S.svg.png');
    assert.equal(thumbFileName(f.name, f.mime, (r['2'] as ScaledPlan).paramString), '80px-S.svg.png');
    assert.deepEqual(thumbDimensions(20, 10, 'image/svg+xml', { width: 300 }), { width: 300, height: 150 });
    // $wgSVGMaxSize caps the smaller side of the rendering.
    assert.deepEqual(thumbDimensions(20, 10, 'image/svg+xml', { width: 20000 }), {
      width: 10240,
      height: 5120,
    });
  });

  it('fits into a width and height box like MediaWiki', () => {
    assert.deepEqual(thumbDimensions(120, 90, 'image/png', { width: 100, height: 30 }), {
      width: 40,
      height: 30,
    });
    assert.deepEqual(thumbDimensions(120, 90, 'image/png', { width: 100, height: 300 }), {
      width: 100,
      height: 75,
    });
    assert.deepEqual(thumbDimensions(1000, 3, 'image/png', { width: 10 }), { width: 10, height: 1 });
    assert.deepEqual(thumbDimensions(120, 90, 'image/png', { width: 45 }), { width: 45, height: 34 });
    assert.equal(thumbDimensions(120, 90, 'image/png', {}), null);
  });

  it('rounds the 1.5x width half away from zero', () => {
    assert.deepEqual(responsiveWidths(40), { '1.5': 60, '2': 80 });
    assert.deepEqual(responsiveWidths(45), { '1.5': 68, '2': 90 });
  });

  it('renders WebP and BMP to PNG even at full size, and reports the requested size', () => {
    const f = file('W.webp', 'image/webp', 30, 20);
    const plan = thumbPlan(f, { width: 100 }) as ScaledPlan;
    assert.deepEqual(
      [plan.kind, plan.width, plan.physicalWidth, plan.physicalHeight],
      ['thumb', 100, 30, 20],
    );
    assert.equal(thumbFileName(f.name, f.mime, plan.paramString), '30px-W.webp.png');
    assert.equal(thumbFileName('B.bmp', 'image/x-ms-bmp', 20), '20px-B.bmp.png');
    assert.equal(thumbFileName('J.jpeg', 'image/jpeg', 20), '20px-J.jpeg');
    assert.equal(thumbFileName('G.gif', 'image/gif', 20), '20px-G.gif');
  });

  it('refuses non-JPEG images over $wgMaxImageArea and allows JPEG', () => {
    const big = thumbPlan(file('Big.png', 'image/png', 5000, 5000), { width: 100 });
    assert.equal(big.kind, 'error');
    assert.equal(
      (big as { message: string }).message,
      'Error creating thumbnail: File with dimensions greater than 12.5 MP',
    );
    assert.equal(thumbPlan(file('Big.jpg', 'image/jpeg', 5000, 5000), { width: 100 }).kind, 'thumb');
    assert.equal(
      thumbPlan(file('Big.png', 'image/png', 5000, 5000), { width: 100 }, { maxImageArea: false }).kind,
      'thumb',
    );
  });

  it('shows the file-type icon when nothing can be rendered', () => {
    assert.deepEqual(thumbPlan(file('D.pdf', 'application/pdf', 0, 0), { width: 40 }), {
      kind: 'icon',
      width: 120,
      height: 120,
      iconPath: '/resources/assets/file-type-icons/fileicon-pdf.png',
    });
    assert.equal(iconPath('X.bin'), '/resources/assets/file-type-icons/fileicon.png');
    assert.equal(thumbPlan(file('T.tif', 'image/tiff', 40, 30), { width: 20 }).kind, 'icon');
    const tiff = thumbPlan(
      file('T.tif', 'image/tiff', 40, 30),
      { width: 20 },
      { tiffThumbnailType: ['jpg', 'image/jpeg'] },
    );
    assert.equal(
      thumbFileName('T.tif', 'image/tiff', (tiff as ScaledPlan).paramString, {
        tiffThumbnailType: ['jpg', 'image/jpeg'],
      }),
      '20px-T.tif.jpg',
    );
    assert.equal(thumbPlan(file('Broken.png', 'image/png', 0, 0), { width: 20 }).kind, 'icon');
  });

  it('abbreviates very long names', () => {
    const long = `${'a'.repeat(300)}.png`;
    assert.equal(thumbFileName(long, 'image/png', 40), '40px-thumbnail.png');
  });
});

async function decode(body: Buffer) {
  return sharp(body, { animated: true }).metadata();
}

describe('renderThumbnail', () => {
  it('scales PNG to PNG and never enlarges a bitmap', async () => {
    const src = memSource(png(120, 90));
    const r = await renderThumbnail(src, 'image/png', 40, 30);
    assert.equal(r.mime, 'image/png');
    const m = await decode(r.body);
    assert.deepEqual([m.format, m.width, m.height], ['png', 40, 30]);
    const big = await decode((await renderThumbnail(src, 'image/png', 240, 180)).body);
    assert.deepEqual([big.width, big.height], [120, 90]);
  });

  it('rotates JPEG by its EXIF orientation', async () => {
    // Left half red, right half blue; orientation 6 means "rotate 90° clockwise to view".
    const raw = Buffer.alloc(16 * 12 * 3);
    for (let y = 0; y < 12; y++)
      for (let x = 0; x < 16; x++) raw.set(x < 8 ? [255, 0, 0] : [0, 0, 255], (y * 16 + x) * 3);
    const jpg = await sharp(raw, { raw: { width: 16, height: 12, channels: 3 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const src = memSource(jpg);
    const p = await mediaProps(src, 'image/jpeg');
    assert.deepEqual([p.width, p.height], [12, 16]);
    const plan = thumbPlan(
      { name: 'R.jpg', mime: 'image/jpeg', width: p.width, height: p.height },
      { width: 6 },
    ) as ScaledPlan;
    assert.deepEqual([plan.physicalWidth, plan.physicalHeight], [6, 8]);
    const r = await renderThumbnail(src, 'image/jpeg', 6, 8, { handlerMetadata: p.handlerMetadata });
    assert.equal(r.mime, 'image/jpeg');
    const { data, info } = await sharp(r.body).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [6, 8]);
    const px = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
    ];
    const [rTop, , bTop] = px(3, 1) as [number, number, number];
    const [rBottom, , bBottom] = px(3, 6) as [number, number, number];
    assert.ok(rTop > 150 && bTop < 100, `top is red: ${px(3, 1)}`);
    assert.ok(bBottom > 150 && rBottom < 100, `bottom is blue: ${px(3, 6)}`);
  });

  it('keeps a small animated GIF animated', async () => {
    const frame = (c: string) =>
      sharp({ create: { width: 30, height: 20, channels: 4, background: c } })
        .png()
        .toBuffer();
    const gif = await sharp(await Promise.all([frame('#f00'), frame('#0f0'), frame('#00f')]), {
      join: { animated: true },
    })
      .gif({ delay: [100, 200, 300] })
      .toBuffer();
    const src = memSource(gif);
    const p = await mediaProps(src, 'image/gif');
    assert.deepEqual(p.metadata[0], { name: 'frameCount', value: 3 });
    const r = await renderThumbnail(src, 'image/gif', 15, 10, { handlerMetadata: p.handlerMetadata });
    const m = await decode(r.body);
    assert.deepEqual([r.mime, m.format, m.width, m.pageHeight, m.pages], ['image/gif', 'gif', 15, 10, 3]);
    const still = await renderThumbnail(src, 'image/gif', 15, 10, {
      handlerMetadata: p.handlerMetadata,
      maxAnimatedGifArea: 100,
    });
    assert.equal((await decode(still.body)).pages, 1);
  });

  it('renders WebP, BMP and TIFF', async () => {
    const webp = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#0a0' } })
      .webp()
      .toBuffer();
    const w = await renderThumbnail(memSource(webp), 'image/webp', 15, 10);
    assert.deepEqual(
      [w.mime, (await decode(w.body)).format, (await decode(w.body)).width],
      ['image/png', 'png', 15],
    );
    const b = await renderThumbnail(memSource(bmp(8, -6)), 'image/x-ms-bmp', 4, 3);
    const { data, info } = await sharp(b.body).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([b.mime, info.width, info.height], ['image/png', 4, 3]);
    assert.ok(data[0]! > 150 && data[1]! < 50, 'BMP pixels are red');
    const tif = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#00f' } })
      .tiff()
      .toBuffer();
    const t = await renderThumbnail(memSource(tif), 'image/tiff', 20, 15);
    assert.deepEqual([t.mime, (await decode(t.body)).format], ['image/jpeg', 'jpeg']);
  });

  it('rasterises SVG to PNG at the requested size', async () => {
    const doc = svg(
      `<svg ${SVG_NS} width="20" height="10" viewBox="0 0 20 10"><rect width="20" height="10" fill="#36c"/></svg>`,
    );
    const r = await renderThumbnail(memSource(doc), 'image/svg+xml', 40, 20);
    const { data, info } = await sharp(r.body).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([r.mime, info.width, info.height], ['image/png', 40, 20]);
    assert.deepEqual([...data.subarray(0, 3)], [0x33, 0x66, 0xcc]);
    // No viewBox: the drawing is scaled, not cropped.
    const noVb = svg(
      `<svg ${SVG_NS} width="20" height="10"><rect x="10" width="10" height="10" fill="#f00"/></svg>`,
    );
    const r2 = await sharp((await renderThumbnail(memSource(noVb), 'image/svg+xml', 40, 20)).body)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const right = (r2.info.width * 10 + 35) * r2.info.channels;
    assert.ok(r2.data[right]! > 200, 'right half is red');
  });

  it('renders a hostile SVG without fetching anything or allocating its declared size', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.end('x');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const url = `http://127.0.0.1:${port}/img.png`;
      const doc = svg(
        `<?xml version="1.0"?><svg ${SVG_NS} xmlns:xlink="http://www.w3.org/1999/xlink" width="100000000" height="100000000">` +
          `<style>@import url(${url}); rect { fill: url(${url}#g) }</style>` +
          `<image href="${url}" width="100" height="100"/><image xlink:href="file:///etc/passwd" width="10" height="10"/>` +
          `<use href="${url}#x"/><rect width="50000000" height="50000000" fill="#0f0"/></svg>`,
      );
      const p = await mediaProps(memSource(doc), 'image/svg+xml');
      assert.deepEqual([p.width, p.height], [100000000, 100000000]);
      const plan = thumbPlan(
        { name: 'H.svg', mime: 'image/svg+xml', width: p.width, height: p.height },
        { width: 40 },
      ) as ScaledPlan;
      assert.deepEqual([plan.physicalWidth, plan.physicalHeight], [40, 40]);
      const r = await renderThumbnail(memSource(doc), 'image/svg+xml', 40, 40);
      const m = await decode(r.body);
      assert.deepEqual([m.format, m.width, m.height], ['png', 40, 40]);
      assert.equal(requests, 0);
    } finally {
      server.close();
    }
  });

  it('refuses too large images and bad sizes with ThumbnailError', async () => {
    await assert.rejects(renderThumbnail(memSource(png(120, 90)), 'image/png', 0, 10), ThumbnailError);
    await assert.rejects(
      renderThumbnail(memSource(png(120, 90)), 'image/png', 40, 30, { maxImageArea: 1000 }),
      (e: unknown) => {
        assert.ok(e instanceof ThumbnailError);
        assert.equal(e.httpStatus, 400);
        return true;
      },
    );
    await assert.rejects(
      renderThumbnail(memSource(Buffer.from('hello')), 'text/plain', 10, 10),
      ThumbnailError,
    );
  });
});
