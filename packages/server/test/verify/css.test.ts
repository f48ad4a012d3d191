import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCssFragment, decodeCharReferences, normalizeCss } from '../../src/upload/verify/index.js';

describe('decodeCharReferences', () => {
  it('decodes numeric references and the ASCII named ones', () => {
    assert.equal(decodeCharReferences('&#106;&#x61;&#X76;a &amp; &quot;&lt;&gt;&apos;'), 'java & "<>\'');
    assert.equal(decodeCharReferences('&#0; &#xD800; &#99999999999;'), '\ufffd \ufffd \ufffd');
    assert.equal(decodeCharReferences('&#106 &unknown; &'), '&#106 &unknown; &');
  });
});

describe('normalizeCss', () => {
  it('decodes CSS escapes and references', () => {
    assert.equal(normalizeCss('\\75 rl(x)'), 'url(x)');
    assert.equal(normalizeCss('\\000075rl(x)'), 'url(x)');
    assert.equal(normalizeCss('u\\rl(x)'), 'url(x)');
    assert.equal(normalizeCss('a\\\nb'), 'ab');
    assert.equal(normalizeCss('&#117;rl(x)'), 'url(x)');
    assert.equal(normalizeCss('x\\"y'), 'x\\22 y');
    assert.equal(normalizeCss('x\\'), 'x\\5c ');
  });

  it('replaces comments, drops an unterminated one, keeps a lone comment', () => {
    assert.equal(normalizeCss('a/* c */b'), 'a b');
    assert.equal(normalizeCss('a/* c */b /* open'), 'a b ');
    assert.equal(normalizeCss(' /* only */ '), ' /* only */ ');
    assert.equal(normalizeCss('u/**/rl(http://x)'), 'u rl(http://x)');
  });
});

describe('checkCssFragment', () => {
  it('refuses imports, expressions and Opera links', () => {
    assert.equal(checkCssFragment('@IMPORT "x.css";'), true);
    assert.equal(checkCssFragment('width: Expression(alert(1))'), true);
    assert.equal(checkCssFragment('-o-link: "x"'), true);
    assert.equal(checkCssFragment('-o-link-source : current'), true);
    assert.equal(checkCssFragment('-o-replace: "x"'), true);
  });

  it('refuses non-fragment url(), image() and image-set()', () => {
    assert.equal(checkCssFragment('fill:url(http://evil.example/)'), true);
    assert.equal(checkCssFragment("fill:url( 'evil.svg#x' )"), true);
    assert.equal(checkCssFragment('background:image("x.png")'), true);
    assert.equal(checkCssFragment('background:image-set("x.png" 1x)'), true);
    assert.equal(checkCssFragment('fill:url(http://x/) url(#ok)'), true);
    assert.equal(checkCssFragment('fill:url(#g)'), false);
    assert.equal(checkCssFragment('fill:url( #g)'), false);
    assert.equal(checkCssFragment('fill:url("#g") ; stroke:url(\'#h\')'), false);
    assert.equal(checkCssFragment('fill:url(x'), false);
    assert.equal(checkCssFragment('fill: red; stroke: blue'), false);
  });

  it('allows one embedded data: font per @font-face block', () => {
    assert.equal(checkCssFragment('@font-face { font-family: f; src:url("data:;base64,AAAA") }'), false);
    assert.equal(checkCssFragment('@font-face { src:url("data:font/woff;base64,AAAA") }'), true);
    assert.equal(checkCssFragment('a { src:url("data:;base64,AAAA") }'), true);
  });

  it('refuses control characters', () => {
    assert.equal(checkCssFragment('fill:\x01red'), true);
    assert.equal(checkCssFragment('fill:\tred\n'), false);
  });

  it('stays linear on hostile input', () => {
    const t0 = Date.now();
    checkCssFragment('url('.repeat(500_000));
    checkCssFragment('@font-face{'.repeat(200_000));
    assert.ok(Date.now() - t0 < 5000);
  });
});
