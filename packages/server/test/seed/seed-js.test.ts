import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sha1 } from '../helpers/files.js';
import { runSample, type SeedEnv, seedEnv } from '../helpers/seed.js';

const JS = join(import.meta.dirname, 'js');

describe("the seed's JavaScript samples (request library), changed only in URL, credentials and file", () => {
  let e: SeedEnv;
  beforeEach(async () => {
    e = await seedEnv();
  });
  afterEach(() => e.close());

  it('upload_file_directly.js uploads the file', async () => {
    const out = await runSample(process.execPath, [join(JS, 'upload_file_directly.cjs')], e.env, e.dir);
    assert.match(out, /File Uploaded :\)/);
    assert.equal((await e.server.server.services.files.current('Sandboxfile1.jpg'))?.sha1, sha1(e.file));
  });

  it('upload_file_in_chunks.js stashes the file, then commits it with its filekey', async () => {
    const out = await runSample(process.execPath, [join(JS, 'upload_file_in_chunks.cjs')], e.env, e.dir);
    assert.equal(out.trim(), 'Success');
    const file = await e.server.server.services.files.current('Sandboxfile1.jpg');
    assert.equal(file?.sha1, sha1(e.file));
    assert.equal(file?.description, 'Upload Testing');
  });

  it('upload_file_from_url.js fetches the file from a URL', async () => {
    const out = await runSample(process.execPath, [join(JS, 'upload_file_from_url.cjs')], e.env, e.dir);
    assert.equal(JSON.parse(out).upload.result, 'Success');
    assert.equal((await e.server.server.services.files.current('Test-ABCD.jpg'))?.sha1, sha1(e.file));
  });
});
