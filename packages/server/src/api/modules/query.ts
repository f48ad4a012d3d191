import { MwError } from '../../errors.js';
import { type ApiModule, helpUrl } from '../module.js';
import { type ParamDefs, validateParams } from '../params.js';
import { PageSet } from '../query/pageset.js';
import type { QueryContext, QuerySubmodule } from '../query/submodule.js';

/** Build action=query from its prop/list/meta submodules. */
export function createQueryModule(submodules: QuerySubmodule<ParamDefs>[]): ApiModule {
  const names = (kind: string) => submodules.filter((m) => m.kind === kind).map((m) => m.name);
  const sub = { submodules: (v: string) => `query+${v}` };
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
    // No submodule generates pages yet: the parameter is there (clients look for it), with no values.
    generator: { type: 'enum', values: [], doc: { ...sub, submoduleparamprefix: 'g' } },
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
      const pages = await PageSet.fromParams(ctx, p.titles, pageIds);
      const query: Record<string, unknown> = {};
      const q: QueryContext = { ctx, query, pages, continuation: {}, propIncomplete: false };
      const rawParams = ctx.rawParams;
      const run = async (kind: string, list: string[]) => {
        for (const name of list) {
          const m = submodules.find((s) => s.kind === kind && s.name === name)!;
          const path = `query+${m.name}`;
          ctx.modulePaths.set(m.name, path);
          try {
            const mp = validateParams(rawParams, m.params, {
              prefix: m.prefix,
              highLimits: ctx.can('apihighlimits'),
              warn: (code, text, data, raw) => ctx.warn(m.name, code, text, data, raw),
              feature: `action=query&${kind}=${name}`,
            });
            await m.execute(q, mp);
          } catch (e) {
            // Errors of a submodule are reported for its path, as MediaWiki reports them.
            if (e instanceof MwError && e.module === undefined) e.module = path;
            throw e;
          }
        }
      };
      await run('prop', p.prop);
      await run('list', p.list);
      await run('meta', p.meta);
      if (pages.normalized.length) query.normalized = pages.normalized;
      if (pages.pages.length || pages.badPageIds.length) {
        if (p.indexpageids) query.pageids = Object.keys(pages.render(ctx) as object);
        query.pages = pages.render(ctx);
      }
      // Key order as MediaWiki prints it: normalized first, then pages, then the rest.
      const ordered: Record<string, unknown> = {};
      for (const k of ['normalized', 'pageids', 'pages']) if (k in query) ordered[k] = query[k];
      for (const [k, v] of Object.entries(query)) if (!(k in ordered)) ordered[k] = v;
      if (!q.propIncomplete) ctx.result.batchcomplete = ctx.fv === 2 ? true : '';
      if (Object.keys(q.continuation).length) {
        ctx.result.continue = { ...q.continuation, continue: q.propIncomplete ? '||' : '-||' };
      }
      if (Object.keys(ordered).length) ctx.result.query = ordered;
    },
  };
}
