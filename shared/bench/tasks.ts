/**
 * The measurements of the bench, each run in a child process of its own so that its peak RSS is its own:
 *
 * - `scan`: the floor — read the event files and count their newlines (no decoding), lines per second.
 * - `stages`: read+parse alone (every orders/trades file through readRecords), then one pass of the event streams
 *   through the audit's own composition (auditPass.ts) with the replay timed apart: order = that pass's order-flow
 *   wall time − replay − read+parse.
 * - `store`: N findings of one run into the findings store on the embedded stack (storeBench.ts), findings/s.
 * - `naive`: the naive reference audit of CP-1/CP-2 (naiveReference.ts) on the same files: the second baseline.
 * - `run`: the whole `vatp-audit run` (runAudit with the CLI's services on the embedded stack: findings store,
 *   evidence pack with the PDF report), wall time per pipeline stage, peak RSS.
 *
 * `naive` and `run` both report the digest of their CP findings, so the bench shows that the baseline answered the
 * same question as the audit.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_PARAMETERS } from '../config/parameters.js';
import { classifyLayout, type DataFile } from '../ingest/layout.js';
import { readDatasetManifest } from '../ingest/manifest.js';
import { readRecords } from '../ingest/readRecords.js';
import { LocalDatasetSource } from '../ingest/source.js';
import type { RunProgress } from '../pipeline/progress.js';
import { auditPass } from './auditPass.js';
import { naiveCustomerPriority } from './naiveReference.js';
import { measureStore } from './storeBench.js';

export const EVENT_TYPES = ['orders', 'trades', 'collateral', 'access'] as const;

export type ChildTask =
  | { kind: 'scan'; root: string }
  | { kind: 'stages'; root: string; tmpDir: string }
  | { kind: 'naive'; root: string }
  | { kind: 'store'; findings: number; tmpDir: string }
  | { kind: 'run'; root: string; tmpDir: string; stackDir: string; outDir: string };

export interface ScanResult {
  files: number;
  bytes: number;
  lines: number;
  seconds: number;
  linesPerSecond: number;
  bytesPerSecond: number;
}

export interface StagesResult {
  /** orders + trades records read (accepted + quarantined). */
  orderFlowRecords: number;
  replayed: number;
  readParseSeconds: number;
  orderSeconds: number;
  /** Hashing every input with the order pre-scan folded into the same read (the run's "hash inputs" stage). */
  hashScanSeconds: number;
  replaySeconds: number;
  orderFlowSeconds: number;
  collateralSeconds: number;
  accessSeconds: number;
  findings: number;
  quarantined: number;
  peakRssMb: number;
}

export interface CpFindings {
  /** CP-1 and CP-2 findings. */
  cpFindings: number;
  /** SHA-256 (16 hex digits) of their sorted `check_id subject severity` lines. */
  cpDigest: string;
}

export interface NaiveRunResult extends CpFindings {
  /** orders + trades lines read as records. */
  records: number;
  readSeconds: number;
  sortSeconds: number;
  replaySeconds: number;
  wallSeconds: number;
  /** CPU time of the process (all threads) meanwhile: steadier than wall time on a shared machine. */
  cpuSeconds: number;
  peakRssMb: number;
}

export interface RunResult extends CpFindings {
  wallSeconds: number;
  /** CPU time of the process (all threads, the embedded stack's included) during the run. */
  cpuSeconds: number;
  /** Seconds per pipeline stage, as the pipeline reports its stages (RunProgress). */
  stageSeconds: Record<string, number>;
  /** Peak RSS (MB) of the process when each stage ended: the first stage whose figure rises to the peak set it. */
  stagePeakRssMb: Record<string, number>;
  records: number;
  eventRecords: number;
  findings: number;
  quarantined: number;
  peakRssMb: number;
  runId: string;
}

