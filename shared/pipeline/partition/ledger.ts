/**
 * Ledger: the collateral stream exactly as the single-process run replays it — CollateralAuditor (NRH-1..5,
 * MF-1..6) and the collateral sequence checks (DQ-2/DQ-4) — plus the access log's read. Both streams are also written,
 * in order, for the global rules that Aggregate runs over them (DQ-5 on collateral, FS-4/FS-5 on access).
 */
import { mkdir } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { type RuleContext, ruleContext } from '../../checks/rule.js';
import { CollateralAuditor } from '../../collateral/auditor.js';
import type { FileStats, QuarantineEntry, ReadHooks } from '../../ingest/readRecords.js';
import { readOrderedBatches } from '../../ordering/readOrderedStream.js';
import { SequenceTracker } from '../../ordering/sequenceTracker.js';
import { type PartialResult, TrackingCollector } from './partialResult.js';
import { openStep, type StepState } from './runPlan.js';
import { ChunkedLineWriter } from './workArea.js';

export const LEDGER_FILE = 'ledger/result.json';

/** A collateral or access record as written for Aggregate. */
export interface LocatedLine<T> {
  f: string;
  l: number;
  r: T;
}

export interface LedgerResult extends PartialResult {
  collateral: string[];
  access: string[];
}

export async function auditLedger(
  state: StepState,
  deps: { s3: S3Client },
  opts: { tmpDir: string; sortMemoryRecords?: number; chunkBytes?: number },
): Promise<StepState> {
  const step = await openStep(state.run, deps.s3);
  await mkdir(opts.tmpDir, { recursive: true });
  const ref = await step.reference();
  const sink = new TrackingCollector();
  const ctx: RuleContext = ruleContext(ref, step.plan.parameters, sink);
  const quarantine: QuarantineEntry[] = [];
  const fileStats: FileStats[] = [];
  const hooks: ReadHooks = { quarantine: (q) => quarantine.push(q), stats: (s) => fileStats.push(s) };
  const read = <S extends 'collateral' | 'access'>(stream: S) =>
    readOrderedBatches(step.source, step.layout, stream, hooks, {
      tmpDir: opts.tmpDir,
      maxInMemory: opts.sortMemoryRecords,
    });

  const collateral = new CollateralAuditor(ctx);
  const collateralSeq = new SequenceTracker('collateral', sink);
  const collateralOut = new ChunkedLineWriter(step.work, 'ledger/collateral', opts.chunkBytes);
  for await (const batch of read('collateral')) {
    for (const item of batch) {
      collateral.process(item);
      collateralSeq.observe(item.rec.seq, item);
      collateralOut.add(JSON.stringify({ f: item.file, l: item.line, r: item.rec }));
    }
    await collateralOut.flushIfFull();
  }
  collateralSeq.finish();
  collateral.finish();

  const accessOut = new ChunkedLineWriter(step.work, 'ledger/access', opts.chunkBytes);
  for await (const batch of read('access')) {
    for (const item of batch) accessOut.add(JSON.stringify({ f: item.file, l: item.line, r: item.rec }));
    await accessOut.flushIfFull();
  }

  const result: LedgerResult = {
    ...sink.export(),
    quarantine,
    fileStats,
    collateral: await collateralOut.close(),
    access: await accessOut.close(),
  };
  await step.work.putJson(LEDGER_FILE, result);
  return state;
}
