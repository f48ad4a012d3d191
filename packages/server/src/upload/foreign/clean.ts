/**
 * What a foreign repository says about a file, kept only where it has the expected type: strings,
 * numbers, metadata lists and objects as MediaWiki's API gives them, and URLs only when they are
 * http(s). Anything else is left out, so a repository that answers oddly cannot break a page or an
 * answer here, nor slip a `javascript:` link into one.
 */
import type { ForeignImageInfo } from './types.js';

const STRINGS = [
  'timestamp',
  'user',
  'comment',
  'sha1',
  'mime',
  'mediatype',
  'thumbmime',
  'thumberror',
] as const;
const URLS = ['url', 'descriptionurl', 'descriptionshorturl', 'thumburl'] as const;
const NUMBERS = ['size', 'width', 'height', 'pagecount', 'duration', 'thumbwidth', 'thumbheight'] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isHttpUrl = (v: unknown): v is string => typeof v === 'string' && /^https?:\/\/[^\s]+$/i.test(v);

/** The well-typed part of one `imageinfo` or `allimages` entry. */
export function cleanInfo(raw: Record<string, unknown>): ForeignImageInfo {
  const out: ForeignImageInfo = {};
  const o = out as Record<string, unknown>;
  for (const k of STRINGS) if (typeof raw[k] === 'string') o[k] = raw[k];
  for (const k of URLS) if (isHttpUrl(raw[k])) o[k] = raw[k];
  for (const k of NUMBERS) if (typeof raw[k] === 'number' && Number.isFinite(raw[k])) o[k] = raw[k];
  if (Array.isArray(raw.metadata)) out.metadata = raw.metadata;
  if (Array.isArray(raw.commonmetadata)) out.commonmetadata = raw.commonmetadata;
  if (isObject(raw.extmetadata)) out.extmetadata = raw.extmetadata;
  if (isObject(raw.responsiveUrls)) {
    const urls = Object.entries(raw.responsiveUrls).filter(([, v]) => isHttpUrl(v)) as [string, string][];
    if (urls.length) out.responsiveUrls = Object.fromEntries(urls);
  }
  return out;
}
