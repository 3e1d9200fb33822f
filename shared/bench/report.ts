/** The bench's figures: per-dataset results, the issue's targets and whether they are met, and their printout. */
import type { BenchDataset, BenchFormat } from './datasets.js';
import type { RunResult, ScanResult, StagesResult } from './tasks.js';

export const TARGETS = {
  replayEventsPerSecond: 3_000_000,
  runJsonlEventsPerSecond: 1_000_000,
  runCsvEventsPerSecond: 1_500_000,
  shuffledOverSorted: 2.5,
  peakRssMbAt10M: 300,
};

export interface DatasetResult {
  name: string;
  orders: number;
  format: BenchFormat;
  shuffled: boolean;
  counts: BenchDataset['counts'];
  bytes: number;
  generatedSeconds: number | null;
  scan: ScanResult | null;
  stages: (StagesResult & { readParseEventsPerSecond: number; replayEventsPerSecond: number }) | null;
  run: (RunResult & { eventsPerSecond: number; ratioToNewlineScan: number | null }) | null;
  error?: string;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
  note?: string;
}

export const fmt = (n: number, digits = 2) => n.toFixed(digits);
const rate = (n: number) => `${fmt(n / 1e6)}M/s`;

export function printDataset(r: DatasetResult, log: (s: string) => void): void {
  const events = r.counts.orders + r.counts.trades + r.counts.collateral + r.counts.access;
  log(`\n${r.name}: ${events.toLocaleString('en')} events, ${fmt(r.bytes / 2 ** 20, 0)} MiB of event files`);
  if (r.scan) {
    log(
      `  newline scan        ${rate(r.scan.linesPerSecond)} lines (${fmt(r.scan.bytesPerSecond / 2 ** 20, 0)} MiB/s)`,
    );
  }
  if (r.stages) {
    const s = r.stages;
    log(`  read+parse          ${fmt(s.readParseSeconds)} s  ${rate(s.readParseEventsPerSecond)} (orders+trades)`);
    log(`  hash+pre-scan       ${fmt(s.hashScanSeconds ?? 0)} s  (one read of every file: SHA-256 and seq order)`);
    log(`  order               ${fmt(s.orderSeconds)} s  (merge or external sort)`);
    log(`  replay+checks       ${fmt(s.replaySeconds)} s  ${rate(s.replayEventsPerSecond)} on one core`);
    log(`  collateral / access ${fmt(s.collateralSeconds)} s / ${fmt(s.accessSeconds)} s (read, replay, checks)`);
  }
  if (r.run) {
    const run = r.run;
    log(
      `  whole run           ${fmt(run.wallSeconds)} s  ${rate(run.eventsPerSecond)}  peak RSS ${fmt(run.peakRssMb, 0)} MB` +
        (run.ratioToNewlineScan !== null ? `  = ${fmt(100 * run.ratioToNewlineScan, 1)} % of newline scan` : ''),
    );
    for (const [stage, sec] of Object.entries(run.stageSeconds)) {
      const rss = run.stagePeakRssMb?.[stage];
      log(
        `    ${stage.padEnd(18)}${fmt(sec)} s${rss !== undefined ? `  (peak RSS ${fmt(rss, 0)} MB at its end)` : ''}`,
      );
    }
    log(`  findings ${run.findings}, quarantined ${run.quarantined}`);
  }
  if (r.error) log(`  ERROR: ${r.error}`);
}

export function checkTargets(results: DatasetResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const find = (orders: number, format: BenchFormat, shuffled: boolean) =>
    results.find((r) => r.orders === orders && r.format === format && r.shuffled === shuffled);
  const largest = Math.max(...results.map((r) => r.orders));
  const sortedJsonl = find(largest, 'jsonl', false);
  const replay = sortedJsonl?.stages?.replayEventsPerSecond;
  checks.push({
    target: `replay + all checks on parsed events >= ${rate(TARGETS.replayEventsPerSecond)} (one core)`,
    measured: replay !== undefined ? rate(replay) : 'not measured',
    met: replay !== undefined ? replay >= TARGETS.replayEventsPerSecond : null,
  });
  for (const [format, goal] of [
    ['jsonl', TARGETS.runJsonlEventsPerSecond],
    ['csv', TARGETS.runCsvEventsPerSecond],
  ] as const) {
    const r = find(largest, format, false)?.run;
    checks.push({
      target: `whole run, sorted ${format.toUpperCase()} >= ${rate(goal)}`,
      measured: r ? rate(r.eventsPerSecond) : 'not measured',
      met: r ? r.eventsPerSecond >= goal : null,
    });
  }
  for (const r of results.filter((x) => x.shuffled)) {
    const sorted = find(r.orders, r.format, false);
    if (!r.run || !sorted?.run) continue;
    const ratio = r.run.wallSeconds / sorted.run.wallSeconds;
    checks.push({
      target: `shuffled <= ${TARGETS.shuffledOverSorted}x sorted (${r.orders.toLocaleString('en')} ${r.format})`,
      measured: `${fmt(ratio)}x`,
      met: ratio <= TARGETS.shuffledOverSorted,
    });
  }
  const at10M = results.filter((r) => r.orders >= 10_000_000 && r.run);
  const peak = at10M.length > 0 ? Math.max(...at10M.map((r) => r.run!.peakRssMb)) : undefined;
  checks.push({
    target: `peak RSS <= ${TARGETS.peakRssMbAt10M} MB at 10M events`,
    measured: peak !== undefined ? `${fmt(peak, 0)} MB` : 'not measured (no 10M whole run)',
    met: peak !== undefined ? peak <= TARGETS.peakRssMbAt10M : null,
  });
  return checks;
}

/** One line per dataset: the figures to compare at a glance. */
export function summaryTable(results: DatasetResult[]): string {
  const head = [
    'dataset',
    'events',
    'scan',
    'read+parse',
    'order s',
    'replay',
    'run s',
    'run rate',
    '% scan',
    'RSS MB',
  ];
  const rows = results.map((r) => {
    const events = r.counts.orders + r.counts.trades + r.counts.collateral + r.counts.access;
    return [
      r.name,
      events.toLocaleString('en'),
      r.scan ? rate(r.scan.linesPerSecond) : '-',
      r.stages ? rate(r.stages.readParseEventsPerSecond) : '-',
      r.stages ? fmt(r.stages.orderSeconds) : '-',
      r.stages ? rate(r.stages.replayEventsPerSecond) : '-',
      r.run ? fmt(r.run.wallSeconds) : '-',
      r.run ? rate(r.run.eventsPerSecond) : '-',
      r.run?.ratioToNewlineScan != null ? fmt(100 * r.run.ratioToNewlineScan, 1) : '-',
      r.run ? fmt(r.run.peakRssMb, 0) : r.error ? 'error' : '-',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
