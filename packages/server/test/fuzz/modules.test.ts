/**
 * Every API module but upload, with parameters drawn from what action=paraminfo says of it: real
 * names with values of their type (and values of the wrong one), query submodules combined, anonymous,
 * bot and administrator sessions, valid and invalid tokens, GET and POST. Every request gets an
 * answer below HTTP 500 that is no internal error; afterwards the server answers and storage holds
 * nothing stray.
 */
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { TestClient } from '../helpers/client.js';
import { png } from '../helpers/files.js';
import { embeddedOnly } from '../helpers/server.js';
import {
  boolLike,
  carrier,
  fileName,
  intLike,
  mostly,
  outputParams,
  type RequestShape,
  toFetch,
  type Value,
  weirdText,
} from './arbitraries.js';
import { Fuzz, fuzzOptions, summary } from './harness.js';

const skip = embeddedOnly('reads the local blob directory');

interface ParamInfo {
  name: string;
  type: string | string[];
  multi?: boolean;
}
interface ModuleInfo {
  name: string;
  path: string;
  prefix: string;
  parameters: ParamInfo[];
}

/** Modules a logged-in client must not call here: they would end its session. */
const ANON_ONLY = new Set(['login', 'logout']);

const TIMESTAMPS = [
  '2020-01-01T00:00:00Z',
  'now',
  '0',
  '20200101000000',
  '1e10',
  '-1',
  '9999-12-31T23:59:59Z',
  'x',
];
const USERS = ['FuzzBot', 'Admin', '127.0.0.1', '', 'Nobody', 'fuzzbot', '#', 'Admin@fuzz'];

/** A title, or a list of them. */
const title = fc.oneof(
  { weight: 3, arbitrary: fc.nat(12).map((n) => `File:Fuzz ${n}.png`) },
  { weight: 2, arbitrary: fileName },
  {
    weight: 2,
    arbitrary: fc.constantFrom('Main Page', 'Special:Upload', 'Talk:X', 'File:', '#', 'a'.repeat(300)),
  },
  {
    weight: 1,
    arbitrary: fc.nat({ max: 60 }).map((n) => Array.from({ length: n }, (_, i) => `T${i}`).join('|')),
  },
);

/** Values of every kind for one parameter; the parameter's type picks one. */
const valueBag = fc.record({
  param: fc.nat(),
  text: fc.oneof(title, weirdText(20)),
  int: fc.oneof({ weight: 6, arbitrary: intLike }, { weight: 1, arbitrary: fc.constantFrom('max', '1|2|3') }),
  bool: boolLike,
  ts: fc.constantFrom(...TIMESTAMPS),
  user: fc.oneof(fc.constantFrom(...USERS), weirdText(8)),
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
  bad: mostly([false], [true]),
  badValue: fc.constantFrom('*', '', 'nope', '|', '\u001fa\u001fb', 'A|B'),
});
type Bag = typeof valueBag extends fc.Arbitrary<infer B> ? B : never;

function valueFor(p: ParamInfo, b: Bag): string {
  if (Array.isArray(p.type)) {
    if (b.bad || !p.type.length) return b.badValue;
    const picked = (p.multi ? b.picks : b.picks.slice(0, 1)).map((i) => p.type[i % p.type.length]!);
    return [...new Set(picked)].join('|');
  }
  if (b.bad) return b.badValue;
  switch (p.type) {
    case 'integer':
    case 'limit':
    case 'namespace':
      return b.int;
    case 'boolean':
      return b.bool ?? '1';
    case 'timestamp':
    case 'expiry':
      return b.ts;
    case 'user':
      return b.user;
    default:
      return b.text;
  }
}

