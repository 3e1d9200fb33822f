/**
 * The findings store (DynamoDB, one table; see README.md for the item layout and access patterns): a facade over
 * runs.ts (run records), acceptance.ts (sign-off), ingestion.ts (a run's findings), currentView.ts (the current view
 * of each finding), reviews.ts (responses) and queries.ts (reads).
 *
 * - A run's findings are kept as that run reported them (one item per run and finding, so a run listing reproduces
 *   its findings.jsonl), and in the current view: one item per finding_id, following the accepted run of its venue
 *   and period (before any acceptance, the completed runs of that period). finding_id is stable across reruns of a
 *   venue and period, so runs of one period share their view items and review state.
 * - A completed run is a draft until accepted. A draft never changes another run's findings nor takes anything out
 *   of the view; accepting a run retires the findings of its period it does not report.
 * - Review status lives in a review item that only responders write (version-conditioned, retried on a lost race, so
 *   concurrent responders all land); view items carry a copy for the status index, repaired whenever a batch write
 *   overtook a response, so a rerun can never reset what a person decided.
 * - Findings larger than the inline limit go to an EvidenceBlobStore with a hash-checked pointer in the item.
 * - No clock: every time is passed in.
 */
import type { Finding, Severity } from '../contract/finding.js';
import { acceptRun } from './acceptance.js';
import { createStoreContext, type FindingsStoreOptions, type StoreContext } from './context.js';
import { answeredStatuses, type FindingRow, runFindingRows } from './findingRows.js';
import { recordFindings } from './ingestion.js';
import { findingsOfRun, getFinding, listFindings, openFindings } from './queries.js';
import { respond } from './reviews.js';
import { completeRun, failRun, getRun, latestRun, listAllRuns, listRuns, startRun } from './runs.js';
import { ensureFindingsTable } from './tableDesign.js';
import type {
  AcceptRunInput,
  AcceptRunResult,
  CheckCounts,
  FindingFilters,
  FindingStatus,
  Period,
  RespondInput,
  RunRecord,
  RunRef,
  RunStart,
  RunStatus,
  StoredFinding,
} from './types.js';

export { DEFAULT_INLINE_LIMIT, type FindingsStoreOptions } from './context.js';
export type { FindingRow } from './findingRows.js';

export class FindingsStore {
  readonly tableName: string;
  readonly #ctx: StoreContext;

  constructor(opts: FindingsStoreOptions) {
    this.#ctx = createStoreContext(opts);
    this.tableName = this.#ctx.tableName;
  }

