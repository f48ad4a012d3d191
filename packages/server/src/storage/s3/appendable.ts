/**
 * Appendable blobs in S3: one object per append, composed into the blob's object when sealed.
 *
 * Layout under the blob's object key (`~` never occurs in blob keys):
 *
 *     <key>~parts/<end>.<start>    bytes [start, end) of an appendable blob, stored by one append (one
 *                                  PutObject: its size was known before it was sent)
 *     <key>~parts/<start>          the same for an append stored by a multipart upload (begun before
 *                                  its size was known: a body larger than a part)
 *     <key>~parts/<end>.end        empty marker: a part named by its start ends at <end>
 *
 * Offsets are zero-padded to 16 digits, so names sort by the offset they begin with. An append at
 * an offset needs to know that the blob's bytes end there and which objects lie beyond: one listing
 * from just before `<offset>` finds both, a part named by its end (or a marker) that ends at the
 * offset, and everything that begins later. It then discards what lies beyond, and stores its body
 * as a new part: one listing and one PutObject per append of a body up to a part's size. A failed
 * append stores nothing, which leaves the blob cut back to the offset. Sealing composes the parts
 * into `<key>` (compose.ts), then removes them.
 */
import { type BlobBody, type BlobStat, type FillableBody, missingBlob, sealMismatch } from '../blob-store.js';
import type { Bucket, Listed, ObjectRange } from './bucket.js';
import { type ComposeLimits, composeObject, type Part } from './compose.js';
import { type ObjectKey, type PartLimits, uploadFilled, uploadStream } from './stream-upload.js';

/** What follows an object key in the keys of its parts. */
export const PARTS = '~parts/';
const pad = (n: number) => String(n).padStart(16, '0');
const isMarker = (key: string) => key.endsWith('.end');
/** A part's name: `<start>`, or `<end>.<start>` (see the layout above). */
const PART_NAME = /^(\d{16})(?:\.(\d{16}))?$/;

const missing = (key: string) => missingBlob(`blob not found: ${key}`);

/** The appendable state of blobs: `objKey` is a blob's object key, `key` its name in messages. */
export class AppendableParts {
  constructor(
    private readonly bucket: Bucket,
    private readonly limits: PartLimits & ComposeLimits,
  ) {}

  private partsPrefix(objKey: string): string {
    return `${objKey}${PARTS}`;
  }

  /** Every part and marker object of a blob. */
  private async listAll(objKey: string): Promise<Listed[]> {
    return this.bucket.collect(this.partsPrefix(objKey));
  }

  /**
   * The data parts of a blob, in byte order. Of two parts that begin at one offset (left by a cut
   * back that stopped between storing a part's head and removing the part) the shorter is the blob's.
   * (An append at the longer one's end would still find it in its listing and be taken: the upload
   * pipeline does not ask for one, appending only at the size it recorded.)
   */
  private async dataParts(objKey: string, listed?: Listed[]): Promise<Part[]> {
    const pp = this.partsPrefix(objKey);
    const parts: Part[] = [];
    for (const o of listed ?? (await this.listAll(objKey))) {
      const m = PART_NAME.exec(o.key.slice(pp.length));
      if (!m) continue; // a marker
      parts.push({ key: o.key, start: Number(m[2] ?? m[1]), size: o.size, mtimeMs: o.mtimeMs });
    }
    parts.sort((a, b) => a.start - b.start || a.size - b.size);
    return parts.filter((p, i) => i === 0 || parts[i - 1]!.start !== p.start);
  }

  /**
   * The name of a part that begins at `start`: by its end when its size is known before it is stored,
   * else by its start. `chosen` is the one given, if any; `byStart` whether it needs a marker.
   */
  private partKey(objKey: string, start: number) {
    const byStart = `${this.partsPrefix(objKey)}${pad(start)}`;
    let chosen: string | null = null;
    const key = (size: number | null) => {
      chosen = size === null ? byStart : `${this.partsPrefix(objKey)}${pad(start + size)}.${pad(start)}`;
      return chosen;
    };
    return { key, chosen: () => chosen, byStart: () => chosen === byStart };
  }

  /** The size of an appendable blob, checking that its parts leave no gap. */
  private contiguousSize(key: string, parts: Part[]): number {
    let pos = 0;
    for (const p of parts) {
      if (p.start !== pos) throw new Error(`appendable blob ${key} is missing bytes at ${pos}`);
      pos += p.size;
    }
    return pos;
  }

  private async putMarker(objKey: string, end: number): Promise<void> {
    await this.bucket.put(`${this.partsPrefix(objKey)}${pad(end)}.end`, '');
  }

  /** Delete markers first, then data: a marker never outlives the part it points past. */
  private async discard(keys: string[]): Promise<void> {
    await this.bucket.deleteMany(keys.filter(isMarker));
    await this.bucket.deleteMany(keys.filter((k) => !isMarker(k)));
  }

  /** Remove every part and marker of a blob. */
  async removeAll(objKey: string): Promise<void> {
    await this.discard((await this.listAll(objKey)).map((o) => o.key));
  }

  /** BlobStore.append (`offset` checked by the caller). */
  async append(key: string, objKey: string, offset: number, body: BlobBody): Promise<number> {
    return this.appendPart(key, objKey, offset, (partKey) =>
      uploadStream(this.bucket, partKey, body, offset > 0, this.limits),
    );
  }