async function eventFiles(root: string): Promise<DataFile[]> {
  const source = new LocalDatasetSource(root);
  const layout = classifyLayout(await source.list(), (await readDatasetManifest(source)).contract);
  return EVENT_TYPES.flatMap((t) => layout.records[t] as DataFile[]);
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

export function cpFindings(findings: readonly { check_id: string; subject: string; severity: string }[]): CpFindings {
  const lines = findings
    .filter((f) => f.check_id === 'CP-1' || f.check_id === 'CP-2')
    .map((f) => `${f.check_id} ${f.subject} ${f.severity}\n`)
    .sort();
  return { cpFindings: lines.length, cpDigest: createHash('sha256').update(lines.join('')).digest('hex').slice(0, 16) };
}

const cpuSecondsSince = (start: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1e6;
};

export async function measureNaive(root: string): Promise<NaiveRunResult> {
  const c0 = process.cpuUsage();
  const r = await naiveCustomerPriority(root);
  const cpuSeconds = cpuSecondsSince(c0);
  return {
    ...cpFindings(r.findings),
    records: r.records,
    readSeconds: r.seconds.read,
    sortSeconds: r.seconds.sort,
    replaySeconds: r.seconds.replay,
    wallSeconds: r.seconds.total,
    cpuSeconds,
    peakRssMb: peakRssMb(),
  };
}

export async function newlineScan(root: string): Promise<ScanResult> {
  const files = await eventFiles(root);
  let bytes = 0;
  let lines = 0;
  const t0 = performance.now();
  for (const f of files) {
    const stream = createReadStream(join(root, ...f.path.split('/')), { highWaterMark: 1 << 20 });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    files: files.length,
    bytes,
    lines,
    seconds,
    linesPerSecond: lines / seconds,
    bytesPerSecond: bytes / seconds,
  };
}

export async function measureStages(root: string, tmpDir: string): Promise<StagesResult> {
  const source = new LocalDatasetSource(root);
  const files = (await eventFiles(root)).filter((f) => f.record_type === 'orders' || f.record_type === 'trades');
  let records = 0;
  const t0 = performance.now();
  for (const file of files) {
    const reader = readRecords(source, file, {
      quarantine: () => undefined,
      stats: (s) => {
        records += s.records;
      },
    });
    for await (const _batch of reader.batches()) {
      // Reading and parsing only: the records are dropped.
    }
  }
  const readParseSeconds = (performance.now() - t0) / 1000;
  const pass = await auditPass(root, { parse: 'fast', prescan: 'hash', tmpDir });
  const s = pass.seconds;
  return {
    orderFlowRecords: records,
    replayed: pass.replayed,
    readParseSeconds,
    orderSeconds: Math.max(0, s.orderFlow - s.replay - readParseSeconds),
    hashScanSeconds: s.hash,
    replaySeconds: s.replay,
    orderFlowSeconds: s.orderFlow,
    collateralSeconds: s.collateral,
    accessSeconds: s.access,
    findings: pass.findings.length,
    quarantined: pass.quarantine.length,
    peakRssMb: peakRssMb(),
  };
}

export async function measureRun(task: Extract<ChildTask, { kind: 'run' }>): Promise<RunResult> {
  // Loaded here only: the other tasks need neither the AWS SDK, the embedded stack nor the PDF renderer.
  const { openCliServices } = await import('../cli/services.js');
  const { TOOL_VERSION } = await import('../config/version.js');
  const { runAudit } = await import('../pipeline/runAudit.js');
  const { limitHeapGrowth } = await import('../cli/heapGrowth.js');
  const { sortWorkersForThisMachine } = await import('../ordering/readOrderedStream.js');
  const { embeddedTablesDir } = await import('../local/embeddedStack.js');
  limitHeapGrowth(); // as the CLI's run does
  await rm(task.outDir, { recursive: true, force: true });
  // Every run starts from an empty findings table, as a day's first run does: the embedded dynalite's LevelDB folder
  // grows with each run's findings and slows the store stage (1M sorted JSONL: 3 to 21 s for the same 1,043 findings),
  // which measured the bench's history, not the code.
  await rm(embeddedTablesDir(task.stackDir), { recursive: true, force: true });
  await mkdir(task.stackDir, { recursive: true });
  // Always the embedded stack: a bench never writes to a configured AWS account.
  const services = await openCliServices({
    env: { ...process.env, VATP_AUDIT_STACK: 'embedded' },
    dataDir: task.stackDir,
  });
  const stageSeconds: Record<string, number> = {};
  const stagePeakRssMb: Record<string, number> = {};
  let current: string | null = null;
  let since = 0;
  const close = () => {
    if (current !== null) {
      stageSeconds[current] = (stageSeconds[current] ?? 0) + (performance.now() - since) / 1000;
      stagePeakRssMb[current] = Math.round(peakRssMb());
    }
    current = null;
  };
  const progress: RunProgress = {
    stage(name) {
      close();
      current = name;
      since = performance.now();
    },
    advance() {},
    done: close,
  };
  try {
    const store = await services.store();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await runAudit(
      // As the CLI runs it (runCommand.ts): reading in a worker thread.
      {
        input: task.root,
        parameters: DEFAULT_PARAMETERS,
        toolVersion: TOOL_VERSION,
        tmpDir: task.tmpDir,
        readWorker: true,
        sortWorkers: sortWorkersForThisMachine(),
      },
      {
        s3: () => services.clients.s3,
        out: services.openSink(task.outDir),
        signer: services.signer(),
        store,
        now: () => new Date(),
        progress,
      },
    );
    const wallSeconds = (performance.now() - t0) / 1000;
    const cpuSeconds = cpuSecondsSince(c0);
    close();
    const files = result.summary.files;
    const eventRecords = files
      .filter((f) => (EVENT_TYPES as readonly string[]).includes(f.record_type ?? ''))
      .reduce((n, f) => n + f.records, 0);
    return {
      wallSeconds,
      cpuSeconds,
      stageSeconds,
      stagePeakRssMb,
      records: result.summary.reconciliation.records,
      eventRecords,
      findings: result.findings.length,
      ...cpFindings(result.findings),
      quarantined: result.summary.reconciliation.quarantined,
      peakRssMb: peakRssMb(),
      runId: result.runId,
    };
  } finally {
    await services.close();
  }
}

/** Runs one task in this (child) process. */
export async function runChildTask(task: ChildTask): Promise<unknown> {
  if (task.kind === 'scan') return { ...(await newlineScan(task.root)), peakRssMb: peakRssMb() };
  if (task.kind === 'stages') return measureStages(task.root, task.tmpDir);
  if (task.kind === 'naive') return measureNaive(task.root);
  if (task.kind === 'store') return measureStore(task.findings, task.tmpDir);
  return measureRun(task);
}