  /** Creates the table and its indexes if missing (idempotent); on AWS the CDK stack creates it beforehand. */
  async ensureTables(): Promise<void> {
    await ensureFindingsTable(this.#ctx.dynamo, this.tableName, this.#ctx.policy.sleep);
  }

  // ---- runs --------------------------------------------------------------------------------------------------------

  /**
   * Records the run as running. Starting a run_id again (a rerun of the same inputs, e.g. after a failure) clears
   * the error and the findings an earlier attempt left, and counts the attempt. An accepted run is returned as it is.
   */
  startRun(run: RunStart): Promise<RunRecord> {
    return startRun(this.#ctx, run);
  }

  /**
   * Marks the run completed (a draft) with its per-check counts, after checking that the findings stored for it are
   * exactly as many as the counts say (nothing lost). While its period has no accepted run, its findings enter the
   * current view; it retires nothing. An accepted run is returned as it is.
   */
  completeRun(
    runId: string,
    counts: Record<string, CheckCounts>,
    opts: { at?: Date | string } = {},
  ): Promise<RunRecord> {
    return completeRun(this.#ctx, runId, counts, opts);
  }

  failRun(runId: string, error: unknown, opts: { at?: Date | string } = {}): Promise<RunRecord> {
    return failRun(this.#ctx, runId, error, opts);
  }

  getRun(runId: string): Promise<RunRecord | undefined> {
    return getRun(this.#ctx, runId);
  }

  /** The most recently started run of the venue for exactly this period (optionally only runs with a status). */
  latestRun(venue: string, period: Period, opts: { status?: RunStatus } = {}): Promise<RunRecord | undefined> {
    return latestRun(this.#ctx, venue, period, opts);
  }

  /**
   * Runs of a venue whose period starts at or after `from` and before `to` (any status, drafts and accepted), in
   * period order. A period report takes, per period, its accepted run.
   */
  listRuns(venue: string, range: { from: string; to: string }): Promise<RunRecord[]> {
    return listRuns(this.#ctx, venue, range);
  }

  /** Every run, or every run of one venue, newest first (by start time). */
  listAllRuns(opts: { venue?: string } = {}): Promise<RunRecord[]> {
    return listAllRuns(this.#ctx, opts);
  }

  /**
   * Accepts a completed run (sign-off): it becomes the official run of its venue and period, superseding the one
   * accepted before; the current view follows it, and the period's findings it does not report are retired (their
   * review status kept). Conditional writes: of two concurrent acceptances of a period, one is recorded and the
   * other refused with RunNotAcceptableError, as are unfinished and already accepted runs.
   */
  acceptRun(runId: string, input: AcceptRunInput): Promise<AcceptRunResult> {
    return acceptRun(this.#ctx, runId, input);
  }

  // ---- findings ----------------------------------------------------------------------------------------------------

  /**
   * Stores the findings of a run as the run's own copy of each (they enter the current view when the run completes).
   * Findings must belong to the run (run_id, venue) and have distinct ids. A rerun of an accepted run writes
   * nothing and fails with StoreIntegrityError if it reports anything differently. `onWritten` hears of each batch
   * once it is stored (progress).
   */
  recordFindings(
    run: RunRef,
    findings: Iterable<Finding> | AsyncIterable<Finding>,
    opts: { onWritten?: (n: number) => void } = {},
  ): Promise<{ written: number }> {
    return recordFindings(this.#ctx, run, findings, opts);
  }

  getFinding(findingId: string): Promise<StoredFinding | undefined> {
    return getFinding(this.#ctx, findingId);
  }

  /**
   * Records a review response: sets the status and appends {status, by, at, note} to the history. Conditioned on the
   * version read, retried on a lost race, so concurrent responders each add their entry.
   */
  respond(findingId: string, input: RespondInput): Promise<StoredFinding> {
    return respond(this.#ctx, findingId, input);
  }

  /**
   * Findings matching every given filter, sorted by check_id, then subject (then venue, period). With run_id: exactly
   * the findings that run reported, as it reported them, with their current review status.
   */
  listFindings(filters: FindingFilters = {}): Promise<StoredFinding[]> {
    return listFindings(this.#ctx, filters);
  }

  /** The findings of one run exactly as it reported them, in findings.jsonl order. */
  runFindings(runId: string): Promise<Finding[]> {
    return findingsOfRun(this.#ctx, runId);
  }

  /** Open (not retired) findings of a venue, most severe first, optionally of one severity. */
  openFindings(venue: string, severity?: Severity): Promise<StoredFinding[]> {
    return openFindings(this.#ctx, venue, severity);
  }

  /** Findings of one check across runs whose date (ts, else period start) is in [from, to). */
  findingsByCheck(checkId: string, from?: string, to?: string): Promise<StoredFinding[]> {
    return this.listFindings({
      check_id: checkId,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    });
  }

  /**
   * Every finding of a run as a compact row (ids, check, severity, subject, account, symbol, ts): one projected query
   * of the run's partition, for a table that filters, sorts and pages without reading each finding.
   */
  runFindingRows(runId: string): Promise<FindingRow[]> {
    return runFindingRows(this.#ctx, runId);
  }

  /** The status of each finding of a venue and period that is not open (from the status index), by finding_id. */
  answeredStatuses(venue: string, period: Period): Promise<Map<string, FindingStatus>> {
    return answeredStatuses(this.#ctx, venue, period);
  }

  /** Findings about one account across runs. */
  findingsByAccount(accountId: string): Promise<StoredFinding[]> {
    return this.listFindings({ account_id: accountId });
  }
}
