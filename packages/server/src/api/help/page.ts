/**
 * The HTML of action=help, laid out as MediaWiki's ApiHelp page: per module its name, flags,
 * description, help links and parameters (with types, values and defaults), from the declarations
 * that validate requests and MediaWiki's English help messages.
 */

import type { Describable } from '../paraminfo/describe.js';
import type { ParamDef } from '../params.js';
import { helpMessage } from './messages.js';
import { renderWikitext } from './wikitext.js';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const span = (s: string) => `<span dir="ltr" lang="en">${esc(s)}</span>`;

export interface HelpSite {
  siteName: string;
  scriptPath: string;
}

/** A module's heading: `action=upload`, `list=allimages (ai)`, `main`. */
function heading(m: Describable): string {
  if (m.path === 'main') return 'Main module';
  const base = m.group === 'action' ? `action=${m.name}` : m.group ? `${m.group}=${m.name}` : m.name;
  return m.prefix ? `${base} (${m.prefix})` : base;
}

function paramInfo(def: ParamDef, site: HelpSite): string[] {
  const info: string[] = [];
  const d = def.doc?.describeAs ?? def;
  const doc = def.doc ?? {};
  if ('required' in d && d.required)
    info.push('<span class="apihelp-required">This parameter is required.</span>');
  if (d.type === 'enum' || (d.type === 'multi' && d.values && !d.freeValues)) {
    const values = [...d.values!].filter((v) => v !== '*').sort();
    const list = values.length ? values.map(span).join(', ') : '';
    info.push(
      d.type === 'multi'
        ? `Values (separate with <kbd>|</kbd> or <a href="${site.scriptPath}/api.php?action=help&amp;modules=main#main/datatypes">alternative</a>): ${list}`
        : `One of the following values: ${list}`,
    );
    if (d.type === 'multi' && d.allowAll) info.push('To specify all values, use <kbd>*</kbd>.');
  } else if (d.type === 'boolean') {
    info.push(
      `Type: boolean (<a href="${site.scriptPath}/api.php?action=help&amp;modules=main#main/datatype/boolean">details</a>)`,
    );
  } else if (d.type === 'integer' || (d.type === 'multi' && d.integers)) {
    info.push(d.type === 'multi' ? 'Type: list of integers' : 'Type: integer');
    if (d.type === 'integer' && d.min !== undefined && d.max !== undefined)
      info.push(`The value must be between ${d.min} and ${d.max}.`);
    else if (d.type === 'integer' && d.min !== undefined)
      info.push(`The value must be no less than ${d.min}.`);
  } else if (d.type === 'limit') {
    info.push('Type: integer or <kbd>max</kbd>');
    info.push(
      `The value must be between 1 and ${d.max.toLocaleString('en-US')} (${d.highMax.toLocaleString('en-US')} for bots).`,
    );
  } else if (d.type === 'upload') {
    info.push('Must be posted as a file upload using multipart/form-data.');
  } else if (doc.type === 'timestamp') {
    info.push(
      `Type: timestamp (<a href="${site.scriptPath}/api.php?action=help&amp;modules=main#main/datatype/timestamp">allowed formats</a>)`,
    );
  } else if (doc.type === 'user') {
    info.push('Type: user, by username');
  } else if (d.type === 'multi') {
    info.push(
      `Separate values with <kbd>|</kbd> or <a href="${site.scriptPath}/api.php?action=help&amp;modules=main#main/datatypes">alternative</a>.`,
    );
  }
  if (d.type === 'multi') {
    info.push(`Maximum number of values is 50 (500 for clients that are allowed higher limits).`);
  }
  if ('default' in d && d.default !== undefined) {
    info.push(
      d.default === ''
        ? 'Default: <span class="apihelp-empty">(empty)</span>'
        : `Default: ${span(String(d.default))}`,
    );
  }
  return info;
}

