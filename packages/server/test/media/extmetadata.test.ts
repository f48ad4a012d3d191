import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatExtMetadata } from '../../src/media/extmetadata.js';

describe('formatExtMetadata', () => {
  it('gives DateTime and ObjectName from mediawiki-metadata, hidden (upload transcripts)', () => {
    assert.deepEqual(
      formatExtMetadata({ timestamp: '2026-11-25T04:05:06Z', objectName: 'Run-direct upload-a.png' }),
      {
        DateTime: { value: '2026-11-25T04:05:06Z', source: 'mediawiki-metadata', hidden: '' },
        ObjectName: { value: 'Run-direct upload-a', source: 'mediawiki-metadata', hidden: '' },
      },
    );
  });

  it('accepts 14-digit timestamps and stash names, and strips only the last extension', () => {
    const m = formatExtMetadata({
      timestamp: '20261125040930',
      objectName: '20261125040930!chunkedupload 2abcf69fa651.png',
    });
    assert.equal(m.DateTime?.value, '2026-11-25T04:09:30Z');
    assert.equal(m.ObjectName?.value, '20261125040930!chunkedupload 2abcf69fa651');
    assert.equal(
      formatExtMetadata({ timestamp: '20260101000000', objectName: 'A.tar.gz' }).ObjectName?.value,
      'A.tar',
    );
    assert.equal(
      formatExtMetadata({ timestamp: '20260101000000', objectName: '.hidden' }).ObjectName?.value,
      '.hidden',
    );
    assert.equal(
      formatExtMetadata({ timestamp: '20260101000000', objectName: 'NoExt' }).ObjectName?.value,
      'NoExt',
    );
    assert.deepEqual(Object.keys(formatExtMetadata({ timestamp: '20260101000000' })), ['DateTime']);
  });
});
