import { createHash } from 'node:crypto';
import { actorFor } from '../../auth/identity.js';
import { permissionDenied } from '../../auth/permissions.js';
import { MwError } from '../../errors.js';
import { checkTags } from '../../files/tags.js';
import type { Actor } from '../../files/types.js';
import { isoNow } from '../../util/timestamp.js';
import type { ApiContext } from '../context.js';
import { parseExpiry } from '../expiry.js';
import { type ApiModule, defineModule, helpUrl } from '../module.js';
import type { ParamDefs, Params } from '../params.js';
import { contentModelOf } from '../query/prop-info.js';
import { parseTitle, titleFromDb } from '../query/titles.js';

// ---------------------------------------------------------------------------------------------
// Helpers shared by the page modules (edit, delete, undelete)

export interface TargetPage {
  ns: number;
  dbKey: string;
  prefixedText: string;
  prefixedDbKey: string;
  pageId: number | null;
}

/** requireOnlyOneParameter(title, pageid) and the page it names (MediaWiki's errors for bad ones). */
export async function targetPage(
  ctx: ApiContext,
  title: string | undefined,
  pageid: number | undefined,
): Promise<TargetPage> {
  if (title === undefined && pageid === undefined) {
    throw new MwError('missingparam', 'One of the parameters "title" and "pageid" is required.');
  }
  if (title !== undefined && pageid !== undefined) {
    throw new MwError('invalidparammix', 'The parameters "title" and "pageid" can not be used together.');
  }
  const pages = ctx.services.pages;
  if (pageid !== undefined) {
    const row = await pages.byId(pageid);
    if (!row) throw new MwError('nosuchpageid', `There is no page with ID ${pageid}.`);
    const t = titleFromDb(row.namespace, row.title, ctx.config);
    return {
      ns: t.ns,
      dbKey: t.dbKey,
      prefixedText: t.prefixedText,
      prefixedDbKey: t.prefixedDbKey,
      pageId: row.id,
    };
  }
  const t = parseTitle(title!, 0, ctx.config);
  if ('invalid' in t) throw new MwError('invalidtitle', `Bad title "${title}".`);
  if (t.ns < 0) throw new MwError('pagecannotexist', "Namespace doesn't allow actual pages.");
  const page = await pages.byTitle(t.ns, t.dbKey);
  return {
    ns: t.ns,
    dbKey: t.dbKey,
    prefixedText: t.prefixedText,
    prefixedDbKey: t.prefixedDbKey,
    pageId: page?.id ?? null,
  };
}

/** The watch parameter every page module has. */
export const WATCH_PARAMS = {
  watchlist: {
    type: 'enum',
    values: ['watch', 'unwatch', 'preferences', 'nochange'],
    default: 'preferences',
  },
} satisfies ParamDefs;

/**
 * `watchlistexpiry`: a parameter only when the wiki has watchlist expiry ($wgWatchlistExpiry);
 * otherwise it is left unread and reported as unrecognized, as MediaWiki does.
 */
export function watchlistExpiryParam(ctx: ApiContext): string | undefined {
  if (!ctx.config.watchlistExpiry) return undefined;
  ctx.rawParams.markUsed('watchlistexpiry');
  return ctx.rawParams.get('watchlistexpiry');
}

/**
 * ApiWatchlistTrait::getWatchlistValue + setWatch: whether the page is to be watched, applied when
 * the user may edit their watchlist. `preferences` leaves bots alone and otherwise follows
 * MediaWiki's default options: the module's option `pref` when it has one (`watchdeletion`… are
 * off by default), else `watchdefault` (off) or `watchcreations` (on) for pages being created.
 */
