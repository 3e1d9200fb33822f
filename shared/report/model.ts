/**
 * The review report's data, built once from a run's results and rendered by templates/reviewReport.ts. Pure: no I/O,
 * no clock, no randomness; the same input gives the same model, so the PDF is reproducible.
 *
 * Findings are consumed in one pass and only the per-check listings (capped, plus every finding with a recorded
 * response) are kept, so memory does not grow with the number of findings; every count (summary, charts, per-check
 * breakdowns, totals) still covers all of them.
 *
 * Two kinds of run report use it: the one written with the evidence pack at run time (a pure function of the inputs
 * and parameters, so it shows every finding as found and is a DRAFT), and the one generated afterwards from the
 * findings store (`review`: the findings' review status and latest response as of a given time, and the run's
 * acceptance, which turns the DRAFT into the signed-off report).
 */
import { CHECK_BY_ID, CHECKS, type CheckFamily, FAMILY_MEASURES } from '../checks/catalogue.js';
import type { AuditParameters } from '../config/parameters.js';
import { type Finding, type FindingDraft, SEVERITIES, type Severity } from '../contract/finding.js';
import { parseTimestampNs } from '../contract/time.js';
import { checkStatus, type CheckStatus as SummaryStatus } from '../findings/checkStatus.js';
import type { Population } from '../findings/collector.js';
import { ReportError } from './errors.js';
import {
  CheckAccumulator,
  type CheckBreakdown,
  compareForListing,
  emptyCounts,
  type FindingRow,
  fairShares,
  findingIdOf,
  findingRow,
  type ListingCaps,
  type RankedCount,
  type SeverityCounts,
  topN,
} from './listing.js';
import { FAMILY_METHODS } from './methods.js';

export type { CheckBreakdown, FindingRow, LatestResponse, RankedCount, SeverityCounts } from './listing.js';
export { compareForListing, emptyCounts };

export interface FileStat {
  /** Path relative to the dataset root, `/`-separated. */
  path: string;
  record_type: string;
  /** Records read (accepted + quarantined when the file reconciles); null when the source does not keep them. */
  records: number | null;
  accepted: number | null;
  quarantined: number;
  /** Why the file could not be read to its end, or null. */
  fault: string | null;
}

export interface SequenceGap {
  stream: string;
  from: number;
  to: number;
}

export interface SequenceDuplicate {
  stream: string;
  seq: number;
  /** How many records carry the seq, when known. */
  occurrences: number | null;
}

/** A finding's review state: its current status and the latest response (who, when, note). */
export interface ManagementResponse {
  /** e.g. open, acknowledged, remediated, false_positive, accepted_risk. */
  status: string;
  response?: string | null;
  responded_by?: string | null;
  responded_at?: string | null;
  /** Review actions recorded on the finding (the latest is the one above); default 1. */
  history_count?: number;
}

/** The sign-off of a run (RunRecord.acceptance). */
export interface RunAcceptance {
  by: string;
  at: string;
  note: string | null;
}

export interface ReportCaps extends ListingCaps {
  /** Rows of each of the file, gap and duplicate tables. */
  completenessRows: number;
  /** Rows of the management-response table. */
  responseRows: number;
}

/**
 * Sized so that a run of 25,000 findings spread over every check stays a readable report (about 100 A4 pages): up to
 * 150 findings with their evidence and 600 listed in all, shared fairly among the checks (a run whose findings fall in
 * a few checks shows more of each), the rest counted by account, symbol and hour and pointed to findings.jsonl.
 */
export const DEFAULT_CAPS: ReportCaps = {
  findingsPerCheck: 40,
  findingsTotal: 600,
  evidencePerCheck: 25,
  evidenceTotal: 150,
  detailChars: 600,
  breakdownRows: 5,
  completenessRows: 100,
  responseRows: 200,
};

type MaybeMap<V> = ReadonlyMap<string, V> | Readonly<Record<string, V>>;

