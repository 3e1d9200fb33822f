/**
 * Plan: the first step of a partitioned run, and the document every later step reads. It opens the run as the
 * single-process run does (openRun.ts: list, manifest, hash, run id, run record, reference data and its DQ-1
 * records) and freezes the listing so that every step reads exactly the files that were hashed.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { openDatasetSource } from '../../adapters/s3/datasetSource.js';
import type { AuditParameters } from '../../config/parameters.js';
import type { DatasetManifest } from '../../contract/records.js';
import { classifyLayout, type DatasetLayout } from '../../ingest/layout.js';
import type { FileStats, QuarantineEntry } from '../../ingest/readRecords.js';
import type { DatasetSource, SourceFile } from '../../ingest/source.js';
import { loadReferenceData } from '../../reference/loadReference.js';
import type { ReferenceData } from '../../reference/referenceData.js';
import type { FindingsStore } from '../../store/findingsStore.js';
import type { RunStart } from '../../store/types.js';
import type { InputHash } from '../inputs.js';
import { failingRun, openRun, type RunRequest } from '../openRun.js';
import { s3WorkArea, type WorkArea } from './workArea.js';

/** What travels through the state machine: a reference to the run and its work area, nothing bulky. */
export interface RunRef {
  run_id: string;
  /** s3:// URI of this execution's work area. */
  work: string;
  /** s3:// URI (or folder) of the evidence pack. */
  out: string;
}

export interface StepState {
  run: RunRef;
}

export interface RunPlan {
  version: 1;
  run_id: string;
  input: string;
  out: string;
  manifest: DatasetManifest;
  parameters: AuditParameters;
  tool_version: string;
  /** The listing that was hashed; every step reads these files and no others. */
  listed: SourceFile[];
  input_hashes: InputHash[];
  run_record: RunStart & { started_at: string };
  /** DQ-1 of unsupported files and reference records, and the reference files' read statistics. */
  quarantine: QuarantineEntry[];
  file_stats: FileStats[];
}

export const PLAN_FILE = 'plan.json';

export interface PlanRequest extends RunRequest {
  /** Evidence pack location; when absent, `outFor(plan)` decides. */
  out?: string;
  /** s3:// prefix under which this execution's work area is created. */
  workRoot: string;
  /** Evidence pack location when the request names none. */
  outFor: (p: { runId: string; manifest: DatasetManifest }) => string;
}

export interface PlanDeps {
  s3: S3Client;
  store?: FindingsStore;
  now: () => Date;
  /** A fresh id for this execution's work area (two executions of one run never share intermediate files). */
  newId: () => string;
}

export async function planRun(req: PlanRequest, deps: PlanDeps): Promise<StepState> {
  const run = await openRun(req, { s3: () => deps.s3, store: deps.store, now: deps.now });
  const out = req.out ?? req.outFor({ runId: run.runId, manifest: run.manifest });
  const work = `${req.workRoot.replace(/\/?$/, '/')}${run.runId}/${deps.newId()}/`;
  const plan: RunPlan = {
    version: 1,
    run_id: run.runId,
    input: req.input,
    out,
    manifest: run.manifest,
    parameters: run.parameters,
    tool_version: req.toolVersion,
    listed: run.listed,
    input_hashes: run.inputHashes,
    run_record: { ...run.runRecord, started_at: run.runRecord.started_at.toISOString() },
    quarantine: run.quarantine,
    file_stats: run.fileStats,
  };
  await failingRun(run, deps, () => s3WorkArea(deps.s3, work).putJson(PLAN_FILE, plan));
  return { run: { run_id: run.runId, work, out } };
}

/** What a later step needs from the plan: the frozen dataset view, and the reference data on demand. */
export interface StepContext {
  plan: RunPlan;
  work: WorkArea;
  source: DatasetSource;
  layout: DatasetLayout;
  /** Reloads the reference data (its DQ-1 records and statistics were booked by Plan). */
  reference(): Promise<ReferenceData>;
}

export async function openStep(run: RunRef, s3: S3Client): Promise<StepContext> {
  const work = s3WorkArea(s3, run.work);
  const plan = await work.getJson<RunPlan>(PLAN_FILE);
  const source = openDatasetSource(plan.input, { s3: () => s3 });
  const layout = classifyLayout(plan.listed, plan.manifest.contract);
  return {
    plan,
    work,
    source,
    layout,
    reference: () =>
      loadReferenceData(
        source,
        layout,
        plan.manifest,
        () => undefined,
        () => undefined,
      ),
  };
}
