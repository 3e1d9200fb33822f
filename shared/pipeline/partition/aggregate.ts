/**
 * Aggregate: turns the partitions back into the single-process run. The partitions' annotated events, merged by
 * ordinal, are the single-process order-flow stream with the replay's views; over them run the orders+trades sequence
 * checks (DQ-2/DQ-4, on processed items only, like the single-process run) and the global rules (FS-3, FS-5, DQ-5,
 * FS-4, FS-7, PERP-2: ruleSplit.ts), then the collateral and access streams for those rules' other hooks, then their
 * finish. Every step's partial result is merged into one collector; the quarantine and file statistics of all steps
 * are gathered for Report.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { type Rule, type RuleContext, ruleContext } from '../../checks/rule.js';
import { reportRuleError, runRuleHook } from '../../checks/runner.js';
import type { OrderFlowItem } from '../../contract/events.js';
import type { AccessEvent, CollateralEvent, OrderEvent, Trade } from '../../contract/records.js';
import type { FileStats, QuarantineEntry } from '../../ingest/readRecords.js';
import { SequenceTracker } from '../../ordering/sequenceTracker.js';
import { type AnnotatedLine, toItem } from './annotatedEvents.js';
import { type PartitionResult, partitionFile } from './auditPartition.js';
import { PartitionInvariantError } from './errors.js';
import { INGEST_FILE, type IngestResult } from './ingest.js';
import { LEDGER_FILE, type LedgerResult, type LocatedLine } from './ledger.js';
import { OrdinalMerge } from './mergeByOrdinal.js';
import { mergeInto, type PartialResult, TrackingCollector } from './partialResult.js';
import { splitExtraRules } from './ruleSplit.js';
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
  const ctx: RuleContext = ruleContext(ref, step.plan.parameters, sink);
  const { global } = splitExtraRules();
  for (const rule of global) {
    if (rule.onReference !== undefined) runRuleHook(rule, ctx, { hook: 'onReference' }, () => rule.onReference!(ctx));
  }
  const orderRules = global.filter((r) => r.onOrderEvent !== undefined);
  const tradeRules = global.filter((r) => r.onTrade !== undefined);

  const orderSeq = new SequenceTracker('orders+trades', sink);
  let processed = 0;
  const merge = await OrdinalMerge.open(partitions.map((p) => new ChunkCursor<AnnotatedLine>(step.work, p.events)));
  try {
    for (;;) {
      const line = merge.take() ?? (await merge.next());
      if (line === undefined) break;
      const item = toItem(line);
      replayGlobal(item, line, orderRules, tradeRules, ctx);
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

  const collateralRules = global.filter((r) => r.onCollateral !== undefined);
  for await (const line of readChunks<LocatedLine<CollateralEvent>>(step.work, ledger.collateral)) {
    const item = { kind: 'collateral' as const, rec: line.r, file: line.f, line: line.l };
    for (const rule of collateralRules) {
      runRuleHook(rule, ctx, { hook: 'onCollateral', file: item.file, line: item.line }, () =>
        rule.onCollateral!(item, ctx),
      );
    }
  }
  const accessRules = global.filter((r) => r.onAccess !== undefined);
  for await (const line of readChunks<LocatedLine<AccessEvent>>(step.work, ledger.access)) {
    const item = { kind: 'access' as const, rec: line.r, file: line.f, line: line.l };
    for (const rule of accessRules) {
      runRuleHook(rule, ctx, { hook: 'onAccess', file: item.file, line: item.line }, () => rule.onAccess!(item, ctx));
    }
  }
  for (const rule of global) {
    if (rule.finish !== undefined) runRuleHook(rule, ctx, { hook: 'finish' }, () => rule.finish!(ctx));
  }

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

/** The global rules' order-flow hooks, called as the OrderFlowAuditor calls them (fail closed per rule). */
function replayGlobal(
  item: OrderFlowItem,
  line: AnnotatedLine,
  orderRules: readonly Rule[],
  tradeRules: readonly Rule[],
  ctx: RuleContext,
): void {
  if (item.kind === 'order') {
    const before = line.b ?? undefined;
    for (const rule of orderRules) {
      try {
        rule.onOrderEvent!(item as { kind: 'order'; rec: OrderEvent; file: string; line: number }, before, ctx);
      } catch (error) {
        reportRuleError(rule, ctx, { hook: 'onOrderEvent', file: item.file, line: item.line }, error);
      }
    }
    return;
  }
  const maker = line.m ?? undefined;
  const taker = line.t ?? undefined;
  for (const rule of tradeRules) {
    try {
      rule.onTrade!(item as { kind: 'trade'; rec: Trade; file: string; line: number }, maker, taker, ctx);
    } catch (error) {
      reportRuleError(rule, ctx, { hook: 'onTrade', file: item.file, line: item.line }, error);
    }
  }
}
