/**
 * Generators of the fuzz suites: parameter values as clients and attackers send them, and the ways
 * one request can carry them (query string, urlencoded body, multipart body, percent-encoded bytes
 * that are not UTF-8).
 */
import fc from 'fast-check';

/** Mostly one of `good`, now and then one of `bad` (so that a request fails on one thing at a time). */
export const mostly = <T>(good: readonly T[], bad: readonly T[], badWeight = 1) =>
  fc.oneof(
    { weight: 30, arbitrary: fc.constantFrom(...good) },
    { weight: badWeight, arbitrary: fc.constantFrom(...bad) },
  );

/** Characters that have broken title, URL and form handling somewhere. */
export const WEIRD: readonly string[] = [
  ' ',
  ...'\u0000 \u0001 \t \n \r \u007f \u0085 \u00a0 \u00ad \u200b \u200e \u202e \u2028 \u3000 \ufeff \ufffd \ud800 \udfff 😀 𝔘 ß İ ǅ ﬁ A\u030a / \\ : # < > [ ] { } | % %2F %00 + & = ? . .. ~ _ " \' &amp; ~~~'.split(
    ' ',
  ),
];

const unit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...WEIRD) },
  { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme-ascii' }) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }) },
);

/** Text of any characters, weighted towards the troublesome ones. */
export const weirdText = (maxLength = 24) => fc.string({ unit, maxLength });

const PREFIXES = [
  '',
  '',
  '',
  'File:',
  'file:',
  'Image:',
  'Media:',
  'Special:',
  'Talk:',
  'File:File:',
  ':',
  ' File : ',
];
const EXTS = [
  '.png',
  '.png',
  '.PNG',
  '.jpg',
  '.txt',
  '.exe',
  '.php',
  '.png.exe',
  '.svg',
  '',
  '.',
  '.png.',
  '.PnG ',
];

/** Target file names: prefixes, slashes, control characters, extensions, very long ones. */
export const fileName = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.constantFrom('Fuzz', 'Test file', 'Ünïcödé', 'File:Fuzz'), fc.nat(40))
      .map(([a, n]) => `${a} ${n}.png`),
  },
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom(...PREFIXES), weirdText(20), fc.constantFrom(...EXTS))
      .map(([p, s, e]) => `${p}${s}${e}`),
  },
  { weight: 1, arbitrary: fc.integer({ min: 230, max: 600 }).map((n) => `${'Ä'.repeat(n / 2)}.png`) },
  { weight: 1, arbitrary: fc.integer({ min: 250, max: 3000 }).map((n) => `${'x'.repeat(n)}.png`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '.png',
      'a/b.png',
      '../../etc/passwd.png',
      'File:',
      'Foo.png#frag',
      'Foo%20bar.png',
      'Foo&amp;.png',
      'Foo~~~~.png',
      '\u0000.png',
      'CON.png',
      'Ünïcödé Ñame.png',
      'Fuzz.png',
    ),
  },
);

/** Integers as clients send them, and strings that only look like integers. */
export const intLike = fc.oneof(
  { weight: 8, arbitrary: fc.nat({ max: 5000 }).map(String) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      '-1',
      ' 3',
      '3 ',
      '0x10',
      '1e3',
      '3.5',
      '+4',
      '00',
      '٣',
      'NaN',
      'Infinity',
      '9007199254740993',
      '99999999999999999999999999',
      '-0',
      '4294967296',
      '4294967297',
    ),
  },
  { weight: 1, arbitrary: weirdText(6) },
);

/** Boolean parameters: present with any value is true to MediaWiki, and some clients send "false". */
export const boolLike = fc.constantFrom(undefined, undefined, '', '1', '0', 'false', 'true', 'yes');

/** Output formats, mostly real ones. */
export const format = mostly(
  ['json', 'json', 'json', 'xml', 'php', 'jsonfm', 'rawfm', 'xmlfm', 'none'],
  ['JSON', 'yaml', ''],
);

