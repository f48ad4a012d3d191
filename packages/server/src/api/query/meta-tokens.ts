import { TOKEN_TYPES } from '../../auth/sessions.js';
import { helpUrl } from '../module.js';
import { ensureSession } from '../session-helpers.js';
import { defineQueryModule } from './submodule.js';

/** meta=tokens */
export const metaTokens = defineQueryModule({
  name: 'tokens',
  kind: 'meta',
  prefix: '',
  doc: { classname: 'ApiQueryTokens', helpurls: [helpUrl('Tokens')] },
  needsRead: false,
  params: { type: { type: 'multi', values: Object.keys(TOKEN_TYPES), default: 'csrf', allowAll: true } },
  async execute(q, p) {
    const { ctx } = q;
    const loggedIn = ctx.user !== null;
    // Login and account-creation tokens need a session to be bound to.
    if (p.type.some((t) => t === 'login' || t === 'createaccount') || (loggedIn && !ctx.identity.session)) {
      await ensureSession(ctx);
    }
    const tokens: Record<string, string> = {};
    for (const t of p.type)
      tokens[`${t}token`] = ctx.services.sessions.token(ctx.identity.session, t, loggedIn);
    q.query.tokens = tokens;
  },
});
