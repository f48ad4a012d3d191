import type { PhpArray } from './items.js';

/** What a MediaWiki media handler's getSizeAndMetadata() returns. */
export interface HandlerResult {
  width: number;
  height: number;
  /** img_bits (0 when the handler does not say). */
  bits: number;
  metadata: PhpArray;
}

/** Thrown inside an extractor for files MediaWiki's extractor gives up on. */
export class BrokenFile extends Error {}
