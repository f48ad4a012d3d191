/**
 * Test hooks, given to the upload layer by the composition root. Tests use them to hold a step at a
 * gate while racing requests arrive; in production none are set.
 */
export interface UploadHooks {
  /** An assembly claimed its entry and is about to read the bytes. */
  beforeAssemble?(filekey: string): Promise<void>;
  /** A file from the stash passed its checks and is about to be published. */
  beforePublish?(filekey: string): Promise<void>;
}
