/**
 * The help texts paraminfo adds with `helpformat=wikitext|html|raw`: a module's summary and
 * extended description, each parameter's description (with its per-value list where MediaWiki has
 * one), and the module's examples, from MediaWiki's English help messages.
 */
import type { ParamDef } from '../params.js';
import {
  examplesOf,
  helpMessage,
  type MessageRef,
  type ParamHelpOptions,
  paramMessages,
} from './messages.js';
import { inline, renderWikitext } from './wikitext.js';

export type HelpFormat = 'wikitext' | 'html' | 'raw';

export interface HelpTexts {
  module(path: string, name: string, prefix: string): unknown;
  param(path: string, moduleName: string, prefix: string, name: string, opts?: ParamHelpOptions): unknown;
  examples(path: string, name: string, prefix: string): { query: string; description: unknown }[];
}

const NO_DESCRIPTION = '<span class="apihelp-empty">(no description)</span>';

/** A value's line in wikitext, as MediaWiki writes its per-value lists. */
const valueTerm = (v: string) => `<span dir="ltr" lang="en">${v}</span>`;

export function helpTexts(format: HelpFormat, scriptPath: string): HelpTexts {
  const articlePath = (t: string) => `${scriptPath}/index.php/${t.replace(/\+/g, '%2B')}`;
  const html = (text: string) => {
    const trimmed = text.trim();
    return trimmed.includes('\n') ? renderWikitext(trimmed, articlePath) : inline(trimmed, articlePath);
  };
  const text = (m: MessageRef) => helpMessage(m.key, m.params);
  const one = (m: MessageRef) => {
    if (format === 'raw') return [{ key: m.key, params: m.params }];
    const t = text(m) ?? '';
    return format === 'wikitext' ? t : html(t);
  };
  return {
    module(path, name, prefix) {
      const params = [prefix, name, path];
      const keys = [`apihelp-${path}-summary`, `apihelp-${path}-extended-description`];
      if (format === 'raw') return keys.map((key) => ({ key, params }));
      const summary = helpMessage(keys[0]!, params) ?? '';
      const extended = helpMessage(keys[1]!, params) ?? '';
      const whole = `${summary}\n\n${extended}`;
      return format === 'wikitext' ? whole : html(whole);
    },
    param(path, moduleName, prefix, name, opts = {}) {
      const [main, ...values] = paramMessages(path, moduleName, prefix, name, opts);
      if (format === 'raw') return [main!, ...values];
      const desc = text(main!);
      if (!values.length) {
        if (desc === undefined) return format === 'wikitext' ? '' : NO_DESCRIPTION;
        return format === 'wikitext' ? desc : html(desc);
      }
      if (format === 'wikitext') {
        const lines = values.map((v) => `;${valueTerm(v.forvalue!)}:${text(v) ?? NO_DESCRIPTION}`);
        return `${desc ?? ''}\n\n${lines.join('\n')}`;
      }
      return `${renderWikitext(desc ?? '', articlePath)}\n${valueList(values, articlePath)}`;
    },
    examples(path, name, prefix) {
      // An example's raw description is one message, not a list.
      return examplesOf(path, name, prefix).map((e) => ({
        query: e.query,
        description: format === 'raw' ? { key: e.message.key, params: e.message.params } : one(e.message),
      }));
    },
  };
}

/** A per-value list as MediaWiki renders it: a `<dl>` of value and description. */
export function valueList(values: MessageRef[], articlePath: (t: string) => string): string {
  const items = values.map((v) => {
    const t = helpMessage(v.key, v.params);
    const mark = v.deprecated ? '\n<span class="apihelp-deprecated">Deprecated.</span> ' : '';
    return `<dt>${valueTerm(v.forvalue!)}</dt>\n<dd>${mark}${t === undefined ? NO_DESCRIPTION : inline(t, articlePath)}</dd>`;
  });
  return `<dl>${items.join('\n')}</dl>`;
}

/** The values a parameter declares, in declaration order (none for free-form parameters). */
export function declaredValues(def: ParamDef): readonly string[] {
  const d = def.doc?.describeAs ?? def;
  if (d.type === 'enum') return d.values;
  if (d.type === 'multi' && d.values && !d.freeValues) return d.values;
  return [];
}

/** How help describes a declared parameter: its values, and what its declaration says of its message. */
export function paramHelpOptions(def: ParamDef): ParamHelpOptions {
  return {
    values: declaredValues(def),
    tokenType: def.doc?.tokenHelp,
    leading: def.doc?.helpParams,
    from: def.doc?.helpFrom,
    deprecated: def.doc?.deprecatedvalues,
  };
}
