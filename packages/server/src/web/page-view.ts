/**
 * Page views in the skin: file pages (file-page.ts) and other pages' text, and the actions on
 * them — `action=delete`, `action=revert` (an old version, `oldimage`) and `action=undelete` —
 * as MediaWiki's forms: asked for with GET (a confirmation form), done with POST and the CSRF token
 * (`wpEditToken`) through the Action API (action=delete, filerevert, undelete), so the API's rights,
 * token checks and errors are the ones that apply.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../api/services.js';
import { NS_FILE } from '../title/namespaces.js';
import type { Title } from '../title/title.js';
import type { ApiAnswer, WebApi } from './api-call.js';
import {
  canDelete,
  canRevert,
  canUndelete,
  deleteForm,
  filePage,
  type PageView,
  revertForm,
  undeleteForm,
  type ViewContext,
} from './file-page.js';
import { formatDate } from './format.js';
import { type Html, html } from './html.js';
import { page, WebUrls } from './layout.js';
import { WEB_CSP } from './specials.js';
import { renderWikitext } from './wikitext.js';

/** The page actions this view answers. */
export const PAGE_ACTIONS = new Set(['delete', 'revert', 'undelete']);

/** Any page but a file page: its text rendered from wikitext, or MediaWiki's notice and 404. */
async function textPage(ctx: ViewContext, t: Title): Promise<PageView> {
  const { services } = ctx;
  const row = await services.pages.byTitle(t.ns, t.dbKey);
  if (!row) {
    return {
      status: 404,
      title: t.prefixedText,
      body: html`<div class="noarticletext"><p>There is currently no text in this page.</p></div>`,
    };
  }
  const text = await services.pages.textOf(row);
  return {
    status: 200,
    title: t.prefixedText,
    body: html`<div id="mw-content-text">${await renderWikitext(services, text, t.prefixedText)}</div>`,
  };
}

const box = (kind: 'error' | 'success', message: Html | string): Html =>
  html`<div class="mw-message-box mw-message-box-${kind}"${kind === 'error' ? html` role="alert"` : html` role="status"`}><p>${message}</p></div>`;

const back = (ctx: ViewContext, t: Title): Html =>
  html`<p>Return to <a href="${new WebUrls(ctx.services.config).page(t.prefixedText)}">${t.prefixedText}</a>.</p>`;

const denied = (ctx: ViewContext, t: Title, what: string): PageView => ({
  status: 403,
  title: 'Permission error',
  body: html`${box('error', `You do not have permission to ${what}.`)}${back(ctx, t)}`,
});

/** The confirmation form of an action (GET). */
async function confirmation(
  ctx: ViewContext,
  t: Title,
  action: string,
  form: Map<string, string>,
): Promise<PageView> {
  const { services, viewer } = ctx;
  if (action === 'delete') {
    if (!canDelete(viewer)) return denied(ctx, t, 'delete this page');
    return {
      status: 200,
      title: `Delete ${t.prefixedText}`,
      body: html`<p>You are about to delete <strong>${t.prefixedText}</strong>${t.ns === NS_FILE ? ' along with all of its history' : ''}.</p>${await deleteForm(ctx, t)}`,
    };
  }
  if (action === 'undelete') {
    if (!canUndelete(viewer)) return denied(ctx, t, 'undelete this page');
    return { status: 200, title: `Restore ${t.prefixedText}`, body: await undeleteForm(ctx, t) };
  }
  if (!canRevert(viewer)) return denied(ctx, t, 'revert this file');
  const old = t.ns === NS_FILE ? await services.files.oldVersion(t.dbKey, form.get('oldimage') ?? '') : null;
  if (!old) {
    return {
      status: 404,
      title: `Revert ${t.prefixedText}`,
      body: html`${box('error', 'There is no previous local version of this file with the provided timestamp.')}${back(ctx, t)}`,
    };
  }
  return {
    status: 200,
    title: `Revert ${t.prefixedText}`,
    body: html`<p>You are about to revert the file <strong>${t.prefixedText}</strong> to the version as of ${formatDate(old.timestamp)}.</p>${await revertForm(ctx, t, old, 'Revert')}`,
  };
}

