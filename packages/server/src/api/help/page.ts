/**
 * The HTML of action=help, laid out as MediaWiki's ApiHelp page: per module its name, flags,
 * description, help links and parameters (with types, values and defaults), from the declarations
 * that validate requests and MediaWiki's English help messages.
 */

import type { Describable } from '../paraminfo/describe.js';
import type { ParamDef } from '../params.js';
import { declaredValues, paramHelpOptions, valueList } from './descriptions.js';
import { examplesOf, helpMessage, paramMessages } from './messages.js';
import { inline, renderWikitext } from './wikitext.js';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const span = (s: string) => `<span dir="ltr" lang="en">${esc(s)}</span>`;

export interface HelpSite {
  siteName: string;
  scriptPath: string;
  /** Whether the reader may use bots' higher limits (MediaWiki then shows them). */
  highLimits: boolean;
  /** The wiki's namespace numbers (the values of namespace parameters). */
  namespaces: readonly number[];
  /** One parameter as paraminfo describes it (null when it is not listed). */
  describe(name: string, def: ParamDef): Record<string, unknown> | null;
  /** The groups that have a right, in configuration order (`*` is everyone). */
  groupsWith(right: string): string[];
}

/** A module's heading: `action=upload`, `list=allimages (ai)`, `main`. */
function heading(m: Describable): string {
  if (m.path === 'main') return 'Main module';
  const base = m.group === 'action' ? `action=${m.name}` : m.group ? `${m.group}=${m.name}` : m.name;
  return m.prefix ? `${base} (${m.prefix})` : base;
}

const num = (n: number) => n.toLocaleString('en-US');
const USER_SUBTYPES: Record<string, string> = {
  name: 'username',
  ip: 'IP',
  cidr: 'IP range',
  interwiki: 'interwiki name (e.g. "prefix&gt;ExampleName")',
  id: 'user ID (e.g. "#12345")',
};

