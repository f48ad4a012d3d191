/** list=allpages: the pages of a namespace by title, as MediaWiki lists them (also as a generator). */
import { helpUrl } from '../module.js';
import { defineQueryModule } from './submodule.js';
import { titleFromDb, titleParser } from './titles.js';

export const listAllpages = defineQueryModule({
  name: 'allpages',
  kind: 'list',
  prefix: 'ap',
  doc: { classname: 'ApiQueryAllPages', helpurls: [helpUrl('Allpages')], generator: true },
  params: {
    from: { type: 'string' },
    continue: { type: 'string' },
    to: { type: 'string' },
    prefix: { type: 'string' },
    namespace: { type: 'integer', default: 0, doc: { type: 'namespace' } },
    filterredir: { type: 'enum', values: ['all', 'redirects', 'nonredirects'], default: 'all' },
    minsize: { type: 'integer' },
    maxsize: { type: 'integer' },
    limit: { type: 'limit', default: 10, max: 500, highMax: 5000 },
    dir: { type: 'enum', values: ['ascending', 'descending'], default: 'ascending' },
  },
  async execute(q, p) {
    const { ctx } = q;
    const ns = p.namespace;
    // A title part as the database keys it in this namespace (MediaWiki's titlePartToKey: normalised
    // with an `X` after it, so that trailing spaces stay).
    const key = (part: string | undefined) => {
      if (part === undefined) return undefined;
      const t = titleParser(ctx.config).makeTitleSafe(ns, `${part}X`);
      return t ? t.dbKey.slice(0, -1) : part.replace(/ /g, '_');
    };
    const asc = p.dir === 'ascending';
    // There are no redirects here: asking for them lists nothing.
    const rows =
      p.filterredir === 'redirects'
        ? []
        : await ctx.services.pages.list({
            ns,
            ascending: asc,
            limit: p.limit + 1,
            from: p.continue ?? key(p.from),
            to: key(p.to),
            prefix: key(p.prefix),
            minSize: p.minsize,
            maxSize: p.maxsize,
          });
    const list: Record<string, unknown>[] = [];
    for (const [i, r] of rows.entries()) {
      if (i >= p.limit) {
        q.continuation.apcontinue = r.title;
        break;
      }
      list.push({
        pageid: r.id,
        ns: r.namespace,
        title: titleFromDb(r.namespace, r.title, ctx.config).prefixedText,
      });
    }
    q.query.allpages = list;
  },
});
