/** What `mwup-admin check` found, and how it is printed. */

/** The row or blob a finding is about. */
export interface Subject {
  table: 'images' | 'oldimages' | 'filearchive' | 'uploadstash' | 'thumbnails' | 'pages' | 'blobs';
  /** File name (DB key) of a version or page. */
  name?: string;
  /** Row id (old and deleted versions, pages). */
  id?: number;
  archiveName?: string;
  /** Stash key, thumbnail key or blob key. */
  key?: string;
  /** State of a stash entry. */
  state?: string;
}

/** An inconsistency: the exit code is 1 while one is left unrepaired. */
export interface Problem {
  kind:
    | 'missing-blob'
    | 'size-mismatch'
    | 'sha1-mismatch'
    | 'file-without-page'
    | 'old-version-without-file'
    | 'page-without-file'
    | 'orphan-blob'
    | 'thumbnail-size-mismatch';
  subject: Subject;
  blobKey?: string;
  message: string;
  expected?: number | string;
  actual?: number | string;
  ageMs?: number;
  /** Fixed by `--repair`. */
  repaired?: boolean;
}

/** Worth knowing, not an inconsistency. */
export interface Note {
  kind: 'recent-unreferenced-blob' | 'thumbnail-not-stored' | 'thumbnail-not-listed' | 'unknown-blob';
  subject: Subject;
  blobKey?: string;
  message: string;
  ageMs?: number;
}

export interface CheckReport {
  /** No problem is left (none found, or all repaired). */
  ok: boolean;
  counts: {
    currentVersions: number;
    oldVersions: number;
    deletedVersions: number;
    filePages: number;
    stashEntries: number;
    thumbnails: number;
    /** Blobs in the store. */
    blobs: number;
    /** Bytes read to compare SHA-1s. */
    bytesHashed: number;
  };
  problems: Problem[];
  notes: Note[];
  /** Whether SHA-1s were compared. */
  sha1: boolean;
  graceMs: number;
}

export function subjectText(s: Subject): string {
  switch (s.table) {
    case 'images':
      return `File:${s.name}`;
    case 'oldimages':
      return s.archiveName ? `old version ${s.archiveName}` : `old versions of File:${s.name}`;
    case 'filearchive':
      return `deleted version of File:${s.name} (filearchive id ${s.id})`;
    case 'uploadstash':
      return `stash entry ${s.key} (${s.state})`;
    case 'thumbnails':
      return `thumbnail ${s.key}`;
    case 'pages':
      return `page File:${s.name} (id ${s.id})`;
    case 'blobs':
      return `blob ${s.key}`;
  }
}

/** A duration for people: `40 s`, `12 min`, `5 h`, `3 d`. */
export function formatAge(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function line(f: Problem | Note): string {
  const blob = f.blobKey && f.subject.table !== 'blobs' ? ` [${f.blobKey}]` : '';
  const fixed = 'repaired' in f && f.repaired ? ' — repaired' : '';
  return `  ${f.kind.padEnd(25)} ${subjectText(f.subject)}: ${f.message}${blob}${fixed}`;
}

/** The report as lines of text for a terminal. */
export function formatReport(r: CheckReport): string {
  const c = r.counts;
  const out = [
    `Checked ${c.currentVersions} current, ${c.oldVersions} old and ${c.deletedVersions} deleted file versions, ` +
      `${plural(c.filePages, 'file page')}, ${plural(c.stashEntries, 'stash entry', 'stash entries')}, ` +
      `${plural(c.thumbnails, 'thumbnail')} and ${plural(c.blobs, 'blob')} in the store ` +
      `(${r.sha1 ? `sizes and SHA-1s, ${c.bytesHashed} bytes read` : 'sizes; --sha1 compares contents'}).`,
  ];
  if (r.problems.length) {
    out.push('', `Problems (${r.problems.length}):`, ...r.problems.map(line));
  }
  if (r.notes.length) {
    out.push('', `Notes (${r.notes.length}, not inconsistencies):`, ...r.notes.map(line));
  }
  const repaired = r.problems.filter((p) => p.repaired).length;
  out.push(
    '',
    r.ok
      ? repaired
        ? `Consistent after repairing ${plural(repaired, 'problem')}.`
        : 'Consistent.'
      : `NOT consistent: ${plural(r.problems.length - repaired, 'problem')}${repaired ? ` (${repaired} more repaired)` : ''}.`,
  );
  return out.join('\n');
}
