import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mediaProps } from '../../src/media/props.js';
import { isWellFormedLanguageTag, scaleSVGUnit } from '../../src/media/svg/index.js';
import type { MetadataItem } from '../../src/media/types.js';
import { memSource, SVG_NS, svg } from './helpers.js';

const props = (s: string | Buffer) =>
  mediaProps(memSource(typeof s === 'string' ? svg(s) : s), 'image/svg+xml');

/** version, width, height, originalWidth, originalHeight, …extra, translations */
function meta(
  w: number,
  h: number,
  ow: string,
  oh: string,
  extra: MetadataItem[] = [],
  translations: MetadataItem[] = [],
) {
  return [
    { name: 'version', value: 2 },
    { name: 'width', value: w },
    { name: 'height', value: h },
    { name: 'originalWidth', value: ow },
    { name: 'originalHeight', value: oh },
    ...extra,
    { name: 'translations', value: translations },
  ];
}

describe('SVG size', () => {
  it('reads the svg_clean transcript file', async () => {
    const p = await props(
      `<?xml version="1.0" encoding="UTF-8"?>\n<svg ${SVG_NS} width="20" height="10" viewBox="0 0 20 10"><!-- x --><rect width="20" height="10" fill="#36c"/></svg>\n`,
    );
    assert.deepEqual([p.width, p.height, p.bitdepth], [20, 10, 0]);
    assert.deepEqual(p.metadata, meta(20, 10, '20', '10'));
    assert.deepEqual(p.commonmetadata, []);
  });

  it("applies MediaWiki's units, percentages, viewBox aspect and the 512px default", async () => {
    const cases: Array<[string, number, number, string, string]> = [
      ['width="10cm" height="5mm"', 354, 18, '10cm', '5mm'],
      ['width=" 2.5in " height="3e1pt"', 225, 38, ' 2.5in ', '3e1pt'],
      ['width="2em" height="3ex"', 32, 36, '2em', '3ex'],
      ['width="50%" height="25%" viewBox="0 0 400 200"', 256, 64, '50%', '25%'],
      ['width="50%"', 256, 256, '50%', '100%'],
      ['viewBox="0,0,300,150"', 512, 256, '100%', '100%'],
      ['viewBox="0 0 300"', 512, 512, '100%', '100%'],
      ['', 512, 512, '100%', '100%'],
      ['height="100" viewBox="0 0 4 2"', 200, 100, '100%', '100'],
      ['width="0" height="50"', 50, 50, '100%', '50'],
      ['width="-10" height="50"', 512, 512, '-10', '50'],
      ['width="12abc" height="em"', 512, 512, '12abc', 'em'],
      ['width="10.5" height="2.4999999999999996"', 11, 3, '10.5', '2.4999999999999996'],
    ];
    for (const [attrs, w, h, ow, oh] of cases) {
      const p = await props(`<svg ${SVG_NS} ${attrs}/>`);
      assert.deepEqual(p.metadata, meta(w, h, ow, oh), attrs);
      assert.deepEqual([p.width, p.height], [w, h], attrs);
    }
  });

  it('scales units like SVGReader::scaleSVGUnit', () => {
    assert.equal(scaleSVGUnit('1in'), 90);
    assert.equal(scaleSVGUnit('10%', 300), 30);
    assert.equal(scaleSVGUnit('7 px'), 7);
    assert.equal(scaleSVGUnit('4q'), 4);
    assert.equal(scaleSVGUnit('nope'), 0);
  });

  it('reports a document that is not SVG as an error with size 0×0', async () => {
    const p = await props('<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>');
    assert.deepEqual([p.width, p.height], [0, 0]);
    assert.deepEqual(p.metadata, [
      { name: 'version', value: 2 },
      {
        name: 'error',
        value: [
          { name: 'message', value: 'Expected <svg> tag, got html in NS http://www.w3.org/1999/xhtml' },
          { name: 'code', value: 0 },
        ],
      },
    ]);
    const garbage = await props('this is not xml');
    const err = garbage.metadata[1]?.value as MetadataItem[];
    assert.equal(err[0]?.value, 'Expected <svg> tag, got  in NS ');
    const noNs = await props('<svg width="5" height="5"/>');
    assert.deepEqual([noNs.width, noNs.height], [0, 0]);
  });
});