export async function applyWatch(
  ctx: ApiContext,
  page: { ns: number; dbKey: string },
  value: string,
  opts: { creates: boolean; expiry?: string; pref?: boolean; legacyWatch?: boolean; legacyUnwatch?: boolean },
): Promise<boolean> {
  const user = ctx.user;
  if (!user) return false;
  const watchlist = ctx.services.watchlist;
  const watching = (await watchlist.entry(user.id, page.ns, page.dbKey, isoNow())) !== null;
  let mode = value;
  if (opts.legacyWatch) mode = 'watch';
  if (opts.legacyUnwatch) mode = 'unwatch';
  let watch: boolean;
  if (mode === 'watch') watch = true;
  else if (mode === 'unwatch') watch = false;
  else if (mode === 'preferences') {
    if (watching || ctx.can('bot')) watch = watching;
    else watch = opts.pref ?? opts.creates;
  } else return watching;
  const expiry = ctx.config.watchlistExpiry ? parseExpiry('watchlistexpiry', opts.expiry) : null;
  if (ctx.can('editmywatchlist') && (watch !== watching || (watch && opts.expiry !== undefined))) {
    await watchlist.set(user.id, page.ns, page.dbKey, watch, expiry);
  }
  return watch;
}

export const actorOf = (ctx: ApiContext): Actor => actorFor(ctx.identity);

// ---------------------------------------------------------------------------------------------
// action=edit

/** MediaWiki's automatic summaries for new and blanked pages. */
function autoSummary(oldText: string | null, newText: string): string {
  if (oldText === null) {
    if (newText === '') return 'Created blank page';
    const flat = newText.replace(/\n/g, ' ');
    const max = 200 - 'Created page with ""'.length;
    const cut = [...flat].length > max ? `${[...flat].slice(0, max - 1).join('')}…` : flat;
    return `Created page with "${cut}"`;
  }
  if (newText === '' && oldText !== '') return 'Blanked the page';
  return '';
}

const EDIT_PARAMS = {
  title: { type: 'string' },
  pageid: { type: 'integer' },
  section: { type: 'string' },
  sectiontitle: { type: 'string' },
  text: { type: 'text' },
  summary: { type: 'string' },
  tags: { type: 'multi', freeValues: true, doc: { changeTags: true } },
  minor: { type: 'boolean' },
  notminor: { type: 'boolean' },
  bot: { type: 'boolean' },
  baserevid: { type: 'integer' },
  basetimestamp: { type: 'string', doc: { type: 'timestamp' } },
  starttimestamp: { type: 'string', doc: { type: 'timestamp' } },
  recreate: { type: 'boolean' },
  createonly: { type: 'boolean' },
  nocreate: { type: 'boolean' },
  watch: { type: 'boolean', deprecated: true },
  unwatch: { type: 'boolean', deprecated: true },
  ...WATCH_PARAMS,
  md5: { type: 'string' },
  prependtext: { type: 'text' },
  appendtext: { type: 'text' },
  redirect: { type: 'boolean' },
  // MediaWiki's content formats and models, accepted as MediaWiki accepts them (the page's own model
  // decides how its text is stored).
  contentformat: {
    type: 'enum',
    values: [
      'text/x-wiki',
      'text/plain',
      'text/javascript',
      'text/css',
      'application/json',
      'application/octet-stream',
      'application/unknown',
      'application/x-binary',
      'text/unknown',
      'unknown/unknown',
    ],
  },
  contentmodel: { type: 'enum', values: ['wikitext', 'text', 'javascript', 'css', 'json', 'unknown'] },
} satisfies ParamDefs;

type EditParams = Params<typeof EDIT_PARAMS>;

