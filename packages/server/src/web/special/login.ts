/**
 * Special:UserLogin and Special:UserLogout with MediaWiki's form fields (`wpName`, `wpPassword`,
 * `wpLoginToken`, `wpRemember`, submit `wpLoginAttempt`). Both go through the API (`action=login`,
 * `action=logout`): the same throttle, the same fresh session on login.
 */
import { html } from '../html.js';
import { WebUrls } from '../layout.js';
import type { SpecialContext, SpecialPage, SpecialResult } from './types.js';

/** Only local page titles to return to (never another site). */
const returnTarget = (urls: WebUrls, returnto: string | undefined) =>
  returnto && !/^[/\\]|:\/\//.test(returnto) ? urls.page(returnto) : urls.page('Special:Upload');

async function form(ctx: SpecialContext, error: string | null, status = 200): Promise<SpecialResult> {
  const tokens = await ctx.api.call(ctx.request, ctx.reply, {
    action: 'query',
    meta: 'tokens',
    type: 'login',
  });
  const token = String(tokens.query?.tokens?.logintoken ?? '');
  const urls = new WebUrls(ctx.services.config);
  const returnto = ctx.form.get('returnto') ?? '';
  const body = html`${error ? html`<div class="mw-message-box mw-message-box-error" role="alert"><p>${error}</p></div>` : ''}
<form class="mw-form" method="post" action="${urls.action('Special:UserLogin')}">
<input type="hidden" name="wpLoginToken" value="${token}">
${returnto ? html`<input type="hidden" name="returnto" value="${returnto}">` : ''}
<p><label for="wpName1">Username</label>
<input id="wpName1" name="wpName" autocomplete="username" required value="${ctx.form.get('wpName') ?? ''}"></p>
<p><label for="wpPassword1">Password</label>
<input id="wpPassword1" name="wpPassword" type="password" autocomplete="current-password" required></p>
<p class="mw-check"><input id="wpRemember" name="wpRemember" type="checkbox" value="1"> <label for="wpRemember">Keep me logged in</label></p>
<p><button type="submit" name="wpLoginAttempt" value="Log in">Log in</button></p>
</form>`;
  return { kind: 'page', title: 'Log in', body, status };
}

export const userLogin: SpecialPage = {
  name: 'UserLogin',
  post: true,
  async run(ctx) {
    const urls = new WebUrls(ctx.services.config);
    if (ctx.request.method !== 'POST') {
      if (ctx.viewer.name) return { kind: 'redirect', to: returnTarget(urls, ctx.form.get('returnto')) };
      return form(ctx, null);
    }
    const name = ctx.form.get('wpName') ?? '';
    const answer = await ctx.api.call(ctx.request, ctx.reply, {
      action: 'login',
      lgname: name,
      lgpassword: ctx.form.get('wpPassword') ?? '',
      lgtoken: ctx.form.get('wpLoginToken') ?? '',
    });
    const login = answer.login as { result?: string; reason?: string } | undefined;
    if (login?.result === 'Success')
      return { kind: 'redirect', to: returnTarget(urls, ctx.form.get('returnto')) };
    const reason =
      login?.result === 'WrongToken'
        ? 'There seems to be a problem with your login session; this action has been canceled as a precaution against session hijacking. Please resubmit the form.'
        : (login?.reason ?? answer.error?.info ?? 'Login failed.');
    return form(ctx, reason, 200);
  },
};

export const userLogout: SpecialPage = {
  name: 'UserLogout',
  post: true,
  async run(ctx) {
    const urls = new WebUrls(ctx.services.config);
    if (ctx.request.method === 'POST') {
      const answer = await ctx.api.call(ctx.request, ctx.reply, {
        action: 'logout',
        token: ctx.form.get('wpEditToken') ?? '',
      });
      if (!answer.error) return { kind: 'redirect', to: urls.page('Special:UserLogin') };
    }
    if (!ctx.viewer.name)
      return { kind: 'page', title: 'Log out', body: html`<p>You are not logged in.</p>` };
    // A logout changes state: a form with the CSRF token, as MediaWiki 1.39 asks for one.
    const tokens = await ctx.api.call(ctx.request, ctx.reply, { action: 'query', meta: 'tokens' });
    const body = html`<form class="mw-form" method="post" action="${urls.action('Special:UserLogout')}">
<input type="hidden" name="wpEditToken" value="${String(tokens.query?.tokens?.csrftoken ?? '')}">
<p>Do you want to log out?</p>
<p><button type="submit">Log out</button></p>
</form>`;
    return { kind: 'page', title: 'Log out', body };
  },
};
