import { sessionCookie } from '../../auth/cookies.js';
import { MwError } from '../../errors.js';
import type { ApiContext } from '../context.js';
import { defineModule, helpUrl } from '../module.js';
import { ensureSession } from '../session-helpers.js';

const FAILED = 'Incorrect username or password entered. Please try again.';

/**
 * How MediaWiki names the session provider of a request authorized by an OAuth token (Extension:OAuth
 * gives its provider no description message, so MediaWiki's generic one names the class).
 */
const OAUTH_PROVIDER = 'MediaWiki\\Extension\\OAuth\\SessionProvider sessions';

/** The reason login is refused with an OAuth token, in the shape the error format asks for. */
function oauthLoginRefusal(ctx: ApiContext): unknown {
  const code = 'api-login-fail-badsessionprovider';
  const text = `Cannot log in when using ${OAUTH_PROVIDER}.`;
  switch (ctx.errorFormat) {
    case 'bc':
      return text;
    case 'none':
      return { code };
    case 'raw':
      return { code, key: code, params: [OAUTH_PROVIDER] };
    default:
      return { code, [ctx.fv === 2 ? (ctx.errorFormat === 'html' ? 'html' : 'text') : '*']: text };
  }
}

/** action=login: bot-password (and, deprecated, main-account) login, as MediaWiki 1.39 answers it. */
export const loginModule = defineModule({
  name: 'login',
  prefix: 'lg',
  mustBePosted: true,
  writeMode: true,
  needsRead: false,
  doc: { classname: 'ApiLogin', helpurls: [helpUrl('Login')] },
  params: {
    name: { type: 'string' },
    password: { type: 'password' },
    domain: { type: 'string' },
    token: { type: 'string', doc: { sensitive: true, tokenHelp: 'login' } },
  },
  async execute(ctx, p) {
    const { sessions, users, config, loginThrottle } = ctx.services;
    if (ctx.identity.session?.oauth) {
      // The OAuth token decides who the request is: there is no session to log in to.
      ctx.result.login = { result: 'Aborted', reason: oauthLoginRefusal(ctx) };
      return;
    }
    const hadSession = ctx.identity.session !== null;
    const session = await ensureSession(ctx);
    const result: Record<string, unknown> = {};
    ctx.result.login = result;
    if (p.token === undefined) {
      result.result = 'NeedToken';
      result.token = sessions.token(session, 'login', false);
      ctx.warn(
        'login',
        'deprecation',
        'Fetching a token via "action=login" is deprecated. Use "action=query&meta=tokens&type=login" instead.',
        { feature: 'action=login&!lgtoken' },
      );
      return;
    }
    if (!hadSession) {
      // A token without a session to match it against: MediaWiki takes the session to have expired.
      result.result = 'Failed';
      result.reason = 'Unable to continue login. Your session most likely timed out.';
      return;
    }
    if (!sessions.checkToken(session, 'login', p.token, false)) {
      result.result = 'WrongToken';
      return;
    }
    const name = p.name ?? '';
    const throttleKey = `${name.toLowerCase()}|${ctx.request.ip}`;
    const windowStart = Date.now() - config.loginThrottle.windowSeconds * 1000;
    if ((await loginThrottle.failuresSince(throttleKey, windowStart)) >= config.loginThrottle.count) {
      result.result = 'Failed';
      result.reason = `You have made too many recent login attempts. Please wait ${Math.ceil(config.loginThrottle.windowSeconds / 60)} minutes before trying again.`;
      return;
    }
    const login = name && p.password ? await users.checkLogin(name, p.password) : null;
    if (!login) {
      await loginThrottle.recordFailure(throttleKey, windowStart);
      result.result = 'Failed';
      result.reason = FAILED;
      return;
    }
    // A fresh session on every login (no session fixation).
    await sessions.destroy(session);
    const fresh = await sessions.create(login.user.id, login.botAppId);
    ctx.setCookies.push(sessionCookie(config, fresh.cookie));
    if (!login.botAppId) {
      ctx.warn(
        'login',
        'deprecation',
        'Main-account login via "action=login" is deprecated and may stop working without warning. To continue login with "action=login", see [[Special:BotPasswords]]. To safely continue using main-account login, see "action=clientlogin".',
        { feature: 'action=login&!bp' },
      );
    }
    result.result = 'Success';
    result.lguserid = login.user.id;
    result.lgusername = login.user.name;
  },
});

/** action=logout */
export const logoutModule = defineModule({
  name: 'logout',
  mustBePosted: true,
  needsRead: false,
  doc: { classname: 'ApiLogout', helpurls: [helpUrl('Logout')] },
  needsToken: 'csrf',
  params: {},
  async execute(ctx) {
    if (ctx.identity.session?.oauth) {
      throw new MwError(
        'cannotlogout',
        `Logging out is not possible when using ${OAUTH_PROVIDER}.`,
      ).withMessage('cannotlogoutnow-text', [OAUTH_PROVIDER]);
    }
    if (ctx.identity.session) await ctx.services.sessions.destroy(ctx.identity.session);
    ctx.setCookies.push(sessionCookie(ctx.config, null));
  },
});
