/** Progress of one upload: phases in order, bytes only moving forward. */
import type { UploadPhase } from '../types.js';

export const DEFAULT_CHUNK_SIZE = 5 * 1024 * 1024;

const PHASES: UploadPhase[] = ['preparing', 'uploading', 'assembling', 'publishing', 'done'];

/** Emits progress events that never move backwards (neither bytes nor phase). */
export class ProgressTracker {
  #phase = -1;
  #bytes = 0;
  constructor(
    private readonly filename: string,
    private readonly total: number | undefined,
    private readonly cb: ((p: import('../types.js').UploadProgress) => void) | undefined,
  ) {}

  update(phase: UploadPhase, bytes?: number): void {
    const pi = Math.max(this.#phase, PHASES.indexOf(phase));
    const b = Math.max(this.#bytes, bytes ?? 0);
    if (pi === this.#phase && b === this.#bytes) return;
    this.#phase = pi;
    this.#bytes = b;
    this.cb?.({
      filename: this.filename,
      phase: PHASES[pi] as UploadPhase,
      bytesSent: b,
      totalBytes: this.total,
    });
  }
}

/** Where the server says a file key stands. */