/** Do an action (POST) through the API and say how it went. */
async function perform(
  ctx: ViewContext,
  api: WebApi,
  request: FastifyRequest,
  reply: FastifyReply,
  t: Title,
  action: string,
  form: Map<string, string>,
): Promise<PageView> {
  const token = form.get('wpEditToken') ?? '';
  let answer: ApiAnswer;
  let done: Html;
  if (action === 'delete') {
    answer = await api.call(request, reply, {
      action: 'delete',
      title: t.prefixedText,
      reason: form.get('wpReason') ?? '',
      token,
    });
    done = html`<strong>${t.prefixedText}</strong> has been deleted. See the <a href="${new WebUrls(ctx.services.config).page('Special:Log/delete')}">deletion log</a> for a record of recent deletions.`;
  } else if (action === 'undelete') {
    answer = await api.call(request, reply, {
      action: 'undelete',
      title: t.prefixedText,
      reason: form.get('wpComment') ?? '',
      token,
    });
    const n = Number(answer.undelete?.fileversions ?? 0);
    done = html`<strong>${t.prefixedText}</strong> has been restored (${n} ${n === 1 ? 'file version' : 'file versions'}).`;
  } else {
    const archiveName = form.get('oldimage') ?? '';
    answer = await api.call(request, reply, {
      action: 'filerevert',
      filename: t.text,
      archivename: archiveName,
      comment: form.get('wpComment') ?? '',
      token,
    });
    const failure = answer.filerevert?.result === 'Failure' ? answer.filerevert.errors?.[0] : undefined;
    if (failure && !answer.error) {
      answer.error = {
        code: String(failure.code ?? 'filerevert-failed'),
        info:
          failure.code === 'fileexists-no-change'
            ? `The upload is an exact duplicate of the current version of ${t.prefixedText}.`
            : 'The file could not be reverted.',
      };
    }
    done = html`<strong>${t.prefixedText}</strong> has been reverted to an old version.`;
  }
  if (answer.error) {
    return {
      status: answer.error.code === 'permissiondenied' ? 403 : 400,
      title: answer.error.code === 'permissiondenied' ? 'Permission error' : 'Error',
      body: html`${box('error', answer.error.info)}${back(ctx, t)}`,
    };
  }
  return { status: 200, title: 'Action complete', body: html`${box('success', done)}${back(ctx, t)}` };
}

/** The policy with more origins allowed for images (a shared repository's files). */
function withImageOrigins(csp: string, origins: readonly string[] = []): string {
  if (!origins.length) return csp;
  const extra = origins.filter((o) => /^https?:\/\/[^\s;,']+$/.test(o)).join(' ');
  return csp.replace(/img-src ([^;]*)/, (_m, v: string) => `img-src ${v} ${extra}`);
}

/** Answer a page view (`action` null, or one of PAGE_ACTIONS). */
export async function servePage(
  services: Services,
  api: WebApi,
  request: FastifyRequest,
  reply: FastifyReply,
  t: Title,
  action: string | null,
): Promise<FastifyReply> {
  const viewer = await api.viewer(request);
  let token: Promise<string> | null = null;
  const ctx: ViewContext = {
    services,
    viewer,
    csrfToken: () => {
      token ??= api
        .call(request, reply, { action: 'query', meta: 'tokens' })
        .then((a) => String(a.query?.tokens?.csrftoken ?? ''));
      return token;
    },
  };
  const form = new Map(new URLSearchParams((request.raw.url ?? '').split('?').slice(1).join('?')));
  let view: PageView;
  if (action !== null && PAGE_ACTIONS.has(action)) {
    if (request.method === 'POST') {
      if (typeof request.body === 'string')
        for (const [k, v] of new URLSearchParams(request.body)) form.set(k, v);
      view = await perform(ctx, api, request, reply, t, action, form);
    } else view = await confirmation(ctx, t, action, form);
  } else view = t.ns === NS_FILE ? await filePage(ctx, t) : await textPage(ctx, t);
  return reply
    .code(view.status)
    .header('content-type', 'text/html; charset=UTF-8')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', withImageOrigins(WEB_CSP, view.imgOrigins))
    .header('x-frame-options', 'DENY')
    .header('cache-control', 'private, no-cache, must-revalidate')
    .send(
      request.method === 'HEAD'
        ? undefined
        : page(services.config, viewer, { title: view.title, body: view.body, current: t.prefixedDbKey }),
    );
}
