import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MwError } from '../../src/errors.js';
import { scanSvg, verifyFile } from '../../src/upload/verify/index.js';
import { lateSvg, source } from './helpers.js';

async function verdict(f: Buffer): Promise<unknown[] | 'ok'> {
  try {
    await verifyFile(source(f), 'svg');
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof MwError);
    assert.equal(e.code, 'verification-error');
    return e.data.details as unknown[];
  }
}

const XLINK_HREF = 'http://www.w3.org/1999/xlink:href';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/verify/${name}`, import.meta.url));

describe('SVG filters', () => {
  it('typical editor output passes (Inkscape, Illustrator with entity declarations)', async () => {
    for (const name of ['inkscape.svg', 'illustrator.svg']) {
      const r = await verifyFile(source(fixture(name)), 'svg');
      assert.equal(r.mime, 'image/svg+xml', name);
    }
  });

  it('scriptable elements', async () => {
    assert.deepEqual(await verdict(lateSvg('<script>alert(1)</script>')), ['uploaded-script-svg', 'script']);
    assert.deepEqual(
      await verdict(
        lateSvg('<handler xmlns:ev="http://www.w3.org/2001/xml-events" ev:event="load">alert(1)</handler>'),
      ),
      ['uploaded-script-svg', 'handler'],
    );
    assert.deepEqual(await verdict(lateSvg('<stylesheet/>')), ['uploaded-script-svg', 'stylesheet']);
    assert.deepEqual(await verdict(lateSvg('<iframe src="x"/>')), ['uploaded-script-svg', 'iframe']);
    assert.deepEqual(await verdict(lateSvg('<SCRIPT/>')), ['uploaded-script-svg', 'script']);
  });

  it('event handler attributes (value lower-cased, name as written)', async () => {
    assert.deepEqual(await verdict(lateSvg('<rect onMouseOver="Alert(1)"/>')), [
      'uploaded-event-handler-on-svg',
      'onMouseOver',
      'alert(1)',
    ]);
    // Inkscape's own elements may carry on* attributes.
    const inkscape = lateSvg(
      '<inkscape:path-effect xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" onpath="1"/>',
    );
    assert.equal(await verdict(inkscape), 'ok');
  });

  it('href targets', async () => {
    const f = lateSvg('<image xlink:href="http://evil.example/x.png" width="1" height="1"/>');
    assert.deepEqual(await verdict(f), [
      'uploaded-href-attribute-svg',
      'image',
      XLINK_HREF,
      'http://evil.example/x.png',
    ]);
    await assert.rejects(verifyFile(source(f), 'svg'), {
      message: `href attributes in SVG files are only allowed to link to http:// or https:// targets, found "<image ${XLINK_HREF}="http://evil.example/x.png">".`,
    });
    assert.deepEqual(await verdict(lateSvg('<use href="other.svg#x"/>')), [
      'uploaded-href-attribute-svg',
      'use',
      'href',
      'other.svg#x',
    ]);
    assert.equal(await verdict(lateSvg('<a xlink:href="https://example.org/"><rect/></a>')), 'ok');
    assert.equal(await verdict(lateSvg('<a href="HTTP://example.org/"><rect/></a>')), 'ok');
    assert.equal(await verdict(lateSvg('<use xlink:href="#shape"/><use href=""/>')), 'ok');
  });

  it('data: URLs: plain bitmaps allowed, anything else refused', async () => {
    assert.equal(await verdict(lateSvg('<image xlink:href="data:image/png;base64,iVBORw0KGgo="/>')), 'ok');
    assert.equal(
      await verdict(lateSvg('<image href="data:image/jpeg;name=&quot;a b&quot;;base64,/9j/"/>')),
      'ok',
    );
    assert.deepEqual(await verdict(lateSvg('<image xlink:href="data:text/html;base64,PHNjcmlwdD4="/>')), [
      'uploaded-href-unsafe-target-svg',
      'image',
      XLINK_HREF,
      'data:text/html;base64,phnjcmlwdd4=',
    ]);
    assert.deepEqual(await verdict(lateSvg('<image href="data:image/svg+xml;base64,AAAA"/>')), [
      'uploaded-href-unsafe-target-svg',
      'image',
      'href',
      'data:image/svg+xml;base64,aaaa',
    ]);
  });

  it('animate and set tricks', async () => {
    assert.deepEqual(await verdict(lateSvg('<a><animate attributeName="xlink:href" from="x" to="y"/></a>')), [
      'uploaded-animate-svg',
      'animate',
      'attributeName',
      'xlink:href',
    ]);
    assert.deepEqual(
      await verdict(lateSvg('<rect><set attributeName="onmouseover" to="alert(1)"/></rect>')),
      ['uploaded-setting-event-handler-svg', 'set', 'attributename', 'onmouseover'],
    );
    assert.deepEqual(await verdict(lateSvg('<a><set attributeName="href" to="#x"/></a>')), [
      'uploaded-setting-href-svg',
    ]);
    assert.deepEqual(
      await verdict(lateSvg('<rect><set attributeName="fill" to="http://evil.example/"/></rect>')),
      ['uploaded-wrong-setting-svg', 'http://evil.example/'],
    );
    assert.deepEqual(await verdict(lateSvg('<rect handler="data:x,1"/>')), [
      'uploaded-setting-handler-svg',
      'handler',
      'data:x,1',
    ]);
  });

  it('CSS in <style>, style= and presentation attributes', async () => {
    const hostile = ['uploaded-hostile-svg'];
    assert.deepEqual(await verdict(lateSvg('<style>@import url(x.css);</style>')), hostile);
    assert.deepEqual(
      await verdict(lateSvg('<style>rect{fill:url(http://evil.example/a.svg#p)}</style>')),
      hostile,
    );
    assert.deepEqual(
      await verdict(lateSvg('<style><![CDATA[ rect { width: expression(alert(1)) } ]]></style>')),
      hostile,
    );
    assert.deepEqual(await verdict(lateSvg('<style>rect{fill:\\75 rl(http://x/)}</style>')), hostile);
    assert.deepEqual(await verdict(lateSvg('<style>rect{-o-link:"x"}</style>')), hostile);
    assert.deepEqual(await verdict(lateSvg('<style>rect{fill:url(http://x/) url(#ok)}</style>')), hostile);
    assert.equal(await verdict(lateSvg('<style>rect{fill:url(#grad)} a{fill:url( "#g")}</style>')), 'ok');
    assert.equal(
      await verdict(lateSvg('<style>@font-face{font-family:f;src:url("data:;base64,AAEAAA==")}</style>')),
      'ok',
    );
    assert.deepEqual(await verdict(lateSvg('<rect style="fill:URL( \'http://evil.example/\')"/>')), [
      'uploaded-remote-url-svg',
      'style',
      "fill:url( 'http://evil.example/')",
    ]);
    assert.deepEqual(await verdict(lateSvg('<rect style="fill:u&#x5c;72l(http://x/)"/>')), [
      'uploaded-remote-url-svg',
      'style',
      'fill:u\\72l(http://x/)',
    ]);
    assert.deepEqual(await verdict(lateSvg('<rect fill="url(http://evil.example/#a)"/>')), [
      'uploaded-remote-url-svg',
      'fill',
      'url(http://evil.example/#a)',
    ]);
    assert.equal(await verdict(lateSvg('<rect fill="url(#a)" mask="url(#m)" style="fill:red"/>')), 'ok');
    assert.deepEqual(await verdict(lateSvg('<image filter="url( #f)"/>')), [
      'uploaded-image-filter-svg',
      'image',
      'filter',
      'url( #f)',
    ]);
  });

  it('namespaces: only the allow-list, XHTML in foreignObject refused', async () => {
    const f = lateSvg('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>');
    assert.deepEqual(await verdict(f), ['uploadscriptednamespace', 'http://www.w3.org/1999/xhtml']);
    await assert.rejects(verifyFile(source(f), 'svg'), {
      message: 'This SVG file contains an illegal namespace "http://www.w3.org/1999/xhtml".',
    });
    assert.deepEqual(await verdict(lateSvg('<foo:bar/>')), ['uploadscriptednamespace', 'foo']);
    const meta = lateSvg(
      '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/">' +
        '<dc:title>x</dc:title></rdf:RDF></metadata>',
    );
    assert.equal(await verdict(meta), 'ok');
  });

  it('processing instructions and DTDs', async () => {
    const pi = lateSvg(
      '<rect/>',
      '',
      '<?xml version="1.0"?>\n<?xml-stylesheet href="evil.css" type="text/css"?>\n',
    );
    assert.deepEqual(await verdict(pi), ['upload-scripted-pi-callback']);
    const dtd = lateSvg(
      '<rect/>',
      '',
      '<?xml version="1.0"?>\n<!DOCTYPE svg SYSTEM "http://evil.example/x.dtd">\n',
    );
    assert.deepEqual(await verdict(dtd), ['upload-scripted-dtd']);
    const standard = lateSvg(
      '<rect/>',
      '',
      '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n',
    );
    assert.equal(await verdict(standard), 'ok');
    // Undeclared entities are tolerated when an (unloaded) external DTD is referenced.
    const withRef = lateSvg(
      '<text>&nbsp;</text>',
      '',
      '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n',
    );
    assert.equal(await verdict(withRef), 'ok');
    assert.deepEqual(await verdict(lateSvg('<text>&nbsp;</text>')), ['uploadinvalidxml']);
  });

  it('the last hit wins (elements are judged when they close); a bad namespace beats all', async () => {
    // <image> closes before <g>, so the event handler on <g> is reported.
    assert.deepEqual(await verdict(lateSvg('<g onclick="a()"><image href="http://x/"/></g>')), [
      'uploaded-event-handler-on-svg',
      'onclick',
      'a()',
    ]);
    assert.deepEqual(
      await verdict(lateSvg('<g xmlns:e="http://evil.example/"><e:x/></g><rect onclick="a()"/>')),
      ['uploadscriptednamespace', 'http://evil.example/'],
    );
  });
});

