import type { ApiModule } from '../module.js';
import { createDeleteModule } from './delete.js';
import { createEditModule } from './edit.js';
import { createUndeleteModule } from './undelete.js';

/** Page and file management modules (edit, delete, undelete). */
export const PAGE_MODULES: ApiModule[] = [createEditModule(), createDeleteModule(), createUndeleteModule()];