/** The info lines under a parameter, as MediaWiki 1.39's help prints them. */
function paramInfo(o: Record<string, unknown>, path: string, site: HelpSite): string[] {
  const on = (k: string) => k in o && o[k] !== false;
  const datatypes = `${site.scriptPath}/api.php?action=help&amp;modules=main#main/datatype`;
  const info: string[] = [];
  if (on('deprecated')) info.push('<strong class="apihelp-deprecated">Deprecated.</strong>');
  for (const i of (o.info as { name: string }[] | undefined) ?? []) {
    const t = helpMessage(`apihelp-${path}-paraminfo-${i.name}`);
    if (t !== undefined) info.push(t);
  }
  if (on('required')) info.push('This parameter is required.');
  const multi = on('multi');
  const type = o.type;
  let values: readonly string[] | null = Array.isArray(type) ? (type as string[]) : null;
  if (type === 'namespace') {
    const extra = (o.extranamespaces as number[] | undefined) ?? [];
    values = [...site.namespaces.filter((n) => n >= 0), ...extra]
      .map(String)
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  }
  const submodules = o.submodules as Record<string, string> | undefined;
  if (values && submodules) {
    // Values that are modules link to their help.
    values = values.map(
      (v) =>
        `<a href="${site.scriptPath}/api.php?action=help&amp;modules=${(submodules[v] ?? v).replace(/\+/g, '%2B')}"><span dir="ltr" lang="en">${v}</span></a>`,
    );
  }
  if (values) {
    const list = values.includes('')
      ? `Can be empty, or ${values.filter((v) => v !== '').join(', ')}`
      : values.join(', ');
    info.push(
      multi
        ? `Values (separate with <kbd>|</kbd> or <a href="${datatypes}s">alternative</a>): ${list}`
        : `One of the following values: ${list}`,
    );
    if (o.allspecifier !== undefined) info.push(`To specify all values, use <kbd>${o.allspecifier}</kbd>.`);
  } else if (type === 'boolean') {
    info.push(`Type: boolean (<a href="${datatypes}/boolean">details</a>)`);
  } else if (type === 'integer') {
    info.push(multi ? 'Type: list of integers' : 'Type: integer');
  } else if (type === 'limit') {
    info.push('Type: integer or <kbd>max</kbd>');
  } else if (type === 'timestamp') {
    info.push(
      `Type: ${multi ? 'list of timestamps' : 'timestamp'} (<a href="${datatypes}/timestamp">allowed formats</a>)`,
    );
  } else if (type === 'expiry') {
    info.push(`Type: expiry (<a href="${datatypes}/expiry">details</a>)`);
  } else if (type === 'user') {
    const subtypes = ((o.subtypes as string[] | undefined) ?? ['name']).map((t) => USER_SUBTYPES[t] ?? t);
    const by =
      subtypes.length > 1
        ? `by any of ${subtypes.slice(0, -1).join(', ')} and ${subtypes.at(-1)}`
        : `by ${subtypes[0]}`;
    info.push(`Type: ${multi ? 'list of users' : 'user'}, ${by}`);
  } else if (type === 'title') {
    info.push('Type: page title');
    if (o.mustExist === false || o.mustExist === '') info.push('Accepts non-existent pages.');
  } else if (type === 'upload') {
    info.push('Must be posted as a file upload using multipart/form-data.');
  }
  if (multi && !values) {
    info.push(`Separate values with <kbd>|</kbd> or <a href="${datatypes}s">alternative</a>.`);
  }
  if (multi && (!values || values.length > 50)) {
    info.push('Maximum number of values is 50 (500 for clients that are allowed higher limits).');
  }
  if (type === 'limit') {
    const bots = site.highLimits ? ` (${num(o.highmax as number)} for bots)` : '';
    info.push(`The value must be between ${num(o.min as number)} and ${num(o.max as number)}${bots}.`);
  } else if (type === 'integer' && !multi) {
    const { min, max } = o as { min?: number; max?: number };
    if (min !== undefined && max !== undefined)
      info.push(`The value must be between ${num(min)} and ${num(max)}.`);
    else if (min !== undefined) info.push(`The value must be no less than ${num(min)}.`);
    else if (max !== undefined) info.push(`The value must be no greater than ${num(max)}.`);
  }
  if ('default' in o && o.default !== undefined) {
    info.push(
      o.default === ''
        ? 'Default: <span class="apihelp-empty">(empty)</span>'
        : `Default: ${esc(String(o.default))}`,
    );
  }
  return info;
}

/** Where a module sits: `(main | query | allimages)`, the module itself in bold unless it has submodules. */
function linkTrail(m: Describable, site: HelpSite, withSubmodules: boolean): string {
  if (m.path === 'main') return '';
  const parts = m.path.split('+');
  const crumbs = ['main', ...parts.map((_, i) => parts.slice(0, i + 1).join('+'))];
  const items = crumbs.map((path, i) => {
    const name = path.split('+').at(-1)!;
    if (i === crumbs.length - 1 && !withSubmodules) return `<b dir="ltr" lang="en">${esc(name)}</b>`;
    return `<a href="${site.scriptPath}/index.php/Special:ApiHelp/${path.replace(/\+/g, '%2B')}" class="apihelp-linktrail" dir="ltr" lang="en">${esc(name)}</a>`;
  });
  return `<div class="apihelp-linktrail">(${items.join(' | ')})</div>`;
}

