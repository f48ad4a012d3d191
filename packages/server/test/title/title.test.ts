import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MwError } from '../../src/errors.js';
import { NS_FILE, NS_MAIN, NS_PROJECT, NS_SPECIAL, NS_USER } from '../../src/title/namespaces.js';
import {
  cleanUpText,
  decodeCharReferences,
  decodeCharReferencesAndNormalize,
} from '../../src/title/sanitizer.js';
import {
  defaultTitleParser,
  invalidTitleError,
  LEGAL_TITLE_CHARS,
  Title,
  TitleError,
  TitleParser,
  titleError,
} from '../../src/title/title.js';
import { type RecordedTitle, recorded } from './fixture.js';

const refwiki = new TitleParser({ siteName: 'RefWiki' });

/** [ns, dbKey, interwiki, fragment, prefixedText] or ['!', key, reason] */
function outcome(f: () => Title | TitleError | null): (string | number)[] {
  try {
    const t = f();
    if (t === null) return ['!', 'null'];
    if (t instanceof TitleError) return ['!', t.key, t.reason];
    return [t.ns, t.dbKey, t.interwiki, t.fragment, t.prefixedText];
  } catch (e) {
    if (e instanceof TitleError) return ['!', e.key, e.reason];
    throw e;
  }
}

const same = (expected: RecordedTitle, got: (string | number)[]) =>
  assert.deepEqual(got.slice(0, expected.length), expected);

describe('Title parsing matches MediaWiki 1.39 (recorded answers)', () => {
  const p = new TitleParser({ siteName: recorded.siteName });
  for (const c of recorded.titles) {
    it(`${JSON.stringify(c.t)}`, () => {
      const nft0 = outcome(() => p.newFromTextThrow(c.t, NS_MAIN));
      same(c.nft0, nft0);
      same(
        c.nft6 === '=' ? c.nft0 : c.nft6,
        outcome(() => p.newFromTextThrow(c.t, NS_FILE)),
      );
      const mts6 = outcome(() => p.makeTitleSafeError(NS_FILE, c.t));
      same(c.mts6, mts6);
      same(
        c.mts0 === '=' ? c.nft0 : c.mts0,
        outcome(() => p.makeTitleSafeError(NS_MAIN, c.t)),
      );
      if (c.r0) assert.equal(nft0[2], c.r0);
      if (c.r6) assert.equal(mts6[2], c.r6);
      assert.equal(decodeCharReferencesAndNormalize(c.t), c.decoded ?? c.t);
    });
  }
});

