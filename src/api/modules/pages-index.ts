import type { ApiModule } from '../module.js';

/** Page and file management modules (edit, delete, undelete, …). */
export const PAGE_MODULES: ApiModule[] = [];
