/**
 * A file's row in the list: its destination name and description (editable), progress, status,
 * warnings or error, and its buttons. Rendered from the job's state after every change; what the
 * person types goes straight into the job.
 */
import type { UploadJob } from './job.js';
import { filePageUrl, formatSize } from './limits.js';
import { bytesText, percentDone, statusText, warningTexts } from './messages.js';

let rows = 0;

type Props = Record<string, string | boolean | undefined>;

/** An element with attributes (`hidden: true`, `for`, `aria-*`, …) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  props: Props = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...children);
  return e;
}

export interface RowActions {
  /** The person removed the row. */
  remove(row: FileRow): void;
}

export class FileRow {
  readonly li: HTMLLIElement;
  readonly dest: HTMLInputElement;
  readonly desc: HTMLTextAreaElement;
  readonly #progress: HTMLProgressElement;
  readonly #status: HTMLElement;
  readonly #statusText: HTMLElement;
  readonly #link: HTMLAnchorElement;
  readonly #note: HTMLElement;
  readonly #bytes: HTMLElement;
  readonly #warnings: HTMLElement;
  readonly #warningList: HTMLUListElement;
  readonly #alert: HTMLElement;
  readonly #buttons: Record<'cancel' | 'retry' | 'anyway' | 'remove', HTMLButtonElement>;