describe('Title normalisation rules', () => {
  const cases: [string, number, string][] = [
    // [input, ns, DB key]
    ['foo bar', 0, 'Foo_bar'],
    ['foo_bar', 0, 'Foo_bar'],
    ['  foo   bar  ', 0, 'Foo_bar'],
    ['foo _ _ bar', 0, 'Foo_bar'],
    ['foo\u00a0bar', 0, 'Foo_bar'],
    ['foo\u3000bar', 0, 'Foo_bar'],
    ['foo\u2002\u2009bar', 0, 'Foo_bar'],
    ['foo\u180ebar', 0, 'Foo_bar'],
    ['foo\u200ebar', 0, 'Foobar'],
    ['\u202afoo\u202e', 0, 'Foo'],
    ['foo\u200bbar', 0, 'Foo\u200bbar'],
    ['File:foo.png', 6, 'Foo.png'],
    ['file:foo.png', 6, 'Foo.png'],
    ['FILE : foo.png', 6, 'Foo.png'],
    ['Image:foo.png', 6, 'Foo.png'],
    ['image talk:foo', 7, 'Foo'],
    ['Project:Foo', NS_PROJECT, 'Foo'],
    ['refwiki:Foo', NS_PROJECT, 'Foo'],
    ['RefWiki_talk:Foo', 5, 'Foo'],
    ['project talk:foo', 5, 'Foo'],
    ['Special:upload', NS_SPECIAL, 'Upload'],
    ['Media:x.png', -2, 'X.png'],
    [':Foo', 0, 'Foo'],
    [':File:Foo', 6, 'Foo'],
    ['Nope:foo', 0, 'Nope:foo'],
    ['Talk:Foo:Bar', 1, 'Foo:Bar'],
    ['a%zz', 0, 'A%zz'],
    ['100%', 0, '100%'],
    ['a & b', 0, 'A_&_b'],
    ['a&amp;b', 0, 'A&b'],
    ['a&eacute;b', 0, 'Aéb'],
    ['&#x1F600;x', 0, '😀x'],
    ['e&#x301;x', 0, 'Éx'],
    ['.a', 0, '.a'],
    ['a..b', 0, 'A..b'],
    ['a/.b', 0, 'A/.b'],
    ['...', 0, '...'],
    ['a~~b', 0, 'A~~b'],
    ['ärger', 0, 'Ärger'],
    ['ıstanbul', 0, 'Istanbul'],
    ['istanbul', 0, 'Istanbul'],
    ['ßtraße', 0, 'SStraße'],
    ['ǆemal', 0, 'Ǆemal'],
    ['\u0390x', 0, '\u0399\u0308\u0301x'],
    ['ςx', 0, 'Σx'],
    ['µx', 0, 'Μx'],
    ['ﬁle', 0, 'FIle'],
    ['𐐨x', 0, '𐐀x'],
    ['ɤx', 0, 'ɤx'],
    ['`x', 0, '`x'],
    ['User:127.000.0.01', NS_USER, '127.0.0.1'],
    ['User:::1', NS_USER, '0:0:0:0:0:0:0:1'],
    ['User:fe80::', NS_USER, 'FE80:0:0:0:0:0:0:0'],
    ['User:2001:db8::/32', NS_USER, '2001:DB8:0:0:0:0:0:0/32'],
    ['User:abcd:0001::0f', NS_USER, 'ABCD:1:0:0:0:0:0:F'],
    ['User:::/64', NS_USER, '0:0:0:0:0:0:0:/64'],
    ['User:1::ffff:1.2.3.4', NS_USER, '1::ffff:1.2.3.4'],
    ['User:fe80::1%eth0', NS_USER, 'Fe80::1%eth0'],
    ['User:010.0.0.1', NS_USER, '10.0.0.1'],
    ['User:1.2.3', NS_USER, '1.2.3'],
    ['a'.repeat(255), 0, `A${'a'.repeat(254)}`],
    ['é'.repeat(127), 0, `É${'é'.repeat(126)}`],
    [`Special:${'a'.repeat(512)}`, NS_SPECIAL, `A${'a'.repeat(511)}`],
    [`Talk:${'a'.repeat(255)}`, 1, `A${'a'.repeat(254)}`],
  ];
  for (const [input, ns, dbKey] of cases) {
    it(`${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)} → ${ns}:${dbKey.slice(0, 40)}`, () => {
      const t = refwiki.newFromTextThrow(input);
      assert.equal(t.ns, ns);
      assert.equal(t.dbKey, dbKey);
    });
  }

  const invalid: [string, string, string?][] = [
    // [input, key, matched characters]
    ['', 'title-invalid-empty'],
    ['   ', 'title-invalid-empty'],
    ['File:', 'title-invalid-empty'],
    ['Talk: ', 'title-invalid-empty'],
    ['\u200f', 'title-invalid-empty'],
    ['a<b', 'title-invalid-characters', '<'],
    ['a>b', 'title-invalid-characters', '>'],
    ['a[b]', 'title-invalid-characters', '['],
    ['a{b}', 'title-invalid-characters', '{'],
    ['a|b', 'title-invalid-characters', '|'],
    ['a\tb', 'title-invalid-characters', '\t'],
    ['a\u0007b', 'title-invalid-characters', '\u0007'],
    ['a\u007fb', 'title-invalid-characters', '\u007f'],
    ['%2F', 'title-invalid-characters', '%2F'],
    ['a%2fb', 'title-invalid-characters', '%2f'],
    ['a&lt;b', 'title-invalid-characters', '<'],
    ['a&foo;b', 'title-invalid-characters', '&foo;'],
    ['a&b;c', 'title-invalid-characters', '&b;'],
    ['a\ufffdb', 'title-invalid-utf8'],
    ['a\ud800b', 'title-invalid-utf8'],
    ['x\udc00', 'title-invalid-utf8'],
    ['a&#0;b', 'title-invalid-utf8'],
    ['a&#x7f;b', 'title-invalid-utf8'],
    ['.', 'title-invalid-relative'],
    ['..', 'title-invalid-relative'],
    ['./a', 'title-invalid-relative'],
    ['../a', 'title-invalid-relative'],
    ['a/./b', 'title-invalid-relative'],
    ['a/../b', 'title-invalid-relative'],
    ['a/.', 'title-invalid-relative'],
    ['a/..', 'title-invalid-relative'],
    ['~~~', 'title-invalid-magic-tilde'],
    ['a~~~~b', 'title-invalid-magic-tilde'],
    ['::Foo', 'title-invalid-leading-colon'],
    ['Talk::x', 'title-invalid-leading-colon'],
    ['Talk:File:Foo', 'title-invalid-talk-namespace'],
    ['Talk:wikipedia:Foo', 'title-invalid-talk-namespace'],
    ['a'.repeat(256), 'title-invalid-too-long'],
    ['é'.repeat(128), 'title-invalid-too-long'],
    [`Special:${'a'.repeat(513)}`, 'title-invalid-too-long'],
    ['Talk:a_\n', 'title-invalid'],
  ];
  for (const [input, key, chars] of invalid) {
    it(`${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)} is invalid: ${key}`, () => {
      const e = titleError(input, NS_MAIN, refwiki);
      assert.equal(e?.key, key);
      if (chars !== undefined) assert.deepEqual(e.params, [chars]);
      assert.equal(refwiki.newFromText(input), null);
    });
  }

  it('reports the byte limit in too-long errors (255, or 512 for special pages)', () => {
    assert.deepEqual(titleError('a'.repeat(256))?.params, [255]);
    assert.equal(
      titleError('a'.repeat(256))?.reason,
      'The requested page title is too long. It must be no longer than 255 bytes in UTF-8 encoding.',
    );
    assert.deepEqual(titleError(`Special:${'a'.repeat(513)}`)?.params, [512]);
  });

  it('gives the reasons MediaWiki prints (invalidreason)', () => {
    assert.equal(titleError('a<b')?.reason, 'The requested page title contains invalid characters: "<".');
    assert.equal(
      titleError('~~~')?.reason,
      'The requested page title contains invalid magic tilde sequence (~~~).',
    );
    assert.equal(
      titleError('')?.reason,
      'The requested page title is empty or contains only the name of a namespace.',
    );
    assert.equal(titleError('Foo'), null);
  });

  it('shows an unknown reference in the reason as an HTML text tokenizer does', () => {
    // Only the few legacy names decode without their semicolon; other known names never match a prefix.
    const reason = (t: string) => titleError(t)?.reason;
    assert.equal(reason('a&notit;b'), 'The requested page title contains invalid characters: "¬it;".');
    assert.equal(reason('a&acy1;b'), 'The requested page title contains invalid characters: "&acy1;".');
    assert.equal(reason('a&bepsix;b'), 'The requested page title contains invalid characters: "&bepsix;".');
  });

  it('accepts a bare fragment as an empty main-namespace title', () => {
    const t = refwiki.newFromTextThrow('#frag');
    assert.equal(t.ns, NS_MAIN);
    assert.equal(t.dbKey, '');
    assert.equal(t.fragment, 'frag');
    assert.equal(titleError('#frag', NS_FILE)?.key, 'title-invalid-empty');
  });

  it('splits off fragments and keeps interwiki titles un-capitalised', () => {
    const t = refwiki.newFromTextThrow('foo_bar#Some_section');
    assert.equal(t.dbKey, 'Foo_bar');
    assert.equal(t.fragment, 'Some section');
    assert.equal(t.fullText, 'Foo bar#Some section');
    const iw = refwiki.newFromTextThrow('Wikipedia:foo bar');
    assert.equal(iw.interwiki, 'wikipedia');
    assert.equal(iw.dbKey, 'foo_bar');
    assert.equal(iw.prefixedText, 'wikipedia:foo bar');
    assert.ok(iw.isExternal);
    const noIw = new TitleParser({ interwikiPrefixes: [] }).newFromTextThrow('wikipedia:foo');
    assert.equal(noIw.interwiki, '');
    assert.equal(noIw.dbKey, 'Wikipedia:foo');
  });

  it('drops a trailing newline after a namespace prefix, as PCRE does', () => {
    assert.equal(refwiki.newFromTextThrow('File:a\n').prefixedDbKey, 'File:A');
    assert.equal(titleError('Foo\n')?.key, 'title-invalid-characters');
  });

  it('makeTitleSafe does not decode entities, newFromText does', () => {
    assert.equal(refwiki.newFromText('a&amp;b')?.dbKey, 'A&b');
    assert.equal(refwiki.makeTitleSafe(NS_FILE, 'a&amp;b'), null);
    assert.equal(refwiki.makeTitleSafe(NS_FILE, 'Talk:x')?.dbKey, 'Talk:x');
    assert.equal(refwiki.makeTitleSafe(NS_FILE, 'x#y')?.dbKey, 'X');
    assert.equal(refwiki.makeTitleSafe(NS_MAIN, 'File:x')?.ns, NS_FILE);
    assert.equal(refwiki.makeTitleSafe(99, 'x'), null);
    assert.throws(() => refwiki.makeTitleSafeError(99, 'x'), RangeError);
  });
});

