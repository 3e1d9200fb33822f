/**
 * The period report: the accepted run of each audit period of one venue in the range asked for, summarised as
 * per-day trends (from each run's summary: populations and findings by severity), what of the range has no accepted
 * run, and the case file (every finding of those runs with its review status and response history). Pure and
 * deterministic: "as of" is passed in.
 */
import { CHECK_BY_ID, CHECKS, type CheckFamily } from '../checks/catalogue.js';
import { parseTimestampNs } from '../contract/time.js';
import { ReportError } from './errors.js';
import { countTotal, emptyCounts, type SeverityCounts } from './model.js';
import { buildCaseFile, type CaseFile, type PeriodFindingInput } from './periodCaseFile.js';
import { type OtherRunInput, rangeCoverage, type UncoveredDays } from './periodCoverage.js';

export interface RunAcceptanceInput {
  by: string;
  at: string;
  note: string | null;
}

export interface PeriodRunInput {
  run_id: string;
  period_start: string;
  period_end: string;
  started_at: string;
  acceptance: RunAcceptanceInput;
  input_digest?: string | null;
  /** Per check id: examined, not tested (total) and findings by severity. */
  checks: Readonly<Record<string, { examined: number; not_tested: number; findings: SeverityCounts }>>;
}

export interface PeriodReportInput {
  venue: string;
  operator_entity_id?: string | null;
  tool_version: string;
  rules_version: string;
  key_fingerprint: string;
  /** The range asked for: period starts in [from, to) (RFC 3339 UTC). */
  range: { from: string; to: string };
  /** The instant the report is as of (ages are measured to it); also the document date. */
  as_of: string;
  /** The accepted run of each period in the range. */
  runs: readonly PeriodRunInput[];
  /** The other runs of the range: drafts of any status and superseded runs. */
  other_runs: readonly OtherRunInput[];
  /** The findings of the accepted runs with their review state. */
  findings: readonly PeriodFindingInput[];
}

export interface PeriodRunRow {
  run_id: string;
  period_start: string;
  period_end: string;
  /** UTC date of period_start, YYYY-MM-DD. */
  day: string;
  findings: SeverityCounts;
  findings_total: number;
  checks_with_exceptions: number;
  checks_not_tested: number;
  acceptance: RunAcceptanceInput;
  /** Completed drafts of the same period started after this run. */
  newer_drafts: string[];
}

export interface PeriodCheckTrend {
  id: string;
  family: CheckFamily | 'other';
  title: string;
  /** Findings per run, in the order of `runs`. */
  per_run: number[];
  /** Per run: true when the check examined nothing and found nothing in it. */
  per_run_not_tested: boolean[];
  total: number;
  examined_total: number;
  not_tested_total: number;
  /** Runs in which the check examined nothing. */
  runs_not_tested: number;
}