  /** BlobStore.appendFilled (`offset` checked by the caller). */
  async appendFilled(
    key: string,
    objKey: string,
    offset: number,
    body: FillableBody,
    limit: number,
  ): Promise<{ size: number; state: Uint8Array }> {
    let state: Uint8Array | undefined;
    const size = await this.appendPart(key, objKey, offset, async (partKey) => {
      const r = await uploadFilled(this.bucket, partKey, body, limit, offset > 0, this.limits);
      state = r.state;
      return r.size;
    });
    return { size, state: state! };
  }

  /** Append the part that `store` writes into the object it is given; the blob's new size. */
  private async appendPart(
    key: string,
    objKey: string,
    offset: number,
    store: (partKey: ObjectKey) => Promise<number>,
  ): Promise<number> {
    const pp = this.partsPrefix(objKey);
    if (offset === 0) {
      // A new appendable blob: nothing of an earlier one may remain.
      await this.bucket.deleteMany((await this.listAll(objKey)).map((o) => o.key));
      await this.bucket.deleteOne(objKey);
    } else {
      // Every name from `<offset>` on: the part named by its end or the marker that shows the bytes
      // end at `offset` (the names of parts ending before it sort earlier), and whatever lies beyond.
      const endsHere = `${pp}${pad(offset)}.`;
      const from = await this.bucket.collect(pp, `${pp}${pad(offset - 1)}.end`);
      const proof = from.filter((o) => o.key.startsWith(endsHere));
      if (proof.length > 0) {
        await this.discard(from.filter((o) => !proof.includes(o)).map((o) => o.key));
      } else {
        await this.cutBack(key, objKey, offset);
      }
    }
    const part = this.partKey(objKey, offset);
    const end = offset + (await store(part.key));
    if (part.byStart()) await this.putMarker(objKey, end);
    return end;
  }

  /** The slow path of `append`: no part ends at `offset`. Cut the blob back to it, or fail. */
  private async cutBack(key: string, objKey: string, offset: number): Promise<void> {
    const pp = this.partsPrefix(objKey);
    const all = await this.listAll(objKey);
    const parts = await this.dataParts(objKey, all);
    if (parts.length === 0) throw missing(key);
    const size = this.contiguousSize(key, parts);
    if (size < offset) throw missingBlob(`append to ${key} at ${offset}, but only ${size} bytes are stored`);
    const startOf = new Map(parts.map((p) => [p.key, p.start]));
    const doomed = all.filter((o) => {
      const name = o.key.slice(pp.length);
      if (isMarker(name)) return Number(name.slice(0, -4)) > offset;
      // Parts from the offset on, and the longer of two that begin at one offset (not in `parts`).
      const start = startOf.get(o.key);
      return start === undefined || start >= offset;
    });
    await this.discard(doomed.map((o) => o.key));
    const straddling = parts.find((p) => p.start < offset && p.start + p.size > offset);
    if (straddling) {
      // Keep the head of the part that crosses the offset (rare: a retry at an earlier offset), under
      // the name of a part of that size (the same name when the part is named by its start), then
      // remove the part.
      const head = this.bucket.readRanges([
        { key: straddling.key, start: 0, end: offset - straddling.start - 1 },
      ]);
      const part = this.partKey(objKey, straddling.start);
      await uploadStream(this.bucket, part.key, head, false, this.limits);
      if (part.chosen() !== straddling.key) await this.bucket.deleteOne(straddling.key);
      if (!part.byStart()) return;
    }
    await this.putMarker(objKey, offset);
  }

  /** BlobStore.seal. */
  async seal(key: string, objKey: string, size: number): Promise<void> {
    const all = await this.listAll(objKey);
    const parts = await this.dataParts(objKey, all);
    if (parts.length === 0) {
      // Sealed already (a retried seal), or nothing was ever appended.
      const st = await this.bucket.head(objKey);
      if (st && st.size === size) return;
      throw sealMismatch(key, st?.size ?? null, size);
    }
    const stored = this.contiguousSize(key, parts);
    if (stored !== size) throw sealMismatch(key, stored, size);
    await composeObject(
      this.bucket,
      objKey,
      parts.filter((p) => p.size > 0),
      size,
      this.limits,
    );
    await this.bucket.deleteMany(all.map((o) => o.key));
  }

  /** Read a blob that is not sealed yet from its parts; the stream errors when it has none. */
  async *read(
    key: string,
    objKey: string,
    range?: { start: number; end: number },
  ): AsyncGenerator<Uint8Array> {
    const parts = await this.dataParts(objKey);
    if (parts.length === 0) throw missing(key);
    const size = this.contiguousSize(key, parts);
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? size - 1, size - 1);
    const ranges: ObjectRange[] = [];
    for (const p of parts) {
      const s = Math.max(start, p.start);
      const e = Math.min(end, p.start + p.size - 1);
      if (s <= e) ranges.push({ key: p.key, start: s - p.start, end: e - p.start });
    }
    yield* this.bucket.readRanges(ranges);
  }

  /** Size and latest modification of a blob that is not sealed yet, or null when it has no parts. */
  async stat(objKey: string): Promise<BlobStat | null> {
    const parts = await this.dataParts(objKey);
    if (parts.length === 0) return null;
    return {
      size: parts.reduce((n, p) => n + p.size, 0),
      mtimeMs: Math.max(...parts.map((p) => p.mtimeMs)),
    };
  }
}
