import { MwError } from '../../errors.js';
import { type ApiModule, helpUrl } from '../module.js';
import { type ParamDefs, validateParams } from '../params.js';
import { PageSet } from '../query/pageset.js';
import type { QueryContext, QuerySubmodule } from '../query/submodule.js';

/** Build action=query from its prop/list/meta submodules. */
export function createQueryModule(submodules: QuerySubmodule<ParamDefs>[]): ApiModule {
  const names = (kind: string) => submodules.filter((m) => m.kind === kind).map((m) => m.name);
  const sub = { submodules: (v: string) => `query+${v}` };
  // List modules whose items are pages can generate the pages the prop modules work on.
  const generators = submodules.filter((m) => m.kind === 'list' && m.doc?.generator).map((m) => m.name);
  const params = {
    prop: { type: 'multi', values: names('prop'), doc: sub },
    list: { type: 'multi', values: names('list'), doc: sub },
    meta: { type: 'multi', values: names('meta'), doc: sub },
    indexpageids: { type: 'boolean' },
    export: { type: 'boolean' },
    iwurl: { type: 'boolean' },
    continue: { type: 'string' },
    rawcontinue: { type: 'boolean' },
    titles: { type: 'multi', freeValues: true },
    pageids: { type: 'multi', freeValues: true, integers: true },
    generator: { type: 'enum', values: generators, doc: { ...sub, submoduleparamprefix: 'g' } },
    redirects: { type: 'boolean' },
    converttitles: { type: 'boolean' },
  } satisfies ParamDefs;
  return {
    name: 'query',
    doc: {
      classname: 'ApiQuery',
      helpurls: [helpUrl('Query'), helpUrl('Meta'), helpUrl('Properties'), helpUrl('Lists')],
    },
    params,
    async execute(ctx, raw) {
      const p = raw as unknown as {
        prop: string[];
        list: string[];
        meta: string[];
        titles: string[];
        pageids: string[];
        indexpageids: boolean;
        generator: string | undefined;
      };
      const pageIds = p.pageids.map((v) => {
        if (!/^\d+$/.test(v))
          throw new MwError('badinteger', `Invalid value "${v}" for integer parameter "pageids".`);
        return Number(v);
      });
      if (p.titles.length && pageIds.length) {
        throw new MwError(
          'invalidparammix',
          'The parameters "titles" and "pageids" can not be used together.',
        );
      }
      const rawParams = ctx.rawParams;
      const runModule = async (
        m: QuerySubmodule<ParamDefs>,
        q: QueryContext,
        prefix: string,
        feature: string,
      ) => {
        const path = `query+${m.name}`;
        ctx.modulePaths.set(m.name, path);
        try {
          const mp = validateParams(rawParams, m.params, {
            prefix,
            highLimits: ctx.can('apihighlimits'),
            warn: (code, text, data, raw) => ctx.warn(m.name, code, text, data, raw),
            feature,
          });
          await m.execute(q, mp);
        } catch (e) {
          // Errors of a submodule are reported for its path, as MediaWiki reports them.
          if (e instanceof MwError && e.module === undefined) e.module = path;
          throw e;
        }
      };
      let titles = p.titles;
      let generatorContinue: Record<string, string> = {};
      if (p.generator !== undefined) {
        if (p.titles.length || pageIds.length) {
          throw new MwError(
            'invalidparammix',
            'The parameters "generator" and "titles" can not be used together.',
          );
        }
        // The generator runs with its parameters prefixed by `g`; its items become the page set.
        const gen = submodules.find((s) => s.kind === 'list' && s.name === p.generator)!;
        const scratch: QueryContext = {
          ctx,
          query: {},
          pages: await PageSet.fromParams(ctx, [], []),
          continuation: {},
          propIncomplete: false,
        };
        await runModule(gen, scratch, `g${gen.prefix}`, `action=query&generator=${gen.name}`);
        const items = (scratch.query[gen.name] ?? []) as { title?: string }[];
        titles = items.flatMap((i) => (i.title ? [i.title] : []));
        generatorContinue = Object.fromEntries(
          Object.entries(scratch.continuation).map(([k, v]) => [`g${k}`, v]),
        );
      }
      const pages = await PageSet.fromParams(ctx, titles, pageIds);
      const query: Record<string, unknown> = {};
      const q: QueryContext = { ctx, query, pages, continuation: {}, propIncomplete: false };
      const run = async (kind: string, list: string[]) => {
        for (const name of list) {
          const m = submodules.find((s) => s.kind === kind && s.name === name)!;
          await runModule(m, q, m.prefix, `action=query&${kind}=${name}`);
        }
      };
      await run('prop', p.prop);
      await run('list', p.list);
      await run('meta', p.meta);
      if (pages.normalized.length) query.normalized = pages.renderNormalized(ctx);
      if (pages.pages.length || pages.badPageIds.length) {
        if (p.indexpageids) query.pageids = Object.keys(pages.render(ctx) as object);
        query.pages = pages.render(ctx);
      }
      // Key order as MediaWiki prints it: normalized first, then pages, then the rest.
      const ordered: Record<string, unknown> = {};
      for (const k of ['normalized', 'pageids', 'pages']) if (k in query) ordered[k] = query[k];
      for (const [k, v] of Object.entries(query)) if (!(k in ordered)) ordered[k] = v;
      if (!q.propIncomplete) ctx.result.batchcomplete = ctx.fv === 2 ? true : '';
      const gKeys = Object.keys(generatorContinue);
      if (Object.keys(q.continuation).length || gKeys.length) {
        // The generator's continuation stays until the prop modules are done with its pages.
        const cont = q.propIncomplete ? '||' : gKeys.length ? `${gKeys.join('|')}||` : '-||';
        ctx.result.continue = { ...generatorContinue, ...q.continuation, continue: cont };
      }
      if (Object.keys(ordered).length) ctx.result.query = ordered;
    },
  };
}
