/**
 * The end of a partitioned run, through the same code as the single-process run: Report rebuilds the collector,
 * quarantine log and file statistics from Aggregate and calls finalizeRun (DQ-1 findings, finding ids, findings.jsonl,
 * summary.json, quarantine.jsonl, report.pdf, signed manifest); Store then records the pack's findings and the run's
 * counts in the findings store, as finalizeRun does when it is given a store; RecordFailure marks a failed run.
 */

import type { S3Client } from '@aws-sdk/client-s3';
import type { OutputSink } from '../../adapters/s3/outputSink.js';
import type { Finding } from '../../contract/finding.js';
import type { Signer } from '../../evidence/signer.js';
import { FindingCollector } from '../../findings/collector.js';
import type { FindingsStore } from '../../store/findingsStore.js';
import { checkCounts, finalizeRun, PACK_FILES } from '../finalizeRun.js';
import { openingStats } from '../openRun.js';
import { QuarantineLog } from '../quarantineLog.js';
import type { RunSummary } from '../summary.js';
import { AGGREGATE_FILE, type AggregateResult } from './aggregate.js';
import { CaughtStepError } from './errors.js';
import { mergeInto } from './partialResult.js';
import { openStep, type RunRef, type StepState } from './runPlan.js';

export interface ReportDeps {
  s3: S3Client;
  signer: Signer;
  /** Opens the evidence pack location (an s3:// URI on AWS). */
  openSink: (uri: string) => OutputSink;
  now: () => Date;
}

export async function reportRun(state: StepState, deps: ReportDeps): Promise<StepState & { findings: number }> {
  const step = await openStep(state.run, deps.s3);
  const agg = await step.work.getJson<AggregateResult>(AGGREGATE_FILE);
  const plan = step.plan;
  const collector = new FindingCollector();
  mergeInto(collector, agg);
  const quarantine = new QuarantineLog();
  for (const q of agg.quarantine) quarantine.add(q);
  // The unsupported files' DQ-1 entries are in the quarantine already (Plan); this books their fault on the file.
  const stats = openingStats(plan.input_hashes, step.layout, agg.fileStats);
  stats.assertHashesStable();
  const result = await finalizeRun(
    {
      runId: plan.run_id,
      toolVersion: plan.tool_version,
      manifest: plan.manifest,
      parameters: plan.parameters,
      accessLogPresent: step.layout.hasAccessFolder,
      collector,
      quarantine,
      files: stats.summaries(),
      inputHashes: plan.input_hashes,
      runRecord: plan.run_record,
    },
    { out: deps.openSink(plan.out), signer: deps.signer, now: deps.now },
  );
  return { run: state.run, findings: result.findings.length };
}

export interface StoreDeps {
  s3: S3Client;
  store: FindingsStore;
  openSink: (uri: string) => OutputSink;
  now: () => Date;
}

/** Stores what the evidence pack says: its findings.jsonl and the counts of its summary.json. */
export async function storeRun(state: StepState, deps: StoreDeps): Promise<StepState & { findings: number }> {
  const step = await openStep(state.run, deps.s3);
  const pack = deps.openSink(step.plan.out);
  const text = (await pack.read(PACK_FILES.findings)).toString('utf8');
  const findings = text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Finding);
  const summary = JSON.parse((await pack.read(PACK_FILES.summary)).toString('utf8')) as RunSummary;
  await deps.store.recordFindings(step.plan.run_record, findings);
  await deps.store.completeRun(step.plan.run_id, checkCounts(summary), { at: deps.now() });
  return { run: state.run, findings: findings.length };
}

/** Step Functions' error of a caught state: `{ Error, Cause }`, where a Lambda's Cause is its JSON error. */
export interface CaughtError {
  Error?: string;
  Cause?: string;
}

export function errorFromCatch(caught: CaughtError | undefined): CaughtStepError {
  let message = caught?.Cause ?? 'unknown failure';
  let name = caught?.Error ?? 'Error';
  try {
    const cause = JSON.parse(message) as { errorMessage?: string; errorType?: string };
    if (typeof cause.errorMessage === 'string') message = cause.errorMessage;
    if (typeof cause.errorType === 'string') name = cause.errorType;
  } catch {
    // A Cause that is not JSON is the message itself.
  }
  return new CaughtStepError(name, message);
}

/** Marks the run failed when Plan got far enough to name it; returns the state for the Fail state. */
export async function recordFailure(
  state: { run?: RunRef; error?: CaughtError },
  deps: { store: FindingsStore; now: () => Date },
): Promise<{ run?: RunRef; error: { Error: string; Cause: string } }> {
  const error = errorFromCatch(state.error);
  if (state.run !== undefined) await deps.store.failRun(state.run.run_id, error, { at: deps.now() });
  return { ...(state.run !== undefined ? { run: state.run } : {}), error: { Error: error.name, Cause: error.message } };
}
