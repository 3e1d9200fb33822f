/**
 * The opening every run shares, whatever schedules the rest (the CLI in one process, the bench, the Plan step of the
 * state machine): list the dataset → read and validate manifest.json → hash every input (so run_id is known before
 * anything is judged) → derive the run id → record the run as `running` (a run that crashes later is visible in the
 * store under its own id) → load the reference data. A failure after the run is recorded marks it failed.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { openDatasetSource } from '../adapters/s3/datasetSource.js';
import { rulesVersionOf } from '../checks/catalogue.js';
import { type AuditParameters, parametersForContract } from '../config/parameters.js';
import type { ContractVersion, DatasetManifest } from '../contract/records.js';
import { ManifestError, SourceError } from '../ingest/errors.js';
import { classifyLayout, type DatasetLayout, eventFiles, unsupportedFileEntry } from '../ingest/layout.js';
import { readDatasetManifest } from '../ingest/manifest.js';
import type { FileStats, QuarantineEntry } from '../ingest/readRecords.js';
import type { DatasetSource, SourceFile } from '../ingest/source.js';
import { loadReferenceData } from '../reference/loadReference.js';
import type { ReferenceData } from '../reference/referenceData.js';
import type { FindingsStore } from '../store/findingsStore.js';
import type { RunStart } from '../store/types.js';
import { UsageError } from './errors.js';
import { runId as deriveRunId } from './ids.js';
import { FileStatsBook, hashAndScanInputs, type InputHash } from './inputs.js';
import type { RunProgress } from './progress.js';

/**
 * The data contract versions this pipeline audits; a manifest of any other version is refused (exit 2), never audited
 * in part (V2.md).
 */
export const AUDITED_CONTRACTS: readonly ContractVersion[] = [1, 2];

export interface RunRequest {
  /** Dataset root: a folder or s3://bucket/prefix. */
  input: string;
  parameters: AuditParameters;
  toolVersion: string;
}

export interface OpenRunDeps {
  s3: () => S3Client;
  /** Findings store; absent: the run is not recorded (the bench). */
  store?: FindingsStore;
  /** Wall-clock time of the run record (never written into the evidence pack). */
  now: () => Date;
  progress?: RunProgress;
}

export interface OpenRunOptions {
  /**
   * Fold the seq-order pre-scan of the event files into the hashing read (hashAndScanInputs), for a run that then
   * reads the streams itself: their merge skips its own pre-scan. Default false.
   */
  scanOrder?: boolean;
}

export interface OpenedRun extends RunRequest {
  /** The parameters in force for the dataset's contract version (parametersForContract): what the run uses. */
  parameters: AuditParameters;
  runId: string;
  source: DatasetSource;
  /** The listing that was hashed: every later stage reads these files and no others. */
  listed: SourceFile[];
  layout: DatasetLayout;
  manifest: DatasetManifest;
  inputHashes: InputHash[];
  /** Pre-scan verdicts by path (with scanOrder), else empty. */
  inOrder: ReadonlyMap<string, boolean>;
  /** Line counts of the scanned event files (with scanOrder; see hashAndScanInputs), where known. */
  lines: ReadonlyMap<string, number>;
  runRecord: RunStart & { started_at: Date };
  ref: ReferenceData;
  /** DQ-1 records of the opening: unsupported files in record folders, then rejected reference records. */
  quarantine: QuarantineEntry[];
  /** Read statistics of the reference files. */
  fileStats: FileStats[];
}

export async function openRun(req: RunRequest, deps: OpenRunDeps, opts: OpenRunOptions = {}): Promise<OpenedRun> {
  let source: DatasetSource;
  let listed: SourceFile[];
  try {
    source = openDatasetSource(req.input, { s3: deps.s3 });
    listed = await source.list();
  } catch (error) {
    // A root that is not a usable location (no such folder, bad s3:// URI) is an unusable argument (exit 2).
    if (error instanceof SourceError) throw new UsageError(`--input ${req.input}: ${error.message}`, { cause: error });
    throw error;
  }
  let manifest: DatasetManifest;
  try {
    manifest = await readDatasetManifest(source, AUDITED_CONTRACTS);
  } catch (error) {
    if (error instanceof ManifestError) throw new UsageError(`${req.input}: ${error.message}`, { cause: error });
    throw error;
  }
  const parameters = parametersForContract(req.parameters, manifest.contract);
  const layout = classifyLayout(listed, manifest.contract);

  deps.progress?.stage(
    'hash inputs',
    listed.reduce((n, f) => n + f.size, 0),
  );
  // One read per file: its SHA-256 and, for event files, the seq-order pre-scan of the merge (no second read).
  const {
    hashes: inputHashes,
    inOrder,
    lines,
  } = await hashAndScanInputs(source, listed, opts.scanOrder === true ? eventFiles(layout) : new Map(), (n) =>
    deps.progress?.advance(n),
  );
  const rulesVersion = rulesVersionOf(manifest.contract);
  const runId = deriveRunId({ inputs: inputHashes, parameters, rules_version: rulesVersion });
  const runRecord = {
    run_id: runId,
    venue: manifest.venue,
    operator_entity_id: manifest.operator_entity_id,
    period_start: manifest.period_start,
    period_end: manifest.period_end,
    dataset_root: req.input,
    inputs: inputHashes.map((h) => ({ path: h.path, sha256: h.sha256, size: h.bytes })),
    parameters,
    rules_version: rulesVersion,
    data_contract: manifest.contract,
    tool_version: req.toolVersion,
    started_at: deps.now(),
  };
  await deps.store?.startRun(runRecord);
  return failingRun({ runId }, deps, async () => {
    const quarantine: QuarantineEntry[] = layout.unsupported.map(unsupportedFileEntry);
    const fileStats: FileStats[] = [];
    const ref = await loadReferenceData(
      source,
      layout,
      manifest,
      (q) => quarantine.push(q),
      (s) => fileStats.push(s),
    );
    return {
      ...req,
      parameters,
      runId,
      source,
      listed,
      layout,
      manifest,
      inputHashes,
      inOrder,
      lines,
      runRecord,
      ref,
      quarantine,
      fileStats,
    };
  });
}

/** Runs a stage of a recorded run: if it throws, the run is marked failed (best effort) and the error goes on. */
export async function failingRun<T>(
  run: { runId: string },
  deps: Pick<OpenRunDeps, 'store' | 'now'>,
  stage: () => Promise<T>,
): Promise<T> {
  try {
    return await stage();
  } catch (error) {
    await deps.store?.failRun(run.runId, error, { at: deps.now() }).catch(() => undefined);
    throw error;
  }
}

/**
 * The statistics book of a run's input files, with what its opening established: the fault of each unsupported
 * file (its DQ-1 entry is in the opening's quarantine already) and the read statistics of `fileStats`.
 */
export function openingStats(
  inputHashes: readonly InputHash[],
  layout: DatasetLayout,
  fileStats: readonly FileStats[],
): FileStatsBook {
  const stats = new FileStatsBook(inputHashes, layout);
  for (const f of layout.unsupported) stats.unsupported(f, unsupportedFileEntry(f), () => undefined);
  for (const s of fileStats) stats.record(s);
  return stats;
}
