/**
 * action=help (also what a bare api.php answers): MediaWiki's HTML help for the modules asked for,
 * generated from the declarations and MediaWiki's English help messages. In an HTML format (the
 * default) the page itself; in json, php or xml the page inside `help` with its MIME type.
 */
import { helpPage } from '../help/page.js';
import { type ApiModule, defineModule, helpUrl } from '../module.js';
import type { Describable } from '../paraminfo/describe.js';
import { type ModuleRegistry, resolveModules, submoduleDescribable } from '../paraminfo/module.js';

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
      const modules: Describable[] = [];
      for (const m of found) {
        modules.push(m);
        if (!p.submodules && !p.recursivesubmodules) continue;
        if (m.path === 'main') {
          const actions = resolveModules(registry, ['*']).found;
          modules.push(...actions);
          if (p.recursivesubmodules) modules.push(...registry.querySubmodules.map(submoduleDescribable));
        } else if (m.path === 'query') modules.push(...registry.querySubmodules.map(submoduleDescribable));
      }
      const html = helpPage(modules, {
        siteName: ctx.config.siteName,
        scriptPath: ctx.config.scriptPath,
      });
      ctx.raw = { contentType: 'text/html; charset=utf-8', fileName: 'api-help.html', body: html };
      ctx.result.help = { mime: 'text/html', filename: 'api-help.html', help: html };
    },
  });
}
