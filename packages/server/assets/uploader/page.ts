/**
 * Turns Special:Upload's form into a multi-file uploader: the file field takes several files, files
 * dropped anywhere on the page are added, and each file becomes a row that starts uploading at once
 * (three at a time). The form's description, "Watch this file" and "Ignore any warnings" apply to the
 * files added; the Upload button adds what the file field holds or retries what failed.
 */
import { MwClient } from 'mwup/browser';
import { acceptDrops } from './drop.js';
import { type JobContext, UploadJob } from './job.js';
import { describeLimits, formatSize, readLimits } from './limits.js';
import { Pool, type Runnable } from './pool.js';
import { ResumeStore, type StorageLike } from './resume-store.js';
import { el, FileRow } from './row.js';

/** Uploads running at once. */
export const PARALLEL_UPLOADS = 3;

function localStorageOrNothing(): StorageLike | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

const field = <T extends Element>(form: HTMLFormElement, name: string): T | null =>
  form.elements.namedItem(name) as T | null;

export function startUploader(doc: Document): void {
  const main = doc.querySelector('main');
  const form = doc.getElementById('mw-upload-form');
  const input = doc.getElementById('wpUploadFile');
  if (!main || !(form instanceof HTMLFormElement) || !(input instanceof HTMLInputElement)) return;
  const data = main.dataset;
  const api = new URL(data.api ?? '/w/api.php', doc.baseURI).toString();
  const limits = readLimits(data);
  const store = new ResumeStore(localStorageOrNothing(), api);
  const pool = new Pool<Runnable>(PARALLEL_UPLOADS);
  const checkbox = (name: string) => field<HTMLInputElement>(form, name)?.checked === true;
  // "Upload a new version of this file": the name is given and an existing file is expected.
  const reupload = field<HTMLInputElement>(form, 'wpForReUpload')?.value === '1';
  const ctx: JobContext = {
    api,
    limits,
    protocol: data.uploadProtocol === 'tus' ? 'tus' : 'chunked',
    store,
    client: (onRetry) =>
      new MwClient({
        api,
        // Fewer and shorter waits than for a batch job: after that the row offers Retry.
        maxRetries: 4,
        backoff: { baseMs: 1000, maxMs: 15_000 },
        onRetry: ({ error, attempt, delayMs }) =>
          onRetry({ error: { code: error.code, info: error.info }, attempt, delayMs }),
      }),
    ignoreWarnings: () => (checkbox('wpIgnoreWarning') ? true : reupload ? ['exists'] : false),
    reupload,
    watch: () => checkbox('wpWatchthis'),
    enqueue: (job) => pool.add(job),
  };
  const rows: FileRow[] = [];

  // The form: several files, no longer required (files can be dropped instead).
  input.multiple = true;
  input.required = false;
  form.classList.add('mwup-enhanced');

  // The drop zone around the file field, with the limits.
  const zone = el(
    doc,
    'div',
    { class: 'mwup-drop' },
    el(
      doc,
      'p',
      {},
      'Drop files anywhere on this page, or choose them here. Each file starts uploading at once.',
    ),
  );
  const holder = input.closest('p, div, fieldset');
  const block = holder && holder !== form && form.contains(holder) ? holder : input;
  block.before(zone);
  zone.append(block);
  if (!doc.querySelector('.mwup-limits')) {
    const text = describeLimits(limits);
    if (text) zone.append(el(doc, 'p', { class: 'mwup-limits' }, text));
  }

  const pageStatus = el(doc, 'p', { class: 'mwup-page-status', role: 'status', 'aria-live': 'polite' });
  const say = (text: string) => {
    pageStatus.textContent = text;
  };
  const list = el(doc, 'ul', { class: 'mwup-files', 'aria-label': 'Files to upload' });
  const resumeBox = el(doc, 'div', {
    class: 'mwup-resume mw-message-box mw-message-box-warning',
    hidden: true,
  });
  form.after(pageStatus, list);
  zone.before(resumeBox);

  /** Interrupted uploads kept from an earlier visit that no row continues yet. */
  const showInterrupted = () => {
    const open = new Set(rows.map((r) => JSON.stringify(r.job.identity)));
    const waiting = store.list().filter((s) => !open.has(JSON.stringify(s.file)));
    resumeBox.hidden = waiting.length === 0;
    if (waiting.length === 0) return;
    const forget = el(doc, 'button', { type: 'button' }, 'Forget interrupted uploads');
    forget.addEventListener('click', () => {
      for (const s of waiting) store.remove(s.file);
      showInterrupted();
      input.focus();
    });
    resumeBox.replaceChildren(
      el(
        doc,
        'p',
        {},
        waiting.length === 1
          ? 'An upload was interrupted. Choose the same file again to continue where it stopped:'
          : 'Some uploads were interrupted. Choose the same files again to continue where they stopped:',
      ),
      el(
        doc,
        'ul',
        {},
        ...waiting.map((s) =>
          el(doc, 'li', {}, `${s.file.name} (${formatSize(s.token.offset)} of ${formatSize(s.file.size)})`),
        ),
      ),
      forget,
    );
  };

  const remove = (row: FileRow) => {
    row.job.discard();
    const i = rows.indexOf(row);
    if (i >= 0) rows.splice(i, 1);
    const next = rows[i] ?? rows[i - 1];
    row.li.remove();
    (next?.dest ?? input).focus();
    say(`${row.job.file.name} was removed from the list.`);
    showInterrupted();
  };

  const addFiles = (files: File[]) => {
    const destField = field<HTMLInputElement>(form, 'wpDestFile');
    const descField = field<HTMLTextAreaElement>(form, 'wpUploadDescription');
    const typedName = files.length === 1 ? destField?.value.trim() : undefined;
    const skipped: string[] = [];
    for (const file of files) {
      const same = rows.find(
        (r) =>
          r.job.state !== 'done' &&
          r.job.file.name === file.name &&
          r.job.file.size === file.size &&
          r.job.file.lastModified === file.lastModified,
      );
      if (same) {
        skipped.push(file.name);
        continue;
      }
      const saved = store.load({ name: file.name, size: file.size, lastModified: file.lastModified });
      const job = new UploadJob(file, ctx, {
        destName: typedName || saved?.destName || file.name,
        description: saved?.description ?? descField?.value ?? '',
      });
      const row = new FileRow(doc, job, { remove });
      rows.push(row);
      list.append(row.li);
      job.start();
    }
    if (typedName && destField && !destField.readOnly) destField.value = '';
    const added = files.length - skipped.length;
    say(
      [
        added > 0 ? `${added === 1 ? 'One file' : `${added} files`} added.` : '',
        skipped.length > 0 ? `Already in the list: ${skipped.join(', ')}.` : '',
      ]
        .filter(Boolean)
        .join(' '),
    );
    showInterrupted();
  };

  input.addEventListener('change', () => {
    const files = Array.from(input.files ?? []);
    // Emptied so that choosing the same file again is noticed.
    input.value = '';
    if (files.length > 0) addFiles(files);
  });

  // The Upload button: adds what the file field holds, else retries what failed or was cancelled.
  form.addEventListener('submit', (e) => {
    // Copying from a URL stays the form's own (the server fetches the file).
    const source = form.querySelector<HTMLInputElement>('input[name="wpSourceType"]:checked');
    if (source && source.value.toLowerCase() === 'url') return;
    e.preventDefault();
    const files = Array.from(input.files ?? []);
    if (files.length > 0) {
      input.value = '';
      addFiles(files);
      return;
    }
    const again = rows.filter(
      (r) =>
        r.job.state === 'error' ||
        r.job.state === 'cancelled' ||
        (r.job.state === 'refused' && r.job.refusal?.byName),
    );
    for (const r of again) r.job.retry();
    if (again.length > 0) say(`Trying again: ${again.length === 1 ? 'one file' : `${again.length} files`}.`);
    else if (rows.length === 0) {
      say('Choose one or more files to upload first.');
      input.focus();
    } else say('Nothing to retry.');
  });

  acceptDrops(doc, zone, {
    files: addFiles,
    folders: (n) =>
      say(`${n === 1 ? 'A folder' : `${n} folders`} cannot be uploaded; drop the files inside instead.`),
  });

  showInterrupted();
}
