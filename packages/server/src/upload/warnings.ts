import type { Identity } from '../auth/identity.js';
import type { Config } from '../config.js';
import type { NameState } from '../files/name-state.js';
import type { FileRepo } from '../files/repo.js';
import { existsWarningChecks } from '../title/file-names.js';
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
 * ApiUpload::transformWarnings). `known` is the name's current version and page when the caller
 * read them already.
 */
export async function computeWarnings(
  deps: { files: FileRepo; config: Config; foreign?: ForeignRepos },
  w: WarningInput,
  who: Identity,
  known?: NameState,
): Promise<UploadWarnings> {
  const { files } = deps;
  const out: UploadWarnings = {};
  if (w.nameWarnings.badfilename !== undefined) out.badfilename = w.nameWarnings.badfilename;
  if (w.nameWarnings['filetype-unwanted-type'] !== undefined)
    out['filetype-unwanted-type'] = w.nameWarnings['filetype-unwanted-type'];
  const limit = deps.config.uploads.sizeWarning;
  if (limit > 0 && w.size > limit) out['large-file'] = [limit, w.size];
  if (w.size === 0) out['empty-file'] = true;

  const { current, page } = known ?? (await files.nameState(w.dbKey));
  const names = existsWarningChecks(w.dbKey);
  // Read together although some matter only when others find nothing: one statement, not three.
  const found = await files.warningLookups({
    name: w.dbKey,
    similarPrefix: names.similarPrefix,
    sha1: w.sha1,
  });
  const exists = await existsWarning(files, w.dbKey, { current, page, names, similar: found.similar });
  if (exists) {
    out[exists.warning] = exists.name;
    if (current) {
      if (current.sha1 === w.sha1) out.nochange = { timestamp: current.timestamp };
      const dupes = (await files.history(w.dbKey)).filter((v) => v.sha1 === w.sha1);
      if (dupes.length) out.duplicateversions = dupes.map((v) => ({ timestamp: v.timestamp }));
    }
  }
  if (!current && found.deleted) out['was-deleted'] = w.dbKey;
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
  if (found.archived !== null)
    out['duplicate-archive'] = who.rights.has('deletedhistory') ? found.archived : '';
  return out;
}

/** The one "exists"-family warning MediaWiki reports for a name (UploadBase::getExistsWarning). */
async function existsWarning(
  files: FileRepo,
  dbKey: string,
  s: NameState & { names: ReturnType<typeof existsWarningChecks>; similar: string | null },
): Promise<{ warning: string; name: string } | null> {
  if (s.current) return { warning: 'exists', name: dbKey };
  if (s.page) return { warning: 'page-exists', name: dbKey };
  const { names } = s;
  if (names.normalizedName !== null && (await files.current(names.normalizedName))) {
    return { warning: 'exists-normalized', name: names.normalizedName };
  }
  if (s.similar !== null) return { warning: 'exists-normalized', name: s.similar };
  if (names.thumb) {
    const original = names.thumb.original;
    const found = original !== null && (await files.current(original)) !== null;
    return { warning: found ? 'thumb' : 'thumb-name', name: dbKey };
  }
  if (names.badPrefix !== null) return { warning: 'bad-prefix', name: dbKey };
  return null;
}