/** One module's section of the help page, under a heading of the given level (2 for those asked for). */
export function moduleHelp(m: Describable, site: HelpSite, level = 2, withSubmodules = false): string {
  const path = m.path;
  const articlePath = (t: string) => `${site.scriptPath}/index.php/${t}`;
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
  const h = `h${Math.min(level, 6)}`;
  const header =
    path === 'main'
      ? `<${h} class="apihelp-header" id="main">${heading(m)}</${h}>`
      : `<${h} class="apihelp-header apihelp-module-name" dir="ltr" lang="en" id="${esc(path)}">${esc(heading(m))}</${h}>${linkTrail(m, site, withSubmodules)}`;
  const texts = [`apihelp-${path}-summary`, `apihelp-${path}-extended-description`]
    .map((key) => helpMessage(key, [m.prefix, m.name, path]) ?? '')
    .join('\n\n')
    .trim();
  const out: string[] = [
    header,
    `<div class="apihelp-block apihelp-flags"><ul>${flags.join('')}</ul></div>`,
    renderWikitext(texts, articlePath),
  ];
  // MediaWiki leaves an empty line where a module without help links would have them.
  const urls = m.doc?.helpurls ?? [];
  out.push(
    urls.length
      ? `<div class="apihelp-block apihelp-help-urls"><ul>${urls.map((u) => `<li><a href="${esc(u)}" dir="ltr">${esc(u)}</a></li>`).join('')}</ul></div>`
      : '',
  );
  const items: string[] = [];
  let count = 0;
  for (const [name, def] of Object.entries(m.params)) {
    const described = site.describe(name, def);
    if (!described) continue;
    const [main, ...values] = paramMessages(path, m.name, m.prefix, name, paramHelpOptions(def));
    const desc = helpMessage(main!.key, main!.params);
    const perValue = def.doc?.submodules
      ? submoduleList(declaredValues(def), def.doc.submodules, site, articlePath)
      : values.length
        ? valueList(values, articlePath)
        : '';
    count++;
    items.push(`<dt><span dir="ltr" lang="en">${esc(m.prefix + name)}</span></dt>`);
    // The deprecation notice comes first, before the description.
    const info = paramInfo(described, path, site);
    if (info[0]?.includes('apihelp-deprecated')) items.push(`<dd class="info">${info.shift()}</dd>`);
    items.push(
      `<dd class="description">${desc === undefined ? '<p><span class="apihelp-empty">(no description)</span>\n</p>' : renderWikitext(desc, articlePath)}${perValue}</dd>`,
    );
    for (const i of info) items.push(`<dd class="info">${i}</dd>`);
  }
  if (m.tokenType) {
    count++;
    items.push(`<dt><span dir="ltr" lang="en">${esc(m.prefix)}token</span></dt>`);
    items.push(
      `<dd class="description"><p>A "${esc(m.tokenType)}" token retrieved from <a href="${site.scriptPath}/api.php?action=help&amp;modules=query%2Btokens">action=query&amp;meta=tokens</a>\n</p></dd>`,
    );
    items.push('<dd class="info">This parameter is required.</dd>');
  }
  if (items.length) {
    const note =
      path === 'main'
        ? ''
        : '<div class="apihelp-block-header">Other general parameters are available.</div>';
    out.push(
      `<div class="apihelp-block apihelp-parameters"><div class="apihelp-block-head">${helpMessage('api-help-parameters', [count])}</div>${note}<dl>${items.join('')}</dl></div>`,
    );
  }
  out.push(examplesBlock(m, site, articlePath));
  if (path === 'main') out.push(mainPermissions(site), '', ...mainSections(level + 1, articlePath));
  // Links to other modules' help go to api.php's help, as MediaWiki's help page rewrites them.
  return out
    .join('\n')
    .replace(
      new RegExp(
        `<a href="${site.scriptPath}/index\\.php/Special:ApiHelp/([^"#]*)(#[^"]*)?" title="[^"]*">`,
        'g',
      ),
      (_m, target: string, frag: string | undefined) =>
        `<a href="${site.scriptPath}/api.php?action=help&amp;modules=${target.replace(/\+/g, '%2B')}${frag ?? ''}">`,
    );
}

/** English "a, b and c". */
const listText = (items: string[]) =>
  items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? '');

/** The rights that shape every request (MediaWiki's main module lists them), and who has them. */
function mainPermissions(site: HelpSite): string {
  const rights: [string, string][] = [
    ['writeapi', helpMessage('right-writeapi') ?? ''],
    ['apihighlimits', helpMessage('api-help-right-apihighlimits', [500, 5000]) ?? ''],
  ];
  const items = rights.map(([right, text]) => {
    const groups = site.groupsWith(right).map((g) => (g === '*' ? 'all' : g));
    return `<dt>${right}</dt><dd>${text}</dd><dd>${helpMessage('api-help-permissions-granted-to', [groups.length, listText(groups)])}</dd>`;
  });
  return `<div class="apihelp-block apihelp-permissions"><div class="apihelp-block-head">${helpMessage('api-help-permissions', [rights.length])}</div><dl>${items.join('')}</dl></div>`;
}