export interface ReportInput {
  manifest: { venue: string; operator_entity_id?: string | null; period_start: string; period_end: string };
  run_id: string;
  tool_version: string;
  rules_version: string;
  /** SHA-256 (hex) over the input manifest (shared/evidence inputDigest). */
  input_digest: string;
  parameters: AuditParameters;
  /** Population per check id (FindingCollector.population). */
  population: MaybeMap<Population>;
  /** All findings of the run, any order (a single pass is made). */
  findings: Iterable<FindingDraft | Finding>;
  files: readonly FileStat[];
  /** Sequence gaps and duplicates; when absent they are read from the DQ-4 and DQ-2 findings. */
  sequences?: { gaps: readonly SequenceGap[]; duplicates: readonly SequenceDuplicate[] };
  /** Management responses keyed by finding_id. */
  responses?: MaybeMap<ManagementResponse>;
  /**
   * The review state this report shows (the report generated from the store after review): when it was read, and the
   * run's acceptance. Absent: the report written with the run's evidence pack, every finding as found.
   */
  review?: { as_of: string | null; acceptance: RunAcceptance | null };
  /** SHA-256 (hex) of the signing key's DER SPKI. */
  key_fingerprint: string;
  /** The date printed as the report's issue date; when absent none is printed and the PDF dates are period_end. */
  issued_at?: string | null;
  caps?: Partial<ReportCaps>;
}

export type CheckStatus = 'exceptions' | 'no exceptions' | 'no exceptions, partly not tested' | 'not tested';

export interface CheckSummary {
  id: string;
  family: CheckFamily | 'other';
  /** False for a check id that is not in the catalogue (reported, never dropped). */
  known: boolean;
  title: string;
  compliant: string;
  population_label: string;
  examined: number;
  not_tested: { reason: string; count: number }[];
  not_tested_total: number;
  findings: SeverityCounts;
  findings_total: number;
  status: CheckStatus;
}

export interface CheckListing {
  check: CheckSummary;
  /** Most severe first, then by subject; rows with evidence first come (the most severe), then one-line rows. */
  rows: FindingRow[];
  /** Findings not listed (they are in findings.jsonl). */
  omitted: number;
  /** Where all of the check's findings are (null when it has none). */
  breakdown: CheckBreakdown | null;
}

export interface FamilySection {
  family: CheckFamily | 'other';
  name: string;
  measure: string;
  duty: string;
  method: string;
  checks: CheckListing[];
}

export interface TimeBucket {
  /** Start of the bucket (RFC 3339, UTC). */
  start: string;
  label: string;
  counts: SeverityCounts;
}

export interface ResponseRow {
  finding_id: string;
  check_id: string | null;
  subject: string | null;
  severity: Severity | null;
  status: string;
  response: string;
  responded_by: string | null;
  responded_at: string | null;
  /** False when the finding is not among this run's findings (e.g. resolved since). */
  in_run: boolean;
}

export interface ReportModel {
  kind: 'run';
  /** Not accepted (yet): every page says DRAFT. */
  draft: boolean;
  review: {
    /** as_found: the run-time report (statuses as found); as_of: read from the findings store at `as_of`. */
    mode: 'as_found' | 'as_of';
    as_of: string | null;
    acceptance: RunAcceptance | null;
  };
  venue: string;
  operator_entity_id: string | null;
  period_start: string;
  period_end: string;
  run_id: string;
  tool_version: string;
  rules_version: string;
  input_digest: string;
  key_fingerprint: string;
  issued_at: string | null;
  /** The PDF's CreationDate/ModDate: issued_at, else period_end. */
  document_date: string;
  parameters: { name: string; value: string }[];
  totals: {
    findings: SeverityCounts;
    findings_total: number;
    checks_total: number;
    checks_with_exceptions: number;
    checks_not_tested: number;
    checks_partly_not_tested: number;
  };
  checks: CheckSummary[];
  families: FamilySection[];
  charts: {
    byCheck: { check_id: string; counts: SeverityCounts }[];
    overTime: { bucket_hours: number; buckets: TimeBucket[]; untimed: number; outside_period: number };
    topSymbols: RankedCount[];
    topAccounts: RankedCount[];
  };
  completeness: {
    files: FileStat[];
    files_total: number;
    /** False when the files' record counts are not known per file (only the totals are). */
    per_file_counts: boolean;
    totals: { records: number; accepted: number; quarantined: number; faults: number };
    /** Files whose records differ from accepted + quarantined. */
    unreconciled: string[];
    gaps: SequenceGap[];
    gaps_total: number;
    missing_seq_total: number;
    duplicates: SequenceDuplicate[];
    duplicates_total: number;
  };
  responses: {
    rows: ResponseRow[];
    omitted: number;
    by_status: RankedCount[];
    /** Findings of this run with no recorded response (open). */
    without_response: number;
  };
  caps: ReportCaps;
}

export function countTotal(c: SeverityCounts): number {
  return c.critical + c.high + c.medium + c.low;
}

