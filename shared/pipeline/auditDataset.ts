/**
 * The audit of one dataset, in one process: read and validate every input, replay the order flow and the collateral
 * ledger in seq order, run every check. The evidence pack is written afterwards (finalizeRun.ts).
 *
 * Stages: list + manifest → hash inputs, with the seq-order pre-scan of the event files in the same read (run_id known before anything is judged, so a crashed run is visible in the
 * store under its own id) → reference data → orders+trades → collateral → access → finish rules → evidence pack.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { RULES_VERSION } from '../checks/catalogue.js';
import { UnknownReferencesRule } from '../checks/dq/unknownReferences.js';
import { functionalSeparationRules } from '../checks/fs/index.js';
import { perpetualRules } from '../checks/perp/index.js';
import type { Rule, RuleContext } from '../checks/rule.js';
import { runRuleHook } from '../checks/runner.js';
import { CollateralAuditor } from '../collateral/auditor.js';
import { type AuditParameters, parametersForContract } from '../config/parameters.js';
import type { ContractVersion, DatasetManifest } from '../contract/records.js';
import { FindingCollector } from '../findings/collector.js';
import { ManifestError, SourceError } from '../ingest/errors.js';
import { classifyLayout, type DatasetLayout, eventFiles, unsupportedFileEntry } from '../ingest/layout.js';
import { readDatasetManifest } from '../ingest/manifest.js';
import type { QuarantineEntry, ReadHooks } from '../ingest/readRecords.js';
import { type DatasetSource, openDatasetSource } from '../ingest/source.js';
import { OrderFlowAuditor } from '../orderflow/auditor.js';
import {
  type OrderedStreamName,
  type OrderedStreamOptions,
  readOrderedBatches,
} from '../ordering/readOrderedStream.js';
import { SequenceTracker } from '../ordering/sequenceTracker.js';
import { loadReferenceData } from '../reference/loadReference.js';
import type { FindingsStore } from '../store/findingsStore.js';
import type { RunStart } from '../store/types.js';
import { UsageError } from './errors.js';
import { runId as deriveRunId } from './ids.js';
import { FileStatsBook, hashAndScanInputs, type InputHash } from './inputs.js';
import { EventStreamProgress, ORDER_FLOW_STAGE, type RunProgress } from './progress.js';
import { QuarantineLog } from './quarantineLog.js';
import type { InputFileSummary } from './summary.js';

/**
 * The data contract versions this pipeline audits. Contract 2 is read (ingest/, ordering/) but its checks do not run
 * here yet, and V2.md has a reader that cannot audit it refuse it (exit 2) rather than audit it in part.
 */
export const AUDITED_CONTRACTS: readonly ContractVersion[] = [1];

/** Everything a run established before its evidence pack is written. */
export interface RunAuditOptions {
  /** Dataset root: a folder or s3://bucket/prefix. */
  input: string;
  parameters: AuditParameters;
  toolVersion: string;
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
  let source: DatasetSource;
  let listed: Awaited<ReturnType<DatasetSource['list']>>;
  try {
    source = openDatasetSource(opts.input, { s3: deps.s3 });
    listed = await source.list();
  } catch (error) {
    // A root that is not a usable location (no such folder, bad s3:// URI) is an unusable argument (exit 2).
    if (error instanceof SourceError) throw new UsageError(`--input ${opts.input}: ${error.message}`, { cause: error });
    throw error;
  }
  let manifest: Awaited<ReturnType<typeof readDatasetManifest>>;
  try {
    manifest = await readDatasetManifest(source, AUDITED_CONTRACTS);
  } catch (error) {
    if (error instanceof ManifestError) throw new UsageError(`${opts.input}: ${error.message}`, { cause: error });
    throw error;
  }
  const parameters = parametersForContract(opts.parameters, manifest.contract);
  const layout = classifyLayout(listed, manifest.contract);
  const progress = deps.progress;

  const totalBytes = listed.reduce((n, f) => n + f.size, 0);
  progress?.stage('hash inputs', totalBytes);
  // One read per file: its SHA-256 and, for event files, the seq-order pre-scan of the merge (no second read).
  const {
    hashes: inputHashes,
    inOrder,
    lines,
  } = await hashAndScanInputs(source, listed, eventFiles(layout), (n) => progress?.advance(n));
  const runId = deriveRunId({ inputs: inputHashes, parameters, rules_version: RULES_VERSION });

