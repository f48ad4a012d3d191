/**
 * The help texts paraminfo adds with `helpformat=wikitext|html|raw`: a module's summary and
 * extended description, and each parameter's description, from MediaWiki's English help messages.
 */
import { helpMessage } from './messages.js';
import { inline, renderWikitext } from './wikitext.js';

export type HelpFormat = 'wikitext' | 'html' | 'raw';

export interface HelpTexts {
  module(path: string, name: string, prefix: string): unknown;
  param(path: string, moduleName: string, prefix: string, name: string, tokenType?: string): unknown;
}

export function helpTexts(format: HelpFormat, scriptPath: string): HelpTexts {
  const articlePath = (t: string) => `${scriptPath}/index.php/${t.replace(/\+/g, '%2B')}`;
  const html = (text: string) => {
    const trimmed = text.trim();
    return trimmed.includes('\n') ? renderWikitext(trimmed, articlePath) : inline(trimmed, articlePath);
  };
  return {
    module(path, name, prefix) {
      const params = [prefix, name, path];
      const keys = [`apihelp-${path}-summary`, `apihelp-${path}-extended-description`];
      if (format === 'raw') return keys.map((key) => ({ key, params }));
      const summary = helpMessage(keys[0]!, params) ?? '';
      const extended = helpMessage(keys[1]!, params) ?? '';
      const text = `${summary}\n\n${extended}`;
      return format === 'wikitext' ? text : html(text);
    },
    param(path, moduleName, prefix, name, tokenType) {
      if (tokenType !== undefined) {
        const key = 'api-help-param-token';
        if (format === 'raw') return [{ key, params: [tokenType, prefix, name, moduleName, path] }];
        const text = helpMessage(key, [tokenType]) ?? '';
        return format === 'wikitext' ? text : html(text);
      }
      // `continue` is described once for every module that has it.
      const own = `apihelp-${path}-param-${name}`;
      const key = helpMessage(own) === undefined && name === 'continue' ? 'api-help-param-continue' : own;
      const params = [prefix, name, moduleName, path];
      if (format === 'raw') return [{ key, params }];
      const text = helpMessage(key, params);
      if (text === undefined)
        return format === 'wikitext' ? '' : '<span class="apihelp-empty">(no description)</span>';
      return format === 'wikitext' ? text : html(text);
    },
  };
}
