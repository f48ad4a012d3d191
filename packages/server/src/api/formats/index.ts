/**
 * The output formats of the Action API (MediaWiki's ApiFormat* modules): json, php and xml, their
 * HTML views jsonfm, phpfm, xmlfm and rawfm, and none.
 */
import { phpSerialize } from './php.js';
import { prettyPage } from './pretty-page.js';
import { toXml } from './xml.js';

export const FORMATS = ['json', 'jsonfm', 'none', 'php', 'phpfm', 'rawfm', 'xml', 'xmlfm'] as const;
export type Format = (typeof FORMATS)[number];

/** Whether the format takes `formatversion` (XML always prints the formatversion 1 form). */
export const takesFormatVersion = (f: Format) => f !== 'xml' && f !== 'xmlfm' && f !== 'none';

export interface Rendered {
  contentType: string;
  /** File name of Content-Disposition, as MediaWiki names it. */
  fileName: string;
  body: string;
}

export interface PageContext {
  siteName: string;
  apiUrl: string;
  /** The request's parameters, to link the plain format from an HTML view. */
  params: [string, string][];
  /** JSONP callback (json formats): the answer becomes `/**\/callback(…)`. */
  callback?: string | undefined;
}

const plain = (f: Format) => (f.endsWith('fm') ? f.slice(0, -2) : f);

function text(format: Format, result: Record<string, unknown>, pretty: boolean): string {
  switch (plain(format)) {
    case 'php':
      return phpSerialize(result);
    case 'xml':
      return toXml(result, pretty);
    default:
      return pretty ? JSON.stringify(result, null, 4) : JSON.stringify(result);
  }
}

/** The answer `result` in `format`. */
export function render(format: Format, result: Record<string, unknown>, page: PageContext): Rendered {
  switch (format) {
    case 'none':
      return { contentType: 'text/plain; charset=utf-8', fileName: 'api-result.txt', body: '' };
    case 'json':
      if (page.callback !== undefined) {
        return {
          contentType: 'text/javascript; charset=utf-8',
          fileName: 'api-result.js',
          body: `/**/${page.callback}(${text(format, result, false)})`,
        };
      }
      return {
        contentType: 'application/json; charset=utf-8',
        fileName: 'api-result.json',
        body: text(format, result, false),
      };
    case 'php':
      return {
        contentType: 'application/vnd.php.serialized; charset=utf-8',
        fileName: 'api-result.php',
        body: text(format, result, false),
      };
    case 'xml':
      return {
        contentType: 'text/xml; charset=utf-8',
        fileName: 'api-result.xml',
        body: text(format, result, false),
      };
    default: {
      const shown = format === 'rawfm' ? 'json' : plain(format);
      const linkFormat = format === 'rawfm' ? 'json' : plain(format);
      const q = new URLSearchParams(page.params.map(([k, v]) => [k, k === 'format' ? linkFormat : v]));
      if (!q.has('format')) q.set('format', linkFormat);
      return {
        contentType: 'text/html; charset=utf-8',
        fileName: 'api-result.html',
        body: prettyPage({
          siteName: page.siteName,
          formatName: shown.toUpperCase(),
          plainFormat: linkFormat,
          plainUrl: `${page.apiUrl}?${q}`,
          helpUrl: `${new URL(page.apiUrl).pathname}?action=help&modules=main`,
          text: format === 'phpfm' ? text('php', result, false) : text(format, result, true),
        }),
      };
    }
  }
}
