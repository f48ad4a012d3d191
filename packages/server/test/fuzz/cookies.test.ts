/**
 * Arbitrary Cookie headers over a raw socket (bytes fetch will not send): bad percent-encodings,
 * raw non-ASCII bytes, many cookies, huge values, repeated session cookies, session ids that are
 * almost right. Every request gets an answer below HTTP 500 that is no internal error, and only a
 * header carrying a real session id is ever taken for its user.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { embeddedOnly } from '../helpers/server.js';
import { bytes, mostly, weirdText } from './arbitraries.js';
import { Fuzz, fuzzOptions, rawRequest, summary } from './harness.js';

const skip = embeddedOnly('reads the local blob directory');

describe('fuzz: Cookie headers', { skip }, () => {
  let f: Fuzz;
  let session: string;
  let sessionName: string;
  let token: string;
  before(async () => {
    f = await Fuzz.start();
    sessionName = [...f.bot.cookies.keys()].find((k) => k.endsWith('_session'))!;
    session = f.bot.cookies.get(sessionName)!;
    token = await f.bot.csrf();
  });
  after(() => f?.close());

  /** A cookie value: the real session id, one almost like it, or anything. */
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constant('SESSION') },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'SESSION-x',
        'SESSION-cut',
        'SESSION-upper',
        'SESSION-pct',
        'SESSION-quoted',
        'SESSION-sp',
      ),
    },
    { weight: 2, arbitrary: weirdText(16) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '%',
        '%zz',
        '%C0%80',
        '%FF%FE',
        '%00',
        'deleted',
        '""',
        '"',
        'a=b',
        '\\',
        '%E2%82',
      ),
    },
    { weight: 1, arbitrary: fc.integer({ min: 4000, max: 12_000 }).map((n) => 'v'.repeat(n)) },
    { weight: 1, arbitrary: bytes(1, 24).map((b) => ({ raw: b })) },
  );
  const name = fc.oneof(
    { weight: 5, arbitrary: fc.constant('SESSION_NAME') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'mwupwikiUserID',
        'mwupwikiToken',
        'mwupwiki_session ',
        ' mwupwiki_session',
        'MWUPWIKI_SESSION',
        '$Version',
      ),
    },
    { weight: 2, arbitrary: weirdText(8) },
  );
  const header = fc.record({
    pairs: fc.array(fc.tuple(name, value), { maxLength: 6 }),
    many: mostly([0], [150, 400]),
    separator: mostly(['; '], [';', ' ; ', ', ', ';;']),
    twoHeaders: mostly([false], [true]),
    action: fc.constantFrom('userinfo', 'userinfo', 'tokens', 'upload', 'login'),
  });

  it('every Cookie header gets an answer below 500, and only the real session id logs in', async () => {
    const host = new URL(f.origin).host;
    let loggedIn = 0;
    await fc.assert(
      fc.asyncProperty(header, async (h) => {
        const enc = (v: string) => {
          if (v === 'SESSION') return session;
          if (v === 'SESSION-x') return `${session}x`;
          if (v === 'SESSION-cut') return session.slice(0, -1);
          if (v === 'SESSION-upper') return session.toUpperCase();
          if (v === 'SESSION-pct')
            return [...session].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
          if (v === 'SESSION-quoted') return `"${session}"`;
          if (v === 'SESSION-sp') return ` ${session} `;
          return v;
        };
        const parts: Buffer[] = h.pairs.map(([n, v]) =>
          Buffer.concat([
            Buffer.from(`${n === 'SESSION_NAME' ? sessionName : n}=`),
            typeof v === 'string' ? Buffer.from(enc(v)) : Buffer.from(v.raw),
          ]),
        );
        for (let i = 0; i < h.many; i++) parts.push(Buffer.from(`c${i}=${i}`));
        const joined = parts.length
          ? Buffer.concat(parts.flatMap((p, i) => (i ? [Buffer.from(h.separator), p] : [p])))
          : null;
        const cookieLines = !joined
          ? []
          : h.twoHeaders
            ? [Buffer.from('Cookie: '), joined, Buffer.from(`\r\nCookie: ${sessionName}=forged\r\n`)]
            : [Buffer.from('Cookie: '), joined, Buffer.from('\r\n')];
        const body =
          h.action === 'upload'
            ? `action=upload&format=json&filename=Cookie.png&url=http%3A%2F%2F127.0.0.1%3A1%2Fx.png&token=${encodeURIComponent(token)}`
            : h.action === 'login'
              ? 'action=login&format=json&lgname=FuzzBot%40bot&lgpassword=wrong&lgtoken=%2B%5C'
              : `action=query&format=json&meta=${h.action === 'tokens' ? 'tokens' : 'userinfo'}`;
        const req = Buffer.concat([
          Buffer.from(`POST /w/api.php HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n`),
          ...cookieLines,
          Buffer.from(
            `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
          ),
        ]);
        const what = `cookies ${JSON.stringify({ ...h, pairs: h.pairs.map(([n, v]) => [n, typeof v === 'string' ? v.slice(0, 40) : v]) })}`;
        const r = f.checkRaw(what, await rawRequest(f.origin, req), false);
        if (h.action !== 'userinfo' || r.status !== 200) return;
        const info = JSON.parse(r.body.toString()).query?.userinfo;
        // Logged in only if the header holds the session id itself (as PHP, percent-decoded).
        if (info && info.anon === undefined) loggedIn++;
        if (info && info.anon === undefined)
          assert.ok(
            joined !== null && (joined.includes(session) || joined.includes(enc('SESSION-pct'))),
            `${what}: logged in as ${info.name}`,
          );
      }),
      fuzzOptions(250),
    );
    assert.ok(loggedIn > 0, 'some headers carried the session and logged in');
  });

  it('afterwards the server answers, with no leftovers and bounded memory', async (t) => {
    await f.assertHealthy();
    await f.assertNoLeftovers();
    f.assertMemory();
    t.diagnostic(summary(f));
  });
});
