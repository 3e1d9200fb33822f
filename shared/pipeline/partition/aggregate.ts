/**
 * Aggregate: turns the partitions back into the single-process run. The partitions' annotated events, merged by
 * ordinal, are the single-process order-flow stream with the replay's views; over them run the orders+trades sequence
 * checks (DQ-2/DQ-4, on processed items only, like the single-process run) and the pack's global rules that read no
 * replay (FS-3, FS-5, FS-6, DQ-5, FS-4, FS-7, PERP-2; contract 2: SOB-3), then the streams judged whole that Ledger
 * wrote, for those rules' other hooks (so, as in the single-process run, they have seen the whole order flow first:
 * DQ-5 knows every routed order before the settlements), then their finish. Every step's partial result is merged
 * into one collector; the quarantine and file statistics of all steps are gathered for Report.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { RuleSet } from '../../audit/ruleSet.js';
import { StreamAuditor, type StreamItem } from '../../audit/streamAuditor.js';
import { splitPack } from '../../checks/pack.js';
import { globalStreamsOf } from '../../contract/streams.js';
import type { FileStats, QuarantineEntry } from '../../ingest/readRecords.js';
import { SequenceTracker } from '../../ordering/sequenceTracker.js';
import { type AnnotatedLine, toItem } from './annotatedEvents.js';
import { type PartitionResult, partitionFile } from './auditPartition.js';
import { PartitionInvariantError } from './errors.js';
import { INGEST_FILE, type IngestResult } from './ingest.js';
import { LEDGER_FILE, type LedgerResult, type LocatedLine } from './ledger.js';
import { OrdinalMerge } from './mergeByOrdinal.js';
import { mergeInto, type PartialResult, TrackingCollector } from './partialResult.js';
import { openStep, type StepState } from './runPlan.js';
import { ChunkCursor, readChunks } from './workArea.js';

export const AGGREGATE_FILE = 'aggregate.json';

export type AggregateResult = PartialResult;

export async function aggregateRun(state: StepState, deps: { s3: S3Client }): Promise<StepState> {
  const step = await openStep(state.run, deps.s3);
  const ingest = await step.work.getJson<IngestResult>(INGEST_FILE);
  const ledger = await step.work.getJson<LedgerResult>(LEDGER_FILE);
  const partitions: PartitionResult[] = [];
  for (let p = 0; p < ingest.partitions.length; p++) {
    partitions.push(await step.work.getJson<PartitionResult>(partitionFile(p)));
  }
  const ref = await step.reference();
  const sink = new TrackingCollector();
  const rules = new RuleSet({ ref, params: step.plan.parameters, sink }, splitPack().global);
  const ctx = rules.ctx;
  const orderHooks = rules.hooks('onOrderEvent');
  const tradeHooks = rules.hooks('onTrade');

  const orderSeq = new SequenceTracker('orders+trades', sink);
  let processed = 0;
  const merge = await OrdinalMerge.open(partitions.map((p) => new ChunkCursor<AnnotatedLine>(step.work, p.events)));
  try {
    for (;;) {
      const line = merge.take() ?? (await merge.next());
      if (line === undefined) break;
      const item = toItem(line);
      // The global rules' order-flow hooks, called as the order-flow auditor calls them, with the partition's views.
      if (item.kind === 'order') orderHooks.call(item.file, item.line, item, line.b ?? undefined, ctx, undefined);
      else tradeHooks.call(item.file, item.line, item, line.m ?? undefined, line.t ?? undefined, ctx);
      orderSeq.observe(item.rec.seq, item);
      processed++;
    }
  } finally {
    await merge.close();
  }
  orderSeq.finish();
  const recorded = partitions.reduce((n, p) => n + p.items, 0);
  const contextQuarantined = partitions.reduce((n, p) => n + p.quarantine.length, 0);
  if (processed + contextQuarantined !== ingest.items || recorded !== ingest.items) {
    throw new PartitionInvariantError(
      `order-flow items: ${ingest.items} ingested, ${recorded} audited in partitions, ${processed} annotated + ${contextQuarantined} set aside`,
    );
  }

  for (const stream of globalStreamsOf(step.plan.manifest.contract)) {
    const auditor = new StreamAuditor(rules, stream);
    type Item = StreamItem<typeof stream>;
    for await (const line of readChunks<LocatedLine<Item['rec']>>(step.work, ledger.streams[stream] ?? [])) {
      auditor.process({ rec: line.r, file: line.f, line: line.l } as Item);
    }
  }
  rules.finish();

  for (const part of [...partitions, ledger]) mergeInto(sink, part);
  const quarantine: QuarantineEntry[] = [
    ...step.plan.quarantine,
    ...ingest.quarantine,
    ...partitions.flatMap((p) => p.quarantine),
    ...ledger.quarantine,
  ];
  const fileStats: FileStats[] = [...step.plan.file_stats, ...ingest.file_stats, ...ledger.fileStats];
  const result: AggregateResult = { ...sink.export(), quarantine, fileStats };
  await step.work.putJson(AGGREGATE_FILE, result);
  return state;
}
