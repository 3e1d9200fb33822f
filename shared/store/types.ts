/** The records the findings store keeps: runs, findings with their review status, and filters. */
import type { Finding, Severity } from '../contract/finding.js';

export const FINDING_STATUSES = ['open', 'acknowledged', 'remediated', 'false_positive', 'accepted_risk'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** Statuses that close a finding as a judgement call: they need a note saying why. */
export const STATUSES_NEEDING_NOTE: readonly FindingStatus[] = ['false_positive', 'accepted_risk'];

/** One review action; the history is append-only. */
export interface HistoryEntry {
  status: FindingStatus;
  by: string;
  at: string;
  note: string | null;
}

export interface Period {
  period_start: string;
  period_end: string;
}

/**
 * A finding as stored: the finding of OUTPUT.md (for a run listing, exactly as that run reported it; otherwise as the
 * latest run that reported it), its period, and its review state.
 */
export interface StoredFinding extends Finding, Period {
  status: FindingStatus;
  /** Incremented by every response; guards concurrent responders. */
  version: number;
  history: HistoryEntry[];
  /** The first run that reported this finding. */
  first_run_id: string;
  /**
   * Null while the finding is in the current view of its venue and period. Set to the accepted run of that period
   * when that run does not report the finding (accepting a corrected run retires what it no longer reports); cleared
   * when the accepted run reports it again. The review status is kept either way.
   */
  retired_by_run: string | null;
}

export interface RunInputFile {
  path: string;
  sha256: string;
  size: number;
}

export interface RunStart extends Period {
  run_id: string;
  venue: string;
  operator_entity_id?: string | null;
  /** The dataset root as given (local folder or s3:// prefix). */
  dataset_root: string;
  inputs: RunInputFile[];
  parameters: Record<string, unknown>;
  rules_version: string;
  /** The data contract the dataset's manifest names (1 when absent: runs recorded before contract 2). */
  data_contract?: number;
  tool_version?: string | null;
  /** Passed in: the store has no clock. */
  started_at: Date | string;
}

export type RunStatus = 'running' | 'completed' | 'failed';

/** Per check: population examined, population not tested, findings by severity. */
export interface CheckCounts {
  examined: number;
  not_tested: number;
  findings: Partial<Record<Severity, number>>;
}

export interface RunRecord extends Period {
  run_id: string;
  venue: string;
  operator_entity_id: string | null;
  dataset_root: string;
  inputs: RunInputFile[];
  parameters: Record<string, unknown>;
  rules_version: string;
  /** The data contract of the dataset (1 for runs recorded before contract 2). */
  data_contract?: number;
  tool_version: string | null;
  status: RunStatus;
  started_at: string;
  completed_at: string | null;
  failed_at: string | null;
  error: string | null;
  counts: Record<string, CheckCounts> | null;
  findings_total: number | null;
  /** How many times the run was started (a rerun of a failed run increments it). */
  attempts: number;
  /** The sign-off: null while the run is a draft. Only a completed run can be accepted; an accepted run is frozen. */
  acceptance: RunAcceptance | null;
  /** The run that was the accepted run of the same venue and period when this one was accepted. */
  supersedes: string | null;
  /** The run accepted later for the same venue and period, which replaced this one as the official run. */
  superseded_by: string | null;
}

/** Who accepted a run, when and why. */
export interface RunAcceptance {
  by: string;
  at: string;
  note: string | null;
}

export interface AcceptRunInput {
  by: string;
  note?: string | null;
  /** Passed in: the store has no clock. */
  at: Date | string;
}

/** A finding that left the current view when a run was accepted. */
export interface RetiredFinding {
  finding_id: string;
  check_id: string;
  severity: Severity;
  subject: string;
}

export interface AcceptRunResult {
  run: RunRecord;
  /** The previously accepted run of the same venue and period, now superseded (null for the first acceptance). */
  superseded: string | null;
  /** The findings of the period that the accepted run does not report, retired by this acceptance. */
  retired: RetiredFinding[];
}

/** What identifies the run a batch of findings belongs to. */
export type RunRef = Pick<RunStart, 'run_id' | 'venue' | 'period_start' | 'period_end'>;

export interface FindingFilters {
  run_id?: string;
  check_id?: string;
  account_id?: string;
  severity?: Severity;
  status?: FindingStatus;
  venue?: string;
  /** Inclusive lower bound on the finding's date: its `ts`, or its period start when it has no `ts`. */
  from?: string;
  /** Exclusive upper bound on the finding's date. */
  to?: string;
  /** Include findings a later run no longer reports (ignored with run_id: a run listing is always complete). */
  include_retired?: boolean;
}

export interface RespondInput {
  status: FindingStatus;
  by: string;
  note?: string | null;
  /** Passed in: the store has no clock. */
  at: Date | string;
}