/** action=edit: create or change a page's text. */
export function createEditModule(): ApiModule {
  return defineModule({
    name: 'edit',
    doc: { classname: 'ApiEditPage', helpurls: [helpUrl('Edit')] },
    mustBePosted: true,
    writeMode: true,
    needsToken: 'csrf',
    params: EDIT_PARAMS,
    async execute(ctx, params) {
      const p = params as EditParams;
      const target = await targetPage(ctx, p.title, p.pageid);
      const text = p.text;
      const append = p.appendtext;
      const prepend = p.prependtext;
      if (text === undefined && append === undefined && prepend === undefined) {
        throw new MwError(
          'missingparam',
          'At least one of the parameters "text", "appendtext", "prependtext" and "undo" is required.',
        );
      }
      const { pages, revisions } = ctx.services;
      const page = await pages.byTitle(target.ns, target.dbKey);
      if (!ctx.can('edit')) throw permissionDenied(ctx.services.permissions, ctx.config.siteName, 'edit');
      if (!page) {
        const createRight = target.ns % 2 === 1 ? 'createtalk' : 'createpage';
        if (!ctx.can(createRight))
          throw new MwError('cantcreate', 'You do not have permission to create new pages.');
      }
      const tags = p.tags;
      checkTags(ctx.config, tags, ctx.can('applychangetags'));
      if (p.createonly && page)
        throw new MwError('articleexists', 'The article you tried to create has been created already.');
      if (p.nocreate && !page) throw new MwError('missingtitle', "The page you specified doesn't exist.");

      const current = page ? await revisions.byId(page.latest_rev_id) : null;
      const oldText = current?.content ?? null;
      if (p.md5 !== undefined) {
        const hashed = text !== undefined ? text : `${prepend ?? ''}${append ?? ''}`;
        if (createHash('md5').update(hashed).digest('hex') !== String(p.md5).toLowerCase()) {
          throw new MwError('badmd5', 'The supplied MD5 hash was incorrect.');
        }
      }
      if (p.basetimestamp !== undefined && current) {
        const base = Date.parse(String(p.basetimestamp));
        if (!Number.isNaN(base) && Date.parse(current.timestamp) > base && current.user_id !== ctx.user?.id) {
          throw new MwError('editconflict', 'Edit conflict detected.');
        }
      }
      let newText: string;
      const section = p.section;
      if (section === 'new') {
        const heading = p.sectiontitle ? `== ${p.sectiontitle} ==\n\n` : '';
        newText = oldText ? `${oldText}\n\n${heading}${text ?? ''}` : `${heading}${text ?? ''}`;
      } else if (section !== undefined && section !== '' && section !== '0') {
        throw new MwError('nosuchsection', `There is no section ${section}.`);
      } else if (text !== undefined) {
        newText = text;
      } else {
        newText = `${prepend ?? ''}${oldText ?? ''}${append ?? ''}`;
      }
      // MediaWiki trims trailing whitespace off saved wikitext.
      newText = newText.replace(/\s+$/, '');

      const watchValue = p.watchlist;
      const watchOpts = { expiry: watchlistExpiryParam(ctx), legacyWatch: p.watch, legacyUnwatch: p.unwatch };
      const contentmodel = contentModelOf(target.ns, target.dbKey);
      if (page && oldText === newText) {
        const watched = await applyWatch(ctx, target, watchValue, { ...watchOpts, creates: false });
        const r: Record<string, unknown> = {
          result: 'Success',
          pageid: page.id,
          title: target.prefixedText,
          contentmodel,
        };
        ctx.flag(r, 'nochange', true);
        if (watched) ctx.flag(r, 'watched', true);
        ctx.result.edit = r;
        return;
      }
      const summary = p.summary || autoSummary(oldText, newText);
      const timestamp = isoNow();
      const saved = await pages.save({
        ns: target.ns,
        dbKey: target.dbKey,
        text: newText,
        comment: summary,
        // Marked as a bot's edit only when asked for (MediaWiki's `bot` parameter).
        actor: { ...actorOf(ctx), bot: p.bot && ctx.can('bot') },
        timestamp,
        minor: page !== null && p.minor && ctx.can('minoredit'),
        tags,
      });
      const watched = await applyWatch(ctx, target, watchValue, { ...watchOpts, creates: saved.created });
      const r: Record<string, unknown> = {};
      if (saved.created) ctx.flag(r, 'new', true);
      Object.assign(r, {
        result: 'Success',
        pageid: saved.pageId,
        title: target.prefixedText,
        contentmodel,
        oldrevid: page?.latest_rev_id ?? 0,
        newrevid: saved.revId,
        newtimestamp: timestamp,
      });
      if (watched) ctx.flag(r, 'watched', true);
      ctx.result.edit = r;
    },
  });
}
