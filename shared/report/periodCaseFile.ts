/**
 * The case file of a period report: the findings of the accepted runs with their review status and full response
 * history, a summary of statuses by check and severity, and the open critical and high findings with their age.
 * Pure and deterministic: the age is measured to the report's "as of" instant, which is passed in.
 */
import { CHECKS } from '../checks/catalogue.js';
import { SEVERITY_RANK, type Severity } from '../contract/finding.js';
import { parseTimestampNs } from '../contract/time.js';
import { FINDING_STATUSES, type FindingStatus, type HistoryEntry } from '../store/types.js';
import { ReportError } from './errors.js';

const DAY_NS = 86_400_000_000_000n;

export interface PeriodFindingInput {
  finding_id: string;
  run_id: string;
  check_id: string;
  severity: Severity;
  subject: string;
  title: string;
  period_start: string;
  period_end: string;
  status: FindingStatus;
  history: readonly HistoryEntry[];
}

export interface PeriodFindingRow extends Omit<PeriodFindingInput, 'history'> {
  /** UTC date of the period start. */
  day: string;
  history: HistoryEntry[];
}

export type StatusCounts = Record<FindingStatus, number>;

export interface StatusSummaryRow {
  check_id: string;
  severity: Severity;
  counts: StatusCounts;
  total: number;
}

export interface OpenSeriousRow {
  finding_id: string;
  run_id: string;
  check_id: string;
  severity: Severity;
  subject: string;
  day: string;
  /** Whole days from the end of the finding's audit period (when it could first be reported) to "as of". */
  age_days: number;
}

export interface CaseFile {
  findings: PeriodFindingRow[];
  status_summary: StatusSummaryRow[];
  status_totals: StatusCounts;
  open_serious: OpenSeriousRow[];
}

export function emptyStatusCounts(): StatusCounts {
  return Object.fromEntries(FINDING_STATUSES.map((s) => [s, 0])) as StatusCounts;
}

const CHECK_ORDER = new Map(CHECKS.map((c, i) => [c.id, i]));

function byCheck(a: string, b: string): number {
  const ia = CHECK_ORDER.get(a) ?? Number.MAX_SAFE_INTEGER;
  const ib = CHECK_ORDER.get(b) ?? Number.MAX_SAFE_INTEGER;
  return ia - ib || (a < b ? -1 : a > b ? 1 : 0);
}

function text(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function buildCaseFile(findings: readonly PeriodFindingInput[], asOf: string): CaseFile {
  const asOfNs = parseTimestampNs(asOf);
  if (asOfNs === undefined) throw new ReportError(`"as of" is not an RFC 3339 UTC timestamp: ${asOf}`);
  const rows: PeriodFindingRow[] = findings.map((f) => {
    if (!FINDING_STATUSES.includes(f.status)) throw new ReportError(`finding ${f.finding_id} has status ${f.status}`);
    return { ...f, day: f.period_start.slice(0, 10), history: f.history.map((h) => ({ ...h })) };
  });
  rows.sort(
    (a, b) =>
      text(a.period_start, b.period_start) ||
      byCheck(a.check_id, b.check_id) ||
      text(a.subject, b.subject) ||
      text(a.finding_id, b.finding_id),
  );

  const summary = new Map<string, StatusSummaryRow>();
  const totals = emptyStatusCounts();
  for (const f of rows) {
    const key = `${f.check_id}\u0000${f.severity}`;
    const row = summary.get(key) ?? {
      check_id: f.check_id,
      severity: f.severity,
      counts: emptyStatusCounts(),
      total: 0,
    };
    row.counts[f.status] += 1;
    row.total += 1;
    totals[f.status] += 1;
    summary.set(key, row);
  }
  const statusSummary = [...summary.values()].sort(
    (a, b) => byCheck(a.check_id, b.check_id) || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity],
  );

  const openSerious: OpenSeriousRow[] = rows
    .filter((f) => f.status === 'open' && (f.severity === 'critical' || f.severity === 'high'))
    .map((f) => {
      const end = parseTimestampNs(f.period_end);
      if (end === undefined) throw new ReportError(`finding ${f.finding_id} has an invalid period end ${f.period_end}`);
      const age = asOfNs > end ? Number((asOfNs - end) / DAY_NS) : 0;
      return {
        finding_id: f.finding_id,
        run_id: f.run_id,
        check_id: f.check_id,
        severity: f.severity,
        subject: f.subject,
        day: f.day,
        age_days: age,
      };
    })
    .sort(
      (a, b) =>
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
        b.age_days - a.age_days ||
        byCheck(a.check_id, b.check_id) ||
        text(a.subject, b.subject),
    );
  return { findings: rows, status_summary: statusSummary, status_totals: totals, open_serious: openSerious };
}
