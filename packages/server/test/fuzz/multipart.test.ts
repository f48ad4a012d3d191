/**
 * Multipart framing over a raw socket, where fetch cannot send it: broken, missing and mismatched
 * boundaries, LF-only or missing line ends, bodies cut short or running past their Content-Length,
 * broken chunked framing, huge headers, many parts, nested multipart parts, repeated file fields,
 * garbage. Every request that is valid HTTP gets an answer below 500 that is no internal error; only
 * a body the client cuts short of its Content-Length or broken chunked framing may instead see the
 * connection closed. Afterwards nothing is left in storage.
 */
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { png } from '../helpers/files.js';
import { embeddedOnly } from '../helpers/server.js';
import { bytes, weirdText } from './arbitraries.js';
import { Fuzz, fuzzOptions, rawRequest, summary } from './harness.js';

const skip = embeddedOnly('reads the local blob directory');

const BOUNDARY = '----fuzzBoundary0123';

/** One part: its header lines and content, before any mutation. */
interface Part {
  headers: string[];
  content: Buffer;
}

const field = (name: string, value: string): Part => ({
  headers: [`Content-Disposition: form-data; name="${name}"`],
  content: Buffer.from(value),
});

const body = (parts: Part[], boundary = BOUNDARY): Buffer =>
  Buffer.concat([
    ...parts.flatMap((p) => [
      Buffer.from(`--${boundary}\r\n${p.headers.map((h) => `${h}\r\n`).join('')}\r\n`),
      p.content,
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);

/** A file part's header variants. */
const fileHeaders = fc.constantFrom(
  (n: string) => [
    `Content-Disposition: form-data; name="${n}"; filename="Raw.png"`,
    'Content-Type: image/png',
  ],
  (n: string) => [`Content-Disposition: form-data; name="${n}"; filename=""`],
  (n: string) => [`Content-Disposition: form-data; name="${n}"; filename*=UTF-8''R%C3%A4w.png`],
  (n: string) => [`content-disposition:form-data;name=${n};filename=a.png`],
  (n: string) => [`Content-Disposition: attachment; name="${n}"; filename="a.png"`],
  (n: string) => [
    `Content-Disposition: form-data; name="${n}"; filename="a.png"`,
    'Content-Transfer-Encoding: base64',
  ],
  (n: string) => [
    `Content-Disposition: form-data; name="${n}"; filename="a.png"`,
    `X-Big: ${'h'.repeat(100_000)}`,
  ],
  (n: string) => [`Content-Disposition: form-data; name="${n}"; filename="a.png"`, 'no colon in this line'],
  (n: string) => [`Content-Disposition: form-data; name="${n}"; filename="a.png`],
  () => ['Content-Type: image/png'],
  (n: string) => [
    `Content-Disposition: form-data; name="${n}"; filename="n.bin"`,
    'Content-Type: multipart/mixed; boundary=inner',
  ],
);

/** The content of a file part: a PNG, bytes, or a multipart body of its own. */
const fileContent = fc.oneof(
  { weight: 4, arbitrary: fc.constant('png') },
  { weight: 2, arbitrary: bytes(0, 2000) },
  {
    weight: 1,
    arbitrary: fc.constant('nested'),
  },
);

const parts = fc.record({
  token: fc.constantFrom('valid', 'valid', 'none'),
  filename: fc.oneof(fc.constantFrom('Raw.png', 'Raw 2.png', 'File:Raw.png'), weirdText(10)),
  extraFields: fc.array(fc.tuple(weirdText(6), weirdText(12)), { maxLength: 3 }),
  files: fc.array(
    fc.record({
      name: fc.constantFrom('file', 'file', 'chunk', 'other'),
      headers: fileHeaders,
      content: fileContent,
    }),
    {
      maxLength: 3,
    },
  ),
  many: fc.constantFrom('none', 'none', 'none', 'none', 'fields', 'files'),
  stash: fc.boolean(),
});

/** Byte-level changes to a body. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('lf-only' as const) }),
  fc.record({ kind: fc.constant('lf-some' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('drop-crlf' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dup-crlf' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('no-closing' as const) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    data: bytes(1, 64),
  }),
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    bit: fc.nat(7),
  }),
  fc.record({
    kind: fc.constant('boundary' as const),
    to: fc.constantFrom('', '--', 'other', `${BOUNDARY}x`, '-'.repeat(200)),
  }),
  fc.record({ kind: fc.constant('garbage' as const), data: bytes(0, 4000) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

const CRLF = Buffer.from('\r\n');
function crlfs(b: Buffer): number[] {
  const out: number[] = [];
  for (let i = b.indexOf(CRLF); i >= 0; i = b.indexOf(CRLF, i + 2)) out.push(i);
  return out;
}

function mutate(b: Buffer, m: Mutation): Buffer {
  const pos = (at: number) => Math.min(b.length, Math.floor(at * b.length));
  const all = crlfs(b);
  switch (m.kind) {
    case 'lf-only':
      return Buffer.from(b.toString('latin1').replaceAll('\r\n', '\n'), 'latin1');
    case 'lf-some': {
      let n = m.seed;
      return Buffer.from(
        b.toString('latin1').replace(/\r\n/g, () => {
          n = (n * 1103515245 + 12345) % 2147483648;
          return n % 3 === 0 ? '\n' : '\r\n';
        }),
        'latin1',
      );
    }
    case 'drop-crlf':
    case 'dup-crlf': {
      if (!all.length) return b;
      const i = all[m.at % all.length]!;
      const rest = m.kind === 'drop-crlf' ? b.subarray(i + 2) : b.subarray(i);
      return Buffer.concat([b.subarray(0, i), m.kind === 'dup-crlf' ? CRLF : Buffer.alloc(0), rest]);
    }
    case 'no-closing':
      return b.subarray(0, b.lastIndexOf(`--${BOUNDARY}--`));
    case 'cut':
      return b.subarray(0, pos(m.at));
    case 'insert':
      return Buffer.concat([b.subarray(0, pos(m.at)), m.data, b.subarray(pos(m.at))]);
    case 'flip': {
      const c = Buffer.from(b);
      if (c.length) c[Math.min(c.length - 1, pos(m.at))]! ^= 1 << m.bit;
      return c;
    }
    case 'boundary':
      return Buffer.from(b.toString('latin1').replace(`--${BOUNDARY}\r\n`, `--${m.to}\r\n`), 'latin1');
    case 'garbage':
      return Buffer.from(m.data);
  }
}

const contentType = fc.constantFrom(
  `multipart/form-data; boundary=${BOUNDARY}`,
  `multipart/form-data; boundary=${BOUNDARY}`,
  `multipart/form-data; boundary=${BOUNDARY}`,
  `multipart/form-data; boundary="${BOUNDARY}"`,
  `Multipart/Form-Data; BOUNDARY=${BOUNDARY}; charset=utf-8`,
  `multipart/form-data; boundary=${BOUNDARY}; boundary=other`,
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'multipart/form-data; boundary=""',
  `multipart/form-data; boundary=${'b'.repeat(300)}`,
  'multipart/form-data; boundary=other',
  `multipart/mixed; boundary=${BOUNDARY}`,
  `multipart/form-data ; boundary = ${BOUNDARY}`,
  'multipart/form-data; boundary=a\u00e4b',
);

/** How the body is framed: `mayDrop` marks framings that are broken HTTP. */
const framing = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: 'cl', mayDrop: false }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cl-short', mayDrop: true }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cl-long', mayDrop: false }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'chunked', mayDrop: false }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'chunked-broken', mayDrop: true }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'none', mayDrop: false }) },
);

