/**
 * Files dragged onto the page: accepted anywhere in the document (whatever element is under the
 * pointer), so the browser never opens a dropped file itself; the drop zone shows `mwup-dragging`
 * while files are dragged over the page. Folders are left out.
 */

export interface DropHandlers {
  /** Files dropped (folders removed). */
  files(files: File[]): void;
  /** How many folders a drop held (they cannot be uploaded). */
  folders(count: number): void;
}

function carriesFiles(dt: DataTransfer | null): dt is DataTransfer {
  if (!dt) return false;
  return Array.from(dt.types ?? []).includes('Files') || (dt.files?.length ?? 0) > 0;
}

/** The dropped files, without folders (which browsers list as files that cannot be read). */
function droppedFiles(dt: DataTransfer): { files: File[]; folders: number } {
  const files: File[] = [];
  let folders = 0;
  const items = Array.from(dt.items ?? []).filter((i) => i.kind === 'file');
  if (items.length > 0 && items.length === dt.files.length) {
    for (const item of items) {
      const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
      const file = item.getAsFile();
      if (entry?.isDirectory) folders++;
      else if (file) files.push(file);
    }
    return { files, folders };
  }
  return { files: Array.from(dt.files), folders };
}

/** Listens on `doc`; `zone` gets `mwup-dragging` while files are over the page. */
export function acceptDrops(doc: Document, zone: HTMLElement, on: DropHandlers): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const dragging = (yes: boolean) => {
    zone.classList.toggle('mwup-dragging', yes);
    if (timer !== undefined) clearTimeout(timer);
    // `dragover` repeats while the pointer is over the page; when it stops, so does the highlight.
    timer = yes ? setTimeout(() => dragging(false), 400) : undefined;
  };
  const over = (e: DragEvent) => {
    if (!carriesFiles(e.dataTransfer)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    dragging(true);
  };
  doc.addEventListener('dragenter', over);
  doc.addEventListener('dragover', over);
  doc.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null) dragging(false);
  });
  doc.addEventListener('drop', (e) => {
    if (!carriesFiles(e.dataTransfer)) return;
    e.preventDefault();
    dragging(false);
    const { files, folders } = droppedFiles(e.dataTransfer);
    if (files.length > 0) on.files(files);
    if (folders > 0) on.folders(folders);
  });
}