  constructor(
    readonly doc: Document,
    readonly job: UploadJob,
    actions: RowActions,
  ) {
    const n = ++rows;
    const id = (s: string) => `mwup-file-${n}-${s}`;
    const name = job.file.name;
    const d = doc;
    this.dest = el(d, 'input', {
      type: 'text',
      id: id('dest'),
      class: 'mwup-dest',
      'aria-label': `Destination file name for ${name}`,
      autocomplete: 'off',
      spellcheck: 'false',
    });
    this.dest.value = job.destName;
    this.desc = el(d, 'textarea', {
      id: id('desc'),
      class: 'mwup-desc',
      rows: '2',
      'aria-label': `Description for ${name}`,
    });
    this.desc.value = job.description;
    this.#progress = el(d, 'progress', {
      id: id('progress'),
      max: '100',
      'aria-label': `Upload progress of ${name}`,
    });
    this.#progress.value = 0;
    this.#statusText = el(d, 'span');
    this.#link = el(d, 'a', { hidden: true });
    this.#note = el(d, 'span', { class: 'mwup-note' });
    this.#status = el(
      d,
      'p',
      { class: 'mwup-status', role: 'status', 'aria-live': 'polite' },
      this.#statusText,
      ' ',
      this.#link,
      ' ',
      this.#note,
    );
    this.#bytes = el(d, 'span', { class: 'mwup-bytes', id: id('bytes') });
    this.#progress.setAttribute('aria-describedby', id('bytes'));
    this.#warningList = el(d, 'ul');
    this.#warnings = el(
      d,
      'div',
      { class: 'mwup-warnings', hidden: true },
      el(d, 'p', {}, 'The wiki warns:'),
      this.#warningList,
      el(
        d,
        'p',
        { class: 'mw-help' },
        'Change the destination name and select “Retry”, or select “Upload anyway” to publish it as it is.',
      ),
    );
    this.#alert = el(d, 'p', { class: 'mwup-error', role: 'alert' });
    const button = (text: string, label: string, onClick: () => void, cls?: string) => {
      const b = el(d, 'button', { type: 'button', 'aria-label': label, class: cls }, text);
      b.addEventListener('click', onClick);
      return b;
    };
    this.#buttons = {
      cancel: button('Cancel', `Cancel upload of ${name}`, () => job.cancel()),
      retry: button('Retry', `Retry upload of ${name}`, () => this.#retry()),
      anyway: button('Upload anyway', `Upload anyway: ${name}`, () => job.uploadAnyway(), 'primary'),
      remove: button('Remove', `Remove ${name} from the list`, () => actions.remove(this)),
    };
    const b = this.#buttons;
    this.li = el(
      d,
      'li',
      { class: 'mwup-file', id: id('row') },
      el(
        d,
        'div',
        { class: 'mwup-file-head' },
        el(d, 'strong', { class: 'mwup-file-name' }, name),
        ' ',
        el(d, 'span', { class: 'mwup-muted' }, formatSize(job.file.size)),
      ),
      el(
        d,
        'div',
        { class: 'mwup-field' },
        el(d, 'label', { for: this.dest.id }, 'Destination file name'),
        this.dest,
      ),
      el(d, 'div', { class: 'mwup-field' }, el(d, 'label', { for: this.desc.id }, 'Description'), this.desc),
      el(d, 'div', { class: 'mwup-progress' }, this.#progress, this.#bytes),
      this.#status,
      this.#warnings,
      this.#alert,
      el(d, 'div', { class: 'mwup-actions' }, b.anyway, b.retry, b.cancel, b.remove),
    );

    this.dest.addEventListener('input', () => {
      job.destName = this.dest.value;
    });
    this.desc.addEventListener('input', () => {
      job.description = this.desc.value;
    });
    // Enter in the name field tries again with the new name (after warnings or a refusal).
    this.dest.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.#retry();
      }
    });
    job.onChange = () => this.update();
    this.update();
  }

  #retry(): void {
    this.job.destName = this.dest.value;
    this.job.description = this.desc.value;
    this.job.retry();
  }

  /** A focused button that disappears hands the focus to the row's next useful control. */
  #keepFocus(focused: Element | null): void {
    if (!(focused instanceof HTMLButtonElement) || !focused.hidden || !this.li.contains(focused)) return;
    const next = Object.values(this.#buttons).find((b) => !b.hidden) ?? this.dest;
    next.focus();
  }

  update(): void {
    const job = this.job;
    const facts = {
      state: job.state,
      size: job.file.size,
      bytesSent: job.bytesSent,
      resumedAt: job.resumedAt,
      published: job.published,
      alreadyUploaded: job.alreadyUploaded,
    };
    this.li.dataset.state = job.state;
    const pct = percentDone(facts);
    if (this.#progress.value !== pct) this.#progress.value = pct;
    setText(this.#bytes, bytesText(facts));
    setText(this.#statusText, statusText(facts));
    setText(this.#note, job.note ?? '');
    if (job.state === 'done' && job.published) {
      this.#link.href = filePageUrl(job.published);
      setText(this.#link, `File:${job.published.replace(/_/g, ' ')}`);
      this.#link.hidden = false;
    } else this.#link.hidden = true;

    const warnings = job.state === 'warning' && job.warnings ? warningTexts(job.warnings) : [];
    this.#warnings.hidden = warnings.length === 0;
    const shown = warnings.join('\n');
    if (this.#warningList.dataset.shown !== shown) {
      this.#warningList.dataset.shown = shown;
      this.#warningList.replaceChildren(...warnings.map((w) => el(this.doc, 'li', {}, w)));
    }
    const problem =
      job.state === 'refused' ? job.refusal?.message : job.state === 'error' ? job.error?.info : undefined;
    setText(this.#alert, problem ?? '');
    this.#alert.hidden = !problem;

    const fixed = job.state === 'done' || job.state === 'publishing' || (job.busy && !job.chunked);
    this.dest.readOnly = fixed;
    this.desc.readOnly = fixed;
    const s = job.state;
    const b = this.#buttons;
    const focused = this.doc.activeElement;
    b.cancel.hidden = !(job.busy || s === 'queued' || s === 'warning');
    b.retry.hidden = !(
      s === 'error' ||
      s === 'cancelled' ||
      s === 'warning' ||
      (s === 'refused' && !!job.refusal?.byName)
    );
    b.anyway.hidden = s !== 'warning';
    b.remove.hidden = job.busy || s === 'queued';
    this.#keepFocus(focused);
  }
}

function setText(e: HTMLElement, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}
