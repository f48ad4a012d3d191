/**
 * The siteinfo props that report facts of MediaWiki itself rather than of this wiki (parser words,
 * special page aliases, language names, default options, protocols, interwikis, skins), from the
 * data a fresh MediaWiki 1.39 reports, rendered in either format version.
 */
import { DEFAULT_INTERWIKI_MAP } from '../../../title/interwiki.js';
import type { ApiContext } from '../../context.js';
import facts from './mediawiki-1.39.json' with { type: 'json' };

export const magicWords = (ctx: ApiContext) =>
  facts.magicwords.map((w) => {
    const o: Record<string, unknown> = { name: w.name, aliases: w.aliases };
    ctx.flag(o, 'case-sensitive', w['case-sensitive']);
    return o;
  });

export const specialPageAliases = () => facts.specialpagealiases;
export const variables = () => facts.variables;
export const functionHooks = () => facts.functionhooks;
export const extensionTags = () => facts.extensiontags;
export const protocols = () => facts.protocols;
export const languageVariants = () => facts.languagevariants;
export const defaultOptions = () => facts.defaultoptions;

/** Language codes and their names in their own language (`inlanguagecode` is not supported: autonyms). */
export const languages = (ctx: ApiContext) =>
  facts.languages.map((l) => ({ code: l.code, bcp47: l.bcp47, [ctx.contentKey('name')]: l.name }));

/** The interwiki table; `filteriw=local` lists none, as no prefix here is local. */
export function interwikiMap(ctx: ApiContext, filter: string | undefined): Record<string, unknown>[] {
  if (filter === 'local') return [];
  return DEFAULT_INTERWIKI_MAP.map((e) => {
    const o: Record<string, unknown> = { prefix: e.prefix, url: e.url };
    ctx.flag(o, 'protorel', e.url.startsWith('//'));
    if (e.api !== undefined) o.api = e.api;
    return o;
  });
}

/** The skins of MediaWiki core with Vector as default; page views here have a look of their own. */
export function skins(ctx: ApiContext): Record<string, unknown>[] {
  const skin = (code: string, name: string, flags: { default?: boolean; unusable?: boolean }) => {
    const o: Record<string, unknown> = { code };
    if (ctx.fv === 2) o.name = name;
    if (flags.default) ctx.flag(o, 'default', true);
    if (flags.unusable) ctx.flag(o, 'unusable', true);
    if (ctx.fv !== 2) o['*'] = name;
    return o;
  };
  return [
    skin('vector', 'Vector legacy (2010)', { default: true }),
    skin('fallback', 'Fallback', { unusable: true }),
    skin('apioutput', 'ApiOutput', { unusable: true }),
  ];
}

/** What the upload dialog of MediaWiki's own web interface is configured with ($wgUploadDialog). */
export function uploadDialog(ctx: ApiContext): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  ctx.flag(fields, 'description', true);
  ctx.flag(fields, 'date', false);
  ctx.flag(fields, 'categories', false);
  return {
    fields,
    licensemessages: { local: 'generic-local', foreign: 'generic-foreign' },
    comment: { local: '', foreign: '' },
    format: { filepage: '$DESCRIPTION', description: '$TEXT', ownwork: '', license: '', uncategorized: '' },
  };
}
