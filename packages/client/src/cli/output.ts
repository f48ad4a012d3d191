/**
 * CLI output: progress bars per file and in total on a terminal, plain line logs otherwise, and the
 * summary table. Progress and logs go to stderr; results (table or JSON) to stdout.
 */
import cliProgress from 'cli-progress';
import { formatBytes, type UploadProgress } from '../index.js';

export interface Reporter {
  add(id: string, label: string, total: number | undefined): void;
  progress(id: string, p: UploadProgress): void;
  done(id: string, ok: boolean, message: string): void;
  log(line: string): void;
  stop(): void;
}

const rate = (bytes: number, ms: number) => (ms > 0 && bytes > 0 ? (bytes * 1000) / ms : 0);

/** The phase, with the wiki's background stage while it works on an async upload. */
const phaseOf = (p: UploadProgress) => (p.stage ? `${p.phase} (wiki: ${p.stage})` : p.phase);

/**
 * Where the rate of this run starts: the clock at the first event after local preparation, the bytes
 * the wiki already had from an earlier run (resumed) or at that moment.
 */
function rateBase(s: { started: number; base: number; counting: boolean }, p: UploadProgress): void {
  if (!s.counting && p.phase !== 'preparing') {
    s.counting = true;
    s.started = Date.now();
    s.base = p.bytesSent;
  }
  s.base = Math.max(s.base, p.resumedBytes ?? 0);
}

function eta(remaining: number, bytesPerSec: number): string {
  if (bytesPerSec <= 0 || !Number.isFinite(remaining / bytesPerSec)) return '--:--';
  let s = Math.round(remaining / bytesPerSec);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function bar(fraction: number, width: number): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}

const fit = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

interface BarState {
  label: string;
  total: number;
  value: number;
  phase: string;
  started: number;
  /** Bytes already there when the bar started moving (a resumed upload): not counted in the rate. */
  base: number;
  /** The rate clock runs (after local preparation). */
  counting: boolean;
  bar: cliProgress.SingleBar;
}

/** Bars on a terminal (cli-progress). */
export class TtyReporter implements Reporter {
  readonly #multi: cliProgress.MultiBar;
  readonly #bars = new Map<string, BarState>();
  readonly #totalBar: cliProgress.SingleBar;
  readonly #started = Date.now();
  #files = 0;
  #finished = 0;
  readonly #stream: NodeJS.WriteStream;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
    this.#multi = new cliProgress.MultiBar(
      {
        stream,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        fps: 8,
        format: (_opts, params, payload: { line?: string }) => payload.line ?? `${params.value}`,
      },
      cliProgress.Presets.shades_classic,
    );
    this.#totalBar = this.#multi.create(1, 0, { line: '' });
  }

  /** One bar line fitted to the terminal width: label, bar, percentage, bytes, rate, ETA, state. */
  #line(label: string, value: number, total: number, since: [number, number], state: string): string {
    const cols = this.#stream.columns || 100;
    const r = rate(value - since[1], Date.now() - since[0]);
    const pct = String(Math.floor(total ? (value * 100) / total : 0)).padStart(3);
    const stats = `${pct}% ${formatBytes(value)}/${formatBytes(total)} ${formatBytes(Math.round(r))}/s ETA ${eta(total - value, r)} ${state}`;
    const labelWidth = Math.min(28, Math.max(10, Math.floor(cols * 0.25)));
    const barWidth = Math.max(8, Math.min(30, cols - labelWidth - stats.length - 3));
    return `${fit(label, labelWidth)} ${bar(total ? value / total : 0, barWidth)} ${stats}`.slice(
      0,
      cols - 1,
    );
  }

  #renderTotal(): void {
    let total = 0;
    let value = 0;
    let base = 0;
    for (const b of this.#bars.values()) {
      total += b.total;
      value += b.value;
      base += b.base;
    }
    const files = `${this.#finished}/${this.#files} files`;
    const line = this.#line('Total', value, total, [this.#started, base], files);
    this.#totalBar.update(value, { line });
  }

  #render(b: BarState): void {
    b.bar.update(b.value, { line: this.#line(b.label, b.value, b.total, [b.started, b.base], b.phase) });
  }

  add(id: string, label: string, total: number | undefined): void {
    this.#files++;
    const b: BarState = {
      label,
      total: total ?? 0,
      value: 0,
      phase: 'waiting',
      started: Date.now(),
      base: 0,
      counting: false,
      bar: this.#multi.create(total || 1, 0, { line: '' }),
    };
    this.#bars.set(id, b);
    this.#render(b);
    this.#renderTotal();
  }

  progress(id: string, p: UploadProgress): void {
    const b = this.#bars.get(id);
    if (!b) return;
    rateBase(b, p);
    b.value = p.bytesSent;
    if (p.totalBytes !== undefined) b.total = p.totalBytes;
    b.phase = phaseOf(p);
    this.#render(b);
    this.#renderTotal();
  }

  done(id: string, ok: boolean, message: string): void {
    const b = this.#bars.get(id);
    this.#finished++;
    if (b) {
      b.phase = ok ? 'done' : (/^[^:]*: (\S+)/.exec(message)?.[1] ?? 'failed');
      this.#render(b);
    }
    this.#renderTotal();
    if (!ok) this.#multi.log(`${message}\n`);
  }

  log(line: string): void {
    this.#multi.log(`${line}\n`);
  }

  stop(): void {
    this.#renderTotal();
    this.#multi.stop();
  }
}

/** One line per event, for logs and pipes. */
export class LineReporter implements Reporter {
  readonly #state = new Map<
    string,
    { label: string; phase: string; decile: number; started: number; base: number; counting: boolean }
  >();
  constructor(private readonly out: NodeJS.WritableStream) {}

  add(id: string, label: string, total: number | undefined): void {
    this.#state.set(id, { label, phase: '', decile: -1, started: Date.now(), base: 0, counting: false });
    this.out.write(`${label}: queued${total !== undefined ? ` (${formatBytes(total)})` : ''}\n`);
  }

  progress(id: string, p: UploadProgress): void {
    const s = this.#state.get(id);
    if (!s) return;
    const total = p.totalBytes ?? 0;
    const decile = total > 0 ? Math.floor((p.bytesSent * 10) / total) : 0;
    rateBase(s, p);
    const phase = phaseOf(p);
    if (phase === s.phase && decile === s.decile) return;
    s.phase = phase;
    s.decile = decile;
    if (p.phase === 'done') return;
    const pct = total > 0 ? ` ${Math.floor((p.bytesSent * 100) / total)}%` : '';
    const r = rate(p.bytesSent - s.base, Date.now() - s.started);
    this.out.write(
      `${s.label}: ${phase}${pct} (${formatBytes(p.bytesSent)}${total ? ` of ${formatBytes(total)}` : ''}, ${formatBytes(Math.round(r))}/s)\n`,
    );
  }

  done(_id: string, _ok: boolean, message: string): void {
    this.out.write(`${message}\n`);
  }

  log(line: string): void {
    this.out.write(`${line}\n`);
  }

  stop(): void {}
}

export class SilentReporter implements Reporter {
  add(): void {}
  progress(): void {}
  done(): void {}
  log(): void {}
  stop(): void {}
}

/** A plain text table with a header row. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const clip = (s: string, w: number) => s.padEnd(w);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => clip(c, widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
