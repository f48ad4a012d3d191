/** Stand-ins for the uploader's tests: localStorage in memory, resume tokens. */
import type { ResumeToken } from 'mwup/browser';
import type { StorageLike } from '../../assets/uploader/resume-store.js';

export const API = 'http://wiki.test/w/api.php';

/** localStorage in memory; `broken` makes every call throw, as some private windows do. */
export class MemoryStorage implements StorageLike {
  readonly map = new Map<string, string>();
  broken = false;
  #check() {
    if (this.broken) throw new Error('SecurityError');
  }
  get length() {
    this.#check();
    return this.map.size;
  }
  key(i: number) {
    this.#check();
    return [...this.map.keys()][i] ?? null;
  }
  getItem(k: string) {
    this.#check();
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.#check();
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.#check();
    this.map.delete(k);
  }
}

export function token(over: Partial<ResumeToken> = {}): ResumeToken {
  return {
    v: 1,
    api: API,
    filename: 'Big.txt',
    stage: 'uploading',
    filekey: 'abc.123.txt',
    offset: 200,
    filesize: 500,
    sha1: 'a'.repeat(40),
    chunkSize: 100,
    updatedAt: '2024-01-01T00:00:00Z',
    ...over,
  };
}
