/**
 * Dry run: predicts what an upload would meet, using read-only queries only (no file bytes are sent).
 * Every check the wiki cannot answer is listed in `unchecked` instead of failing the run.
 */
import type { MwApi } from './api.js';
import { ApiError, MwClientError, UploadError } from './errors.js';
import { sha1OfSource } from './hash.js';
import type { UploadSource } from './source.js';
import type {
  ImageInfo,
  UploadCheck,
  UploadOptions,
  UploadUnchanged,
  UploadWarning,
  UploadWarnings,
} from './types.js';
import { warningsIgnorable } from './warnings.js';

const sameName = (a: string, b: string) => {
  const norm = (s: string) => s.replace(/ /g, '_');
  const an = norm(a);
  const bn = norm(b);
  return an === bn || an.charAt(0).toUpperCase() + an.slice(1) === bn.charAt(0).toUpperCase() + bn.slice(1);
};

async function attempt<T>(name: string, unchecked: string[], fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof MwClientError && !e.retryable) {
      unchecked.push(`${name} (${e.code})`);
      return undefined;
    }
    throw e;
  }
}

export async function checkUpload(
  api: MwApi,
  src: UploadSource,
  filename: string,
  signal?: AbortSignal,
  onBytes?: (n: number) => void,
): Promise<UploadCheck> {
  const size = src.size;
  if (size === undefined) {
    throw new UploadError({
      code: 'source-size-unknown',
      info: 'A dry run needs a file or Blob, not a stream.',
    });
  }
  const errors: { code: string; info: string }[] = [];
  const warnings: UploadWarnings = {};
  const unchecked: string[] = [];
  const sha1 = await sha1OfSource(src, size, signal, onBytes);
  if (size === 0) errors.push({ code: 'empty-file', info: 'The file you submitted was empty.' });

  await api.ensureLogin(signal);
  const site = await attempt('siteinfo', unchecked, () => api.siteInfo(signal));
  const dot = filename.lastIndexOf('.');
  const ext = dot > 0 ? filename.slice(dot + 1).toLowerCase() : '';
  if (!ext) {
    errors.push({ code: 'filetype-missing', info: 'The file is missing an extension (like ".jpg").' });
  } else if (site?.fileextensions && site.fileextensions.length > 0 && !site.fileextensions.includes(ext)) {
    errors.push({
      code: 'filetype-banned',
      info: `".${ext}" is not a permitted file type. Permitted file types are ${site.fileextensions.join(', ')}.`,
    });
  }
  if (site?.maxuploadsize && size > site.maxuploadsize) {
    errors.push({
      code: 'file-too-large',
      info: `The file is bigger than the wiki allows (${site.maxuploadsize} bytes).`,
    });
  }

  const user = await attempt('userinfo', unchecked, () => api.userInfo(signal));
  if (user) {
    if (user.id === 0)
      errors.push({ code: 'mustbeloggedin', info: 'You must be logged in to upload this file.' });
    else if (!user.rights.includes('upload')) {
      errors.push({ code: 'permissiondenied', info: 'You do not have the "upload" right.' });
    }
  }

  let title: string | undefined;
  const page = await attempt('title', unchecked, async () => {
    const r = await api.request(
      {
        action: 'query',
        titles: `File:${filename}`,
        prop: ['imageinfo', 'info'],
        iiprop: ['sha1', 'timestamp', 'user'],
        iilimit: 50,
      },
      { signal },
    );
    const pages = r.query?.pages;
    return (Array.isArray(pages) ? pages[0] : pages ? Object.values(pages)[0] : undefined) as
      | {
          title?: string;
          missing?: boolean | string;
          invalid?: boolean | string;
          invalidreason?: string;
          imageinfo?: ImageInfo[];
        }
      | undefined;
  });
  if (page) {
    if (page.invalid !== undefined && page.invalid !== false) {
      errors.push({ code: 'illegal-filename', info: page.invalidreason ?? 'The filename is not allowed.' });
    } else {
      title = page.title;
      const dbName = (page.title ?? '').replace(/^[^:]*:/, '').replace(/ /g, '_');
      if (dbName && !sameName(dbName, filename)) warnings.badfilename = dbName;
      const versions = page.imageinfo ?? [];
      const current = versions[0];
      if (current) {
        warnings.exists = dbName;
        if (current.sha1 === sha1) warnings.nochange = { timestamp: current.timestamp };
        else {
          const old = versions.slice(1).filter((v) => v.sha1 === sha1);
          if (old.length > 0) warnings.duplicateversions = old.map((v) => ({ timestamp: v.timestamp }));
        }
        if (user && !user.rights.includes('reupload')) {
          const own = user.rights.includes('reupload-own') && current.user === user.name;
          if (!own) {
            errors.push({
              code: 'fileexists-forbidden',
              info: `A file with this name exists already and cannot be overwritten: [[:File:${dbName}]].`,
            });
          }
        }
      } else if (page.missing === undefined || page.missing === false) {
        warnings['page-exists'] = dbName;
      }
    }
  }

  const dups = await attempt('duplicates', unchecked, async () => {
    const r = await api.request(
      { action: 'query', list: 'allimages', aisha1: sha1, aiprop: 'sha1', ailimit: 50 },
      { signal },
    );
    return ((r.query?.allimages ?? []) as { name: string }[]).map((i) => i.name);
  });
  if (dups) {
    const own = warnings.exists;
    const others = dups.filter((n) => n !== own);
    if (others.length > 0) warnings.duplicate = others;
  }

  if (page && !page.imageinfo?.length && title) {
    const deleted = await attempt('was-deleted', unchecked, async () => {
      const r = await api.request(
        { action: 'query', list: 'logevents', letype: 'delete', letitle: title as string, lelimit: 1 },
        { signal },
      );
      return ((r.query?.logevents ?? []) as unknown[]).length > 0;
    });
    if (deleted) warnings['was-deleted'] = filename;
  }

  return { filename, ...(title ? { title } : {}), size, sha1, warnings, errors, unchecked };
}

