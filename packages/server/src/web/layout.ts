/**
 * The skin: every page of the web interface is this frame (site name, navigation, who is logged
 * in) around its own content. No inline scripts or styles: the stylesheet and scripts are files
 * under `<scriptPath>/static/`, so the Content-Security-Policy can forbid everything else.
 */
import type { Config } from '../config.js';
import { type Html, html } from './html.js';

/** Who looks at the page. */
export interface Viewer {
  /** The user name, or null when logged out. */
  name: string | null;
  rights: ReadonlySet<string>;
}

export interface PageOptions {
  /** The page's title (the `<h1>` and the window title). */
  title: string;
  body: Html;
  /** Scripts of `<scriptPath>/static/` (module scripts) this page needs. */
  scripts?: string[];
  /** Data the scripts read (`data-*` attributes of `<main>`). */
  data?: Record<string, string>;
  /** The special page the page is (for the navigation's current link). */
  current?: string;
}

/** The web interface's URLs: short article paths (`/wiki/Title`) and the static files. */
export class WebUrls {
  constructor(private readonly config: Pick<Config, 'scriptPath'>) {}

  /** A page by title (`File:A b.png` → `/wiki/File:A_b.png`), with a query string if given. */
  page(title: string, query?: Record<string, string>): string {
    const path = `/wiki/${encodeURIComponent(title.replace(/ /g, '_')).replace(/%3A/gi, ':').replace(/%2F/gi, '/')}`;
    return query ? `${path}?${new URLSearchParams(query)}` : path;
  }

  static(file: string): string {
    return `${this.config.scriptPath}/static/${file}`;
  }

  /** Where forms post to (`index.php?title=…`, as MediaWiki's forms do). */
  action(title: string): string {
    return `${this.config.scriptPath}/index.php?${new URLSearchParams({ title: title.replace(/ /g, '_') })}`;
  }
}

const NAV: [special: string, label: string][] = [
  ['Special:Upload', 'Upload file'],
  ['Special:ListFiles', 'File list'],
  ['Special:NewFiles', 'New files'],
  ['Special:Log/upload', 'Upload log'],
];

/** A whole page. */
export function page(config: Config, viewer: Viewer, o: PageOptions): string {
  const urls = new WebUrls(config);
  const data = Object.entries(o.data ?? {}).map(([k, v]) => html` data-${k}="${v}"`);
  const nav = NAV.map(
    ([special, label]) =>
      html`<li><a href="${urls.page(special)}"${o.current === special ? html` aria-current="page"` : ''}>${label}</a></li>`,
  );
  const user = viewer.name
    ? html`<span class="mw-user">Logged in as <a href="${urls.page(`User:${viewer.name}`)}">${viewer.name}</a></span>
        <a href="${urls.page('Special:UserLogout')}">Log out</a>`
    : html`<a href="${urls.page('Special:UserLogin', o.current ? { returnto: o.current } : undefined)}">Log in</a>`;
  return html`<!DOCTYPE html>
<html lang="${config.lang}">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${o.title} - ${config.siteName}</title>
<link rel="icon" href="${urls.static('favicon.svg')}" type="image/svg+xml">
<link rel="stylesheet" href="${urls.static('mwup.css')}">
${(o.scripts ?? []).map((s) => html`<script type="module" src="${urls.static(s)}"></script>`)}
</head>
<body>
<a class="skip-link" href="#content">Skip to content</a>
<header class="mw-header">
<a class="mw-site" href="${urls.page('Special:Upload')}">${config.siteName}</a>
<nav aria-label="Site"><ul>${nav}</ul></nav>
<div class="mw-personal">${user}</div>
</header>
<main id="content"${data}>
<h1 id="firstHeading">${o.title}</h1>
${o.body}
</main>
</body>
</html>
`.text;
}
