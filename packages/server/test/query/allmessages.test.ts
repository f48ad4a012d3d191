/** meta=allmessages: MediaWiki's English messages by name, range, filter and arguments, as MediaWiki answers. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('meta=allmessages', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s?.close());
  const ask = (q: Record<string, string | number>) =>
    new TestClient(s.api)
      .get({ action: 'query', meta: 'allmessages', ...q })
      .then((r) => r.json.query.allmessages);

  it('answers named messages, normalizing the name and flagging missing ones', async () => {
    assert.deepEqual(await ask({ ammessages: 'Mainpage|nosuchmsg' }), [
      { name: 'Mainpage', normalizedname: 'mainpage', '*': 'Main Page' },
      { name: 'nosuchmsg', normalizedname: 'nosuchmsg', missing: '' },
    ]);
    const [dup] = await ask({ ammessages: 'file-exists-duplicate', amargs: 3, formatversion: 2 });
    assert.equal(dup.content, 'This file is a duplicate of the following {{PLURAL:3|file|files}}:');
    // As MediaWiki 1.39 answers: separators' `&#32;` are spaces; with the parser, plurals chosen.
    const [and] = await ask({ ammessages: 'and', formatversion: 2 });
    assert.equal(and.content, ' and');
    const parsed = await ask({
      ammessages: 'file-exists-duplicate|and',
      amargs: 3,
      amenableparser: 1,
      formatversion: 2,
    });
    assert.deepEqual(
      parsed.map((m: { content: string }) => m.content),
      ['This file is a duplicate of the following files:', ' and'],
    );
  });

  it('lists ranges and filters of all messages, without content when asked', async () => {
    const names = (
      await ask({ amfrom: 'upload', amto: 'uploadb', amprefix: 'upload', formatversion: 2 })
    ).map((m: { name: string }) => m.name);
    assert.ok(
      names.includes('upload') &&
        names.includes('uploadbtn') === false &&
        names.every((n: string) => n.startsWith('upload')),
    );
    const stash = await ask({ amfilter: 'stash-', amnocontent: 1, formatversion: 2 });
    assert.ok(
      stash.length > 5 &&
        stash.every(
          (m: { name: string; content?: string }) => m.name.includes('stash-') && m.content === undefined,
        ),
    );
    assert.deepEqual(await ask({ ammessages: 'mainpage', amcustomised: 'modified' }), []);
  });

  it("lists all of MediaWiki 1.39's messages: core, exif, the API's, ParamValidator's, REST's, OOUI's and the skins'", async () => {
    const all = await ask({ amnocontent: 1, formatversion: 2 });
    assert.equal(all.length, 7055);
    const answered = await ask({
      ammessages:
        'apihelp-upload-summary|exif-imagewidth|paramvalidator-help-type-user|rest-nonexistent-title|ooui-dialog-message-accept|vector-action-addsection|timeless-more',
      formatversion: 2,
    });
    assert.deepEqual(
      answered.map((m: { content?: string }) => m.content),
      [
        'Upload a file, or get the status of pending uploads.',
        'Width',
        'Type: {{PLURAL:$1|1=user|2=list of users}}, {{PLURAL:$3|by|by any of}} $2',
        'The specified title ($1) does not exist',
        'OK',
        'Add topic',
        'More',
      ],
    );
  });
});