describe('SVG: entities and hostile XML', () => {
  it('Illustrator-style entity declarations are expanded', async () => {
    const ok = lateSvg(
      '<rect/>',
      '',
      '<!DOCTYPE svg [\n<!ENTITY ns_svg "http://www.w3.org/2000/svg">\n<!ENTITY ns_xlink "http://www.w3.org/1999/xlink">\n]>\n',
    );
    assert.equal(await verdict(ok), 'ok');
    const href = lateSvg('<image href="&u;"/>', '', '<!DOCTYPE svg [<!ENTITY u "http://evil.example/">]>\n');
    assert.deepEqual(await verdict(href), [
      'uploaded-href-attribute-svg',
      'image',
      'href',
      'http://evil.example/',
    ]);
  });

  it('external and parameter entities are refused', async () => {
    const ext = lateSvg('<text>&x;</text>', '', '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n');
    assert.deepEqual(await verdict(ext), ['uploadinvalidxml']);
    const pe = lateSvg(
      '<rect/>',
      '',
      '<!DOCTYPE svg [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]>\n',
    );
    assert.deepEqual(await verdict(pe), ['uploadinvalidxml']);
    const markup = lateSvg('<text>&x;</text>', '', '<!DOCTYPE svg [<!ENTITY x "&#60;script&#62;">]>\n');
    assert.deepEqual(await verdict(markup), ['uploadinvalidxml']);
  });

  it('billion laughs is refused at once', async () => {
    let dtd = '<!DOCTYPE svg [\n<!ENTITY lol "lol">\n';
    for (let i = 1; i <= 9; i++) dtd += `<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">\n`;
    const f = lateSvg('<text>&lol9;</text>', '', `${dtd}]>\n`);
    const t0 = Date.now();
    assert.deepEqual(await verdict(f), ['uploadinvalidxml']);
    assert.ok(Date.now() - t0 < 5000);
  });

  it('deep nesting (100,000 levels) is refused', async () => {
    const f = lateSvg(`${'<g>'.repeat(100_000)}${'</g>'.repeat(100_000)}`);
    assert.deepEqual(await verdict(f), ['uploadinvalidxml']);
    assert.equal(scanSvg(lateSvg(`${'<g>'.repeat(200)}${'</g>'.repeat(200)}`)).wellFormed, true);
  });

  it('a 20 MB attribute is refused without holding it', async () => {
    const f = lateSvg(`<rect fill="${'a'.repeat(20_000_000)}"/>`);
    assert.deepEqual(await verdict(f), ['uploadinvalidxml']);
  });

  it('truncated and malformed documents', async () => {
    assert.deepEqual(await verdict(lateSvg('<rect>')), ['uploadinvalidxml']);
    assert.deepEqual(
      await verdict(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><rect a="1" a="2"/></svg>')),
      ['uploadinvalidxml'],
    );
    const r = scanSvg(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><rect'));
    assert.equal(r.wellFormed, false);
  });

  it('declared encodings: safe ones are decoded, others refused', async () => {
    const latin1 = Buffer.concat([
      Buffer.from(
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<svg xmlns="http://www.w3.org/2000/svg"><text>caf',
      ),
      Buffer.from([0xe9]),
      Buffer.from('</text></svg>'),
    ]);
    assert.equal(await verdict(latin1), 'ok');
    const cp1252 = Buffer.from(
      '<?xml version="1.0" encoding="windows-1252"?><svg xmlns="http://www.w3.org/2000/svg"><text>x</text></svg>',
    );
    assert.equal(await verdict(cp1252), 'ok');
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(
        '<?xml version="1.0" encoding="UTF-16"?><svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>',
        'utf16le',
      ),
    ]);
    assert.equal(await verdict(utf16), 'ok');
    const utf16Hostile = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg"><!-- ${'x'.repeat(600)} --><rect onclick="a()"/></svg>`,
        'utf16le',
      ),
    ]);
    assert.deepEqual(await verdict(utf16Hostile), ['uploaded-event-handler-on-svg', 'onclick', 'a()']);
    assert.deepEqual(
      await verdict(
        Buffer.from('<?xml version="1.0" encoding="UTF-7"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
      ),
      ['uploadscripted'],
    );
    const utf16Utf7 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(
        '<?xml version="1.0" encoding="UTF-7"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        'utf16le',
      ),
    ]);
    assert.deepEqual(await verdict(utf16Utf7), ['uploadscripted']);
    const unterminated = Buffer.from(`<?xml version="1.0" ${' '.repeat(300_000)}?><svg/>`);
    assert.deepEqual(await verdict(unterminated), ['uploadscripted']);
    // Bytes that are not UTF-8 in a document that claims UTF-8.
    const bad = Buffer.concat([
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><text>'),
      Buffer.from([0xff, 0xfe, 0xc3]),
    ]);
    assert.deepEqual(await verdict(Buffer.concat([bad, Buffer.from('</text></svg>')])), ['uploadinvalidxml']);
  });

  it('a script split over a stream chunk boundary is still found in the SVG scan', async () => {
    const f = lateSvg(`<g>${' '.repeat(70_000)}</g><script>x</script>`);
    const at = f.indexOf('<script>') + 4;
    const r = await verifyFile(source(f, { chunkSize: at }), 'svg').catch((e: MwError) => e.data.details);
    assert.deepEqual(r, ['uploaded-script-svg', 'script']);
  });
});
