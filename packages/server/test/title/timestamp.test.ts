import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isMwTimestamp,
  mwTimestampNow,
  mwTimestampToMillis,
  toIsoTimestamp,
  toMwTimestamp,
} from '../../src/util/timestamp.js';

describe('MediaWiki timestamps', () => {
  it('converts ISO 8601 ↔ 14 digits', () => {
    assert.equal(toMwTimestamp('2026-11-25T04:09:30Z'), '20261125040930');
    assert.equal(toMwTimestamp('2026-11-25T04:09:30.999Z'), '20261125040930');
    assert.equal(toMwTimestamp('2026-11-25 04:09:30'), '20261125040930');
    assert.equal(toMwTimestamp('2026-11-25T06:09:30+02:00'), '20261125040930');
    assert.equal(toMwTimestamp('2026-11-25T00:09:30-0400'), '20261125040930');
    assert.equal(toMwTimestamp('20261125040930'), '20261125040930');
    assert.equal(toIsoTimestamp('20261125040930'), '2026-11-25T04:09:30Z');
    assert.equal(toIsoTimestamp('2026-11-25T06:09:30+02:00'), '2026-11-25T04:09:30Z');
  });

  it('accepts Dates and epoch milliseconds (whole seconds)', () => {
    const ms = Date.UTC(2001, 0, 15, 1, 2, 3, 987);
    assert.equal(toMwTimestamp(ms), '20010115010203');
    assert.equal(toMwTimestamp(new Date(ms)), '20010115010203');
    assert.equal(toIsoTimestamp(ms), '2001-01-15T01:02:03Z');
    assert.equal(mwTimestampToMillis('20010115010203'), ms - 987);
    assert.equal(mwTimestampNow(ms), '20010115010203');
  });

  it('rejects other strings', () => {
    assert.equal(isMwTimestamp('20261125040930'), true);
    assert.equal(isMwTimestamp('2026112504093'), false);
    assert.throws(() => toMwTimestamp('yesterday'), RangeError);
    assert.throws(() => mwTimestampToMillis('2026-11-25'), RangeError);
    assert.throws(() => toMwTimestamp(new Date(Number.NaN)), RangeError);
  });
});
