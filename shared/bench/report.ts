/** The bench's figures: per-dataset results, the issue's targets and whether they are met, and their printout. */
import type { BenchDataset, BenchFormat } from './datasets.js';
import type { StoreBenchResult } from './storeBench.js';
import type { NaiveRunResult, RunResult, ScanResult, StagesResult } from './tasks.js';

/** The performance targets of a whole `vatp-audit run` (store and report included) on this project's machine. */
export const TARGETS = {
  runSortedJsonlEventsPerSecond: 500_000,
  runShuffledEventsPerSecond: 250_000,
  /** The run's rate over the naive reference audit's, on the same files in the same session. */
  overNaive: 5,
  peakRssMbAt10M: 300,
  /** 25,000 findings of one run stored (startRun, recordFindings, completeRun) on the embedded stack. */
  storeFindings: 25_000,
  storeSeconds: 5,
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
  /** eventsPerSecond: over the run's event count when the run was measured (it reads only orders and trades). */
  naive: (NaiveRunResult & { eventsPerSecond: number }) | null;
  stages: (StagesResult & { readParseEventsPerSecond: number; replayEventsPerSecond: number }) | null;
  run:
    | (RunResult & {
        eventsPerSecond: number;
        ratioToNewlineScan: number | null;
        /** Run rate / naive rate over the same files (= naive wall / run wall). */
        ratioToNaive: number | null;
        /** Naive CPU seconds / run CPU seconds: the same comparison, less swayed by other load on the machine. */
        cpuRatioToNaive: number | null;
        sameCpFindingsAsNaive: boolean | null;
      })
    | null;
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
  if (r.naive) {
    const n = r.naive;
    log(
      `  naive reference     ${fmt(n.wallSeconds)} s (CPU ${fmt(n.cpuSeconds)} s)  ${rate(n.eventsPerSecond)} (CP only; read+parse ${fmt(n.readSeconds)} s, ` +
        `sort ${fmt(n.sortSeconds)} s, replay ${fmt(n.replaySeconds)} s)  peak RSS ${fmt(n.peakRssMb, 0)} MB  ${n.cpFindings} CP findings`,
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
      `  whole run           ${fmt(run.wallSeconds)} s (CPU ${fmt(run.cpuSeconds)} s)  ${rate(run.eventsPerSecond)}  peak RSS ${fmt(run.peakRssMb, 0)} MB` +
        (run.ratioToNewlineScan !== null ? `  = ${fmt(100 * run.ratioToNewlineScan, 1)} % of newline scan` : '') +
        (run.ratioToNaive !== null ? `, ${fmt(run.ratioToNaive)}x naive` : '') +
        (run.cpuRatioToNaive !== null ? ` (CPU time: ${fmt(run.cpuRatioToNaive)}x)` : ''),
    );
    if (run.sameCpFindingsAsNaive !== null) {
      log(
        `  CP findings ${run.cpFindings} (${run.cpDigest}): ${run.sameCpFindingsAsNaive ? 'the same as' : 'DIFFERENT FROM'} the naive reference's`,
      );
    }
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

export function printStore(s: StoreBenchResult, log: (line: string) => void): void {
  log(
    `  stored ${s.findings.toLocaleString('en')} findings in ${fmt(s.wallSeconds)} s: ${fmt(s.findingsPerSecond, 0)} findings/s ` +
      `(record ${fmt(s.recordSeconds)} s, complete ${fmt(s.completeSeconds)} s; this thread busy ${fmt(100 * s.mainThreadBusy, 0)} %)`,
  );
}

export function checkTargets(results: DatasetResult[], store: StoreBenchResult | null = null): TargetCheck[] {
  const checks: TargetCheck[] = [];
  checks.push({
    target: `${TARGETS.storeFindings.toLocaleString('en')} findings stored in <= ${TARGETS.storeSeconds} s`,
    measured: store
      ? `${fmt(TARGETS.storeFindings / store.findingsPerSecond, 1)} s at ${fmt(store.findingsPerSecond, 0)} findings/s`
      : 'not measured',
    met: store ? TARGETS.storeFindings / store.findingsPerSecond <= TARGETS.storeSeconds : null,
  });
  const largest = Math.max(...results.map((r) => r.orders));
  const count = (n: number) => n.toLocaleString('en');
  for (const r of results.filter((x) => x.orders === largest && x.run)) {
    const goal = r.shuffled
      ? TARGETS.runShuffledEventsPerSecond
      : r.format === 'jsonl'
        ? TARGETS.runSortedJsonlEventsPerSecond
        : null;
    if (goal === null) continue;
    checks.push({
      target: `whole run >= ${rate(goal)} (${count(r.orders)} ${r.format} ${r.shuffled ? 'shuffled' : 'sorted'})`,
      measured: rate(r.run!.eventsPerSecond),
      met: r.run!.eventsPerSecond >= goal,
    });
  }
  for (const r of results.filter((x) => x.run?.ratioToNaive != null)) {
    const run = r.run!;
    checks.push({
      target: `whole run >= ${TARGETS.overNaive}x the naive reference (${r.name})`,
      measured: `${fmt(run.ratioToNaive!)}x`,
      met: run.ratioToNaive! >= TARGETS.overNaive,
    });
    checks.push({
      target: `the same CP findings as the naive reference (${r.name})`,
      measured: `${run.cpFindings} vs ${r.naive!.cpFindings}`,
      met: run.sameCpFindingsAsNaive,
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
    'naive',
    'run s',
    'run rate',
    '% scan',
    'x naive',
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
      r.naive ? rate(r.naive.eventsPerSecond) : '-',
      r.run ? fmt(r.run.wallSeconds) : '-',
      r.run ? rate(r.run.eventsPerSecond) : '-',
      r.run?.ratioToNewlineScan != null ? fmt(100 * r.run.ratioToNewlineScan, 1) : '-',
      r.run?.ratioToNaive != null ? fmt(r.run.ratioToNaive) : '-',
      r.run ? fmt(r.run.peakRssMb, 0) : r.error ? 'error' : '-',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