/**
 * The name the server will store a file under, before title normalisation: characters illegal in
 * titles and `$wgIllegalFileChars` (`:/\` by default) become `-`, as MediaWiki's
 * wfStripIllegalFilenameChars does.
 */
export function storedName(filename: string): string {
  return filename.replace(/[#<>[\]|{}\x00-\x1f\x7f:/\\]/g, '-');
}

/** What the wiki knows about a target name and a content hash. */
export interface ContentLookup {
  /** The normalised title, unless the name is not a valid title. */
  title?: string;
  /** The target's current version, when it is a local file. */
  current?: ImageInfo;
  /** Other local files whose current version has this content. */
  duplicates: string[];
}

/**
 * One read-only query: `prop=imageinfo` of `File:<filename>` and `list=allimages&aisha1=` together.
 * The wiki is the source of truth, so any machine gets the same answer.
 */
export async function lookupContent(
  api: MwApi,
  filename: string,
  sha1: string,
  signal?: AbortSignal,
): Promise<ContentLookup> {
  const r = await api.request(
    {
      action: 'query',
      titles: `File:${storedName(filename)}`,
      prop: 'imageinfo',
      iiprop: ['timestamp', 'user', 'size', 'sha1', 'mime', 'url', 'canonicaltitle'],
      list: 'allimages',
      aisha1: sha1,
      aiprop: 'sha1',
      ailimit: 50,
    },
    { signal },
  );
  const pages = r.query?.pages;
  const page = (Array.isArray(pages) ? pages[0] : pages ? Object.values(pages)[0] : undefined) as
    | {
        title?: string;
        invalid?: boolean | string;
        imagerepository?: string;
        imageinfo?: ImageInfo[];
      }
    | undefined;
  const valid = page && (page.invalid === undefined || page.invalid === false);
  const title = valid ? page.title : undefined;
  const own = title?.replace(/^[^:]*:/, '').replace(/ /g, '_');
  const info = valid ? page.imageinfo?.[0] : undefined;
  // A file of a shared repository (Commons seen from another wiki) is not this wiki's to compare.
  const local = page?.imagerepository === undefined || page.imagerepository === 'local';
  const duplicates = ((r.query?.allimages ?? []) as { name: string }[])
    .map((i) => i.name.replace(/ /g, '_'))
    .filter((n) => n !== own);
  return {
    ...(title ? { title } : {}),
    ...(info && local ? { current: info } : {}),
    duplicates,
  };
}

/**
 * Know before sending: hashes the source, asks the wiki, and answers `Unchanged` (the target's current
 * version has these bytes) or a `duplicate` `Warning` (other files have them, not accepted by
 * `ignoreWarnings`) without sending a byte; undefined when the upload should go ahead (also when the
 * wiki refuses the query: then the server's own warnings decide).
 */
export async function precheckUpload(
  api: MwApi,
  src: UploadSource,
  filename: string,
  options: Pick<UploadOptions, 'ignoreWarnings' | 'signal'>,
): Promise<UploadUnchanged | UploadWarning | undefined> {
  if (!src.seekable || src.size === undefined) return undefined;
  const sha1 = await sha1OfSource(src, src.size, options.signal);
  let found: ContentLookup;
  try {
    found = await lookupContent(api, filename, sha1, options.signal);
  } catch (e) {
    // A wiki that cannot answer the query (an API module missing or disabled): the server decides.
    if (e instanceof ApiError && !e.retryable) return undefined;
    throw e;
  }
  const current = found.current;
  if (current?.sha1 && current.sha1.toLowerCase() === sha1) {
    const name = found.title ? found.title.replace(/^[^:]*:/, '').replace(/ /g, '_') : filename;
    return { result: 'Unchanged', filename: name, sha1, imageinfo: current };
  }
  if (found.duplicates.length > 0) {
    const warnings: UploadWarnings = { duplicate: found.duplicates };
    if (!warningsIgnorable(warnings, options.ignoreWarnings)) {
      return { result: 'Warning', filename, warnings, sha1 };
    }
  }
  return undefined;
}
