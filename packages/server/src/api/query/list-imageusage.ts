/** list=imageusage: the pages that use a file (in their latest text), as MediaWiki lists them. */
import { MwError } from '../../errors.js';
import { NS_FILE } from '../../files/repo.js';
import { helpUrl } from '../module.js';
import { continueParts } from './pageset.js';
import { defineQueryModule } from './submodule.js';
import { titleFromDb, titleParser } from './titles.js';

export const listImageusage = defineQueryModule({
  name: 'imageusage',
  kind: 'list',
  prefix: 'iu',
  doc: { classname: 'ApiQueryBacklinks', helpurls: [helpUrl('Imageusage')], generator: true },
  params: {
    title: { type: 'string' },
    pageid: { type: 'integer' },
    continue: { type: 'string' },
    namespace: {
      type: 'multi',
      freeValues: true,
      integers: true,
      allowAll: true,
      doc: { type: 'namespace', allspecifier: '*' },
    },
    dir: { type: 'enum', values: ['ascending', 'descending'], default: 'ascending' },
    filterredir: { type: 'enum', values: ['all', 'redirects', 'nonredirects'], default: 'all' },
    limit: { type: 'limit', default: 10, max: 500, highMax: 5000 },
    redirect: { type: 'boolean' },
  },
  async execute(q, p) {
    const { ctx } = q;
    if (p.title === undefined && p.pageid === undefined) {
      throw new MwError('missingparam', 'One of the parameters "iutitle" and "iupageid" is required.');
    }
    let name: string;
    if (p.pageid !== undefined) {
      const page = await ctx.services.pages.byId(p.pageid);
      if (!page) throw new MwError('nosuchpageid', `There is no page with ID ${p.pageid}.`);
      if (page.namespace !== NS_FILE)
        throw new MwError('bad_image_title', 'The title for "imageusage" must be a file.');
      name = page.title;
    } else {
      const t = titleParser(ctx.config).newFromText(p.title!);
      if (!t) throw new MwError('invalidtitle', `Bad title "${p.title}".`);
      if (t.ns !== NS_FILE)
        throw new MwError('bad_image_title', 'The title for "imageusage" must be a file.');
      name = t.dbKey;
    }
    let from: { ns: number; pageId: number } | undefined;
    if (p.continue !== undefined) {
      const [ns, id] = continueParts(p.continue, 2) as [string, string];
      from = { ns: Number(ns), pageId: Number(id) };
    }
    const all = p.namespace.length === 0 || p.namespace.includes('*');
    // There are no redirects here: asking for them lists nothing.
    const rows =
      p.filterredir === 'redirects'
        ? []
        : await ctx.services.pages.usingFile(name, {
            namespaces: all ? undefined : p.namespace.map(Number),
            ascending: p.dir === 'ascending',
            limit: p.limit + 1,
            from,
          });
    const list: Record<string, unknown>[] = [];
    for (const [i, r] of rows.entries()) {
      if (i >= p.limit) {
        q.continuation.iucontinue = `${r.namespace}|${r.id}`;
        break;
      }
      list.push({
        pageid: r.id,
        ns: r.namespace,
        title: titleFromDb(r.namespace, r.title, ctx.config).prefixedText,
      });
    }
    q.query.imageusage = list;
  },
});
