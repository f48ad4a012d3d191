/**
 * The browser bundle (dist/mwup.browser.js, one ES module built by `npm run build`) holds the whole
 * isomorphic client without Node built-ins, and uploads with nothing but fetch, Blob and FormData.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { pngOfSize, sha1Hex } from './fixtures.js';
import { uniqueName, useWiki } from './helpers.js';

const BUNDLE = new URL('../../dist/mwup.browser.js', import.meta.url);

describe('the browser bundle', () => {
  const ctx = useWiki();

  it('imports no Node built-ins and nothing outside itself', async () => {
    const text = await readFile(BUNDLE, 'utf8');
    assert.doesNotMatch(text, /^\s*(import|export)\b[^;]*?\bfrom\s*["']/m, 'no import statements left');
    assert.doesNotMatch(text, /\brequire\(|["']node:/, 'no Node built-ins');
  });

  it('uploads a Blob in chunks and reads the result back', async () => {
    const { MwClient } = (await import(BUNDLE.href)) as typeof import('../../src/browser.js');
    const data = pngOfSize(300 * 1024);
    const client = new MwClient({
      api: ctx.wiki.api,
      username: ctx.wiki.username,
      password: ctx.wiki.password,
    });
    const name = uniqueName('Bundle');
    const r = await client.upload(new Blob([new Uint8Array(data)]), {
      filename: name,
      chunkSize: 100 * 1024,
      comment: 'from the bundle',
    });
    assert.equal(r.result, 'Success');
    assert.equal(r.imageinfo?.sha1, sha1Hex(data));
  });
});
