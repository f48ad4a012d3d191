/** action=checktoken: whether a token is valid for this session, and when it was made. */
import { TOKEN_TYPES } from '../../auth/sessions.js';
import { defineModule } from '../module.js';

export const checkTokenModule = defineModule({
  name: 'checktoken',
  doc: { classname: 'ApiCheckToken' },
  params: {
    type: { type: 'enum', values: Object.keys(TOKEN_TYPES), required: true },
    token: { type: 'string', required: true, doc: { sensitive: true } },
    maxtokenage: { type: 'integer' },
  },
  async execute(ctx, p) {
    const { valid, generatedMs } = ctx.services.sessions.inspectToken(
      ctx.identity.session,
      p.type!,
      p.token!,
      ctx.user !== null,
    );
    const out: Record<string, unknown> = { result: valid ? 'valid' : 'invalid' };
    if (generatedMs !== undefined) {
      if (p.maxtokenage !== undefined && generatedMs < Date.now() - p.maxtokenage * 1000)
        out.result = 'expired';
      out.generated = new Date(generatedMs).toISOString().replace(/\.\d+Z$/, 'Z');
    }
    ctx.result.checktoken = out;
  },
});