describe('SVG metadata', () => {
  it('reads title, desc and the metadata element as serialized XML', async () => {
    const p = await props(
      `<svg ${SVG_NS} width="5" height="5">\n <title>  My title </title>\n <desc>Desc &amp; more</desc>\n <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><cc:Work xmlns:cc="http://creativecommons.org/ns#" rdf:about=""><dc:title xmlns:dc="http://purl.org/dc/elements/1.1/">T</dc:title></cc:Work></rdf:RDF></metadata>\n</svg>`,
    );
    const rdf =
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><cc:Work xmlns:cc="http://creativecommons.org/ns#" rdf:about=""><dc:title xmlns:dc="http://purl.org/dc/elements/1.1/">T</dc:title></cc:Work></rdf:RDF>';
    assert.deepEqual(
      p.metadata,
      meta(5, 5, '5', '5', [
        { name: 'title', value: 'My title' },
        { name: 'description', value: 'Desc & more' },
        { name: 'metadata', value: rdf },
      ]),
    );
    assert.deepEqual(p.commonmetadata, [
      { name: 'ObjectName', value: 'My title' },
      { name: 'ImageDescription', value: 'Desc & more' },
    ]);
  });

  it('serializes Inkscape RDF with the namespaces declared on the root moved onto the copy', async () => {
    const doc = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<svg xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:cc="http://creativecommons.org/ns#" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" ${SVG_NS} width="210mm" height="297mm" viewBox="0 0 210 297">
  <metadata
     id="metadata5">
    <rdf:RDF>
      <cc:Work
         rdf:about="">
        <dc:format>image/svg+xml</dc:format>
        <dc:type
           rdf:resource="http://purl.org/dc/dcmitype/StillImage" />
        <dc:title>Zoë &lt;x&gt;</dc:title>
      </cc:Work>
    </rdf:RDF>
  </metadata>
</svg>
`;
    const p = await props(doc);
    assert.deepEqual([p.width, p.height], [744, 1052]);
    assert.deepEqual(p.metadata[5], {
      name: 'metadata',
      value:
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:cc="http://creativecommons.org/ns#" xmlns:dc="http://purl.org/dc/elements/1.1/">\n      <cc:Work rdf:about="">\n        <dc:format>image/svg+xml</dc:format>\n        <dc:type rdf:resource="http://purl.org/dc/dcmitype/StillImage"/>\n        <dc:title>Zoë &lt;x&gt;</dc:title>\n      </cc:Work>\n    </rdf:RDF>',
    });
  });

  it('escapes like libxml when no encoding is declared', async () => {
    const p = await props(
      `<svg ${SVG_NS} width="5" height="5"><metadata><x:a xmlns:x="urn:x" t="Zoë\ttab&#10;nl">é</x:a><!-- c --><?pi data?><![CDATA[cd]]><empty></empty><b/></metadata><title>after</title></svg>`,
    );
    assert.deepEqual(p.metadata[5], {
      name: 'metadata',
      value:
        '<x:a xmlns:x="urn:x" t="Zo&#xEB; tab&#10;nl">é</x:a><!-- c --><?pi data?><![CDATA[cd]]><empty xmlns="http://www.w3.org/2000/svg"/><b xmlns="http://www.w3.org/2000/svg"/>',
    });
    // XMLReader moves past <metadata> twice, so the element right after it is skipped.
    assert.equal(
      p.metadata.find((i) => i.name === 'title'),
      undefined,
    );
  });

  it('collects systemLanguage translations and animation like SVGReader', async () => {
    const p = await props(
      `<svg ${SVG_NS} width="5" height="5"><switch><text systemLanguage="de, fr-CH,en-GB">x</text><text systemLanguage="zh-Hans-CN,bad_lang,x-private">y</text><g systemLanguage="">z</g></switch><text systemLanguage="it">top-level ignored</text><g><animate/></g></svg>`,
    );
    const t = (name: string, value: number) => ({ name, value });
    assert.deepEqual(
      p.metadata,
      meta(
        5,
        5,
        '5',
        '5',
        [{ name: 'animated', value: true }],
        [
          t('de', 2),
          t('fr-CH', 2),
          t('en-GB', 2),
          t('zh-Hans-CN', 2),
          t('x-private', 2),
          t('fr', 1),
          t('en', 1),
          t('zh', 1),
        ],
      ),
    );
    assert.ok(isWellFormedLanguageTag('sr-Latn-RS'));
    assert.ok(!isWellFormedLanguageTag('bad_lang'));
  });

  it('expands internal entities (Illustrator namespaces) and handles prefixed roots', async () => {
    const p = await props(
      `<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY ns_svg "http://www.w3.org/2000/svg">\n<!ENTITY w "33">\n]>\n<svg xmlns="&ns_svg;" width="&w;" height="11"><title>&w; px</title></svg>`,
    );
    assert.deepEqual(p.metadata, meta(33, 11, '33', '11', [{ name: 'title', value: '33 px' }]));
    const pre = await props(
      `<s:svg xmlns:s="http://www.w3.org/2000/svg" width="7" height="8"><s:title>P</s:title></s:svg>`,
    );
    assert.deepEqual(pre.metadata, meta(7, 8, '7', '8', [{ name: 'title', value: 'P' }]));
  });

  it('reads UTF-16 and Latin-1 documents', async () => {
    const u16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(
        `<?xml version="1.0" encoding="UTF-16"?><svg ${SVG_NS} width="6" height="3"><title>sixteen</title></svg>`,
        'utf16le',
      ),
    ]);
    assert.deepEqual(
      (await props(u16)).metadata,
      meta(6, 3, '6', '3', [{ name: 'title', value: 'sixteen' }]),
    );
    const l1 = Buffer.concat([
      Buffer.from(
        `<?xml version="1.0" encoding="ISO-8859-1"?><svg ${SVG_NS} width="4" height="4"><title>caf`,
      ),
      Buffer.from([0xe9]),
      Buffer.from('</title></svg>'),
    ]);
    assert.deepEqual((await props(l1)).metadata, meta(4, 4, '4', '4', [{ name: 'title', value: 'café' }]));
  });

  it('reads only the first 256 KiB of a large SVG', async () => {
    let body = '';
    for (let i = 0; body.length < 300000; i++) body += `<path d="M ${i} ${i} L ${i + 5} ${i + 7} Z"/>\n`;
    const doc = `<svg ${SVG_NS} width="100" height="50"><title>Big</title><switch><text systemLanguage="de">x</text></switch><g>${body}</g><switch><text systemLanguage="fr">late</text></switch></svg>`;
    const p = await props(doc);
    assert.deepEqual(
      p.metadata,
      meta(100, 50, '100', '50', [{ name: 'title', value: 'Big' }], [{ name: 'de', value: 2 }]),
    );
  });

  it('survives an entity expansion bomb without expanding it', async () => {
    let dtd = '<!ENTITY lol "lollollollollollollollollollol">';
    for (let i = 1; i <= 9; i++) dtd += `<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`;
    const doc = `<?xml version="1.0"?><!DOCTYPE svg [${dtd}]><svg ${SVG_NS} width="3" height="4"><title>&lol9;</title></svg>`;
    const p = await props(doc);
    assert.deepEqual([p.width, p.height], [3, 4]);
    const title = p.metadata.find((i) => i.name === 'title')?.value;
    assert.ok(title === undefined || (typeof title === 'string' && title.length < 100000));
  });
});
