import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeUnicodeStrict,
  parseDoctype,
  parseSafeInternalSubset,
  XmlChecker,
  type XmlCheckOptions,
  XmlTextDecoder,
} from '../../src/mime/index.js';

interface Seen {
  events: string[];
  result: ReturnType<XmlChecker['end']>;
}

function check(doc: string | Buffer, opts: XmlCheckOptions = {}, pieces = 0): Seen {
  const events: string[] = [];
  const c = new XmlChecker<string>(
    {
      open: (name, attrs) => `${name}${attrs.map(([k, v]) => ` ${k}=${v}`).join('')}`,
      close: (frame, _name, data) => events.push(data ? `${frame} [${data}]` : frame),
      wantsData: (name) => name.endsWith('style'),
      pi: (target, body) => events.push(`?${target} ${body}`),
      doctype: (dt) => events.push(`!${dt.name} ${dt.type ?? ''}`),
    },
    opts,
  );
  const buf = typeof doc === 'string' ? Buffer.from(doc) : doc;
  const size = pieces > 0 ? pieces : buf.length || 1;
  for (let i = 0; i < buf.length; i += size) c.write(buf.subarray(i, i + size));
  return { events, result: c.end() };
}

describe('safe internal subsets (XmlTypeCheck::checkDTDIsSafe)', () => {
  it('accepts short flat entities, aliases, comments and the graphviz ATTLIST', () => {
    const ok = parseSafeInternalSubset(
      ' <!ENTITY a "x&amp;y">\n<!-- note -->\n<!ENTITY b \'&a;\'><!ENTITY c "&#38;">' +
        '<!ATTLIST svg xmlns:xlink CDATA #FIXED "http://www.w3.org/1999/xlink"> ',
    );
    assert.deepEqual(
      [...(ok ?? new Map()).entries()],
      [
        ['a', 'x&amp;y'],
        ['b', '&a;'],
        ['c', '&#38;'],
      ],
    );
  });

  it('refuses everything else', () => {
    for (const bad of [
      '<!ENTITY x SYSTEM "file:///etc/passwd">',
      '<!ENTITY % p "x">',
      '<!ENTITY x "&a;&b;">',
      `<!ENTITY x "${'a'.repeat(256)}">`,
      '<!ENTITY x "a%b">',
      '<!ELEMENT svg ANY>',
      '<!ATTLIST svg onload CDATA #FIXED "x">',
      '<?pi x?>',
      '<!-- a -- b -->',
      '<!ENTITY x "unterminated>',
    ]) {
      assert.equal(parseSafeInternalSubset(bad), null, bad);
    }
    assert.notEqual(parseSafeInternalSubset(`<!ENTITY x "${'a'.repeat(255)}">`), null);
  });
});

describe('parseDoctype', () => {
  it('reads names and external identifiers', () => {
    assert.deepEqual(parseDoctype(' svg PUBLIC "-//W3C//DTD SVG 1.1//EN" \'http://x/svg11.dtd\''), {
      name: 'svg',
      type: 'PUBLIC',
      publicId: '-//W3C//DTD SVG 1.1//EN',
      systemId: 'http://x/svg11.dtd',
    });
    assert.deepEqual(parseDoctype(' svg SYSTEM "x.dtd" [ <!ENTITY a "b"> ]'), {
      name: 'svg',
      type: 'SYSTEM',
      systemId: 'x.dtd',
      internal: ' <!ENTITY a "b"> ',
    });
    assert.equal(parseDoctype(' svg PUBLIC "only-public"'), null);
    assert.equal(parseDoctype(''), null);
  });
});

