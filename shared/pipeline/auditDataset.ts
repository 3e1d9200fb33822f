/**
 * The audit of one dataset, in one process (the CLI, and a Lambda for a dataset that fits one): the run's opening
 * (openRun.ts: list, manifest, hash with the seq-order pre-scan folded in, run id, run record, reference data), then
 * every event stream through every rule (auditStreams.ts). The evidence pack is written afterwards (finalizeRun.ts).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { AuditParameters } from '../config/parameters.js';
import type { DatasetManifest } from '../contract/records.js';
import { FindingCollector } from '../findings/collector.js';
import type { QuarantineEntry, ReadHooks } from '../ingest/readRecords.js';
import type { FindingsStore } from '../store/findingsStore.js';
import type { RunStart } from '../store/types.js';
import { auditStreams } from './auditStreams.js';
import type { InputHash } from './inputs.js';
import { failingRun, openingStats, openRun, type RunRequest } from './openRun.js';
import { EventStreamProgress, type RunProgress } from './progress.js';
import { QuarantineLog } from './quarantineLog.js';
import type { InputFileSummary } from './summary.js';

export interface RunAuditOptions extends RunRequest {
  /** Scratch space for the external sort. */
  tmpDir: string;
  /** Records held in memory per sort run before spilling. */
  sortMemoryRecords?: number;
  /**
   * Read, parse and order each event stream of a local dataset in a worker thread while this one replays (default
   * false; the CLI turns it on). Needs orderedStreamWorker.js beside the bundle (shared/build/bundle.mjs builds it).
   */
  readWorker?: boolean;
  /** With readWorker: workers that read and sort a stream that is not in seq order (default 1; see `workers`). */
  sortWorkers?: number;
}

export interface AuditDeps {
  s3: () => S3Client;
  store?: FindingsStore;
  now?: () => Date;
  progress?: RunProgress;
}

/** Everything a run established before its evidence pack is written. */
export interface AuditedDataset {
  runId: string;
  manifest: DatasetManifest;
  /** The parameters in force for the dataset's contract version (config/parameters.ts parametersForContract). */
  parameters: AuditParameters;
  collector: FindingCollector;
  quarantine: QuarantineLog;
  files: InputFileSummary[];
  inputHashes: InputHash[];
  accessLogPresent: boolean;
  runRecord: RunStart;
}

/** Reads, replays and checks the dataset; records the run as running (and failed, if it throws) in the store. */
export async function auditDataset(opts: RunAuditOptions, deps: AuditDeps): Promise<AuditedDataset> {
  const now = deps.now ?? (() => new Date());
  const progress = deps.progress;
  const run = await openRun(opts, { ...deps, now }, { scanOrder: true });
  return failingRun(run, { ...deps, now }, async () => {
    const collector = new FindingCollector();
    const quarantine = new QuarantineLog();
    for (const q of run.quarantine) quarantine.add(q);
    const stats = openingStats(run.inputHashes, run.layout, run.fileStats);
    const streams = progress === undefined ? undefined : new EventStreamProgress(progress, run.layout, run.lines);
    const hooks: ReadHooks = {
      quarantine: (q: QuarantineEntry) => quarantine.add(q),
      stats: (st) => {
        stats.record(st);
        streams?.fileRead(st);
      },
    };
    await auditStreams(
      run,
      collector,
      hooks,
      {
        tmpDir: opts.tmpDir,
        maxInMemory: opts.sortMemoryRecords,
        inOrder: run.inOrder,
        worker: opts.readWorker,
        workers: opts.sortWorkers,
      },
      { stage: (name, bytes) => streams?.stage(name, bytes), replayed: (items) => streams?.replayed(items) },
    );
    progress?.done();

    stats.assertHashesStable();
    return {
      runId: run.runId,
      manifest: run.manifest,
      parameters: run.parameters,
      collector,
      quarantine,
      files: stats.summaries(),
      inputHashes: run.inputHashes,
      accessLogPresent: run.layout.hasAccessFolder,
      runRecord: run.runRecord,
    };
  });
}
