/** Upload warning names, aliases and messages. */
import type { IgnoreWarnings, UploadWarnings } from './types.js';

const ALIASES: Record<string, string> = {
  'no-change': 'nochange',
  'duplicate-version': 'duplicateversions',
  'duplicate-versions': 'duplicateversions',
  duplicateversion: 'duplicateversions',
  emptyfile: 'empty-file',
  'file-thumbnail-no': 'thumb',
  exists_normalized: 'exists-normalized',
};

/** The wire name of a warning code (`no-change` → `nochange`, `duplicate-version` → `duplicateversions`). */
export function normalizeWarningCode(code: string): string {
  const c = code.trim().toLowerCase();
  return ALIASES[c] ?? c;
}

/** Whether every warning in `warnings` is covered by `ignore`. */
export function warningsIgnorable(warnings: UploadWarnings, ignore: IgnoreWarnings | undefined): boolean {
  if (ignore === true) return true;
  if (!ignore) return false;
  const set = new Set(ignore.map(normalizeWarningCode));
  return Object.keys(warnings).every((k) => set.has(normalizeWarningCode(k)));
}

const asList = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(', ') : String(v));

/** One English sentence per warning, for logs and CLIs. */
export function describeWarning(code: string, value: unknown): string {
  switch (normalizeWarningCode(code)) {
    case 'exists':
      return `A file named "${value}" already exists; uploading would add a new version.`;
    case 'nochange':
      return 'The file is identical to the current version.';
    case 'duplicateversions':
      return 'The file is identical to an older version of this file.';
    case 'duplicate':
      return `The same content is already on the wiki as: ${asList(value)}.`;
    case 'duplicate-archive':
      return `The same content was uploaded before as "${value}" and then deleted.`;
    case 'was-deleted':
      return `A file with this name was uploaded before and then deleted.`;
    case 'page-exists':
      return 'The file page exists but has no file.';
    case 'exists-normalized':
      return `A file with a similar name exists: "${value}".`;
    case 'badfilename':
      return `The name was changed to "${value}".`;
    case 'bad-prefix':
      return 'The name starts with a camera-style prefix (like "IMG" or "DSC_"); use a descriptive name.';
    case 'thumb':
      return 'The name looks like a thumbnail of an existing file.';
    case 'thumb-name':
      return 'The name looks like a thumbnail ("NNNpx-…").';
    case 'filetype-unwanted-type':
      return `The file type is unwanted on this wiki (${asList(value)}).`;
    case 'large-file':
      return `The file is larger than the size the wiki recommends (${asList(value)}).`;
    case 'empty-file':
      return 'The file is empty.';
    default:
      return `${code}: ${typeof value === 'string' ? value : JSON.stringify(value)}`;
  }
}

export function describeWarnings(warnings: UploadWarnings): string[] {
  return Object.entries(warnings).map(([k, v]) => `${k}: ${describeWarning(k, v)}`);
}