function entriesOf<V>(m: MaybeMap<V> | undefined): [string, V][] {
  if (m === undefined) return [];
  if (m instanceof Map) return [...(m as ReadonlyMap<string, V>).entries()];
  return Object.entries(m as Record<string, V>);
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const NS_PER_HOUR = 3_600_000_000_000n;
const MAX_TIME_BUCKETS = 48;

function isoOfNs(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString().replace('.000Z', 'Z');
}

/** The report's words for a check's status (checkStatus), as a reader of the PDF expects them. */
const STATUS_IN_REPORT: Record<SummaryStatus, CheckStatus> = {
  exceptions: 'exceptions',
  'no exceptions': 'no exceptions',
  'partially tested': 'no exceptions, partly not tested',
  'not tested': 'not tested',
};

function statusOf(examined: number, notTested: number, findings: number): CheckStatus {
  return STATUS_IN_REPORT[checkStatus({ findings, examined, notTested })];
}

function parseSequenceSubject(subject: string): { stream: string; rest: string } | undefined {
  const i = subject.lastIndexOf(':');
  return i <= 0 ? undefined : { stream: subject.slice(0, i), rest: subject.slice(i + 1) };
}

function parameterRows(p: AuditParameters): { name: string; value: string }[] {
  return Object.entries(p)
    .sort(([a], [b]) => byKey(a, b))
    .map(([name, value]) => ({ name, value: Array.isArray(value) ? value.join(', ') : String(value) }));
}

export function buildReportModel(input: ReportInput): ReportModel {
  const caps: ReportCaps = { ...DEFAULT_CAPS, ...input.caps };
  const startNs = parseTimestampNs(input.manifest.period_start);
  const endNs = parseTimestampNs(input.manifest.period_end);
  if (startNs === undefined || endNs === undefined || endNs <= startNs) {
    throw new ReportError(
      `report period is not valid: ${input.manifest.period_start} .. ${input.manifest.period_end} (RFC 3339 UTC, end after start)`,
    );
  }
  const hours = Number((endNs - startNs + NS_PER_HOUR - 1n) / NS_PER_HOUR);
  const bucketHours = Math.max(1, Math.ceil(hours / MAX_TIME_BUCKETS));
  const bucketCount = Math.ceil(hours / bucketHours);
  const bucketNs = BigInt(bucketHours) * NS_PER_HOUR;
  const timeCounts = Array.from({ length: bucketCount }, emptyCounts);
  let untimed = 0;
  let outside = 0;

  const responses = new Map(entriesOf(input.responses));
  const respondedFindings = new Map<string, FindingDraft>();
  const perCheck = new Map<string, CheckAccumulator>();
  const symbols = new Map<string, number>();
  const accounts = new Map<string, number>();
  const derivedGaps: SequenceGap[] = [];
  const derivedDuplicates: SequenceDuplicate[] = [];
  const totals = emptyCounts();
  let withoutResponse = 0;

  for (const f of input.findings) {
    let entry = perCheck.get(f.check_id);
    if (entry === undefined) {
      entry = new CheckAccumulator(caps.findingsPerCheck, bucketCount);
      perCheck.set(f.check_id, entry);
    }
    totals[f.severity] += 1;
    const ts = f.ts ? parseTimestampNs(f.ts) : undefined;
    let bucket: number | 'untimed' | 'outside';
    if (ts === undefined) bucket = 'untimed';
    else if (ts < startNs || ts >= endNs) bucket = 'outside';
    else bucket = Number((ts - startNs) / bucketNs);
    if (bucket === 'untimed') untimed += 1;
    else if (bucket === 'outside') outside += 1;
    else timeCounts[bucket]![f.severity] += 1;
    if (f.symbol) symbols.set(f.symbol, (symbols.get(f.symbol) ?? 0) + 1);
    if (f.account_id) accounts.set(f.account_id, (accounts.get(f.account_id) ?? 0) + 1);
    const fid = findingIdOf(f);
    const responded = fid !== undefined && responses.has(fid);
    if (responded) respondedFindings.set(fid, f);
    else withoutResponse += 1;
    entry.add(f, responded, bucket);
    if (input.sequences === undefined) {
      const parsed = parseSequenceSubject(f.subject);
      if (f.check_id === 'DQ-4' && parsed) {
        const m = /^(\d+)-(\d+)$/.exec(parsed.rest);
        if (m) derivedGaps.push({ stream: parsed.stream, from: Number(m[1]), to: Number(m[2]) });
      } else if (f.check_id === 'DQ-2' && parsed && /^\d+$/.test(parsed.rest)) {
        const occ = f.evidence.occurrences ?? f.evidence.count;
        derivedDuplicates.push({
          stream: parsed.stream,
          seq: Number(parsed.rest),
          occurrences: typeof occ === 'number' ? occ : null,
        });
      }
    }
  }

  // Check rows: the catalogue's order, then any other id seen (sorted) so nothing reported is dropped.
  const populations = new Map(entriesOf(input.population));
  const extraIds = [...new Set([...populations.keys(), ...perCheck.keys()])]
    .filter((id) => !CHECK_BY_ID.has(id))
    .sort(byKey);
  const checks: CheckSummary[] = [];
  // A contract-1 run has no population for the checks V2.md brought: they are not its checks, so no row.
  const ofRun = CHECKS.filter((c) => c.since === 1 || populations.has(c.id) || perCheck.has(c.id));
  for (const id of [...ofRun.map((c) => c.id), ...extraIds]) {
    const meta = CHECK_BY_ID.get(id);
    const pop = populations.get(id) ?? { examined: 0, notTested: {} };
    const notTested = Object.entries(pop.notTested)
      .filter(([, n]) => n > 0)
      .sort(([a], [b]) => byKey(a, b))
      .map(([reason, count]) => ({ reason, count }));
    const notTestedTotal = notTested.reduce((s, r) => s + r.count, 0);
    const entry = perCheck.get(id);
    const counts = entry?.counts ?? emptyCounts();
    const total = countTotal(counts);
    const summary: CheckSummary = {
      id,
      family: meta?.family ?? 'other',
      known: meta !== undefined,
      title: meta?.title ?? 'Check not in the rules catalogue',
      compliant: meta?.compliant ?? 'Reported by the run but not in the rules catalogue of this version.',
      population_label: meta?.population ?? 'items',
      examined: pop.examined,
      not_tested: notTested,
      not_tested_total: notTestedTotal,
      findings: counts,
      findings_total: total,
      status: statusOf(pop.examined, notTestedTotal, total),
    };
    checks.push(summary);
  }

  // Room in the listings, shared fairly among the checks; findings with a recorded response are listed on top.
  const ids = checks.map((c) => c.id);
  const listedShare = fairShares(
    ids.map((id) => perCheck.get(id)?.wanted ?? 0),
    caps.findingsTotal,
  );
  const evidenceShare = fairShares(
    listedShare.map((n, k) => Math.min(n + (perCheck.get(ids[k]!)?.responded ?? 0), caps.evidencePerCheck)),
    caps.evidenceTotal,
  );
  const listings = new Map<string, CheckListing>();
  checks.forEach((summary, k) => {
    const entry = perCheck.get(summary.id);
    const listed = entry?.listed(listedShare[k]!) ?? [];
    listings.set(summary.id, {
      check: summary,
      omitted: summary.findings_total - listed.length,
      rows: listed.map((f, i) => {
        const fid = findingIdOf(f);
        return findingRow(f, i < evidenceShare[k]!, fid === undefined ? undefined : responses.get(fid), caps);
      }),
      breakdown: entry === undefined ? null : entry.breakdown(caps.breakdownRows),
    });
  });

  const familyOrder: (CheckFamily | 'other')[] = [
    ...(Object.keys(FAMILY_MEASURES) as CheckFamily[]),
    ...(extraIds.length > 0 ? (['other'] as const) : []),
  ];
  const families: FamilySection[] = familyOrder.map((family) => {
    const fm = family === 'other' ? undefined : FAMILY_MEASURES[family];
    return {
      family,
      name: fm?.name ?? 'Other checks',
      measure: fm?.measure ?? '—',
      duty: fm?.duty ?? 'Checks reported by the run that are not in this rules catalogue.',
      method: family === 'other' ? 'Not described by this rules version.' : FAMILY_METHODS[family],
      checks: checks.filter((c) => c.family === family).map((c) => listings.get(c.id)!),
    };
  });

  const buckets: TimeBucket[] = timeCounts.map((counts, i) => {
    const startIso = isoOfNs(startNs + BigInt(i) * bucketNs);
    const multiDay = hours > 24;
    const label = multiDay ? `${startIso.slice(5, 10)} ${startIso.slice(11, 13)}h` : startIso.slice(11, 13);
    return { start: startIso, label, counts };
  });

  // Completeness. Without per-file counts (the report from the findings store) the records read are DQ-1's population.
  const fileRows = [...input.files].sort((a, b) => byKey(a.path, b.path));
  const perFileCounts = fileRows.every((f) => f.records !== null && f.accepted !== null);
  const fileTotals = { records: 0, accepted: 0, quarantined: 0, faults: 0 };
  const unreconciled: string[] = [];
  for (const f of fileRows) {
    fileTotals.records += f.records ?? 0;
    fileTotals.accepted += f.accepted ?? 0;
    fileTotals.quarantined += f.quarantined;
    if (f.fault) fileTotals.faults += 1;
    if (f.records !== null && f.accepted !== null && f.records !== f.accepted + f.quarantined) {
      unreconciled.push(f.path);
    }
  }
  if (!perFileCounts) {
    fileTotals.records = populations.get('DQ-1')?.examined ?? fileTotals.records;
    fileTotals.accepted = fileTotals.records - fileTotals.quarantined;
  }
  const gaps = [...(input.sequences?.gaps ?? derivedGaps)].sort(
    (a, b) => byKey(a.stream, b.stream) || a.from - b.from || a.to - b.to,
  );
  const duplicates = [...(input.sequences?.duplicates ?? derivedDuplicates)].sort(
    (a, b) => byKey(a.stream, b.stream) || a.seq - b.seq,
  );

  // Management responses: every recorded response, joined to its finding where the run has it.
  const responseRows: ResponseRow[] = [...responses.entries()]
    .map(([finding_id, r]) => {
      const f = respondedFindings.get(finding_id);
      return {
        finding_id,
        check_id: f?.check_id ?? null,
        subject: f?.subject ?? null,
        severity: f?.severity ?? null,
        status: r.status,
        response: r.response ?? '',
        responded_by: r.responded_by ?? null,
        responded_at: r.responded_at ?? null,
        in_run: f !== undefined,
      };
    })
    .sort(
      (a, b) =>
        Number(b.in_run) - Number(a.in_run) ||
        byKey(a.check_id ?? '', b.check_id ?? '') ||
        byKey(a.subject ?? '', b.subject ?? '') ||
        byKey(a.finding_id, b.finding_id),
    );
  const statusCounts = new Map<string, number>();
  for (const r of responseRows) if (r.in_run) statusCounts.set(r.status, (statusCounts.get(r.status) ?? 0) + 1);

  const findingsTotal = countTotal(totals);
  const acceptance = input.review?.acceptance ?? null;
  return {
    kind: 'run',
    draft: acceptance === null,
    review: {
      mode: input.review === undefined ? 'as_found' : 'as_of',
      as_of: input.review?.as_of ?? null,
      acceptance,
    },
    venue: input.manifest.venue,
    operator_entity_id: input.manifest.operator_entity_id ?? null,
    period_start: input.manifest.period_start,
    period_end: input.manifest.period_end,
    run_id: input.run_id,
    tool_version: input.tool_version,
    rules_version: input.rules_version,
    input_digest: input.input_digest,
    key_fingerprint: input.key_fingerprint,
    issued_at: input.issued_at ?? null,
    document_date: input.issued_at ?? input.manifest.period_end,
    parameters: parameterRows(input.parameters),
    totals: {
      findings: totals,
      findings_total: findingsTotal,
      checks_total: checks.length,
      checks_with_exceptions: checks.filter((c) => c.status === 'exceptions').length,
      checks_not_tested: checks.filter((c) => c.status === 'not tested').length,
      checks_partly_not_tested: checks.filter((c) => c.status === 'no exceptions, partly not tested').length,
    },
    checks,
    families,
    charts: {
      byCheck: checks.filter((c) => c.findings_total > 0).map((c) => ({ check_id: c.id, counts: c.findings })),
      overTime: { bucket_hours: bucketHours, buckets, untimed, outside_period: outside },
      topSymbols: topN(symbols, 10),
      topAccounts: topN(accounts, 10),
    },
    completeness: {
      files: fileRows.slice(0, caps.completenessRows),
      files_total: fileRows.length,
      per_file_counts: perFileCounts,
      totals: fileTotals,
      unreconciled,
      gaps: gaps.slice(0, caps.completenessRows),
      gaps_total: gaps.length,
      missing_seq_total: gaps.reduce((s, g) => s + (g.to - g.from + 1), 0),
      duplicates: duplicates.slice(0, caps.completenessRows),
      duplicates_total: duplicates.length,
    },
    responses: {
      rows: responseRows.slice(0, caps.responseRows),
      omitted: Math.max(0, responseRows.length - caps.responseRows),
      by_status: topN(statusCounts, Number.MAX_SAFE_INTEGER),
      without_response: withoutResponse,
    },
    caps,
  };
}

export { SEVERITIES };
