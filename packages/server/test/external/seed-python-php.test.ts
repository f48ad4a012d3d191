import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sha1 } from '../helpers/files.js';
import { runSample, type SeedEnv, seedEnv } from '../helpers/seed.js';

const SEED = join(import.meta.dirname, '..', 'seed');

describe("the seed's Python (requests) and PHP (curl) samples, changed only in URL, credentials and file", () => {
  let e: SeedEnv;
  beforeEach(async () => {
    e = await seedEnv();
  });
  afterEach(() => e.close());

  it('Python: steps 1–3 (login token, bot-password login, CSRF token) and a direct upload', async () => {
    const out = await runSample('python3', [join(SEED, 'python/upload_file_directly.py')], e.env, e.dir);
    assert.match(out, /'result': 'Success'/);
    assert.equal((await e.server.server.services.files.current('File_1.jpg'))?.sha1, sha1(e.file));
  });

  it('Python: upload from a URL', async () => {
    const out = await runSample('python3', [join(SEED, 'python/upload_file_from_url.py')], e.env, e.dir);
    assert.match(out, /'result': 'Success'/);
    assert.equal((await e.server.server.services.files.current('New_image.jpg'))?.sha1, sha1(e.file));
  });

  it('Python: upload in 5,000-byte chunks, then commit with the filekey', async () => {
    assert.ok(e.file.length > 3 * 5000, 'the file needs several chunks');
    await runSample('python3', [join(SEED, 'python/upload_file_in_chunks.py')], e.env, e.dir);
    const file = await e.server.server.services.files.current('Chunk_test.jpg');
    assert.equal(file?.sha1, sha1(e.file));
    assert.equal(file?.description, 'Upload Testing');
  });

  it('PHP: upload from a URL with curl and a cookie file', async () => {
    const out = await runSample('php', [join(SEED, 'php/upload_file_from_url.php')], e.env, e.dir);
    assert.equal(JSON.parse(out).upload.result, 'Success');
    assert.equal(
      (await e.server.server.services.files.current('Test-Jayprakash12345.jpg'))?.sha1,
      sha1(e.file),
    );
  });
});
