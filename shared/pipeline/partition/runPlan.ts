/**
 * Plan: the first step of a partitioned run, and the document every later step reads. It does what the
 * single-process run does before judging anything — list the dataset, read and validate manifest.json, hash every
 * input (so run_id is known up front), record the run as started, load the reference data (its DQ-1 records) — and
 * freezes the listing so that every step reads exactly the files that were hashed.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { RULES_VERSION } from '../../checks/catalogue.js';
import { type AuditParameters, parametersForContract } from '../../config/parameters.js';
import type { DatasetManifest } from '../../contract/records.js';
import { ManifestError } from '../../ingest/errors.js';
import { classifyLayout, type DatasetLayout, unsupportedFileEntry } from '../../ingest/layout.js';
import { readDatasetManifest } from '../../ingest/manifest.js';
import type { FileStats, QuarantineEntry } from '../../ingest/readRecords.js';
import { type DatasetSource, openDatasetSource, type SourceFile } from '../../ingest/source.js';
import { loadReferenceData } from '../../reference/loadReference.js';
import type { ReferenceData } from '../../reference/referenceData.js';
import type { FindingsStore } from '../../store/findingsStore.js';
import type { RunStart } from '../../store/types.js';
import { UsageError } from '../errors.js';
import { runId as deriveRunId } from '../ids.js';
import { hashInputs, type InputHash } from '../inputs.js';
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

export interface PlanRequest {
  /** Dataset root: s3://bucket/prefix (or a folder, outside Lambda). */
  input: string;
  /** Evidence pack location; when absent, `outFor(plan)` decides. */
  out?: string;
  parameters: AuditParameters;
  toolVersion: string;
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
  const source = openDatasetSource(req.input, { s3: () => deps.s3 });
  const listed = await source.list();
  let manifest: DatasetManifest;
  try {
    manifest = await readDatasetManifest(source, [1]); // as auditDataset's AUDITED_CONTRACTS
  } catch (error) {
    if (error instanceof ManifestError) throw new UsageError(`${req.input}: ${error.message}`, { cause: error });
    throw error;
  }
  const parameters = parametersForContract(req.parameters, manifest.contract);
  const layout = classifyLayout(listed, manifest.contract);
  const inputHashes = await hashInputs(source, listed);
  const runId = deriveRunId({ inputs: inputHashes, parameters, rules_version: RULES_VERSION });
  const runRecord = {
    run_id: runId,
    venue: manifest.venue,
    operator_entity_id: manifest.operator_entity_id,
    period_start: manifest.period_start,
    period_end: manifest.period_end,
    dataset_root: req.input,
    inputs: inputHashes.map((h) => ({ path: h.path, sha256: h.sha256, size: h.bytes })),
    parameters,
    rules_version: RULES_VERSION,
    data_contract: manifest.contract,
    tool_version: req.toolVersion,
    started_at: deps.now().toISOString(),
  };
  await deps.store?.startRun(runRecord);

  const quarantine: QuarantineEntry[] = [];
  const fileStats: FileStats[] = [];
  for (const f of layout.unsupported) quarantine.push(unsupportedFileEntry(f));
  await loadReferenceData(
    source,
    layout,
    manifest,
    (q) => quarantine.push(q),
    (s) => fileStats.push(s),
  );

  const out = req.out ?? req.outFor({ runId, manifest });
  const work = `${req.workRoot.replace(/\/?$/, '/')}${runId}/${deps.newId()}/`;
  const plan: RunPlan = {
    version: 1,
    run_id: runId,
    input: req.input,
    out,
    manifest,
    parameters,
    tool_version: req.toolVersion,
    listed,
    input_hashes: inputHashes,
    run_record: runRecord,
    quarantine,
    file_stats: fileStats,
  };
  await s3WorkArea(deps.s3, work).putJson(PLAN_FILE, plan);
  return { run: { run_id: runId, work, out } };
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
