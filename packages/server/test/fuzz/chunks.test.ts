/**
 * Chunked uploads driven by arbitrary step sequences: chunks of any size at the right, a wrong or
 * a made-up offset, announced sizes that change between chunks, file keys of another upload, the
 * same chunk sent twice at once, async assembly and publication. Every answer is below HTTP 500
 * and no internal error; afterwards nothing is stored that no row refers to.
 */
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { pngOfSize } from '../helpers/files.js';
import { embeddedOnly } from '../helpers/server.js';
import { intLike, mostly, multipartBody, type Value } from './arbitraries.js';
import { Fuzz, fuzzOptions, summary } from './harness.js';

const skip = embeddedOnly('reads the local blob directory');

describe('fuzz: chunked upload sequences', { skip }, () => {
  let f: Fuzz;
  let token: string;
  before(async () => {
    // Uploads of up to 5000 bytes: the larger ones run into the limit, at the start or midway.
    f = await Fuzz.start({ uploads: { maxUploadSize: 5000 } });
    token = await f.bot.csrf();
  });
  after(() => f?.close());

  const boundary = 'chunkfuzzboundary';
  /** One action=upload request with a chunk part (multipart), as a client library sends it. */
  const send = (what: string, params: [string, Value][], chunk: Uint8Array | null) => {
    const all: [string, Value][] = [['action', 'upload'], ['format', 'json'], ['token', token], ...params];
    const files = chunk ? [{ field: 'chunk', name: 'blob', data: chunk }] : [];
    return f.fetch(
      what,
      f.api,
      {
        method: 'POST',
        headers: { cookie: f.cookie(), 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: new Uint8Array(multipartBody(boundary, all, files)),
      },
      true,
    );
  };

  const step = fc.record({
    length: fc.oneof(fc.integer({ min: 1024, max: 2048 }), fc.integer({ min: 0, max: 4000 })),
    /** How the offset sent differs from where the upload stands. */
    skew: mostly([0], [-1, 1, -1024, 1024, 999_999]),
    badOffset: fc.oneof({ weight: 15, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: intLike }),
    /** The announced total: the real one, or another. */
    sizeSkew: mostly([0], [-1, 1, 5000, -5000]),
    key: mostly(['this'], ['none', 'other', 'garbage']),
    twice: fc.nat({ max: 9 }).map((n) => n < 2),
    stash: fc.boolean(),
  });

  const plan = fc.record({
    total: fc.integer({ min: 1100, max: 6000 }),
    name: fc.constantFrom('Chunky.png', 'Chunky.jpg', 'Chunky.txt', 'File:Chunk/y.png', ''),
    steps: fc.array(step, { minLength: 1, maxLength: 7 }),
    finish: fc.constantFrom('none', 'publish', 'publish-async', 'status', 'remove-by-publish-twice'),
    ignorewarnings: fc.boolean(),
  });

  it('every sequence is answered, below HTTP 500 and without an internal error', async () => {
    let other = '';
    await fc.assert(
      fc.asyncProperty(plan, async (p) => {
        const file = pngOfSize(p.total);
        let offset = 0;
        let key = '';
        for (const s of p.steps) {
          const at = Math.max(0, offset + s.skew);
          const chunk = file.subarray(at, at + s.length);
          const params: [string, Value][] = [
            ['filename', p.name],
            ['filesize', String(Math.max(0, p.total + s.sizeSkew))],
            ['offset', s.badOffset ?? String(offset + s.skew)],
          ];
          if (s.stash) params.push(['stash', '1']);
          const useKey =
            s.key === 'this' ? key : s.key === 'other' ? other : s.key === 'garbage' ? 'x.y.1.png' : '';
          if (useKey) params.push(['filekey', useKey]);
          const what = `chunk ${JSON.stringify(params)} of ${p.total}`;
          const answers = await Promise.all((s.twice ? [1, 2] : [1]).map(() => send(what, params, chunk)));
          for (const a of answers) {
            const j = JSON.parse(a.text);
            const up = j.upload;
            if (up?.filekey) key = up.filekey;
            if (up?.result === 'Continue' && typeof up.offset === 'number') offset = up.offset;
            // A wrong offset is answered with where the upload stands (badoffset's `offset`).
            if (j.error?.offset !== undefined) offset = Number(j.error.offset);
          }
        }
        if (key) other = key;
        if (!key || p.finish === 'none') return;
        const finish: [string, Value][] = [['filekey', key]];
        if (p.finish === 'status') {
          await send('checkstatus', [...finish, ['checkstatus', '1']], null);
          return;
        }
        finish.push(['filename', 'Chunky result.png']);
        if (p.ignorewarnings) finish.push(['ignorewarnings', '1']);
        if (p.finish === 'publish-async') finish.push(['async', '1']);
        await send('publish', finish, null);
        if (p.finish === 'remove-by-publish-twice') await send('publish again', finish, null);
      }),
      fuzzOptions(40),
    );
  });

  it('afterwards the server answers, with no leftovers and bounded memory', async (t) => {
    await f.assertHealthy();
    await f.assertNoLeftovers();
    f.assertMemory();
    t.diagnostic(summary(f));
  });
});
