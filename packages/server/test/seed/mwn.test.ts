import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Mwn } from 'mwn';
import { sha1 } from '../helpers/files.js';
import { type SeedEnv, seedEnv } from '../helpers/seed.js';

describe('mwn (a third-party client from npm) against the server', () => {
  let e: SeedEnv;
  before(async () => {
    e = await seedEnv();
  });
  after(() => e.close());

  it('logs in with a bot password, reads tokens and uploads a file with upload()', async () => {
    const bot = await Mwn.init({
      apiUrl: e.env.MW_API!,
      username: e.env.MW_USER!,
      password: e.env.MW_PASSWORD!,
      userAgent: 'mwup-tests (mwn)',
      silent: true,
    });
    await bot.getTokens();
    assert.match(bot.csrfToken, /^[0-9a-f]{40}\+\\$/);
    const path = join(e.dir, 'mwn.jpg');
    await writeFile(path, e.file);
    const r = await bot.upload(path, 'Mwn upload.jpg', 'Uploaded by mwn', { comment: 'mwn test' });
    assert.equal(r.result, 'Success');
    const file = await e.server.server.services.files.current('Mwn_upload.jpg');
    assert.equal(file?.sha1, sha1(e.file));
    const user = await bot.userinfo({ uiprop: 'rights' });
    assert.ok((user.rights as string[]).includes('upload'));
  });
});
