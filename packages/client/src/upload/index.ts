export { UploadEngine } from './engine.js';
export { UploadOps } from './ops.js';
export { DEFAULT_CHUNK_SIZE, ProgressTracker } from './progress.js';