  const now = deps.now ?? (() => new Date());
  const runRecord: RunStart = {
    run_id: runId,
    venue: manifest.venue,
    operator_entity_id: manifest.operator_entity_id,
    period_start: manifest.period_start,
    period_end: manifest.period_end,
    dataset_root: opts.input,
    inputs: inputHashes.map((h) => ({ path: h.path, sha256: h.sha256, size: h.bytes })),
    parameters,
    rules_version: RULES_VERSION,
    data_contract: manifest.contract,
    tool_version: opts.toolVersion,
    started_at: now(),
  };
  await deps.store?.startRun(runRecord);
  try {
    const collector = new FindingCollector();
    const quarantine = new QuarantineLog();
    const stats = new FileStatsBook(inputHashes, layout);
    const onQuarantine = (q: QuarantineEntry) => quarantine.add(q);
    for (const f of layout.unsupported) stats.unsupported(f, unsupportedFileEntry(f), onQuarantine);

    const ref = await loadReferenceData(source, layout, manifest, onQuarantine, stats.recorder());
    const ctx: RuleContext = { ref, params: parameters, sink: collector };
    const streams = progress === undefined ? undefined : new EventStreamProgress(progress, layout, lines);
    const hooks: ReadHooks = {
      quarantine: onQuarantine,
      stats: (st) => {
        stats.record(st);
        streams?.fileRead(st);
      },
    };
    await auditEventStreams(
      source,
      layout,
      ctx,
      collector,
      hooks,
      {
        tmpDir: opts.tmpDir,
        maxInMemory: opts.sortMemoryRecords,
        inOrder,
        worker: opts.readWorker,
        workers: opts.sortWorkers,
      },
      { stage: (name, bytes) => streams?.stage(name, bytes), replayed: (items) => streams?.replayed(items) },
    );
    progress?.done();

    stats.assertHashesStable();
    return {
      runId,
      manifest,
      parameters,
      collector,
      quarantine,
      files: stats.summaries(),
      inputHashes,
      accessLogPresent: layout.hasAccessFolder,
      runRecord,
    };
  } catch (error) {
    await deps.store?.failRun(runId, error, { at: now() }).catch(() => undefined);
    throw error;
  }
}

/** Observes the stages of auditEventStreams (progress, and the bench's timing of the replay apart from reading). */
export interface EventStreamsObserver {
  /** A stream starts: 'orders and trades', 'collateral' or 'access log', with the bytes of its files. */
  stage?(name: string, bytes: number): void;
  /** Called after each batch of the order flow with its items and the milliseconds the replay+checks took. */
  replayed?(items: number, ms: number): void;
}

/**
 * The event streams of a dataset through the auditors and every rule, after the reference data: orders+trades
 * through the OrderFlowAuditor (replay + order-flow checks + sequence gaps), collateral through the CollateralAuditor,
 * access through the rules' onAccess hooks, then every rule's finish. Findings and populations go to `collector`
 * (ctx.sink), quarantined records and file stats to `hooks`. The one composition shared by the run (auditDataset) and
 * the bench / exactness tests (bench/auditPass.ts), so both measure and check the same code.
 */
export async function auditEventStreams(
  source: DatasetSource,
  layout: DatasetLayout,
  ctx: RuleContext,
  collector: FindingCollector,
  hooks: ReadHooks,
  opts: OrderedStreamOptions,
  observe: EventStreamsObserver = {},
): Promise<void> {
  const extraRules: Rule[] = [...functionalSeparationRules(), ...perpetualRules(), new UnknownReferencesRule()];
  const read = <S extends OrderedStreamName>(stream: S) => readOrderedBatches(source, layout, stream, hooks, opts);
  const timed = observe.replayed;

  observe.stage?.(ORDER_FLOW_STAGE, bytesOf(layout, ['orders', 'trades']));
  const orderFlow = new OrderFlowAuditor(ctx, extraRules, (q) => hooks.quarantine({ ...q, scope: 'record' }));
  const orderSeq = new SequenceTracker('orders+trades', collector);
  for await (const batch of read('orders+trades')) {
    const t = timed === undefined ? 0 : performance.now();
    for (const item of batch) if (orderFlow.process(item)) orderSeq.observe(item.rec.seq, item);
    timed?.(batch.length, performance.now() - t);
  }
  orderSeq.finish();

  observe.stage?.('collateral', bytesOf(layout, ['collateral']));
  const collateral = new CollateralAuditor(ctx);
  const collateralSeq = new SequenceTracker('collateral', collector);
  const collateralHooks = extraRules.filter((r) => r.onCollateral !== undefined);
  for await (const batch of read('collateral')) {
    for (const item of batch) {
      collateral.process(item);
      for (const rule of collateralHooks) {
        runRuleHook(rule, ctx, { hook: 'onCollateral', file: item.file, line: item.line }, () =>
          rule.onCollateral!(item, ctx),
        );
      }
      collateralSeq.observe(item.rec.seq, item);
    }
  }
  collateralSeq.finish();
  collateral.finish();

  observe.stage?.('access log', bytesOf(layout, ['access']));
  const accessHooks = extraRules.filter((r) => r.onAccess !== undefined);
  for await (const batch of read('access')) {
    for (const item of batch) {
      for (const rule of accessHooks) {
        runRuleHook(rule, ctx, { hook: 'onAccess', file: item.file, line: item.line }, () => rule.onAccess!(item, ctx));
      }
    }
  }
  // Rules that need every stream (sessions, IPs) report now; the order-flow auditor owns their lifecycle.
  orderFlow.finish();
}

function bytesOf(layout: DatasetLayout, types: readonly (keyof DatasetLayout['records'])[]): number {
  let n = 0;
  for (const t of types) for (const f of layout.records[t]) n += f.size;
  return n;
}
