import type { Identity } from '../auth/identity.js';
import type { Config } from '../config.js';
import type { PageStore } from '../files/pages.js';
import type { FileRepo } from '../files/repo.js';
import { existsWarningChecks } from '../title/file-names.js';
import { NS_FILE } from '../title/namespaces.js';
import type { ForeignRepos } from './foreign/group.js';

export type UploadWarnings = Record<string, unknown>;

export interface WarningInput {
  dbKey: string;
  finalExt: string;
  /** Warnings the name check produced (badfilename, filetype-unwanted-type). */
  nameWarnings: Record<string, unknown>;
  size: number;
  sha1: string;
}

/**
 * Upload warnings in MediaWiki's order and wire names (UploadBase::checkWarnings +
 * ApiUpload::transformWarnings).
 */
export async function computeWarnings(
  deps: { files: FileRepo; pages: PageStore; config: Config; foreign?: ForeignRepos },
  w: WarningInput,
  who: Identity,
): Promise<UploadWarnings> {
  const { files } = deps;
  const out: UploadWarnings = {};
  if (w.nameWarnings.badfilename !== undefined) out.badfilename = w.nameWarnings.badfilename;
  if (w.nameWarnings['filetype-unwanted-type'] !== undefined)
    out['filetype-unwanted-type'] = w.nameWarnings['filetype-unwanted-type'];
  const limit = deps.config.uploads.sizeWarning;
  if (limit > 0 && w.size > limit) out['large-file'] = [limit, w.size];
  if (w.size === 0) out['empty-file'] = true;

  const current = await files.current(w.dbKey);
  const exists = await existsWarning(deps, w.dbKey, current !== null);
  if (exists) {
    out[exists.warning] = exists.name;
    if (current) {
      if (current.sha1 === w.sha1) out.nochange = { timestamp: current.timestamp };
      const dupes = (await files.history(w.dbKey)).filter((v) => v.sha1 === w.sha1);
      if (dupes.length) out.duplicateversions = dupes.map((v) => ({ timestamp: v.timestamp }));
    }
  }
  if (!current && (await files.wasDeleted(w.dbKey))) out['was-deleted'] = w.dbKey;
  const [local, shared] = await Promise.all([
    files.namesBySha1(w.sha1),
    deps.foreign ? deps.foreign.findBySha1(w.sha1) : [],
  ]);
  const dupes = local.filter((n) => !(exists?.warning === 'exists' && n === w.dbKey));
  // RepoGroup::findBySha1: the local files and those of every shared repository, by name.
  if (shared.length) {
    dupes.push(...shared.map((f) => f.name));
    dupes.sort();
  }
  if (dupes.length) out.duplicate = dupes;
  const archived = await files.archivedBySha1(w.sha1);
  if (archived !== null) out['duplicate-archive'] = who.rights.has('deletedhistory') ? archived : '';
  return out;
}

/** The one "exists"-family warning MediaWiki reports for a name (UploadBase::getExistsWarning). */
async function existsWarning(
  deps: { files: FileRepo; pages: PageStore },
  dbKey: string,
  fileExists: boolean,
): Promise<{ warning: string; name: string } | null> {
  if (fileExists) return { warning: 'exists', name: dbKey };
  if (await deps.pages.byTitle(NS_FILE, dbKey)) return { warning: 'page-exists', name: dbKey };
  const checks = existsWarningChecks(dbKey);
  if (checks.normalizedName !== null && (await deps.files.current(checks.normalizedName))) {
    return { warning: 'exists-normalized', name: checks.normalizedName };
  }
  const similar = await deps.files.namesWithPrefix(checks.similarPrefix, 1);
  if (similar.length) return { warning: 'exists-normalized', name: similar[0]! };
  if (checks.thumb) {
    const original = checks.thumb.original;
    const found = original !== null && (await deps.files.current(original)) !== null;
    return { warning: found ? 'thumb' : 'thumb-name', name: dbKey };
  }
  if (checks.badPrefix !== null) return { warning: 'bad-prefix', name: dbKey };
  return null;
}
