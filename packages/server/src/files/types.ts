/** One version of a file: the current one, an old one, or a deleted one. */
export interface FileVersion {
  /** DB key of the file name (`A_b.png`). */
  name: string;
  blobKey: string;
  size: number;
  width: number;
  height: number;
  bits: number;
  mediaType: string;
  mime: string;
  /** The media handler's metadata (see src/media). */
  metadata: unknown;
  description: string;
  userId: number;
  userText: string;
  /** ISO 8601 */
  timestamp: string;
  /** hex */
  sha1: string;
  /** `YYYYMMDDHHMMSS!Name` for old versions, '' for the current one. */
  archiveName: string;
}

/** What media analysis found out about an upload (stored with every version). */
export interface FileProps {
  mime: string;
  mediaType: string;
  width: number;
  height: number;
  bits: number;
  metadata: unknown;
}

/** Who did something: a user id (0 for anonymous) and the name shown. */
export interface Actor {
  id: number;
  name: string;
  /** How recent changes mark what this actor does: as a bot's, and as patrolled from the start. */
  bot?: boolean;
  autopatrolled?: boolean;
}
