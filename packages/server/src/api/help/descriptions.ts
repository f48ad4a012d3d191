/**
 * The help texts paraminfo adds with `helpformat=wikitext|html|raw`: a module's summary and
 * extended description, and each parameter's description, from MediaWiki's English help messages.
 */
import messagesData from './messages-en.json' with { type: 'json' };
import { fillMessage, inline, renderWikitext } from './wikitext.js';

const MESSAGES: Readonly<Record<string, string>> = messagesData.messages;

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
      const summary = fillMessage(MESSAGES[keys[0]!] ?? '', params);
      const extended = fillMessage(MESSAGES[keys[1]!] ?? '', params);
      const text = `${summary}\n\n${extended}`;
      return format === 'wikitext' ? text : html(text);
    },
    param(path, moduleName, prefix, name, tokenType) {
      if (tokenType !== undefined) {
        const key = 'api-help-param-token';
        if (format === 'raw') return [{ key, params: [tokenType, prefix, name, moduleName, path] }];
        const text = fillMessage(MESSAGES[key] ?? '', [tokenType]);
        return format === 'wikitext' ? text : html(text);
      }
      // `continue` is described once for every module that has it.
      const own = `apihelp-${path}-param-${name}`;
      const key = MESSAGES[own] === undefined && name === 'continue' ? 'api-help-param-continue' : own;
      const params = [prefix, name, moduleName, path];
      if (format === 'raw') return [{ key, params }];
      const message = MESSAGES[key];
      if (message === undefined)
        return format === 'wikitext' ? '' : '<span class="apihelp-empty">(no description)</span>';
      const text = fillMessage(message, params);
      return format === 'wikitext' ? text : html(text);
    },
  };
}