const extraHeaders = fc.oneof(
  { weight: 6, arbitrary: fc.constant('none') },
  { weight: 4, arbitrary: fc.constantFrom('huge', 'many', 'expect', 'keepalive') },
);

describe('fuzz: multipart framing over raw sockets', { skip }, () => {
  let f: Fuzz;
  let token: string;
  before(async () => {
    f = await Fuzz.start();
    token = await f.bot.csrf();
  });
  after(() => f?.close());

  const build = (p: typeof parts extends fc.Arbitrary<infer P> ? P : never): Part[] => {
    const out: Part[] = [field('action', 'upload'), field('format', 'json'), field('filename', p.filename)];
    if (p.token === 'valid') out.push(field('token', token));
    if (p.stash) out.push(field('stash', '1'));
    for (const [k, v] of p.extraFields) out.push(field(k.replaceAll('"', ''), v));
    if (p.many === 'fields') for (let i = 0; i < 520; i++) out.push(field(`f${i}`, 'x'));
    const files = p.many === 'files' ? Array.from({ length: 12 }, () => p.files[0] ?? null) : p.files;
    for (const fp of files) {
      if (!fp) continue;
      const content =
        fp.content === 'png'
          ? png(2, 2)
          : fp.content === 'nested'
            ? body(
                [
                  field('inner', 'x'),
                  { headers: ['Content-Disposition: file; filename="i.png"'], content: png(2, 2) },
                ],
                'inner',
              )
            : Buffer.from(fp.content);
      out.push({ headers: fp.headers(fp.name), content });
    }
    return out;
  };

  it('every body gets an answer below 500 (or, if broken HTTP, a closed connection)', async () => {
    await fc.assert(
      fc.asyncProperty(
        parts,
        fc.array(mutation, { maxLength: 3 }),
        contentType,
        framing,
        extraHeaders,
        async (p, mutations, ct, fr, extra) => {
          let b = body(build(p));
          for (const m of mutations) b = mutate(b, m);
          const head = [
            'POST /w/api.php HTTP/1.1',
            `Host: ${new URL(f.origin).host}`,
            `Cookie: ${f.cookie()}`,
            `Content-Type: ${ct}`,
          ];
          if (extra !== 'keepalive') head.push('Connection: close');
          if (extra === 'huge') head.push(`X-Huge: ${'a'.repeat(20_000)}`);
          if (extra === 'many') for (let i = 0; i < 150; i++) head.push(`X-Many-${i}: ${i}`);
          if (extra === 'expect') head.push('Expect: 100-continue');
          let payload = b;
          if (fr.kind === 'cl') head.push(`Content-Length: ${b.length}`);
          if (fr.kind === 'cl-short') head.push(`Content-Length: ${b.length + 100}`);
          if (fr.kind === 'cl-long') head.push(`Content-Length: ${Math.floor(b.length / 2)}`);
          if (fr.kind === 'chunked' || fr.kind === 'chunked-broken') {
            head.push('Transfer-Encoding: chunked');
            const half = Math.floor(b.length / 2);
            const chunks = [b.subarray(0, half), b.subarray(half)].filter((c) => c.length);
            payload = Buffer.concat([
              ...chunks.flatMap((c, i) => [
                Buffer.from(
                  `${(fr.kind === 'chunked-broken' && i === 0 ? c.length + 7 : c.length).toString(16)}\r\n`,
                ),
                c,
                CRLF,
              ]),
              Buffer.from(fr.kind === 'chunked-broken' ? 'zz\r\n' : '0\r\n\r\n'),
            ]);
          }
          const bytesOut = Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), payload]);
          const what = `multipart ${JSON.stringify({ ct, fr: fr.kind, extra, mutations: mutations.map((m) => m.kind), size: b.length })}`;
          const r = await rawRequest(f.origin, bytesOut, { endInput: fr.mayDrop });
          f.checkRaw(what, r, fr.mayDrop, true);
        },
      ),
      fuzzOptions(250),
    );
  });

  it('afterwards the server answers, with no leftovers and bounded memory', async (t) => {
    await f.assertHealthy();
    await f.assertNoLeftovers();
    f.assertMemory();
    t.diagnostic(summary(f));
  });
});
