/**
 * Special:Upload's multi-file uploader (bundled with the browser client into uploader.js). Without
 * JavaScript the page's form uploads one file; with it, see uploader/page.ts.
 */
import { startUploader } from './uploader/page.js';

startUploader(document);
