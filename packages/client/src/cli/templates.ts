/**
 * Page-text templates of manifest rows: `{name}` is replaced by the row's value of column `name`.
 * Wikitext braces stay as they are: `{{Information|description={description}}}` has one placeholder,
 * and `{{PD-self}}` or `{{{1}}}` have none (a `{` right after another `{` never opens a placeholder).
 */

const PLACEHOLDER = /(?<!\{)\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

/** The placeholder names of a template, each once, in order of first use. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

/**
 * Fills the placeholders with `values`. Names without a value are returned in `missing` (and left in
 * the text as they were); values are inserted as they are, never expanded again.
 */
export function fillTemplate(
  template: string,
  values: ReadonlyMap<string, string>,
): { text: string; missing: string[] } {
  const missing = placeholders(template).filter((name) => !values.has(name));
  const text = template.replace(PLACEHOLDER, (whole, name: string) => values.get(name) ?? whole);
  return { text, missing };
}