describe('Title objects', () => {
  it('expose text, DB key and prefixed forms', () => {
    const t = refwiki.newFromTextThrow('user talk:some_body');
    assert.equal(t.ns, 3);
    assert.equal(t.dbKey, 'Some_body');
    assert.equal(t.text, 'Some body');
    assert.equal(t.nsText, 'User talk');
    assert.equal(t.prefixedText, 'User talk:Some body');
    assert.equal(t.prefixedDbKey, 'User_talk:Some_body');
    assert.equal(String(t), 'User talk:Some body');
    assert.deepEqual(JSON.parse(JSON.stringify(t)), {
      ns: 3,
      dbKey: 'Some_body',
      fragment: '',
      interwiki: '',
      title: 'User talk:Some body',
    });
    const p = refwiki.newFromTextThrow('Project talk:x');
    assert.equal(p.prefixedText, 'RefWiki talk:X');
    assert.equal(refwiki.newFromTextThrow('Main page').nsText, '');
  });

  it('compare by namespace, DB key and interwiki', () => {
    const a = refwiki.newFromTextThrow('File:a b.png');
    assert.ok(a.equals(refwiki.newFromTextThrow('Image:A_b.png#x')));
    assert.ok(!a.equals(refwiki.newFromTextThrow('File talk:A b.png')));
    assert.ok(!a.equals(refwiki.newFromTextThrow('A b.png')));
  });

  it('static helpers use the default parser (site name "MediaWiki")', () => {
    assert.equal(Title.newFromText('project:x')?.prefixedText, 'MediaWiki:X');
    assert.equal(Title.newFromText('mediawiki:x')?.ns, 8);
    assert.equal(Title.makeTitleSafe(NS_FILE, 'x y.png')?.prefixedDbKey, 'File:X_y.png');
    assert.equal(Title.newFromText(''), null);
    assert.throws(() => Title.newFromTextThrow('a<b'), TitleError);
    const raw = Title.makeTitle(NS_FILE, 'whatever_I_say');
    assert.equal(raw.dbKey, 'whatever_I_say');
    assert.equal(raw.parser, defaultTitleParser);
  });

  it('honour $wgCapitalLinks = false (except the always-capitalised namespaces)', () => {
    const lower = new TitleParser({ capitalLinks: false });
    assert.equal(lower.newFromTextThrow('foo').dbKey, 'foo');
    assert.equal(lower.newFromTextThrow('File:foo.png').dbKey, 'foo.png');
    assert.equal(lower.newFromTextThrow('User:foo').dbKey, 'Foo');
    assert.equal(lower.newFromTextThrow('Special:foo').dbKey, 'Foo');
    assert.equal(lower.newFromTextThrow('MediaWiki talk:foo').dbKey, 'Foo');
    const over = new TitleParser({ capitalLinks: false, capitalLinkOverrides: { [NS_FILE]: true } });
    assert.equal(over.newFromTextThrow('File talk:foo').dbKey, 'Foo');
    assert.equal(over.newFromTextThrow('Media:foo').dbKey, 'Foo');
  });

  it('honour $wgOverrideUcfirstCharacters', () => {
    const geo = new TitleParser({ ucfirstOverrides: { ა: 'ა' } });
    assert.equal(geo.newFromTextThrow('აბ').dbKey, 'აბ');
    assert.equal(refwiki.newFromTextThrow('აბ').dbKey, 'Აბ');
  });
});

