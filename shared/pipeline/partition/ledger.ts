/**
 * Ledger: the streams judged whole (every stream but the order flow), each exactly as the single-process run judges it
 * with the rules that read its replay (the collateral ledger: NRH-1..5, MF-1..6; the margin ledger: PERP-3..7) and the
 * checks of its sequence (DQ-2/DQ-4). Each stream is also written, in order, for the global rules that Aggregate runs
 * over it (DQ-5 on collateral, FS-4/FS-5 on access; contract 2: DQ-5 on margin, DQ-5 and SOB-3 on settlements).
 */
import { mkdir } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { RuleSet } from '../../audit/ruleSet.js';
import { splitPack } from '../../checks/pack.js';
import { type GlobalStreamName, globalStreamsOf } from '../../contract/streams.js';
import type { FileStats, QuarantineEntry, ReadHooks } from '../../ingest/readRecords.js';
import { readOrderedBatches } from '../../ordering/readOrderedStream.js';
import { auditWholeStream } from '../auditStreams.js';
import { type PartialResult, TrackingCollector } from './partialResult.js';
import { openStep, type StepState } from './runPlan.js';
import { ChunkedLineWriter } from './workArea.js';

export const LEDGER_FILE = 'ledger/result.json';

/** A record of a stream judged whole, as written for Aggregate. */
export interface LocatedLine<T> {
  f: string;
  l: number;
  r: T;
}

export interface LedgerResult extends PartialResult {
  /** Per stream judged whole (of the dataset's contract): chunks of LocatedLine, in replay order. */
  streams: Partial<Record<GlobalStreamName, string[]>>;
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
  const rules = new RuleSet({ ref, params: step.plan.parameters, sink }, [...splitPack().replayed.values()].flat());
  const quarantine: QuarantineEntry[] = [];
  const fileStats: FileStats[] = [];
  const hooks: ReadHooks = { quarantine: (q) => quarantine.push(q), stats: (s) => fileStats.push(s) };

  const streams: LedgerResult['streams'] = {};
  for (const stream of globalStreamsOf(step.plan.manifest.contract)) {
    const out = new ChunkedLineWriter(step.work, `ledger/${stream}`, opts.chunkBytes);
    const batches = readOrderedBatches(step.source, step.layout, stream, hooks, {
      tmpDir: opts.tmpDir,
      maxInMemory: opts.sortMemoryRecords,
    });
    await auditWholeStream(stream, rules, batches, sink, {
      each: (item) => out.add(JSON.stringify({ f: item.file, l: item.line, r: item.rec })),
      batchDone: () => out.flushIfFull(),
    });
    streams[stream] = await out.close();
  }
  rules.finish();

  const result: LedgerResult = { ...sink.export(), quarantine, fileStats, streams };
  await step.work.putJson(LEDGER_FILE, result);
  return state;
}
