/** Paths under `/w/images/`: `<a>/<ab>/<Name>`, `archive/…`, `thumb/…/<NNNpx-Name>`, `thumb/archive/…`. */
import { hashPath } from '../../files/urls.js';

/** What an images path names (the file name is its DB key; old versions by archive name). */
export interface ImagePath {
  name: string;
  /** `YYYYMMDDHHMMSS!Name` for an old version, null for the current one. */
  archiveName: string | null;
  /** The thumbnail's file name for thumbnail paths, else null. */
  thumb: string | null;
}

const MAX_NAME_BYTES = 512;

/** Percent-decode one path segment; null when malformed or when it hides a `/` or NUL. */
function decodeSegment(s: string): string | null {
  try {
    const d = decodeURIComponent(s);
    if (d.includes('/') || d.includes('\\') || d.includes('\0') || d === '.' || d === '..' || d === '')
      return null;
    return d;
  } catch {
    return null;
  }
}

/** Parse the raw (still percent-encoded) path after `/w/images/`; null when it names no file. */
export function parseImagePath(rawPath: string): ImagePath | null {
  const raw = rawPath.split('/');
  if (raw.some((s) => Buffer.byteLength(s) > MAX_NAME_BYTES * 3)) return null;
  const segs = raw.map(decodeSegment);
  if (segs.some((s) => s === null)) return null;
  const parts = segs as string[];
  const thumb = parts[0] === 'thumb';
  if (thumb) parts.shift();
  const archive = parts[0] === 'archive';
  if (archive) parts.shift();
  if (parts.length !== (thumb ? 4 : 3)) return null;
  const [a, ab, stored, thumbSeg] = parts as [string, string, string, string | undefined];
  if (Buffer.byteLength(stored) > MAX_NAME_BYTES) return null;
  let name = stored;
  if (archive) {
    const m = /^(\d{14})!(.+)$/.exec(stored);
    if (!m) return null;
    name = m[2]!;
  }
  if (`${a}/${ab}/` !== hashPath(name)) return null;
  return { name, archiveName: archive ? stored : null, thumb: thumb ? thumbSeg! : null };
}
