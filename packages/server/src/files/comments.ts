/**
 * Edit and upload summaries as MediaWiki renders them (Linker::formatComment): escaped text,
 * `[[links]]` with red links for missing pages, and section auto-comments.
 */
import type { Config } from '../config.js';
import { decodeCharReferences } from '../title/sanitizer.js';
import { FileUrls, wikiTitleParser } from './urls.js';

/**
 * PHP's htmlspecialchars() with ENT_QUOTES, by hand: MediaWiki's output writes `'` as `&#039;`,
 * which the usual escaping libraries spell differently.
 */
export const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' })[c]!,
  );

/** Sanitizer::escapeHtmlAllowEntities */
function escapeComment(s: string): string {
  return escapeHtml(decodeCharReferences(s));
}

/** Link targets (prefixed DB keys) a comment links to, to look their existence up. */
export function commentLinkTargets(config: Config, comment: string): string[] {
  const out: string[] = [];
  for (const m of comment.matchAll(/\[\[:?([^[\]|]+)(?:\|[^\]]*)?\]\]/g)) {
    const t = wikiTitleParser(config).newFromText(m[1]!.split('#')[0]!);
    if (t && !t.isExternal) out.push(t.prefixedDbKey);
  }
  return out;
}

/**
 * Linker::formatComment reduced to what upload and edit summaries use: HTML-escaped text,
 * `[[links]]` (with link trails; red links for pages not in `known`), and `/* section *\/`
 * auto-comments. `self` is the page the comment belongs to (links to it become self-links).
 */
export function formatComment(
  config: Config,
  comment: string,
  self?: string,
  known?: ReadonlySet<string>,
): string {
  const urls = new FileUrls(config);
  let html = escapeComment(comment);
  // Auto-comments: /* Section */ rest
  html = html.replace(/^(.*?)\/\*\s*(.*?)\s*\*\/(.*)$/s, (_m, pre: string, sec: string, post: string) => {
    const link = self
      ? `<a href="${urls.page(self, false)}#${escapeHtml(sec.replace(/ /g, '_'))}" title="${escapeHtml(self.replace(/_/g, ' '))}">→‎${sec}</a>`
      : `→‎${sec}`;
    const colon = post.trim() ? ': ' : '';
    return `${pre}<span dir="auto"><span class="autocomment">${link}${colon}</span>${post.replace(/^\s+/, '')}</span>`;
  });
  const parser = wikiTitleParser(config);
  return html.replace(
    /\[\[\s*(:?)([^[\]|]+?)\s*(?:\|([^\]]*))?\]\](([a-z]+)?)/g,
    (m, _colon: string, target: string, label: string | undefined, trail: string) => {
      const raw = decodeCharReferences(target);
      const [page, fragment] = raw.split('#', 2) as [string, string | undefined];
      const t =
        page === '' && fragment !== undefined && self ? parser.newFromText(self) : parser.newFromText(page);
      if (!t || t.isExternal) return m;
      const text = (label !== undefined && label !== '' ? label : target.replace(/^:/, '')) + (trail ?? '');
      const pdk = t.prefixedDbKey;
      if (self && pdk === self && !fragment) return `<a class="mw-selflink selflink">${text}</a>`;
      const title = escapeHtml(t.prefixedText);
      const frag = fragment ? `#${escapeHtml(fragment.replace(/ /g, '_'))}` : '';
      if (known && !known.has(pdk) && t.ns >= 0) {
        return `<a href="${escapeHtml(urls.pageAction(pdk, 'action=edit&redlink=1', false))}" class="new" title="${title} (page does not exist)">${text}</a>`;
      }
      return `<a href="${urls.page(pdk, false)}${frag}" title="${title}">${text}</a>`;
    },
  );
}