/** The sections that close the main module's help: data types, templated parameters, credits. */
function mainSections(level: number, articlePath: (t: string) => string): string[] {
  const h = `h${Math.min(level, 6)}`;
  const heading = (id: string, key: string) =>
    `<${h} class="apihelp-header"><span id="${id.replace(/\//g, '.2F')}"></span><span class="mw-headline" id="${id}">${helpMessage(key)}</span></${h}>`;
  const datatypes = ['boolean', 'expiry', 'timestamp'].map((t) => {
    const id = `main/datatype/${t}`;
    return `<dt id="${id}"><span id="${id.replace(/\//g, '.2F')}"></span>${t}</dt><dd>${renderWikitext(helpMessage(`api-help-datatype-${t}`) ?? '', articlePath)}</dd>`;
  });
  return [
    `${heading('main/datatypes', 'api-help-datatypes-header')}${renderWikitext(helpMessage('api-help-datatypes-top') ?? '', articlePath)}<dl>${datatypes.join('')}</dl>`,
    `${heading('main/templatedparams', 'api-help-templatedparams-header')}${renderWikitext(helpMessage('api-help-templatedparams') ?? '', articlePath)}`,
    `${heading('main/credits', 'api-credits-header')}${renderWikitext(helpMessage('api-credits') ?? '', articlePath)}`,
  ];
}

/** The modules a parameter chooses (`action`, `format`, `prop`…), each linked to its help with its summary. */
function submoduleList(
  values: readonly string[],
  pathOf: (value: string) => string,
  site: HelpSite,
  articlePath: (t: string) => string,
): string {
  if (!values.length) return '';
  const items = [...values].sort().map((v) => {
    const path = pathOf(v);
    const summary = helpMessage(`apihelp-${path}-summary`) ?? '';
    return `<dt><span dir="ltr" lang="en"><a href="${site.scriptPath}/api.php?action=help&amp;modules=${path.replace(/\+/g, '%2B')}">${esc(v)}</a></span></dt>\n<dd>${inline(summary, articlePath)}</dd>`;
  });
  return `<dl>${items.join('\n')}</dl>`;
}

/** The module's examples: each a description, a link to the request and one to the sandbox. */
function examplesBlock(m: Describable, site: HelpSite, articlePath: (t: string) => string): string {
  const examples = examplesOf(m.path, m.name, m.prefix);
  if (!examples.length) return '';
  const items = examples.map((e) => {
    const text = helpMessage(e.message.key, e.message.params) ?? '';
    const q = esc(e.query);
    const href = q.replace(/\|/g, '%7C');
    return (
      `<dt>${inline(text, articlePath)}</dt><dd><a href="${site.scriptPath}/api.php?${href}" dir="ltr" rel="nofollow">api.php?${q}</a> ` +
      `<a href="${site.scriptPath}/index.php/Special:ApiSandbox#${href}"><small>[open in sandbox]</small></a></dd>`
    );
  });
  const head = helpMessage('api-help-examples', [examples.length]);
  return `<div class="apihelp-block apihelp-examples"><div class="apihelp-block-head">${head}</div><dl>${items.join('')}</dl></div>`;
}

/** The table of contents' entries: each module, and the main module's closing sections. */
function tocEntries(modules: { module: Describable; level: number }[]) {
  const base = Math.min(...modules.map((e) => e.level));
  return modules.flatMap((e) => {
    const depth = e.level - base + 1;
    const own = { depth, anchor: e.module.path, text: esc(heading(e.module)) };
    if (e.module.path !== 'main') return [own];
    const closing = [
      ['main/datatypes', 'api-help-datatypes-header'],
      ['main/templatedparams', 'api-help-templatedparams-header'],
      ['main/credits', 'api-credits-header'],
    ].map(([anchor, key]) => ({ depth: depth + 1, anchor: anchor!, text: helpMessage(key!) ?? '' }));
    return [own, ...closing];
  });
}

