/**
 * The HTML page of the `…fm` formats (jsonfm, xmlfm, phpfm, rawfm): the answer shown in a browser,
 * laid out as MediaWiki's ApiFormatBase page (a header naming the format, the answer in
 * `pre.api-pretty-content`).
 */
const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface PrettyPage {
  siteName: string;
  /** Upper-case format name for the header: JSON, XML, PHP. */
  formatName: string;
  /** The format without `fm`, and the request's URL with that format, for the header link. */
  plainFormat: string;
  plainUrl: string;
  helpUrl: string;
  /** The answer as the plain format prints it, indented. */
  text: string;
}

export function prettyPage(p: PrettyPage): string {
  const header =
    `<div class="api-pretty-header"><p>This is the HTML representation of the ${p.formatName} format. HTML is good for debugging, but is unsuitable for application use.\n</p>` +
    `<p>Specify the <var>format</var> parameter to change the output format. To see the non-HTML representation of the ${p.formatName} format, set <a rel="nofollow" class="external text" href="${esc(p.plainUrl)}"><kbd>format=${esc(p.plainFormat)}</kbd></a>.\n</p>` +
    `<p>See the <a href="https://www.mediawiki.org/wiki/API" class="extiw" title="mw:API">complete documentation</a>, or the <a href="${esc(p.helpUrl)}">API help</a> for more information.\n</p></div>`;
  // MediaWiki escapes only & and < inside the pre element.
  const body = p.text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return (
    '<!DOCTYPE html>\n<html lang="en" dir="ltr">\n<head>\n<meta charset="UTF-8"/>\n' +
    `<title>MediaWiki API result - ${esc(p.siteName)}</title>\n<meta name="robots" content="noindex,nofollow"/>\n</head>\n` +
    '<body class="mediawiki ltr sitedir-ltr ns--1 ns-special mw-special-ApiHelp skin-apioutput action-view"><div class="mw-body" role="main">\n' +
    '\t<h1 id="firstHeading">MediaWiki API result</h1>\n\t<div class="mw-body-content">\n' +
    `\t\t<div id="mw-content-text" class="mw-body-content">${header}<pre class="api-pretty-content">${body}</pre></div>\n` +
    '\t</div>\n</div>\n</body>\n</html>'
  );
}