/** The main module's output parameters; now and then one that changes who the request is for. */
export const outputParams = fc
  .tuple(
    fc.record(
      {
        format,
        formatversion: mostly(['1', '2', 'latest'], ['3', '']),
        errorformat: mostly(['bc', 'plaintext', 'wikitext', 'html', 'raw', 'none'], ['nope']),
        uselang: fc.constantFrom('en', 'de', 'qqx', 'user', 'content', 'zz-weird', '../en', ''),
        utf8: boolLike,
        ascii: boolLike,
      },
      { requiredKeys: ['format'] },
    ),
    fc.oneof(
      { weight: 6, arbitrary: fc.constant({}) },
      {
        weight: 1,
        arbitrary: fc.record(
          {
            errorlang: fc.constantFrom('uselang', 'en', 'qqx', 'xx'),
            errorsuselocal: boolLike,
            curtimestamp: boolLike,
            servedby: boolLike,
            requestid: weirdText(8),
            callback: fc.constantFrom('cb', 'a.b', '<x>'),
            origin: fc.constantFrom('*', 'http://evil.example'),
            assert: fc.constantFrom('user', 'bot', 'anon', 'nope'),
            maxlag: intLike,
          },
          { requiredKeys: [] },
        ),
      },
    ),
  )
  .map(([a, b]) => ({ ...a, ...b }) as Record<string, string | undefined>);

/** A few parameters no module knows, and names of known ones in odd spellings. */
export const extraParams = fc.dictionary(
  fc.oneof(weirdText(8), fc.constantFrom('FILENAME', 'file[]', 'action[]', 'token ', 'offset%00')),
  weirdText(12),
  { maxKeys: 2 },
);

/** A value as it travels: a string, or raw bytes (percent-encoded, not necessarily UTF-8). */
export type Value = string | Uint8Array;

export const rawBytes = fc.uint8Array({ maxLength: 16 });

/** How a request carries its parameters. */
export type Carrier = 'get' | 'urlencoded' | 'multipart';
export const carrier = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Carrier>('get') },
  { weight: 2, arbitrary: fc.constant<Carrier>('urlencoded') },
  { weight: 5, arbitrary: fc.constant<Carrier>('multipart') },
);

const pct = (b: Uint8Array) => [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('');
const enc = (v: Value) =>
  typeof v === 'string' ? new URLSearchParams([['', v]]).toString().slice(1) : pct(v);

/** Parameters as `application/x-www-form-urlencoded` (bytes percent-encoded as they are). */
export const urlencode = (params: [string, Value][]): string =>
  params.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');

/** A bounded random byte string (deterministic for a seed, unlike crypto). */
export const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

/** A file part of a multipart body. */
export interface FilePart {
  field: string;
  name: string;
  type?: string;
  data: Uint8Array;
}

/** A multipart/form-data body, fields first (bytes kept as they are), then the file parts. */
export function multipartBody(boundary: string, fields: [string, Value][], files: FilePart[]): Buffer {
  const out: Buffer[] = [];
  const quote = (s: string) => s.replace(/["\r\n]/g, (c) => encodeURIComponent(c));
  for (const [k, v] of fields) {
    out.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(k)}"\r\n\r\n`));
    out.push(typeof v === 'string' ? Buffer.from(v) : Buffer.from(v), Buffer.from('\r\n'));
  }
  for (const f of files) {
    out.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quote(f.field)}"; filename="${quote(f.name)}"\r\n` +
          `Content-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      Buffer.from(f.data),
      Buffer.from('\r\n'),
    );
  }
  out.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(out);
}

/** One API request as generated: its parameters, which of them go in the query string, its file parts. */
export interface RequestShape {
  carrier: Carrier;
  params: [string, Value][];
  /** Bit i set: parameter i goes in the query string of a POST. */
  queryMask: number;
  files: FilePart[];
}

/** The URL and fetch options of a request shape. */
export function toFetch(api: string, r: RequestShape, cookie?: string): { url: string; init: RequestInit } {
  const headers: Record<string, string> = cookie ? { cookie } : {};
  const files = r.carrier === 'multipart' ? r.files : [];
  if (r.carrier === 'get') return { url: `${api}?${urlencode(r.params)}`, init: { headers } };
  const inQuery = r.params.filter((_, i) => (r.queryMask >> i) & 1);
  const inBody = r.params.filter((_, i) => !((r.queryMask >> i) & 1));
  const url = inQuery.length ? `${api}?${urlencode(inQuery)}` : api;
  if (r.carrier === 'urlencoded') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return { url, init: { method: 'POST', headers, body: urlencode(inBody) } };
  }
  const boundary = '----fuzz7MA4YWxkTrZu0gW';
  headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
  return {
    url,
    init: { method: 'POST', headers, body: new Uint8Array(multipartBody(boundary, inBody, files)) },
  };
}
