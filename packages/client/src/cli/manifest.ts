/**
 * Manifests of `mwup upload --manifest FILE`: one row per file with its own name, page text, summary,
 * tags and accepted warnings. CSV (RFC 4180, a header row naming the columns) or JSON Lines (one object
 * per line, the same names), chosen by the extension. The whole manifest is checked before anything is
 * uploaded: every problem is reported with its row, and none is uploaded while one remains.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { bareFilename, type IgnoreWarnings, type PublishOptions } from '../index.js';
import { UsageError } from './config.js';
import { parseIgnoreWarnings } from './options.js';
import { fillTemplate, placeholders } from './templates.js';

/** The columns with a meaning of their own; any other column fills `{name}` placeholders of a template. */
export const MANIFEST_COLUMNS = [
  'file',
  'filename',
  'text',
  'text-file',
  'template',
  'comment',
  'tags',
  'ignore-warnings',
] as const;
type Column = (typeof MANIFEST_COLUMNS)[number];

/** One file to upload, ready: paths resolved, page text filled. */
export interface ManifestEntry {
  /** CSV: the row (the header is row 1); JSON Lines: the line. */
  row: number;
  /** The file as the manifest names it. */
  file: string;
  /** Absolute path of the local file. */
  path: string;
  /** Name on the wiki. */
  filename: string;
  /** The command line's options with this row's values over them. */
  pub: PublishOptions;
}

export interface ManifestDefaults {
  /** Options from the command line (`--comment`, `--text`, `--tags`, `--ignore-warnings`, …). */
  pub: PublishOptions;
  /** `--text-template FILE` (a path): the page text of rows that give none. */
  textTemplate?: string;
}

interface RawRow {
  row: number;
  /** Column name as written → value (CSV: strings; JSON Lines: any JSON value). */
  fields: Map<string, unknown>;
}

const MAX_LISTED = 20;

const canonical = (name: string): string => name.trim().toLowerCase().replace(/_/g, '-');
const isColumn = (name: string): name is Column => (MANIFEST_COLUMNS as readonly string[]).includes(name);

function readCsv(text: string, label: string): { rows: RawRow[]; columns: string[] } {
  let records: string[][];
  try {
    records = parseCsv(text, {
      bom: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as string[][];
  } catch (e) {
    throw new UsageError(`${label} is not valid CSV: ${(e as Error).message}`);
  }
  const [header, ...data] = records;
  if (!header) throw new UsageError(`${label} is empty: it needs a header row naming the columns.`);
  const columns = header.map((h) => h.trim());
  const unnamed = columns.indexOf('');
  if (unnamed >= 0) throw new UsageError(`${label}: column ${unnamed + 1} of the header row has no name.`);
  const dup = columns.find((c, i) => columns.findIndex((d) => canonical(d) === canonical(c)) !== i);
  if (dup !== undefined) throw new UsageError(`${label}: the header row names column "${dup}" twice.`);
  const rows = data.map((rec, i) => ({ row: i + 2, fields: new Map(columns.map((c, j) => [c, rec[j]])) }));
  return { rows, columns };
}

function readJsonLines(text: string, label: string): { rows: RawRow[]; columns: string[] } {
  const rows: RawRow[] = [];
  const columns = new Set<string>();
  const problems: string[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch (e) {
        problems.push(`line ${i + 1}: not valid JSON (${(e as Error).message})`);
        return;
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        problems.push(`line ${i + 1}: not a JSON object`);
        return;
      }
      const fields = new Map(Object.entries(v).map(([k, x]) => [k.trim(), x]));
      for (const k of fields.keys()) columns.add(k);
      rows.push({ row: i + 1, fields });
    });
  if (problems.length > 0) throw manifestError(label, problems);
  return { rows, columns: [...columns] };
}

function manifestError(label: string, problems: string[]): UsageError {
  const shown = problems.slice(0, MAX_LISTED).map((p) => `  ${p}`);
  if (problems.length > MAX_LISTED) shown.push(`  … and ${problems.length - MAX_LISTED} more`);
  const n = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
  return new UsageError(`The manifest ${label} has ${n}; nothing was uploaded:\n${shown.join('\n')}`);
}

/** A value as text: strings as they are, numbers and booleans spelled out, lists joined. */
function asText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => asText(x) ?? '').join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The row's value of a known column (any spelling: `Text_File` is `text-file`), unless empty. */
function field(raw: RawRow, column: Column): unknown {
  for (const [k, v] of raw.fields) {
    if (canonical(k) !== column) continue;
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return undefined;
    return v;
  }
  return undefined;
}

function tagsOf(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v.map((x) => asText(x) ?? '') : (asText(v) ?? '').split(',');
  return list.map((t) => t.trim()).filter(Boolean);
}

function ignoreOf(v: unknown): IgnoreWarnings | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x) => (asText(x) ?? '').trim().toLowerCase()).filter(Boolean);
  return parseIgnoreWarnings(asText(v));
}

/** Reads text files once each (templates are shared by many rows). */
class TextFiles {
  readonly #cache = new Map<string, Promise<string>>();
  read(path: string): Promise<string> {
    let p = this.#cache.get(path);
    if (!p) {
      p = readFile(path, 'utf8');
      p.catch(() => {});
      this.#cache.set(path, p);
    }
    return p;
  }
}

/**
 * Reads and checks a manifest. Throws a `UsageError` listing every bad row (missing file, both `text`
 * and `text-file`, a template placeholder without a column, two rows with one target…).
 */