describe('character references and text clean-up', () => {
  it('decodes named, decimal and hexadecimal references', () => {
    assert.equal(
      decodeCharReferences('&amp;&lt;&eacute;&#65;&#x42;&NotEqualTilde;&rlm;&רלמ;'),
      '&<éAB≂̸\u200f\u200f',
    );
    assert.equal(decodeCharReferences('&nosuch; & &#; &aacute'), '&nosuch; & &#; &aacute');
    assert.equal(decodeCharReferences('&notit; &acy1; &alpha1; &ampx;'), '&notit; &acy1; &alpha1; &ampx;');
    assert.equal(
      decodeCharReferences('&#0;&#x110000;&#xD800;&#127;&#9;&#10;&#13;'),
      '\ufffd\ufffd\ufffd\ufffd\t\n\ufffd',
    );
  });

  it('cleans text up like UtfNormal (NFC, forbidden characters → U+FFFD)', () => {
    assert.equal(cleanUpText('a\u0007b\ufffec\u007fd\t\n\r'), 'a\ufffdb\ufffdc\u007fd\t\n\r');
    assert.equal(cleanUpText('e\u0301\u212b'), 'é\u00c5');
    assert.equal(cleanUpText('x\ud800'), 'x\ufffd');
    // only text that had references is normalised
    assert.equal(decodeCharReferencesAndNormalize('e\u0301'), 'e\u0301');
    assert.equal(decodeCharReferencesAndNormalize('e\u0301&'), 'é&');
  });
});

describe('API helpers', () => {
  it('builds the invalidtitle error', () => {
    const e = invalidTitleError('a<b>');
    assert.ok(e instanceof MwError);
    assert.equal(e.code, 'invalidtitle');
    assert.equal(e.info, 'Bad title "a<b>".');
  });

  it('prints $wgLegalTitleChars as siteinfo does', () => {
    assert.equal(LEGAL_TITLE_CHARS, ' %!"$&\'()*,\\-.\\/0-9:;=?@A-Z\\\\^_`a-z~\\x80-\\xFF+');
  });
});
