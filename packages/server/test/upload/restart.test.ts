import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { pngOfSize, sha1 } from '../helpers/files.js';
import { startPartialUpload, waitUntilReceiving } from '../helpers/partial-upload.js';
import { type ServerProcess, spawnServerProcess } from '../helpers/server.js';

const BOT = { lgname: 'Admin@bot', password: 'restart-bot-password-0123456789ab' };

describe('a chunked upload survives a killed server', () => {
  let srv: ServerProcess;
  before(async () => {
    // A short stash lease: what a killed request held is free again after two seconds, not thirty.
    srv = await spawnServerProcess({ config: { uploads: { stashLeaseSeconds: 2 } } });
    // The bootstrap administrator's bot password, replaced by a known one through the admin CLI.
    const { execFileSync } = await import('node:child_process');
    execFileSync(
      process.execPath,
      [
        new URL('../../dist/admin/cli.js', import.meta.url).pathname,
        'bot-password',
        'Admin',
        'bot',
        '--password',
        BOT.password,
      ],
      {
        env: { ...process.env, MWUP_DATA_DIR: srv.dataDir, MWUP_CONFIG: `${srv.dataDir}/test-config.json` },
      },
    );
  });
  after(() => srv?.dispose());

  it('continues at the reported offset after SIGKILL and a restart; the published SHA-1 equals the file', async () => {
    const data = pngOfSize(256 * 1024);
    const chunk = 64 * 1024;
    let c = new TestClient(srv.api);
    await c.login(BOT.lgname, BOT.password);
    const send = (cl: TestClient, offset: number, filekey?: string) =>
      cl.csrf().then((token) =>
        cl.post(
          {
            action: 'upload',
            stash: 1,
            filename: 'Survivor.png',
            filesize: data.length,
            offset,
            filekey,
            ignorewarnings: 1,
            token,
          },
          { files: { chunk: { data: data.subarray(offset, offset + chunk) } } },
        ),
      );
    const r1 = await send(c, 0);
    const key = r1.json.upload.filekey;
    const r2 = await send(c, chunk, key);
    assert.equal(r2.json.upload.offset, 2 * chunk);

    await srv.kill('SIGKILL');
    await srv.restart();

    // The session cookie still works (sessions are in the database); ask where the upload stands.
    const again = new TestClient(srv.api);
    for (const [k, v] of c.cookies) again.cookies.set(k, v);
    c = again;
    const st = await c.post({ action: 'upload', filekey: key, checkstatus: 1, token: await c.csrf() });
    assert.deepEqual(st.json.upload, { result: 'Continue', stage: 'uploading', offset: 2 * chunk });
    let offset = st.json.upload.offset as number;
    let last = st;
    while (offset < data.length) {
      last = await send(c, offset, key);
      offset = last.json.upload.offset ?? data.length;
    }
    assert.equal(last.json.upload.result, 'Success');
    const pub = await c.post({
      action: 'upload',
      filename: 'Survivor.png',
      filekey: last.json.upload.filekey,
      token: await c.csrf(),
    });
    assert.equal(pub.json.upload.result, 'Success');
    assert.equal(pub.json.upload.imageinfo.sha1, sha1(data));
  });

  it('a chunk cut off by SIGKILL in the middle of its body leaves the upload at the previous offset', async () => {
    const data = pngOfSize(3 * 1024 * 1024);
    const chunk = 1024 * 1024;
    const c = new TestClient(srv.api);
    await c.login(BOT.lgname, BOT.password);
    const token = await c.csrf();
    const first = await c.post(
      {
        action: 'upload',
        stash: 1,
        filename: 'Cut.png',
        filesize: data.length,
        offset: 0,
        ignorewarnings: 1,
        token,
      },
      { files: { chunk: { data: data.subarray(0, chunk) } } },
    );
    const key = first.json.upload.filekey;
    // Second chunk: send the fields and half of the bytes, then kill the server.
    const fields = {
      action: 'upload',
      format: 'json',
      stash: '1',
      filename: 'Cut.png',
      filesize: String(data.length),
      offset: String(chunk),
      filekey: key,
      ignorewarnings: '1',
      token,
    };
    const req = startPartialUpload({
      api: srv.api,
      cookies: c.cookies,
      fields,
      fileField: 'chunk',
      bytes: data.subarray(chunk, chunk + chunk / 2),
    });
    // Kill once the server is appending the chunk: the request holds the entry's lease then.
    await waitUntilReceiving(srv.database, key);
    await srv.kill('SIGKILL');
    req.destroy();
    await srv.restart();
    const c2 = new TestClient(srv.api);
    for (const [k, v] of c.cookies) c2.cookies.set(k, v);
    const st = await c2.post({ action: 'upload', filekey: key, checkstatus: 1, token: await c2.csrf() });
    assert.deepEqual(st.json.upload, { result: 'Continue', stage: 'uploading', offset: chunk });
    let offset = chunk;
    let last = st;
    while (offset < data.length) {
      last = await c2.post(
        {
          action: 'upload',
          stash: 1,
          filename: 'Cut.png',
          filesize: data.length,
          offset,
          filekey: key,
          ignorewarnings: 1,
          token: await c2.csrf(),
        },
        { files: { chunk: { data: data.subarray(offset, offset + chunk) } } },
      );
      offset = last.json.upload.offset ?? data.length;
    }
    assert.equal(last.json.upload.result, 'Success');
    assert.equal(last.json.upload.imageinfo.sha1, sha1(data));
  });
});
