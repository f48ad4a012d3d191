/**
 * action=upload with arbitrary combinations of its parameters, sent by GET, urlencoded POST and
 * multipart POST, with and without a session, file and chunk parts: every request gets an answer
 * below HTTP 500 that is no internal error; afterwards the server answers, and storage holds nothing
 * but files, stash entries the client was told about, and their thumbnails.
 */
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { png } from '../helpers/files.js';
import { embeddedOnly } from '../helpers/server.js';
import {
  boolLike,
  bytes,
  carrier,
  extraParams,
  type FilePart,
  fileName,
  intLike,
  mostly,
  outputParams,
  type RequestShape,
  rawBytes,
  toFetch,
  type Value,
  weirdText,
} from './arbitraries.js';
import { Fuzz, fuzzOptions, summary } from './harness.js';

const skip = embeddedOnly('reads the local blob directory');

describe('fuzz: action=upload parameters', { skip }, () => {
  let f: Fuzz;
  let token: string;
  /** The URL of a file on this server, to upload again by URL. */
  let sourceUrl = '';
  before(async () => {
    f = await Fuzz.start({
      groupPermissions: { user: { upload_by_url: true } },
      changeTags: [{ name: 'bot-upload', active: true }],
      copyUploads: { timeoutSeconds: 3 },
      // Small limits, so that requests over them are cheap to make.
      maxFieldBytes: 32 * 1024,
      uploads: { maxUploadSize: 64 * 1024 },
    });
    token = await f.bot.csrf();
    const u = await f.bot.upload({ filename: 'Source.png' }, png(5, 5));
    f.check('upload Source.png', { status: u.status, headers: u.headers, text: u.text }, true);
    sourceUrl = u.json.upload.imageinfo.url;
  });
  after(() => f?.close());

  /** A file key: one an answer named (by index), or one made up. */
  const fileKey = fc.oneof(
    { weight: 3, arbitrary: fc.nat().map((n) => ({ told: n })) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom(
          '',
          '1a2b3c4d5e.abcdef.1.png',
          'zzzzzzzzzz.zzzzzz.99.png',
          '../x',
          'a/b',
          'x'.repeat(300),
        ),
        weirdText(16),
      ),
    },
  );

  const partData = fc.oneof(
    { weight: 3, arbitrary: fc.constant('png' as const) },
    { weight: 2, arbitrary: bytes(0, 3000) },
    { weight: 1, arbitrary: fc.integer({ min: 60, max: 80 }).map((k) => new Uint8Array(k * 1024).fill(7)) },
    { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
  );
  interface Part {
    field: string;
    name: string;
    type: string | undefined;
    data: Uint8Array | 'png';
  }
  const part = (field: string): fc.Arbitrary<Part> =>
    fc.record({
      field: fc.constant(field),
      name: fc.oneof(fc.constant('upload.png'), weirdText(12)),
      type: fc.constantFrom(
        undefined,
        'image/png',
        'text/html',
        'multipart/mixed; boundary=x',
        '',
        'x/y; a="',
      ),
      data: partData,
    });

  /** Present in `pct` percent of requests. */
  const sometimes = <T>(a: fc.Arbitrary<T>, pct: number) =>
    fc.oneof({ weight: 100 - pct, arbitrary: fc.constant(undefined) }, { weight: pct, arbitrary: a });

  const url = fc.constantFrom(
    'SOURCE',
    'SOURCE',
    'OWN/healthz',
    'OWN/w/images/none.png',
    'OWN/w/api.php?action=query&format=json',
    'http://127.0.0.1:1/x.png',
    'ftp://127.0.0.1/x.png',
    'http://[::1',
    'javascript:alert(1)',
    'file:///etc/passwd',
    '',
  );

  /** What every kind of upload may carry. */
  const common = fc.record({
    filename: sometimes(
      fc.oneof(
        { weight: 2, arbitrary: fc.nat(30).map((n) => `Param ${n}.png`) },
        { weight: 1, arbitrary: fileName },
      ),
      92,
    ),
    comment: sometimes(
      fc.oneof(
        { weight: 9, arbitrary: weirdText(40) },
        { weight: 1, arbitrary: fc.integer({ min: 30, max: 40 }).map((k) => 'c'.repeat(k * 1024)) },
      ),
      40,
    ),
    text: sometimes(fc.oneof(weirdText(60), fc.constant('[[File:X.png]] {{Information}} ~~~~')), 30),
    tags: sometimes(
      fc.oneof(fc.constantFrom('bot-upload', 'bot-upload|nope', '\u001fbot-upload\u001f'), weirdText(10)),
      15,
    ),
    watchlist: sometimes(mostly(['watch', 'preferences', 'nochange'], ['unwatch', '']), 20),
    watch: sometimes(boolLike, 5),
    ignorewarnings: sometimes(boolLike, 50),
    stash: sometimes(boolLike, 30),
    async: sometimes(boolLike, 15),
    checkstatus: sometimes(boolLike, 6),
  });

  type Src = { params: Record<string, string | { told: number } | undefined>; parts: Part[] };
  /** Where the file comes from: a file part, a chunk, the stash, a URL, or a mix of them. */
  const source: fc.Arbitrary<Src> = fc.oneof(
    { weight: 4, arbitrary: part('file').map((p) => ({ params: {}, parts: [p] })) },
    {
      weight: 4,
      arbitrary: fc
        .record({
          chunk: part('chunk'),
          offset: fc.oneof(
            fc.constant('0'),
            fc.nat({ max: 4 }).map((n) => String(n * 1024)),
            intLike,
          ),
          filesize: fc.oneof(fc.integer({ min: 1024, max: 6000 }).map(String), intLike),
          filekey: sometimes(fileKey, 60),
        })
        .map(({ chunk, ...params }) => ({ params, parts: [chunk] })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom('filekey', 'filekey', 'sessionkey'), fileKey)
        .map(([k, v]) => ({ params: { [k]: v }, parts: [] })),
    },
    { weight: 1, arbitrary: url.map((u) => ({ params: { url: u }, parts: [] })) },
    {
      weight: 2,
      arbitrary: fc
        .record({
          filesize: sometimes(intLike, 30),
          offset: sometimes(intLike, 30),
          filekey: sometimes(fileKey, 30),
          sessionkey: sometimes(fileKey, 10),
          url: sometimes(url, 20),
          file: sometimes(part('file'), 40),
          chunk: sometimes(part('chunk'), 30),
        })
        .map(({ file, chunk, ...params }) => ({
          params,
          parts: [file, chunk].filter((x) => x !== undefined),
        })),
    },
  );

  const request = fc.record({
    who: mostly(['bot'], ['anon'], 2),
    token: mostly(['valid'], ['anon', 'garbage', 'missing', 'bytes']),
    garbageToken: rawBytes,
    action: mostly(['upload'], ['UPLOAD', 'upload ']),
    common,
    source,
    output: outputParams,
    extra: sometimes(extraParams, 15),
    carrier,
    queryMask: fc.oneof(
      { weight: 4, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.nat({ max: 0xffff }) },
    ),
    more: sometimes(fc.array(part('extra'), { minLength: 1, maxLength: 2 }), 10),
    order: fc.boolean(),
  });

  it('every combination is answered, below HTTP 500 and without an internal error', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const told = [...f.toldKeys];
        const params: [string, Value][] = [['action', r.action]];
        const given: Record<string, string | { told: number } | undefined> = {
          ...r.common,
          ...r.source.params,
        };
        for (const [k, v] of Object.entries(given)) {
          if (v === undefined) continue;
          if (typeof v === 'object')
            params.push([k, told.length ? told[v.told % told.length]! : '1a2b3c4d5e.abcdef.1.png']);
          else if (v === 'SOURCE') params.push([k, sourceUrl]);
          else params.push([k, v.startsWith('OWN/') ? f.origin + v.slice(3) : v]);
        }
        for (const [k, v] of Object.entries(r.output)) if (v !== undefined) params.push([k, v]);
        for (const [k, v] of Object.entries(r.extra ?? {})) params.push([k, v]);
        if (r.token === 'valid') params.push(['token', token]);
        else if (r.token === 'anon') params.push(['token', '+\\']);
        else if (r.token === 'garbage') params.push(['token', `${token.slice(0, 10)}x+\\`]);
        else if (r.token === 'bytes') params.push(['token', r.garbageToken]);
        if (r.order) params.reverse();
        const files: FilePart[] = [
          ...r.source.parts,
          ...(r.more ?? []).map((m, i) => ({ ...m, field: `extra${i}` })),
        ].map((p) => ({ ...p, data: p.data === 'png' ? png(3, 3) : p.data }));
        const shape: RequestShape = { carrier: r.carrier, params, queryMask: r.queryMask, files };
        const { url, init } = toFetch(f.api, shape, r.who === 'bot' ? f.cookie() : undefined);
        await f.fetch(
          `upload ${JSON.stringify(shape.params).slice(0, 600)} via ${r.carrier}`,
          url,
          init,
          true,
        );
      }),
      fuzzOptions(300),
    );
  });

  it('afterwards the server answers, with no leftovers and bounded memory', async (t) => {
    t.diagnostic(summary(f));
    await f.assertHealthy();
    await f.assertNoLeftovers();
    f.assertMemory();
  });
});
