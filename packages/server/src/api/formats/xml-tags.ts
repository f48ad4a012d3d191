/**
 * The element names MediaWiki gives list items in XML output (ApiResult::setIndexedTagName in each
 * module), by the key of the list and, where the same key means different things, its parent.
 * A list not named here gets MediaWiki's fallback name `_v`.
 */
const BY_PARENT_AND_KEY: Record<string, string> = {
  'userinfo/rights': 'r',
  'usergroups/rights': 'permission',
  'group/rights': 'permission',
  'userinfo/groups': 'g',
  'page/revisions': 'rev',
  'page/imageinfo': 'ii',
  'query/pages': 'page',
  'query/allimages': 'img',
  'query/logevents': 'item',
  'query/stashimageinfo': 'si',
  'query/mystashedfiles': 'file',
  'query/namespaces': 'ns',
  'query/namespacealiases': 'ns',
  'query/extensions': 'ext',
  'query/languages': 'lang',
  'upload/duplicate': 'duplicate',
  'upload/details': 'detail',
  'variant/fallbacks': 'variant',
};

/**
 * Objects MediaWiki prints as key-value lists (ApiResult type `kvp`): each member becomes an item
 * element with its key as an attribute. By parent and key: [item element, key attribute].
 */
const KVP: Record<string, [string, string]> = {
  'query/languagevariants': ['lang', 'code'],
  'languagevariants/lang': ['variant', 'code'],
};

export const keyValueList = (parent: string, key: string): [string, string] | undefined =>
  KVP[`${parent}/${key}`];

const BY_KEY: Record<string, string> = {
  normalized: 'n',
  redirects: 'r',
  converted: 'c',
  interwiki: 'i',
  pageids: 'id',
  badrevids: 'rev',
  fallback: 'lang',
  variants: 'lang',
  thumblimits: 'limit',
  imagelimits: 'limit',
  specialpagealiases: 'specialpage',
  aliases: 'alias',
  magicwords: 'magicword',
  interwikimap: 'iw',
  dbrepllag: 'db',
  usergroups: 'group',
  add: 'g',
  remove: 'g',
  'add-self': 'g',
  'remove-self': 'g',
  implicitgroups: 'g',
  groupmemberships: 'groupmembership',
  acceptlang: 'lang',
  fileextensions: 'fe',
  libraries: 'library',
  types: 'type',
  levels: 'level',
  cascadinglevels: 'level',
  semiprotectedlevels: 'level',
  skins: 'skin',
  extensiontags: 't',
  functionhooks: 'h',
  showhooks: 'hook',
  subscribers: 's',
  protocols: 'p',
  variables: 'v',
  tags: 'tag',
  protection: 'pr',
  restrictiontypes: 'rt',
  slots: 'slot',
  metadata: 'metadata',
  commonmetadata: 'metadata',
  value: 'metadata',
  warnings: 'warning',
  errors: 'error',
  params: 'param',
  allowed: 'ext',
  blacklisted: 'ext',
  filetype: 'ext',
  duplicate: 'duplicate',
  'duplicate-archive': 'duplicate',
  nofollownsexceptions: 'ns',
  nofollowdomainexceptions: 'domain',
  allcentralidlookupproviders: 'provider',
  disallowedtags: 'tag',
};

/** Lists MediaWiki marks as associative, so their items carry their index (`_idx`). */
const INDEXED = new Set(['thumblimits', 'imagelimits', 'namespaces']);

export function itemTag(parent: string, key: string): string {
  return BY_PARENT_AND_KEY[`${parent}/${key}`] ?? BY_KEY[key] ?? '_v';
}

export const itemsCarryIndex = (key: string) => INDEXED.has(key);
