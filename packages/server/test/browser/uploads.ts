/**
 * Helpers for Special:Upload with JavaScript: what the uploader sends (every multipart
 * `action=upload` request with its fields, seen through request interception, which also lets a
 * test hold requests), files dropped onto the page, and a file's row.
 */
import type { Locator, Page, Route } from 'playwright-core';

/** One multipart request to api.php: its text fields and the size of its file part. */
export interface SentUpload {
  fields: Record<string, string>;
  fileBytes: number;
}

/** The text fields and the file part's size of a multipart/form-data body. */
export function multipartFields(body: Buffer, contentType: string): SentUpload {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const delimiter = Buffer.from(`--${boundary?.[1] ?? boundary?.[2] ?? ''}`);
  const fields: Record<string, string> = {};
  let fileBytes = 0;
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length + 2;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start, next - 2);
    const headEnd = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, headEnd).toString('latin1');
    const value = part.subarray(headEnd + 4);
    const name = /name="([^"]*)"/.exec(head)?.[1] ?? '';
    if (/filename=/.test(head)) fileBytes += value.length;
    else fields[name] = value.toString('utf8');
    at = next;
  }
  return { fields, fileBytes };
}

export interface UploadRequests {
  /** Multipart POSTs to api.php so far (uploads of files and chunks), in the order sent. */
  sent: SentUpload[];
  /** Requests matching `hold` are kept waiting (never answered) from now on. */
  hold(match: (u: SentUpload) => boolean): void;
  /** How many requests are held. */
  readonly held: number;
  /** Stop holding; held requests stay unanswered (a reload cancels them). */
  release(): void;
}

/** Watches the uploads a page sends to the wiki's api.php. */
export async function watchUploads(page: Page): Promise<UploadRequests> {
  const sent: SentUpload[] = [];
  const held: Route[] = [];
  let holding: ((u: SentUpload) => boolean) | null = null;
  await page.route('**/w/api.php*', async (route) => {
    const r = route.request();
    const type = r.headers()['content-type'] ?? '';
    if (r.method() !== 'POST' || !type.startsWith('multipart/form-data')) return route.continue();
    const u = multipartFields(r.postDataBuffer() ?? Buffer.alloc(0), type);
    if (holding?.(u)) {
      held.push(route);
      return;
    }
    sent.push(u);
    return route.continue();
  });
  return {
    sent,
    hold(match) {
      holding = match;
    },
    get held() {
      return held.length;
    },
    release() {
      holding = null;
    },
  };
}

/** The chunks of a chunked upload among `sent`: requests with an `offset`. */
export const chunksOf = (sent: SentUpload[], filename: string): SentUpload[] =>
  sent.filter((u) => u.fields.action === 'upload' && u.fields.filename === filename && 'offset' in u.fields);

/** A file made in the page from these bytes. */
export interface DroppedFile {
  name: string;
  data: Uint8Array;
  type?: string;
}

/**
 * Drags `files` over the page and drops them on `target` (default: the page's main heading), as
 * the browser does when files are dragged in from the desktop: `dragenter`, `dragover`, then (after
 * `whileOver`, if given) `drop`, with a DataTransfer holding File objects made in the page.
 */
export async function dropFiles(
  page: Page,
  files: DroppedFile[],
  opts: { target?: string; whileOver?: () => Promise<void> } = {},
): Promise<void> {
  const target = opts.target ?? 'h1';
  const payload = files.map((f) => ({
    name: f.name,
    type: f.type ?? 'image/png',
    base64: Buffer.from(f.data).toString('base64'),
  }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    return dt;
  }, payload);
  await page.dispatchEvent(target, 'dragenter', { dataTransfer });
  await page.dispatchEvent(target, 'dragover', { dataTransfer });
  await opts.whileOver?.();
  await page.dispatchEvent(target, 'drop', { dataTransfer });
  await dataTransfer.dispose();
}

/** The uploader's row of the file the browser calls `name`. */
export function fileRow(page: Page, name: string): Locator {
  return page
    .locator('li.mwup-file')
    .filter({ has: page.locator('.mwup-file-name').getByText(name, { exact: true }) });
}

/** A row's progress bar: labelled with the file's name. */
export const progressOf = (row: Locator, name: string): Locator =>
  row.getByRole('progressbar', { name: `Upload progress of ${name}` });
