/**
 * The report at the end of a run: the machine, then the goals of the performance issue (ratios first,
 * each measured in this run), then figures for context, then one JSON line per test.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, release, totalmem } from 'node:os';
import { ROOT } from './proc.js';

/** One test's result, as printed on its JSON line. */
export type Row = { test: string; error?: string } & Record<string, unknown>;

/** 150 MiB, the RSS limit of the issue. */
export const RSS_LIMIT_MB = +((150 * 1024 * 1024) / 1e6).toFixed(1);

export function machine(): string[] {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const changed = git('status', '--porcelain', '--', 'packages/server') ? ' with local changes' : '';
  return [
    `date: ${new Date().toISOString()}`,
    `machine: nproc ${availableParallelism()}, ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}`,
    `node: ${process.version}; mwup: ${git('rev-parse', '--short', 'HEAD') || 'unknown'}${changed}`,
  ];
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

interface Line {
  what: string;
  value: string;
  reference: string;
  ratio: string;
  target?: string;
  met?: string;
}

/** Builds the two tables from the rows of this run. */
export function tables(rows: Row[], notes: { mediawiki?: string }): string {
  const by = new Map(rows.filter((r) => !r.error).map((r) => [r.test, r]));
  const get = (test: string, field: string) => {
    const v = by.get(test)?.[field];
    return typeof v === 'number' ? v : undefined;
  };
  const goals: Line[] = [];
  const context: Line[] = [];

  /** a / b, as a line; the goal is met when the ratio is at least `min`. */
  const ratio = (
    into: Line[],
    what: string,
    a: [string, string, string],
    b: [string, string, string],
    unit: string,
    min?: number,
  ) => {
    const x = get(a[0], a[1]);
    const y = get(b[0], b[1]);
    const show = (v: number | undefined, label: string) =>
      v === undefined ? `${label}: not run` : `${label} ${fmt(v)} ${unit}`;
    if (min === undefined && x === undefined && y === undefined) return;
    const r = x !== undefined && y !== undefined ? x / y : undefined;
    into.push({
      what,
      value: show(x, a[2]),
      reference: show(y, b[2]),
      ratio: r === undefined ? '–' : `${r.toFixed(2)}×`,
      ...(min !== undefined && {
        target: `≥ ${min}×`,
        met: r === undefined ? 'not run' : r >= min ? 'yes' : 'NO',
      }),
    });
  };
  const mw = notes.mediawiki ? 'MediaWiki' : 'MediaWiki (BENCH_MEDIAWIKI unset)';
  const mib = (test: string, field = 'bytes') => {
    const v = get(test, field);
    return v === undefined ? '' : `${+(v / 2 ** 20).toFixed(1)} MiB `;
  };

  ratio(
    goals,
    '20 KB uploads, 4 clients',
    ['small', 'uploadsPerSecond', 'mwup'],
    ['small-mediawiki', 'uploadsPerSecond', mw],
    'uploads/s',
    25,
  );
  ratio(
    goals,
    `${mib('chunked')}chunked in ${mib('chunked', 'chunk')}chunks, incl. publish`,
    ['chunked', 'mibPerSecond', 'mwup'],
    ['chunked-tus', 'mibPerSecond', 'tus-node-server + tus-js-client'],
    'MiB/s',
    1.25,
  );
  ratio(
    goals,
    `${mib('direct')}direct (one multipart POST)`,
    ['direct', 'mibPerSecond', 'mwup'],
    ['disk', 'mibPerSecond', 'disk write, fdatasync at end'],
    'MiB/s',
    0.6,
  );

  const rss = (test: string, what: string) => {
    const v = get(test, 'serverPeakRssMB');
    goals.push({
      what: `server peak RSS, ${what}`,
      value: v === undefined ? 'not run' : `${fmt(v)} MB`,
      reference: '',
      ratio: v === undefined ? '–' : `${(v / RSS_LIMIT_MB).toFixed(2)} of limit`,
      target: `≤ ${RSS_LIMIT_MB} MB`,
      met: v === undefined ? 'not run' : v <= RSS_LIMIT_MB ? 'yes' : 'NO',
    });
  };
  rss('memory-chunked', `${mib('memory-chunked')}chunked`);
  rss('memory-direct', `${mib('memory-direct')}direct`);
  const concurrent = by.get('concurrent');
  rss('concurrent', concurrent ? `${concurrent.clients} × ${mib('concurrent')}at once` : 'uploads at once');
  for (const [big, small, what] of [
    ['memory-chunked', 'chunked', 'chunked'],
    ['memory-direct', 'direct', 'direct'],
  ] as const) {
    const x = get(big, 'serverPeakRssMB');
    const y = get(small, 'serverPeakRssMB');
    goals.push({
      what: `peak RSS flat in file size, ${what}`,
      value: x === undefined ? 'not run' : `${mib(big).trim()}: ${fmt(x)} MB`,
      reference: y === undefined ? 'not run' : `${mib(small).trim()}: ${fmt(y)} MB`,
      ratio: x === undefined || y === undefined ? '–' : `${(x / y).toFixed(2)}×`,
      target: '≤ 1.05×',
      met: x === undefined || y === undefined ? 'not run' : x <= y * 1.05 ? 'yes' : 'NO',
    });
  }
  const soak = by.get('soak');
  const growth = get('soak', 'growthMB');
  goals.push({
    what: 'RSS growth over small uploads (VmRSS)',
    value: soak ? `after ${soak.files}: ${fmt(get('soak', 'rssEndMB')!)} MB` : 'not run',
    reference: soak ? `after ${soak.firstSampleAt}: ${fmt(get('soak', 'rssFirstMB')!)} MB` : '',
    ratio: growth === undefined ? '–' : `${growth >= 0 ? '+' : ''}${fmt(growth)} MB`,
    target: '≤ +5 MB',
    met: growth === undefined ? 'not run' : growth <= 5 ? 'yes' : 'NO',
  });

  ratio(
    context,
    'small: client ceiling (null sink)',
    ['small', 'uploadsPerSecond', 'mwup'],
    ['small-sink', 'uploadsPerSecond', 'null sink'],
    'uploads/s',
  );
  ratio(
    context,
    'chunked: tus with the lean client',
    ['chunked', 'mibPerSecond', 'mwup'],
    ['chunked-tus-lean', 'mibPerSecond', 'tus-node-server + lean client'],
    'MiB/s',
  );
  ratio(
    context,
    'tus: /w/tus/ of mwup (with publish) vs tus-node-server, tus-js-client',
    ['chunked-mwup-tus', 'mibPerSecond', 'mwup tus'],
    ['chunked-tus', 'mibPerSecond', 'tus-node-server'],
    'MiB/s',
  );
  ratio(
    context,
    'tus: the same with the lean client',
    ['chunked-mwup-tus-lean', 'mibPerSecond', 'mwup tus'],
    ['chunked-tus-lean', 'mibPerSecond', 'tus-node-server'],
    'MiB/s',
  );
  ratio(
    context,
    'server CPU per MiB, chunked (lower is better)',
    ['chunked', 'serverCpuMsPerMiB', 'mwup'],
    ['chunked-tus-lean', 'serverCpuMsPerMiB', 'tus-node-server, lean client'],
    'ms',
  );
  ratio(
    context,
    'server CPU per MiB, tus with the lean client (lower is better)',
    ['chunked-mwup-tus-lean', 'serverCpuMsPerMiB', 'mwup tus'],
    ['chunked-tus-lean', 'serverCpuMsPerMiB', 'tus-node-server'],
    'ms',
  );
  ratio(
    context,
    'chunked: cost of tus-js-client',
    ['chunked-tus', 'mibPerSecond', 'tus-js-client'],
    ['chunked-tus-lean', 'mibPerSecond', 'lean client'],
    'MiB/s',
  );
  ratio(
    context,
    'chunked: client ceiling (null sink)',
    ['chunked', 'mibPerSecond', 'mwup'],
    ['chunked-sink', 'mibPerSecond', 'null sink'],
    'MiB/s',
  );
  ratio(
    context,
    'chunked: MediaWiki',
    ['chunked', 'mibPerSecond', 'mwup'],
    ['chunked-mediawiki', 'mibPerSecond', mw],
    'MiB/s',
  );
  ratio(
    context,
    'direct: client ceiling (null sink)',
    ['direct', 'mibPerSecond', 'mwup'],
    ['direct-sink', 'mibPerSecond', 'null sink'],
    'MiB/s',
  );
  ratio(
    context,
    'direct: disk, fdatasync every 5 MiB',
    ['direct', 'mibPerSecond', 'mwup'],
    ['disk', 'mibPerSecondSyncEvery5MiB', 'disk'],
    'MiB/s',
  );
  ratio(
    context,
    'direct: MediaWiki',
    ['direct', 'mibPerSecond', 'mwup'],
    ['direct-mediawiki', 'mibPerSecond', mw],
    'MiB/s',
  );
  ratio(
    context,
    'url= fetch vs direct',
    ['url', 'mibPerSecond', 'mwup url='],
    ['direct', 'mibPerSecond', 'mwup direct'],
    'MiB/s',
  );
  ratio(
    context,
    'server peak RSS, chunked',
    ['chunked', 'serverPeakRssMB', 'mwup'],
    ['chunked-tus', 'serverPeakRssMB', 'tus-node-server'],
    'MB',
  );
  ratio(
    context,
    'server RSS when the work began, chunked',
    ['chunked', 'startRssMB', 'mwup'],
    ['chunked-tus', 'startRssMB', 'tus-node-server'],
    'MB',
  );

  const head = ['goal', 'measured', 'reference', 'ratio', 'target', 'met'];
  const out = [
    table(
      head,
      goals.map((g) => [g.what, g.value, g.reference, g.ratio, g.target!, g.met!]),
    ),
  ];
  if (context.length)
    out.push(
      '',
      table(
        ['also measured', 'measured', 'reference', 'ratio'],
        context.map((g) => [g.what, g.value, g.reference, g.ratio]),
      ),
    );
  const failed = rows.filter((r) => r.error);
  if (failed.length) out.push('', ...failed.map((r) => `FAILED ${r.test}: ${r.error}`));
  return out.join('\n');
}

function table(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...body.map(line)].join('\n');
}
