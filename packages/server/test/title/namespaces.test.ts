import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Namespaces,
  NS_FILE,
  NS_FILE_TALK,
  NS_MEDIAWIKI,
  NS_PROJECT,
  NS_PROJECT_TALK,
  NS_SPECIAL,
  NS_USER_TALK,
  siteinfoNamespaceAliases,
  siteinfoNamespaces,
} from '../../src/title/namespaces.js';
import { recorded } from './fixture.js';

describe('siteinfo namespaces', () => {
  const ns = new Namespaces({ siteName: recorded.siteName });

  it('formatversion=1 matches MediaWiki exactly, key order included', () => {
    const mine = siteinfoNamespaces(ns, 1);
    assert.equal(JSON.stringify(mine), JSON.stringify(recorded.siteinfo.fv1.namespaces));
  });

  it('formatversion=2 matches MediaWiki exactly, key order included', () => {
    const mine = siteinfoNamespaces(ns, 2);
    assert.equal(JSON.stringify(mine), JSON.stringify(recorded.siteinfo.fv2.namespaces));
  });

  it('namespacealiases in both format versions', () => {
    assert.equal(
      JSON.stringify(siteinfoNamespaceAliases(ns, 1)),
      JSON.stringify(recorded.siteinfo.fv1.namespacealiases),
    );
    assert.equal(
      JSON.stringify(siteinfoNamespaceAliases(ns, 2)),
      JSON.stringify(recorded.siteinfo.fv2.namespacealiases),
    );
  });

  it('marks namespaces case-sensitive when $wgCapitalLinks is off', () => {
    const info = siteinfoNamespaces(new Namespaces({ capitalLinks: false }), 2);
    assert.equal(info['0']!.case, 'case-sensitive');
    assert.equal(info['6']!.case, 'case-sensitive');
    assert.equal(info['2']!.case, 'first-letter');
    assert.equal(info['-1']!.case, 'first-letter');
    assert.equal(info['8']!.case, 'first-letter');
  });
});

describe('Namespaces', () => {
  const ns = new Namespaces({ siteName: 'RefWiki' });

  const lookups: [string, number | undefined][] = [
    ['File', NS_FILE],
    ['file', NS_FILE],
    ['FILE', NS_FILE],
    ['Image', NS_FILE],
    ['image_talk', NS_FILE_TALK],
    ['Image talk', NS_FILE_TALK],
    ['File talk', NS_FILE_TALK],
    ['RefWiki', NS_PROJECT],
    ['refwiki', NS_PROJECT],
    ['RefWiki_talk', NS_PROJECT_TALK],
    ['Project', NS_PROJECT],
    ['project talk', NS_PROJECT_TALK],
    ['User talk', NS_USER_TALK],
    ['Special', NS_SPECIAL],
    ['MediaWiki', NS_MEDIAWIKI],
    ['Main', undefined],
    ['', undefined],
    ['Files', undefined],
  ];
  for (const [name, id] of lookups) {
    it(`${JSON.stringify(name)} → ${id}`, () => assert.equal(ns.index(name), id));
  }

  it('knows the English names and the project namespace named after the site', () => {
    assert.deepEqual(ns.ids, [-2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    assert.equal(ns.name(NS_PROJECT), 'RefWiki');
    assert.equal(ns.name(NS_PROJECT_TALK), 'RefWiki_talk');
    assert.equal(ns.text(NS_USER_TALK), 'User talk');
    assert.equal(ns.canonicalName(NS_PROJECT), 'Project');
    assert.equal(ns.text(0), '');
    assert.equal(ns.text(99), undefined);
    assert.equal(ns.exists(15), true);
    assert.equal(ns.exists(16), false);
    const spaced = new Namespaces({ siteName: 'My Wiki' });
    assert.equal(spaced.name(NS_PROJECT), 'My_Wiki');
    assert.equal(spaced.text(NS_PROJECT_TALK), 'My Wiki talk');
    assert.equal(spaced.index('my wiki talk'), NS_PROJECT_TALK);
    const meta = new Namespaces({
      siteName: 'X',
      metaNamespace: 'Meta',
      metaNamespaceTalk: 'Meta_discussion',
    });
    assert.equal(meta.index('Meta discussion'), NS_PROJECT_TALK);
    assert.equal(meta.index('X'), undefined);
  });

  it('talk and subject namespaces', () => {
    assert.equal(ns.isTalk(7), true);
    assert.equal(ns.isTalk(6), false);
    assert.equal(ns.isTalk(-1), false);
    assert.equal(ns.subject(7), 6);
    assert.equal(ns.talk(6), 7);
    assert.equal(ns.talk(-2), undefined);
  });

  it('extra aliases ($wgNamespaceAliases) are recognised and listed', () => {
    const withAlias = new Namespaces({ namespaceAliases: { WP: NS_PROJECT } });
    assert.equal(withAlias.index('wp'), NS_PROJECT);
    assert.deepEqual(siteinfoNamespaceAliases(withAlias, 2), [
      { id: 4, alias: 'WP' },
      { id: 6, alias: 'Image' },
      { id: 7, alias: 'Image talk' },
    ]);
  });
});
