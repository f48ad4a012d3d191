/**
 * Interrupted uploads kept in the browser (localStorage), so that choosing the same file again after
 * a reload continues where the wiki has it. A file is recognised by its name, size and modification
 * time; the client then checks the SHA-1 of the bytes already sent before it continues. Entries
 * expire with the wiki's stash (`$wgUploadStashMaxAge`, 6 hours by default). No DOM: runs in Node
 * for the tests.
 */
import type { ResumeToken } from 'mwup/browser';

/** What localStorage offers (a Map-backed stand-in in the tests). */
export interface StorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** What identifies a chosen file across page loads. */
export interface FileIdentity {
  name: string;
  size: number;
  lastModified: number;
}

/** One interrupted upload: the client's resume token and what the person typed for it. */
export interface SavedUpload {
  file: FileIdentity;
  token: ResumeToken;
  destName: string;
  description: string;
  /** When it was saved (ms since the epoch). */
  savedAt: number;
}

const PREFIX = 'mwup-upload:';
const STAGES = new Set(['uploading', 'assembling', 'stashed', 'publishing']);
export const STASH_MAX_AGE_MS = 6 * 3600 * 1000;

/** The storage key of a file's upload to a wiki. */
export function resumeKey(api: string, f: FileIdentity): string {
  return PREFIX + JSON.stringify([api, f.name, f.size, f.lastModified]);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isStr = (v: unknown): v is string => typeof v === 'string';

/** A tus upload's URL on the wiki's own origin (a token without a filekey yet continues there). */
function sameOrigin(url: unknown, api: string): boolean {
  if (!isStr(url)) return false;
  try {
    return new URL(url).origin === new URL(api).origin;
  } catch {
    return false;
  }
}

/** Whether `t` is a resume token this client can continue from. */
export function isResumeToken(t: unknown): t is ResumeToken {
  if (typeof t !== 'object' || t === null) return false;
  const r = t as Record<string, unknown>;
  return (
    r.v === 1 &&
    isStr(r.api) &&
    isStr(r.filename) &&
    isStr(r.stage) &&
    STAGES.has(r.stage) &&
    isStr(r.filekey) &&
    (r.filekey !== '' || (r.stage === 'uploading' && sameOrigin(r.tusUrl, r.api))) &&
    isInt(r.filesize) &&
    isInt(r.offset) &&
    r.offset <= r.filesize &&
    isStr(r.sha1) &&
    /^[0-9a-f]{40}$/i.test(r.sha1) &&
    isInt(r.chunkSize) &&
    r.chunkSize > 0
  );
}

function parse(text: string | null): SavedUpload | undefined {
  if (text === null) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const s = v as Record<string, unknown>;
  const f = s.file as Record<string, unknown> | undefined;
  if (!f || !isStr(f.name) || !isInt(f.size) || typeof f.lastModified !== 'number') return undefined;
  if (!isResumeToken(s.token) || s.token.filesize !== f.size) return undefined;
  if (!isStr(s.destName) || !isStr(s.description) || typeof s.savedAt !== 'number') return undefined;
  return s as unknown as SavedUpload;
}

export class ResumeStore {
  readonly #storage: StorageLike | undefined;
  readonly #api: string;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  /** `storage` undefined (or failing, as in some private windows): nothing is kept. */
  constructor(
    storage: StorageLike | undefined,
    api: string,
    opts: { maxAgeMs?: number; now?: () => number } = {},
  ) {
    this.#storage = storage;
    this.#api = api;
    this.#maxAgeMs = opts.maxAgeMs ?? STASH_MAX_AGE_MS;
    this.#now = opts.now ?? Date.now;
  }

  #fresh(s: SavedUpload): boolean {
    return this.#now() - s.savedAt < this.#maxAgeMs && s.token.api === this.#api;
  }

  /** The saved upload of this file, if there is a usable one. */
  load(f: FileIdentity): SavedUpload | undefined {
    const key = resumeKey(this.#api, f);
    const s = parse(this.#get(key));
    if (!s) return undefined;
    if (!this.#fresh(s)) {
      this.#remove(key);
      return undefined;
    }
    return s;
  }

  save(f: FileIdentity, what: { token: ResumeToken; destName: string; description: string }): void {
    const s: SavedUpload = {
      file: { name: f.name, size: f.size, lastModified: f.lastModified },
      token: what.token,
      destName: what.destName,
      description: what.description,
      savedAt: this.#now(),
    };
    try {
      this.#storage?.setItem(resumeKey(this.#api, f), JSON.stringify(s));
    } catch {
      // Full or refused: the upload goes on, only a reload cannot continue it.
    }
  }

  remove(f: FileIdentity): void {
    this.#remove(resumeKey(this.#api, f));
  }

  /** This wiki's interrupted uploads, oldest first; expired and unreadable entries are removed. */
  list(): SavedUpload[] {
    const out: SavedUpload[] = [];
    for (const key of this.#keys()) {
      const s = parse(this.#get(key));
      if (!s || this.#now() - s.savedAt >= this.#maxAgeMs) this.#remove(key);
      else if (s.token.api === this.#api) out.push(s);
    }
    return out.sort((a, b) => a.savedAt - b.savedAt);
  }

  #keys(): string[] {
    const keys: string[] = [];
    try {
      const st = this.#storage;
      if (!st) return keys;
      for (let i = 0; i < st.length; i++) {
        const k = st.key(i);
        if (k?.startsWith(PREFIX)) keys.push(k);
      }
    } catch {
      // Storage refused: nothing to list.
    }
    return keys;
  }

  #get(key: string): string | null {
    try {
      return this.#storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }

  #remove(key: string): void {
    try {
      this.#storage?.removeItem(key);
    } catch {
      // Nothing more to do.
    }
  }
}
