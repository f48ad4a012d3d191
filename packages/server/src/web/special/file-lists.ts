/** The special pages listing files and what happened to them. */
import { listFiles } from './listfiles.js';
import { log } from './log.js';
import { newFiles } from './newfiles.js';
import type { SpecialPage } from './types.js';

export const fileListPages: SpecialPage[] = [listFiles, newFiles, log];
