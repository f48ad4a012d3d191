/**
 * Special:Log: log entries newest first, as MediaWiki's log lines (date, user, what was done —
 * "uploaded File:X", "uploaded a new version of File:X", "deleted page File:X" — and the comment),
 * of one type (`type=upload` or `Special:Log/upload`) or all, of one user (`user=`) and one page
 * (`page=`), paged (`limit`, `offset`, `dir=prev`).
 */
import { canonicalUserName } from '../../auth/users.js';
import type { LogEntry, LogFilter } from '../../files/logs.js';
import { wikiTitleParser } from '../../files/urls.js';
import { toIsoTimestamp, toMwTimestamp } from '../../util/timestamp.js';
import { LOG_TYPES, logLine } from '../format.js';
import { html } from '../html.js';
import { WebUrls } from '../layout.js';
import { keysetPage, limitParam, limitSelect, pagerLinks } from '../pager.js';
import type { SpecialPage } from './types.js';

const offsetOf = (e: LogEntry) => `${toMwTimestamp(e.timestamp)}|${e.id}`;

function parseOffset(offset: string): { timestamp: string; id: number } | null {
  const m = /^(\d{14})\|(\d{1,15})$/.exec(offset);
  return m ? { timestamp: toIsoTimestamp(m[1]!), id: Number(m[2]) } : null;
}

export const log: SpecialPage = {
  name: 'Log',
  async run(ctx) {
    const { services, form } = ctx;
    const config = services.config;
    const urls = new WebUrls(config);
    // Special:Log/upload names a type; Special:Log/Name (not a type) a user, as in MediaWiki.
    const sub = (ctx.subpage ?? '').split('/');
    const isType = (t: string) => Object.hasOwn(LOG_TYPES, t);
    const subType = sub[0] && isType(sub[0].toLowerCase()) ? sub[0].toLowerCase() : null;
    const typeParam = (form.get('type') ?? subType ?? '').toLowerCase();
    const type = isType(typeParam) ? typeParam : null;
    const userParam = (form.get('user') ?? (subType ? sub[1] : sub[0]) ?? '').trim();
    const pageParam = (form.get('page') ?? '').trim();
    const pageTitle = pageParam ? wikiTitleParser(config).newFromText(pageParam) : null;
    const limit = limitParam(form);
    const after = parseOffset(form.get('offset') ?? '');

    const filter: Omit<LogFilter, 'older' | 'limit'> = {
      ...(type ? { type } : {}),
      ...(userParam ? { userText: canonicalUserName(userParam) ?? userParam } : {}),
      ...(pageTitle && !pageTitle.isExternal ? { page: { ns: pageTitle.ns, dbKey: pageTitle.dbKey } } : {}),
    };
    const paged =
      pageParam && (!pageTitle || pageTitle.isExternal)
        ? { rows: [] as LogEntry[], prev: null, next: null }
        : await keysetPage({
            offset: after ? form.get('offset')! : null,
            backward: form.get('dir') === 'prev',
            limit,
            key: offsetOf,
            fetch: async (backward, at, n) => {
              // The log's `from` is inclusive: ask for one more and leave the entry itself out.
              const rows = await services.logs.list({
                ...filter,
                older: !backward,
                limit: n + 1,
                ...(at !== null && after ? { from: after } : {}),
              });
              return rows.filter((e) => !(at !== null && after && e.id === after.id)).slice(0, n);
            },
          });

    const base: Record<string, string> = {
      ...(type ? { type } : {}),
      ...(userParam ? { user: userParam } : {}),
      ...(pageParam ? { page: pageParam } : {}),
      ...(form.has('limit') ? { limit: String(limit) } : {}),
    };
    const pager = pagerLinks(urls, 'Special:Log', base, paged, {
      prev: `newer ${limit}`,
      next: `older ${limit}`,
    });
    const options = Object.entries(LOG_TYPES).map(
      ([value, label]) =>
        html`<option value="${value}"${value === type ? html` selected` : ''}>${label}</option>`,
    );
    const title = type ? LOG_TYPES[type]! : 'All public logs';
    const body = html`<form class="mw-form" method="get" action="${urls.page('Special:Log')}">
<fieldset><legend>Logs</legend>
<p><label for="mw-log-type">Log type</label>
<select id="mw-log-type" name="type"><option value=""${type ? '' : html` selected`}>All public logs</option>${options}</select></p>
<p><label for="mw-log-user">Performer</label>
<input id="mw-log-user" name="user" value="${userParam}" autocomplete="off"></p>
<p><label for="mw-log-page">Target (title or User:username for user)</label>
<input id="mw-log-page" name="page" value="${pageParam}" autocomplete="off"></p>
<p><label for="mw-log-limit">Number of entries per page</label>
${limitSelect('mw-log-limit', limit)}</p>
<p><button type="submit">Show</button></p>
</fieldset>
</form>
${
  paged.rows.length
    ? html`${pager}
<ul class="mw-logevent-loglines">
${paged.rows.map((e) => logLine(config, e))}
</ul>
${pager}`
    : html`<p>No matching items in log.</p>`
}`;
    return { kind: 'page', title, body };
  },
};
