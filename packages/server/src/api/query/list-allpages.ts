/** list=allpages: the pages of a namespace by title, as MediaWiki lists them (also as a generator). */
import { MwError } from '../../errors.js';
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
    prtype: { type: 'multi', values: ['edit', 'move', 'upload'] },
    prlevel: { type: 'multi', values: ['', 'autoconfirmed', 'sysop'] },
    prfiltercascade: { type: 'enum', values: ['cascading', 'noncascading', 'all'], default: 'all' },
    limit: { type: 'limit', default: 10, max: 500, highMax: 5000 },
    dir: { type: 'enum', values: ['ascending', 'descending'], default: 'ascending' },
    filterlanglinks: { type: 'enum', values: ['withlanglinks', 'withoutlanglinks', 'all'], default: 'all' },
    prexpiry: { type: 'enum', values: ['indefinite', 'definite', 'all'], default: 'all' },
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
    if (p.prlevel.length && !p.prtype.length) {
      throw new MwError('invalidparammix', 'The "prlevel" parameter may only be used with "prtype".');
    }
    // Protection filters as MediaWiki applies them; there is no cascading protection here, and no
    // language links: asking for either lists nothing, as does asking for redirects.
    const protection =
      p.prtype.length || p.prexpiry !== 'all'
        ? {
            types: p.prtype,
            levels: p.prlevel.filter((l) => l !== ''),
            expiry: p.prexpiry as 'all' | 'definite' | 'indefinite',
          }
        : undefined;
    const none =
      p.filterredir === 'redirects' ||
      p.filterlanglinks === 'withlanglinks' ||
      (p.prtype.length > 0 && p.prfiltercascade === 'cascading');
    const rows = none
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
          protection,
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