/** One module's section of the help page. */
export function moduleHelp(m: Describable, site: HelpSite): string {
  const path = m.path;
  const articlePath = (t: string) => `${site.scriptPath}/index.php/${t}`;
  const render = (key: string) => {
    const t = helpMessage(key, [m.prefix]);
    return t === undefined ? '' : renderWikitext(t, articlePath);
  };
  const flags: string[] = [];
  if (m.readrights)
    flags.push('<li><span class="apihelp-flag-readrights">This module requires read rights.</span></li>');
  if (m.writerights)
    flags.push('<li><span class="apihelp-flag-writerights">This module requires write rights.</span></li>');
  if (m.mustbeposted)
    flags.push(
      '<li><span class="apihelp-flag-mustbeposted">This module only accepts POST requests.</span></li>',
    );
  if (m.doc?.generator)
    flags.push(
      '<li><span class="apihelp-flag-generator">This module can be used as a generator.</span></li>',
    );
  flags.push(`<li><span class="apihelp-source">Source: ${span('MediaWiki')}</span></li>`);
  flags.push(
    `<li><span class="apihelp-license">License: <a href="${site.scriptPath}/index.php/Special:Version/License/MediaWiki" title="Special:Version/License/MediaWiki">${span('GPL-2.0-or-later')}</a></span></li>`,
  );
  const out: string[] = [
    `<h2 class="apihelp-header apihelp-module-name" dir="ltr" lang="en" id="${esc(path)}">${esc(heading(m))}</h2>`,
    `<div class="apihelp-block apihelp-flags"><ul>${flags.join('')}</ul></div>`,
    render(`apihelp-${path}-summary`),
    render(`apihelp-${path}-extended-description`),
  ];
  const urls = m.doc?.helpurls ?? [];
  if (urls.length) {
    out.push(
      `<div class="apihelp-block apihelp-help-urls"><ul>${urls.map((u) => `<li><a href="${esc(u)}" dir="ltr">${esc(u)}</a></li>`).join('')}</ul></div>`,
    );
  }
  const params = Object.entries(m.params).filter(([, d]) => !d.doc?.hidden);
  if (params.length || m.tokenType) {
    const items: string[] = [];
    for (const [name, def] of params) {
      const desc = helpMessage(`apihelp-${path}-param-${name}`, [m.prefix]);
      items.push(`<dt><span dir="ltr" lang="en">${esc(m.prefix + name)}</span></dt>`);
      items.push(
        `<dd class="description">${desc === undefined ? '<p><span class="apihelp-empty">(no description)</span>\n</p>' : renderWikitext(desc, articlePath)}</dd>`,
      );
      if (def.type !== 'upload' && 'deprecated' in def && def.deprecated)
        items.push('<dd class="info"><span class="apihelp-deprecated">Deprecated.</span></dd>');
      for (const i of paramInfo(def, site)) items.push(`<dd class="info">${i}</dd>`);
    }
    if (m.tokenType) {
      items.push(`<dt><span dir="ltr" lang="en">${esc(m.prefix)}token</span></dt>`);
      items.push(
        `<dd class="description"><p>A "${esc(m.tokenType)}" token retrieved from <a href="${site.scriptPath}/api.php?action=help&amp;modules=query%2Btokens">action=query&amp;meta=tokens</a>\n</p></dd>`,
      );
      items.push('<dd class="info"><span class="apihelp-required">This parameter is required.</span></dd>');
    }
    out.push(
      `<div class="apihelp-block apihelp-parameters"><div class="apihelp-block-head">${path === 'main' ? 'Parameters:' : 'Specific parameters:'}</div><dl>${items.join('')}</dl></div>`,
    );
  }
  return out.filter(Boolean).join('\n');
}

/** The whole help page. */
export function helpPage(modules: Describable[], site: HelpSite): string {
  const body =
    '<p>This is an auto-generated MediaWiki API documentation page.\n</p><p>Documentation and examples: <a class="external free" href="https://www.mediawiki.org/wiki/Special:MyLanguage/API:Main_page">https://www.mediawiki.org/wiki/Special:MyLanguage/API:Main_page</a>\n</p>' +
    modules.map((m) => moduleHelp(m, site)).join('\n');
  return (
    '<!DOCTYPE html>\n<html lang="en" dir="ltr">\n<head>\n<meta charset="UTF-8"/>\n' +
    `<title>MediaWiki API help - ${esc(site.siteName)}</title>\n<meta name="robots" content="noindex,nofollow"/>\n</head>\n` +
    '<body class="mediawiki ltr sitedir-ltr ns--1 ns-special mw-special-ApiHelp page-Special_ApiHelp skin-apioutput action-view"><div class="mw-body" role="main">\n' +
    '\t<h1 id="firstHeading">MediaWiki API help</h1>\n\t<div class="mw-body-content">\n' +
    `\t\t<div id="mw-content-text" class="mw-body-content">${body}</div>\n\t</div>\n</div>\n</body>\n</html>`
  );
}
