/** Progress of one upload: phases in order, bytes only moving forward. */
import type { UploadPhase } from '../types.js';

export const DEFAULT_CHUNK_SIZE = 5 * 1024 * 1024;

const PHASES: UploadPhase[] = ['preparing', 'uploading', 'assembling', 'publishing', 'done'];

/** Emits progress events that never move backwards (neither bytes nor phase). */
export class ProgressTracker {
  #phase = -1;
  #bytes = 0;
  #resumed: number | undefined;
  #stage: string | undefined;
  constructor(
    private readonly filename: string,
    private readonly total: number | undefined,
    private readonly cb: ((p: import('../types.js').UploadProgress) => void) | undefined,
  ) {}

  update(phase: UploadPhase, bytes?: number): void {
    const pi = Math.max(this.#phase, PHASES.indexOf(phase));
    const b = Math.max(this.#bytes, bytes ?? 0);
    if (pi === this.#phase && b === this.#bytes) return;
    // A stage belongs to the phase it was seen in.
    if (pi !== this.#phase) this.#stage = undefined;
    this.#phase = pi;
    this.#bytes = b;
    this.#emit();
  }

  /** The wiki's background stage (`checkstatus`), shown with the current phase. */
  stage(stage: string | undefined): void {
    if (!stage || stage === this.#stage || this.#phase < 0) return;
    this.#stage = stage;
    this.#emit();
  }

  /** A resumed upload: the wiki already had `bytes` bytes from an earlier run. */
  resumed(bytes: number): void {
    this.#resumed = Math.max(this.#resumed ?? 0, bytes);
  }

  #emit(): void {
    this.cb?.({
      filename: this.filename,
      phase: PHASES[this.#phase] as UploadPhase,
      bytesSent: this.#bytes,
      totalBytes: this.total,
      ...(this.#resumed !== undefined ? { resumedBytes: this.#resumed } : {}),
      ...(this.#stage !== undefined ? { stage: this.#stage } : {}),
    });
  }
}

/** Where the server says a file key stands. */
