import type { MwError, RawMessage } from '../errors.js';
import type { ApiContext, ApiWarning } from './context.js';
import { MESSAGES } from './messages/index.js';

/** Turn the little wikitext our messages contain into plain text (links → their label). */
export function wikitextToPlain(text: string): string {
  return text
    .replace(/\[\[(?:[^|\]]*\|)?([^\]]*)\]\]/g, '$1')
    .replace(/'''?/g, '')
    .replace(/<[^>]+>/g, '');
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function docref(ctx: ApiContext): string {
  const api = `${ctx.config.server}${ctx.config.scriptPath}/api.php`;
  return `See ${api} for API usage. Subscribe to the mediawiki-api-announce mailing list at &lt;https://lists.wikimedia.org/postorius/lists/mediawiki-api-announce.lists.wikimedia.org/&gt; for notice of API deprecations and breaking changes.`;
}

/** An error's message key where the error names none: MediaWiki's `apierror-<code>` where it has one. */
function rawKey(code: string, kind: 'error' | undefined): string {
  return kind === 'error' && MESSAGES[`apierror-${code}`] !== undefined ? `apierror-${code}` : code;
}

function messageObject(
  ctx: ApiContext,
  m: {
    code: string;
    text: string;
    module: string;
    data?: Record<string, unknown>;
    rawMessage?: RawMessage;
    kind?: 'error';
  },
): Record<string, unknown> {
  const o: Record<string, unknown> = { code: m.code };
  // The message: `text` (or `html` for errorformat=html) in formatversion 2, right after the code;
  // in formatversion 1 the content value `*`, which MediaWiki prints last.
  let text: [string, string] | null = null;
  switch (ctx.errorFormat) {
    case 'none':
      break;
    case 'raw':
      o.key = m.rawMessage?.key ?? rawKey(m.code, m.kind);
      o.params = m.rawMessage?.params ?? [];
      break;
    case 'html':
      text = ['html', escapeHtml(wikitextToPlain(m.text))];
      break;
    case 'wikitext':
      text = ['text', m.text];
      break;
    default:
      text = ['text', wikitextToPlain(m.text)];
  }
  if (text && ctx.fv === 2) o[text[0]] = text[1];
  if (m.data && Object.keys(m.data).length) o.data = m.data;
  o.module = ctx.modulePaths.get(m.module) ?? m.module;
  if (text && ctx.fv !== 2) o['*'] = text[1];
  return o;
}

/** Warnings in the shape the error format asks for. */
export function renderWarnings(ctx: ApiContext, warnings: ApiWarning[]): unknown {
  if (ctx.errorFormat === 'bc') {
    const byModule: Record<string, Record<string, string>> = {};
    for (const w of warnings) {
      const key = ctx.fv === 2 ? 'warnings' : '*';
      const cur = byModule[w.module];
      if (cur) cur[key] = `${cur[key]}\n${w.text}`;
      else byModule[w.module] = { [key]: w.text };
    }
    return byModule;
  }
  return warnings.map((w) => messageObject(ctx, w));
}

/** The body of a successful answer. */
export function renderResult(ctx: ApiContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if ('batchcomplete' in ctx.result) out.batchcomplete = ctx.result.batchcomplete;
  if ('continue' in ctx.result) out.continue = ctx.result.continue;
  if (ctx.warnings.length) out.warnings = renderWarnings(ctx, ctx.warnings);
  for (const [k, v] of Object.entries(ctx.result)) if (!(k in out)) out[k] = v;
  return out;
}

/** The body of an error answer (warnings gathered so far are kept, as MediaWiki does). */
export function renderError(ctx: ApiContext, err: MwError): Record<string, unknown> {
  const module = err.module ?? ctx.moduleName;
  const out: Record<string, unknown> = {};
  if (ctx.errorFormat === 'bc') {
    const e: Record<string, unknown> = { code: err.code, info: err.info, ...err.data };
    e[ctx.fv === 2 ? 'docref' : '*'] = docref(ctx);
    out.error = e;
  } else {
    out.errors = [
      messageObject(ctx, {
        code: err.code,
        text: err.info,
        module,
        data: err.data,
        rawMessage: err.rawMessage,
        kind: 'error',
      }),
    ];
    out[ctx.fv === 2 ? 'docref' : '*'] = docref(ctx);
  }
  if (ctx.warnings.length) out.warnings = renderWarnings(ctx, ctx.warnings);
  return out;
}
