import { sessionCookie } from '../auth/cookies.js';
import type { Session } from '../auth/sessions.js';
import type { ApiContext } from './context.js';

/** The request's session, created (and its cookie set) if there is none yet. */
export async function ensureSession(ctx: ApiContext): Promise<Session> {
  if (ctx.identity.session) return ctx.identity.session;
  const { session, cookie } = await ctx.services.sessions.create(null, null);
  ctx.setCookies.push(sessionCookie(ctx.config, cookie));
  ctx.identity = { ...ctx.identity, session };
  return session;
}
