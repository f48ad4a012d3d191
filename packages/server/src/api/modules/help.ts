/**
 * action=help (also what a bare api.php answers): MediaWiki's HTML help for the modules asked for,
 * generated from the declarations and MediaWiki's English help messages: the page itself in any
 * format, or with `wrap` the page inside `help` with its MIME type, in the format asked for.
 */
import { groupsWithRight } from '../../auth/rights.js';
import { helpPage } from '../help/page.js';
import { type ApiModule, defineModule, helpUrl } from '../module.js';
import { type Describable, describeParam } from '../paraminfo/describe.js';
import { type ModuleRegistry, resolveModules, submoduleDescribable } from '../paraminfo/module.js';
import { titleParser } from '../query/titles.js';

export function createHelpModule(registry: ModuleRegistry): ApiModule {
  return defineModule({
    name: 'help',
    needsRead: false,
    doc: {
      classname: 'ApiHelp',
      helpurls: [helpUrl('Main_page'), helpUrl('FAQ'), helpUrl('Quick_start_guide')],
    },
    params: {
      modules: { type: 'multi', freeValues: true, default: 'main' },
      submodules: { type: 'boolean' },
      recursivesubmodules: { type: 'boolean' },
      wrap: { type: 'boolean' },
      toc: { type: 'boolean' },
    },
    async execute(ctx, p) {
      const { found, missing } = resolveModules(registry, p.modules);
      if (missing.length) ctx.warn('help', 'badmodule', missing.join('\n'));
      const modules: { module: Describable; level: number }[] = [];
      for (const m of found) {
        modules.push({ module: m, level: 2 });
        if (!p.submodules && !p.recursivesubmodules) continue;
        // Query's submodules as MediaWiki lists them: prop, list, then meta modules, each by name.
        const kinds = ['prop', 'list', 'meta'];
        const subs = [...registry.querySubmodules]
          .sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || a.name.localeCompare(b.name))
          .map((q) => ({ module: submoduleDescribable(q), level: 0 }));
        if (m.path === 'main') {
          for (const action of resolveModules(registry, ['*']).found) {
            modules.push({ module: action, level: 3 });
            if (action.path === 'query' && p.recursivesubmodules)
              modules.push(...subs.map((q) => ({ ...q, level: 4 })));
          }
        } else if (m.path === 'query') modules.push(...subs.map((q) => ({ ...q, level: 3 })));
      }
      const html = helpPage(
        modules,
        {
          siteName: ctx.config.siteName,
          scriptPath: ctx.config.scriptPath,
          highLimits: ctx.can('apihighlimits'),
          namespaces: titleParser(ctx.config).namespaces.ids,
          describe: (name, def) => describeParam(ctx, 0, name, def),
          groupsWith: (right) => groupsWithRight(right, ctx.services.permissions),
        },
        { toc: p.toc },
      );
      // The page itself, whatever the format; with `wrap`, inside an ordinary answer in the format asked for.
      if (p.wrap) ctx.result.help = { mime: 'text/html', filename: 'api-help.html', help: html };
      else ctx.raw = { contentType: 'text/html; charset=utf-8', fileName: 'api-help.html', body: html };
    },
  });
}