describe('XmlChecker', () => {
  it('reports elements on close with expanded names, PIs and the doctype', () => {
    const { events, result } = check(
      '<?xml version="1.0"?><!DOCTYPE svg><?foo bar?><svg xmlns="http://www.w3.org/2000/svg" xmlns:x="urn:x" ' +
        'x:a="1" b="2"><style>a{}<!--c--> b <![CDATA[ c ]]></style><x:g/></svg>',
    );
    assert.equal(result.wellFormed, true);
    assert.equal(result.rootElement, 'http://www.w3.org/2000/svg:svg');
    assert.deepEqual(events, [
      '!svg ',
      '?foo bar',
      'http://www.w3.org/2000/svg:style [a{}bc]',
      'urn:x:g',
      'http://www.w3.org/2000/svg:svg urn:x:a=1 b=2',
    ]);
  });

  it('expands safe entities and refuses risky ones where used', () => {
    const ok = check(
      '<!DOCTYPE r [<!ENTITY a "x&amp;y"><!ENTITY b "&a;"><!ENTITY lt2 "&lt;">]><r v="&b;&lt2;"/>',
    );
    assert.deepEqual(ok.events, ['!r ', 'r v=x&y<']);
    assert.equal(check('<!DOCTYPE r [<!ENTITY a "<x/>">]><r/>').result.wellFormed, true);
    assert.equal(check('<!DOCTYPE r [<!ENTITY a "<x/>">]><r>&a;</r>').result.wellFormed, false);
    assert.equal(
      check('<!DOCTYPE r [<!ENTITY a "&b;"><!ENTITY b "&a;">]><r>&a;</r>').result.wellFormed,
      false,
    );
    assert.equal(check('<r>&undefined;</r>').result.wellFormed, false);
    assert.equal(check('<r>&constructor;</r>').result.wellFormed, false);
    assert.equal(check('<!DOCTYPE r SYSTEM "r.dtd"><r>&undefined;</r>').result.wellFormed, true);
  });

  it('namespace errors are tolerated like libxml2 does; other errors are not', () => {
    const r = check('<r><p:e p:onload="x"/></r>');
    assert.equal(r.result.wellFormed, true);
    assert.deepEqual(r.events, ['p:e p:onload=x', 'r']);
    assert.equal(check('<r a="1" a="2"/>').result.wellFormed, false);
    assert.equal(check('<r><a></b></r>').result.wellFormed, false);
    assert.equal(check('<r>').result.wellFormed, false);
    assert.equal(check('').result.wellFormed, false);
    assert.equal(check('text').result.wellFormed, false);
  });

  it('ignores whatever follows the root element', () => {
    const r = check('<r/><?after x?>junk<more/>');
    assert.equal(r.result.wellFormed, true);
    assert.deepEqual(r.events, ['r', '?after x']);
    assert.equal(check('<r/><!-- unterminated').result.wellFormed, true);
  });

  it('limits nesting depth and token length', () => {
    assert.equal(check(`${'<a>'.repeat(256)}${'</a>'.repeat(256)}`).result.wellFormed, true);
    assert.equal(check(`${'<a>'.repeat(257)}${'</a>'.repeat(257)}`).result.wellFormed, false);
    assert.equal(check(`<r a="${'x'.repeat(5000)}"/>`, { maxTokenLength: 1000 }).result.wellFormed, false);
    assert.equal(
      check(`<r>${'<!--x-->'.repeat(5000)}</r>`, { maxTokenLength: 1000 }).result.wellFormed,
      true,
    );
    assert.equal(
      check(`<style>${'<!--x-->a'.repeat(2000)}</style>`, { maxTokenLength: 1000 }).result.wellFormed,
      false,
    );
  });

  it('stops at the root element on request', () => {
    const r = check('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><unclosed>', {
      stopAtRoot: true,
    });
    assert.deepEqual(r.result, { wellFormed: true, rootElement: 'http://www.w3.org/2000/svg:svg' });
  });

  it('decodes by byte order mark, byte pattern and declaration, across write boundaries', () => {
    const doc = '<?xml version="1.0"?><r a="é€"/>';
    for (const [label, buf] of [
      ['utf-8', Buffer.from(doc)],
      ['utf-8 bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc)])],
      ['utf-16le bom', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')])],
      ['utf-16be', Buffer.from(doc, 'utf16le').swap16()],
    ] as const) {
      for (const pieces of [0, 1, 3]) {
        const r = check(buf, {}, pieces);
        assert.equal(r.result.wellFormed, true, `${label} / ${pieces}`);
        assert.deepEqual(r.events, ['r a=é€'], `${label} / ${pieces}`);
      }
    }
    const utf32 = Buffer.alloc(doc.length * 4);
    for (const [i, ch] of [...doc].entries()) utf32.writeUInt32BE(ch.codePointAt(0)!, i * 4);
    assert.deepEqual(check(utf32, {}, 5).events, ['r a=é€']);
    const latin2 = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="iso-8859-2"?><r a="'),
      Buffer.from([0xb1]),
      Buffer.from('"/>'),
    ]);
    assert.deepEqual(check(latin2).events, ['r a=ą']);
    assert.equal(check('<?xml version="1.0" encoding="x-unknown"?><r/>').result.wellFormed, false);
    assert.equal(check('<?xml version="1.0" encoding="UTF-16"?><r/>').result.wellFormed, false);
    assert.equal(
      check(Buffer.from([0x3c, 0x72, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x72, 0x3e])).result.wellFormed,
      false,
    );
  });
});

describe('charset helpers', () => {
  it('decodeUnicodeStrict follows iconv', () => {
    assert.equal(decodeUnicodeStrict(Buffer.from([0xfe, 0xff, 0, 0x41]), 'UTF-16'), 'A');
    assert.equal(decodeUnicodeStrict(Buffer.from([0xff, 0xfe, 0x41, 0]), 'UTF-16'), 'A');
    assert.equal(decodeUnicodeStrict(Buffer.from([0, 0x41]), 'UTF-16'), 'A');
    assert.equal(decodeUnicodeStrict(Buffer.from([0, 0x41, 0]), 'UTF-16'), null);
    assert.equal(decodeUnicodeStrict(Buffer.from([0xd8, 0, 0, 0x41]), 'UTF-16BE'), null);
    // Only the plain name honours a byte order mark; otherwise it is a character, as in iconv.
    assert.equal(decodeUnicodeStrict(Buffer.from([0xfe, 0xff, 0, 0x41]), 'UTF-16BE'), '\ufeffA');
    assert.equal(decodeUnicodeStrict(Buffer.from([0xfe, 0xff, 0xfe, 0xff]), 'UTF-16'), '\ufeff');
    assert.equal(decodeUnicodeStrict(Buffer.from([0, 0, 0, 0x41]), 'UTF-32'), 'A');
    assert.equal(decodeUnicodeStrict(Buffer.from([0, 0x11, 0, 0]), 'UTF-32BE'), null);
  });

  it('XmlTextDecoder refuses EBCDIC', () => {
    const d = new XmlTextDecoder();
    assert.throws(() => {
      d.write(Buffer.from([0x4c, 0x6f, 0xa7, 0x94, 0x93, 0x40]));
      d.end();
    });
  });
});