export interface PeriodReportModel extends CaseFile {
  kind: 'period';
  venue: string;
  operator_entity_id: string | null;
  range_from: string;
  range_to: string;
  /** The range as whole days, when it is one ("2026-02-01 to 2026-02-28 (28 days)"). */
  range_days: string | null;
  /** Start of the first and end of the last accepted run's period. */
  period_start: string;
  period_end: string;
  tool_version: string;
  rules_version: string;
  key_fingerprint: string;
  as_of: string;
  document_date: string;
  runs: PeriodRunRow[];
  checks: PeriodCheckTrend[];
  totals: { findings: SeverityCounts; findings_total: number };
  /** Runs whose periods overlap an earlier run's period. */
  overlaps: { run_id: string; overlaps_run_id: string }[];
  /** UTC days of the range with no accepted run. */
  uncovered: UncoveredDays[];
  uncovered_days: number;
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function buildPeriodReportModel(input: PeriodReportInput): PeriodReportModel {
  if (input.runs.length === 0) throw new ReportError('a period report needs at least one accepted run');
  const coverage = rangeCoverage(input.range, input.runs, input.other_runs);
  const runs = input.runs.map((r) => {
    const s = parseTimestampNs(r.period_start);
    const e = parseTimestampNs(r.period_end);
    if (s === undefined || e === undefined || e <= s) {
      throw new ReportError(`run ${r.run_id} has an invalid period ${r.period_start} .. ${r.period_end}`);
    }
    return { r, s, e };
  });
  runs.sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : byKey(a.r.run_id, b.r.run_id)));

  const overlaps: PeriodReportModel['overlaps'] = [];
  for (let i = 1; i < runs.length; i++) {
    for (let j = 0; j < i; j++) {
      if (runs[i]!.s < runs[j]!.e && runs[j]!.s < runs[i]!.e) {
        overlaps.push({ run_id: runs[i]!.r.run_id, overlaps_run_id: runs[j]!.r.run_id });
        break;
      }
    }
  }

  const extraIds = [...new Set(runs.flatMap(({ r }) => Object.keys(r.checks)))]
    .filter((id) => !CHECK_BY_ID.has(id))
    .sort(byKey);
  // The checks V2.md brought have rows only when some run of the period was judged by them.
  const ofRuns = CHECKS.filter((c) => c.since === 1 || runs.some(({ r }) => c.id in r.checks));
  const ids = [...ofRuns.map((c) => c.id), ...extraIds];
  const totals = emptyCounts();
  const rows: PeriodRunRow[] = runs.map(({ r }) => {
    const counts = emptyCounts();
    let withExceptions = 0;
    let notTested = 0;
    for (const id of ids) {
      const c = r.checks[id];
      const n = c ? countTotal(c.findings) : 0;
      if (c) for (const sev of Object.keys(counts) as (keyof SeverityCounts)[]) counts[sev] += c.findings[sev];
      if (n > 0) withExceptions += 1;
      else if (!c || c.examined === 0) notTested += 1;
    }
    for (const sev of Object.keys(totals) as (keyof SeverityCounts)[]) totals[sev] += counts[sev];
    return {
      run_id: r.run_id,
      period_start: r.period_start,
      period_end: r.period_end,
      day: r.period_start.slice(0, 10),
      findings: counts,
      findings_total: countTotal(counts),
      checks_with_exceptions: withExceptions,
      checks_not_tested: notTested,
      acceptance: { ...r.acceptance },
      newer_drafts: coverage.newer_drafts.get(r.run_id) ?? [],
    };
  });

  const checks: PeriodCheckTrend[] = ids.map((id) => {
    const meta = CHECK_BY_ID.get(id);
    const perRun = runs.map(({ r }) => {
      const c = r.checks[id];
      return c ? countTotal(c.findings) : 0;
    });
    return {
      id,
      family: meta?.family ?? 'other',
      title: meta?.title ?? 'Check not in the rules catalogue',
      per_run: perRun,
      per_run_not_tested: runs.map(({ r }, i) => (r.checks[id]?.examined ?? 0) === 0 && perRun[i] === 0),
      total: perRun.reduce((s, n) => s + n, 0),
      examined_total: runs.reduce((s, { r }) => s + (r.checks[id]?.examined ?? 0), 0),
      not_tested_total: runs.reduce((s, { r }) => s + (r.checks[id]?.not_tested ?? 0), 0),
      runs_not_tested: runs.filter(({ r }, i) => (r.checks[id]?.examined ?? 0) === 0 && perRun[i] === 0).length,
    };
  });

  const first = runs[0]!;
  const last = runs.reduce((m, x) => (x.e > m.e ? x : m), first);
  return {
    kind: 'period',
    venue: input.venue,
    operator_entity_id: input.operator_entity_id ?? null,
    range_from: input.range.from,
    range_to: input.range.to,
    range_days: coverage.range_days,
    period_start: first.r.period_start,
    period_end: last.r.period_end,
    tool_version: input.tool_version,
    rules_version: input.rules_version,
    key_fingerprint: input.key_fingerprint,
    as_of: input.as_of,
    document_date: input.as_of,
    runs: rows,
    checks,
    totals: { findings: totals, findings_total: countTotal(totals) },
    overlaps,
    uncovered: coverage.uncovered,
    uncovered_days: coverage.uncovered_days,
    ...buildCaseFile(input.findings, input.as_of),
  };
}
