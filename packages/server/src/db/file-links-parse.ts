/**
 * The files a page's wikitext uses, as MediaWiki records them in imagelinks: `[[File:…]]`,
 * `[[Image:…]]` and `[[Media:…]]` links (not `[[:File:…]]`, which only links to the page), and the
 * lines of `<gallery>` blocks. Names come back as DB keys (`A_b.png`).
 */

import { ucfirst } from '../title/case.js';

/** A file name as its DB key: underscores for spaces, first letter upper-cased as titles are. */
function fileKey(raw: string): string | null {
  const name = raw.replace(/[\s_]+/g, ' ').trim();
  if (!name || /[#<>[\]|{}]/.test(name)) return null;
  return ucfirst(name).replace(/ /g, '_');
}

export function fileLinksOf(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/\[\[\s*(?!:)(?:file|image|media)\s*:([^|\]#\n]+)/gi)) {
    const k = fileKey(m[1]!);
    if (k) names.add(k);
  }
  for (const g of text.matchAll(/<gallery\b[^>]*>([\s\S]*?)<\/gallery>/gi)) {
    for (const line of g[1]!.split('\n')) {
      const target = line
        .split('|', 1)[0]!
        .trim()
        .replace(/^(?:file|image)\s*:/i, '');
      const k = target ? fileKey(target) : null;
      if (k) names.add(k);
    }
  }
  return [...names];
}
