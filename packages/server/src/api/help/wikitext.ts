/**
 * The little wikitext MediaWiki's API help messages use, rendered to HTML: paragraphs, `*` lists,
 * `[[internal|links]]`, `[external links]`, `{{PLURAL:…}}`, `{{!}}`, and inline HTML kept as is.
 * MediaWiki's parser does much more; these messages need no more.
 */

const esc = (s: string) => s.replace(/&(?!#?\w+;)/g, '&amp;').replace(/"/g, '&quot;');

/** Replace $1… and resolve {{PLURAL:n|…}} (English: 1 is singular; `n=` forms chosen exactly). */
export function fillMessage(text: string, params: readonly (string | number)[]): string {
  let t = text.replace(/\$(\d+)/g, (m, n) =>
    params[Number(n) - 1] !== undefined ? String(params[Number(n) - 1]) : m,
  );
  t = t.replace(/\{\{PLURAL:\s*([^|}]*)\|([^{}]*)\}\}/g, (_m, n: string, forms: string) => {
    const count = Number(n.trim());
    const parts = forms.split('|');
    const exact = parts.find((f) => f.startsWith(`${count}=`));
    if (exact) return exact.slice(String(count).length + 1);
    const plain = parts.filter((f) => !/^\d+=/.test(f));
    return (count === 1 ? plain[0] : (plain[1] ?? plain[0])) ?? '';
  });
  // The few magic words the help messages use, with this wiki's values.
  return t
    .replace(/\{\{!\}\}/g, '|')
    .replace(/\{\{MediaWiki:Mainpage\}\}/g, 'Main Page')
    .replace(/\{\{ns:MediaWiki\}\}/g, 'MediaWiki')
    .replace(/\{\{int:tog-minordefault\}\}/g, 'Mark all edits minor by default');
}

/** One line of help wikitext as inline HTML (links, bold, italics; HTML kept). */
export function inline(text: string, articlePath: (t: string) => string): string {
  return (
    text
      .replace(/&(?!#?\w+;)/g, '&amp;')
      .replace(/<br \/>/g, '<br>')
      // A bare URL becomes a link (trailing punctuation stays outside it).
      .replace(
        /(^|[\s>(])(https?:\/\/[^\s<>[\]"]+?)(?=[.,;:!?)]*(?:[\s<]|$))/g,
        (_m, before: string, url: string) =>
          `${before}<a rel="nofollow" class="external free" href="${esc(url)}">${url}</a>`,
      )
      .replace(/\[\[([^|\]]+)\|([^\]]+)\]\]/g, (_m, target: string, label: string) =>
        link(target, label, articlePath),
      )
      .replace(/\[\[([^|\]]+)\]\]/g, (_m, target: string) => link(target, target, articlePath))
      .replace(
        /\[(https?:\/\/[^\s\]]+) ([^\]]+)\]/g,
        (_m, url: string, label: string) =>
          `<a rel="nofollow" class="external text" href="${esc(url)}">${label}</a>`,
      )
      .replace(/'''(.+?)'''/g, '<b>$1</b>')
      .replace(/''(.+?)''/g, '<i>$1</i>')
  );
}

function link(rawTarget: string, rawLabel: string, articlePath: (t: string) => string): string {
  // [[:File:X]] links to the page (no image); the colon is not part of the title.
  const target = rawTarget.replace(/^:/, '');
  const label = rawLabel === rawTarget ? target : rawLabel;
  const mw = /^mw:(.*)$/.exec(target);
  if (mw)
    return `<a href="https://www.mediawiki.org/wiki/${esc(mw[1]!.replace(/ /g, '_').replace(/\$/g, '%24'))}" class="extiw" title="mw:${esc(mw[1]!.replace(/_/g, ' '))}">${label}</a>`;
  return `<a href="${esc(articlePath(target.replace(/ /g, '_')))}" title="${esc(target)}">${label}</a>`;
}

/** A help message as HTML: blocks of paragraphs and bullet lists. */
export function renderWikitext(text: string, articlePath: (t: string) => string): string {
  const out: string[] = [];
  let para: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (para.length) out.push(`<p>${inline(para.join('\n'), articlePath)}\n</p>`);
    if (list.length) out.push(`<ul>${list.map((l) => `<li>${inline(l, articlePath)}</li>`).join('\n')}</ul>`);
    para = [];
    list = [];
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) {
      if (para.length) flush();
      list.push(line.replace(/^\*+\s*/, ''));
    } else if (line.trim() === '') flush();
    else if (/^<\/?(div|p)\b/.test(line.trim())) {
      flush();
      out.push(inline(line.trim(), articlePath));
    } else {
      if (list.length) flush();
      para.push(line);
    }
  }
  flush();
  return out.join('\n');
}