/** MediaWiki's table of contents: numbered, nested by heading level. */
function tableOfContents(entries: { depth: number; anchor: string; text: string }[]): string {
  let toc = '';
  let last = 0;
  const numbers: number[] = [];
  for (const e of entries) {
    if (e.depth > last) toc += last === 0 ? '' : '\n<ul>\n';
    else if (e.depth < last) toc += `</li>\n${'</ul>\n</li>\n'.repeat(last - e.depth)}`;
    else toc += '</li>\n';
    numbers.length = e.depth;
    numbers[e.depth - 1] = (numbers[e.depth - 1] ?? 0) + 1;
    const number = numbers.map((n) => n ?? 1).join('.');
    toc += `<li class="toclevel-${e.depth}"><a href="#${esc(e.anchor)}"><span class="tocnumber">${number}</span> <span class="toctext">${e.text}</span></a>`;
    last = e.depth;
  }
  const end = last > 1 ? `</li>\n${'</ul>\n</li>'.repeat(last - 1)}</ul></div>\n` : '</li>\n</ul>\n</div>\n';
  return (
    '<div id="toc" class="toc" role="navigation" aria-labelledby="mw-toc-heading"><input type="checkbox" role="button" id="toctogglecheckbox" class="toctogglecheckbox" style="display:none"><div class="toctitle" lang="en" dir="ltr"><h2 id="mw-toc-heading">Contents</h2><span class="toctogglespan"><label class="toctogglelabel" for="toctogglecheckbox"></label></span></div>\n<ul>\n' +
    toc +
    end
  );
}

/** The whole help page: each module under a heading of its level; links to modules on it become anchors. */
export function helpPage(
  modules: { module: Describable; level: number }[],
  site: HelpSite,
  opts: { toc?: boolean } = {},
): string {
  const shown = new Set(modules.map((e) => e.module.path));
  const hasShownSubmodules = (path: string) =>
    [...shown].some((p) => p.startsWith(`${path}+`) || (path === 'main' && p !== 'main'));
  let sections = modules
    .map((e) => moduleHelp(e.module, site, e.level, hasShownSubmodules(e.module.path)))
    .join('\n');
  for (const { module } of modules) {
    const target = `href="${site.scriptPath}/api.php?action=help&amp;modules=${module.path.replace(/\+/g, '%2B')}`;
    sections = sections
      .split(`${target}#`)
      .join('href="#')
      .split(`${target}">`)
      .join(`href="#${module.path}">`);
  }
  const body =
    '<p>This is an auto-generated MediaWiki API documentation page.\n</p><p>Documentation and examples: <a class="external free" href="https://www.mediawiki.org/wiki/Special:MyLanguage/API:Main_page">https://www.mediawiki.org/wiki/Special:MyLanguage/API:Main_page</a>\n</p>' +
    (opts.toc ? tableOfContents(tocEntries(modules)) : '') +
    sections;
  return (
    '<!DOCTYPE html>\n<html lang="en" dir="ltr">\n<head>\n<meta charset="UTF-8"/>\n' +
    `<title>MediaWiki API help - ${esc(site.siteName)}</title>\n<meta name="robots" content="noindex,nofollow"/>\n</head>\n` +
    '<body class="mediawiki ltr sitedir-ltr ns--1 ns-special mw-special-ApiHelp page-Special_ApiHelp skin-apioutput action-view"><div class="mw-body" role="main">\n' +
    '\t<h1 id="firstHeading">MediaWiki API help</h1>\n\t<div class="mw-body-content">\n' +
    `\t\t<div id="mw-content-text" class="mw-body-content">${body}</div>\n\t</div>\n</div>\n</body>\n</html>`
  );
}