export async function loadManifest(path: string, defaults: ManifestDefaults): Promise<ManifestEntry[]> {
  const label = path;
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.jsonl') {
    throw new UsageError(`--manifest must be a .csv or a .jsonl file, got "${basename(path)}".`);
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read the manifest: ${(e as Error).message}`);
  }
  const csv = ext === '.csv';
  const { rows, columns } = csv ? readCsv(text, label) : readJsonLines(text, label);
  const where = (n: number) => (csv ? `row ${n}` : `line ${n}`);
  const what = csv ? 'column' : 'field';
  if (rows.length === 0) throw new UsageError(`The manifest ${label} has no rows.`);
  if (csv && !columns.some((c) => canonical(c) === 'file')) {
    throw new UsageError(
      `The manifest ${label} has no "file" column; its header row names the columns (${MANIFEST_COLUMNS.join(', ')}).`,
    );
  }
  const usesTemplate =
    defaults.textTemplate !== undefined || columns.some((c) => canonical(c) === 'template');
  if (!usesTemplate) {
    const unknown = columns.filter((c) => !isColumn(canonical(c)));
    if (unknown.length > 0) {
      throw new UsageError(
        `The manifest ${label} has the unknown ${what}${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')}: the ${what}s are ${MANIFEST_COLUMNS.join(', ')}; others only fill {name} placeholders of a template (--text-template or a "template" ${what}).`,
      );
    }
  }

  if (defaults.textTemplate !== undefined) await readTextTemplate(defaults.textTemplate);
  const base = dirname(resolve(path));
  const files = new TextFiles();
  const problems: string[] = [];
  const entries: ManifestEntry[] = [];
  const targets = new Map<string, number>();
  const reported = new Set<string>();
  for (const raw of rows) {
    const bad = (msg: string) => problems.push(`${where(raw.row)}: ${msg}`);
    const before = problems.length;
    const file = asText(field(raw, 'file'));
    if (file === undefined) {
      bad(`no file (the "file" ${what} is empty or missing)`);
      continue;
    }
    const abs = resolve(base, file);
    try {
      const st = await stat(abs);
      if (!st.isFile()) bad(`${abs} is not a regular file`);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      bad(code === 'ENOENT' ? `file not found: ${abs}` : `cannot read ${abs}: ${(e as Error).message}`);
    }
    const filename = bareFilename(asText(field(raw, 'filename')) ?? basename(abs));
    if (!filename) bad('the filename is empty');
    const key = filename.replace(/ /g, '_');
    const earlier = targets.get(key);
    if (earlier !== undefined) bad(`File:${filename} is also the target of ${where(earlier)}`);
    else targets.set(key, raw.row);

    const sources = (['text', 'text-file', 'template'] as const).filter((c) => field(raw, c) !== undefined);
    if (sources.length > 1) {
      bad(`both ${sources.map((s) => `"${s}"`).join(' and ')} are given; give only one`);
      continue;
    }
    let pageText: string | undefined = defaults.pub.text;
    const values = new Map<string, string>();
    for (const [k, v] of raw.fields) values.set(k, asText(v) ?? '');
    const fill = async (templatePath: string, shown: string) => {
      let tpl: string;
      try {
        tpl = await files.read(templatePath);
      } catch (e) {
        bad(`cannot read the template ${shown}: ${(e as Error).message}`);
        return undefined;
      }
      const r = fillTemplate(tpl, values);
      for (const name of r.missing) {
        // Every CSV row has the same columns: say it once, at the first row.
        const key = `${templatePath}\0${name}`;
        if (csv && reported.has(key)) continue;
        reported.add(key);
        bad(`the template ${shown} uses {${name}}, but there is no ${what} "${name}"`);
      }
      return r.text;
    };
    const rowText = asText(field(raw, 'text'));
    const textFile = asText(field(raw, 'text-file'));
    const rowTemplate = asText(field(raw, 'template'));
    if (rowText !== undefined) pageText = rowText;
    else if (textFile !== undefined) {
      const p = resolve(base, textFile);
      try {
        pageText = await files.read(p);
      } catch (e) {
        bad(`cannot read the text-file ${p}: ${(e as Error).message}`);
      }
    } else if (rowTemplate !== undefined) {
      pageText = await fill(resolve(base, rowTemplate), rowTemplate);
    } else if (defaults.textTemplate !== undefined) {
      pageText = await fill(resolve(defaults.textTemplate), defaults.textTemplate);
    }
    if (problems.length > before) continue;

    const comment = asText(field(raw, 'comment'));
    const tags = tagsOf(field(raw, 'tags'));
    const ignoreWarnings = ignoreOf(field(raw, 'ignore-warnings'));
    entries.push({
      row: raw.row,
      file,
      path: abs,
      filename,
      pub: {
        ...defaults.pub,
        ...(pageText !== undefined ? { text: pageText } : {}),
        ...(comment !== undefined ? { comment } : {}),
        ...(tags !== undefined ? { tags } : {}),
        ...(ignoreWarnings !== undefined ? { ignoreWarnings } : {}),
      },
    });
  }
  if (problems.length > 0) throw manifestError(label, problems);
  return entries;
}

/**
 * Checks a `--text-template` file before any row is read: readable, and with at least one placeholder
 * (`{{description}}` is wikitext, a template call, not a placeholder: a likely slip).
 */
async function readTextTemplate(path: string): Promise<string> {
  let tpl: string;
  try {
    tpl = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read --text-template: ${(e as Error).message}`);
  }
  if (placeholders(tpl).length === 0) {
    throw new UsageError(
      `--text-template ${path} has no {name} placeholder; to give every file the same text use --text-file.`,
    );
  }
  return tpl;
}
