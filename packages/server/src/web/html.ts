/**
 * HTML built with a tagged template that escapes every value it is given, unless the value is
 * already HTML (made by this template or marked with `raw`). Arrays are joined. So a file name or a
 * description holding `<script>` is text on the page, never markup.
 */
import { escapeAttribute } from 'entities';

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

/** Escape text for element content and for quoted attribute values alike. */
export const escapeHtml = (s: string): string =>
  escapeAttribute(s).replace(/</g, '&lt;').replace(/>/g, '&gt;');

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return (v as readonly Value[]).map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Markup that is already safe (made by code, never by users). */
export const raw = (s: string): Html => new Html(s);
