/**
 * Who may not see Special:Upload's form, and what MediaWiki 1.39 tells them instead: uploads
 * disabled (ErrorPageError), "Login required" for logged-out users when logging in would help,
 * else the permission error page (OutputPage::showPermissionsErrorPage).
 */
import { wikitextToPlain } from '../../api/format.js';
import { permissionDenied } from '../../auth/permissions.js';
import { html } from '../html.js';
import { WebUrls } from '../layout.js';
import type { SpecialContext, SpecialResult } from './types.js';
import { message, text } from './upload-messages.js';
import { messageContext } from './upload-notices.js';

/** The rights UploadBase::isAllowed asks for, in its order. */
const NEEDED = ['upload', 'edit'];

export function uploadRefusal(ctx: SpecialContext): SpecialResult | null {
  const cfg = ctx.services.config;
  if (!cfg.uploads.enabled)
    return { kind: 'page', title: text('uploaddisabled'), body: html`<p>${text('uploaddisabledtext')}</p>` };
  const missing = NEEDED.find((r) => !ctx.viewer.rights.has(r));
  if (!missing) return null;
  const perms = ctx.services.permissions;
  const c = messageContext(cfg);
  if (!ctx.viewer.name && (perms.user?.[missing] || perms.autoconfirmed?.[missing])) {
    const login = new WebUrls(cfg).page('Special:UserLogin', { returnto: 'Special:Upload' });
    const link = html`<a href="${login}">${text('loginreqlink')}</a>`;
    const key = missing === 'upload' ? 'uploadnologintext' : 'whitelistedittext';
    return { kind: 'page', title: text('loginreqtitle'), body: html`<p>${message(c, key, [link])}</p>` };
  }
  const reason = wikitextToPlain(permissionDenied(perms, cfg.siteName, missing).info);
  return {
    kind: 'page',
    title: text('permissionserrors'),
    body: html`<p>${message(c, 'permissionserrorstext-withaction', [1, text(`action-${missing}`)])}</p>
<div class="permissions-errors">${reason}</div>`,
  };
}
