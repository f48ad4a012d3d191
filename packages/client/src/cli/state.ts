/**
 * The resume state file: one JSON document holding, per interrupted upload, its resume token and the
 * options needed to finish it (never credentials). Written atomically (temp file + rename); each write
 * re-reads the file and changes only its own entry, so two runs sharing a file lose as little as possible.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ResumeToken, Watchlist } from '../index.js';

export interface StoredUploadOptions {
  comment?: string;
  text?: string;
  tags?: string[];
  watchlist?: Watchlist;
  ignoreWarnings?: boolean | string[];
  async?: boolean;
  stash?: boolean;
  chunkSize?: number;
}

export interface StateEntry {
  id: string;
  path: string;
  api: string;
  filename: string;
  options: StoredUploadOptions;
  token: ResumeToken;
  updatedAt: string;
}

interface StateDoc {
  version: 1;
  uploads: Record<string, StateEntry>;
}

export function defaultStatePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'mwup', 'uploads.json');
}

export function entryId(api: string, path: string, filename: string): string {
  return createHash('sha1')
    .update(`${api}\n${resolve(path)}\n${filename}`)
    .digest('hex')
    .slice(0, 12);
}

/** Later tokens of one upload are written at most this often (the wiki's offset is the truth). */
export const STATE_WRITE_INTERVAL_MS = 1000;

export class StateFile {
  #queue: Promise<void> = Promise.resolve();
  /** Tokens not written yet, by entry, and when each entry was last written. */
  readonly #pending = new Map<string, StateEntry>();
  readonly #written = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly path: string,
    readonly intervalMs = STATE_WRITE_INTERVAL_MS,
  ) {}

  async read(): Promise<StateDoc> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, uploads: {} };
      throw e;
    }
    try {
      const doc = JSON.parse(text) as StateDoc;
      if (doc && typeof doc === 'object' && doc.uploads && typeof doc.uploads === 'object') return doc;
    } catch {
      // fall through
    }
    throw new Error(`${this.path} is not a mwup state file`);
  }

  async entries(): Promise<StateEntry[]> {
    return Object.values((await this.read()).uploads);
  }

  /** Serialised read-modify-write of one entry. */
  #update(fn: (doc: StateDoc) => void): Promise<void> {
    const run = this.#queue.then(async () => {
      const doc = await this.read();
      fn(doc);
      await mkdir(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
      await rename(tmp, this.path);
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  put(entry: StateEntry): Promise<void> {
    this.#pending.delete(entry.id);
    this.#written.set(entry.id, Date.now());
    return this.#update((doc) => {
      doc.uploads[entry.id] = entry;
    });
  }

  /**
   * Records an upload's newest token: written at once the first time, then at most once per
   * interval (a resumed upload continues from the wiki's offset, which is never behind the file's).
   * `flush` writes what is still pending; an interrupted run calls it before it ends.
   */
  putSoon(entry: StateEntry): Promise<void> {
    const last = this.#written.get(entry.id);
    const wait = last === undefined ? 0 : last + this.intervalMs - Date.now();
    if (wait <= 0) return this.put(entry);
    this.#pending.set(entry.id, entry);
    if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.flush().catch(() => {});
      }, wait);
      this.#timer.unref?.();
    }
    return Promise.resolve();
  }

  /** Writes every pending token now. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const entries = [...this.#pending.values()];
    this.#pending.clear();
    if (!entries.length) return this.#queue;
    const now = Date.now();
    for (const e of entries) this.#written.set(e.id, now);
    return this.#update((doc) => {
      for (const e of entries) doc.uploads[e.id] = e;
    });
  }

  remove(id: string): Promise<void> {
    this.#pending.delete(id);
    this.#written.delete(id);
    return this.#update((doc) => {
      delete doc.uploads[id];
    });
  }
}
