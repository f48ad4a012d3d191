/** Modules paraminfo describes that are not actions: the output formats and the page set. */
import { helpUrl } from '../module.js';
import type { ParamDefs } from '../params.js';
import type { QuerySubmodule } from '../query/submodule.js';
import type { Describable } from './describe.js';

const DATA_FORMATS = [helpUrl('Data_formats')];
const formatversion = { type: 'enum', values: ['1', '2', 'latest'], default: '1' } as const;
const wrappedhtml = { type: 'boolean' } as const;
const json = {
  callback: { type: 'string' },
  utf8: { type: 'boolean' },
  ascii: { type: 'boolean' },
  formatversion,
} as const;
const xml = { xslt: { type: 'string' }, includexmlnamespace: { type: 'boolean' } } as const;

const format = (name: string, classname: string, params: ParamDefs): Describable => ({
  name,
  path: name,
  group: 'format',
  prefix: '',
  params,
  doc: { classname, helpurls: DATA_FORMATS },
  readrights: true,
  writerights: false,
  mustbeposted: false,
});

/** The output formats (api/formats/) with their parameters. */
export const formatModules: Describable[] = [
  format('json', 'ApiFormatJson', json),
  format('jsonfm', 'ApiFormatJson', { wrappedhtml, ...json }),
  format('none', 'ApiFormatNone', {}),
  format('php', 'ApiFormatPhp', { formatversion }),
  format('phpfm', 'ApiFormatPhp', { wrappedhtml, formatversion }),
  format('rawfm', 'ApiFormatJson', { wrappedhtml }),
  format('xml', 'ApiFormatXml', xml),
  format('xmlfm', 'ApiFormatXml', { wrappedhtml, ...xml }),
];

/** The page set: the parameters that choose the pages action=query works on. */
export function pageSetModule(
  query: { params: ParamDefs },
  submodules: readonly QuerySubmodule<ParamDefs>[],
): Describable {
  void submodules;
  const pick = ['titles', 'pageids', 'revids', 'generator', 'redirects', 'converttitles'];
  return {
    name: 'pageset',
    path: 'pageset',
    prefix: '',
    params: Object.fromEntries(pick.filter((k) => k in query.params).map((k) => [k, query.params[k]!])),
    doc: { classname: 'ApiPageSet', helpurls: [] },
    readrights: true,
    writerights: false,
    mustbeposted: false,
  };
}