describe('fuzz: the other API modules', { skip }, () => {
  let f: Fuzz;
  let modules: ModuleInfo[];
  let queryModules: ModuleInfo[];
  let anon: TestClient;
  before(async () => {
    f = await Fuzz.start({ changeTags: [{ name: 'bot-upload', active: true }] });
    const r = await f.fetch(
      'paraminfo',
      `${f.api}?action=paraminfo&modules=*|query%2B*&format=json&formatversion=2`,
    );
    const all: ModuleInfo[] = JSON.parse(r.text).paraminfo.modules;
    modules = all.filter((m) => !m.path.includes('+') && m.name !== 'upload');
    queryModules = all.filter((m) => m.path.startsWith('query+'));
    // Files for the modules to find: two versions of one, a second one, a stashed one.
    for (const [name, extra] of [
      ['Fuzz 1.png', {}],
      ['Fuzz 1.png', { ignorewarnings: 1 }],
      ['Fuzz 2.png', {}],
      ['Fuzz 3.png', { stash: 1 }],
    ] as const) {
      const u = await f.bot.upload({ filename: name, ...extra }, png(4, 4));
      f.check(`upload ${name}`, { status: u.status, headers: u.headers, text: u.text }, true);
    }
    const { TestClient } = await import('../helpers/client.js');
    anon = new TestClient(f.api);
  });
  after(() => f?.close());

  const request = fc.record({
    who: fc.constantFrom('anon', 'bot', 'bot', 'admin', 'admin'),
    module: fc.nat(),
    params: fc.array(valueBag, { maxLength: 6 }),
    sub: fc.array(fc.record({ module: fc.nat(), params: fc.array(valueBag, { maxLength: 4 }) }), {
      maxLength: 3,
    }),
    token: mostly(['valid'], ['none', 'anon', 'garbage', 'login']),
    output: outputParams,
    carrier,
    queryMask: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat() }),
  });

  it('every module answers every combination below HTTP 500 and without an internal error', async () => {
    const tokens = new Map<TestClient, { csrf: string; login: string }>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const client = r.who === 'anon' ? anon : r.who === 'bot' ? f.bot : f.admin;
        const usable = modules.filter((m) => r.who === 'anon' || !ANON_ONLY.has(m.name));
        const m = usable[r.module % usable.length]!;
        const params = new Map<string, Value>([['action', m.name]]);
        const add = (mod: ModuleInfo, bags: Bag[]) => {
          for (const b of bags) {
            if (!mod.parameters.length) return;
            const p = mod.parameters[b.param % mod.parameters.length]!;
            if (p.name === 'token' || p.type === 'upload') continue;
            params.set(`${mod.prefix}${p.name}`, valueFor(p, b));
          }
        };
        add(m, r.params);
        if (m.name === 'query') {
          // Submodules go in the parameter that lists them (prop, list or meta).
          const groups = new Map<string, string[]>();
          for (const s of r.sub) {
            const q = queryModules[s.module % queryModules.length]!;
            const group =
              m.parameters.find((p) => Array.isArray(p.type) && p.type.includes(q.name))?.name ?? 'prop';
            groups.set(group, [...(groups.get(group) ?? []), q.name]);
            add(q, s.params);
          }
          for (const [k, names] of groups) params.set(k, [...new Set(names)].join('|'));
        }
        for (const [k, v] of Object.entries(r.output)) if (v !== undefined) params.set(k, v);
        if (!tokens.has(client)) {
          const t = await client.get({ action: 'query', meta: 'tokens', type: 'csrf|login' });
          tokens.set(client, { csrf: t.json.query.tokens.csrftoken, login: t.json.query.tokens.logintoken });
        }
        const t = tokens.get(client)!;
        const tokenParam = m.name === 'login' ? 'lgtoken' : 'token';
        if (r.token === 'valid') params.set(tokenParam, m.name === 'login' ? t.login : t.csrf);
        else if (r.token === 'anon') params.set(tokenParam, '+\\');
        else if (r.token === 'garbage') params.set(tokenParam, 'deadbeef+\\');
        else if (r.token === 'login') params.set(tokenParam, t.login);
        const shape: RequestShape = {
          carrier: r.carrier,
          params: [...params],
          queryMask: r.queryMask,
          files: [],
        };
        const { url, init } = toFetch(f.api, shape, f.cookie(client) || undefined);
        await f.fetch(`${r.who} ${JSON.stringify(shape.params).slice(0, 800)} via ${r.carrier}`, url, init);
      }),
      fuzzOptions(350),
    );
  });

  it('afterwards the server answers, with no leftovers and bounded memory', async (t) => {
    await f.assertHealthy();
    await f.assertNoLeftovers();
    f.assertMemory();
    t.diagnostic(summary(f));
  });
});
