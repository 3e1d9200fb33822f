/**
 * The stages that judge a run's event streams, the same whatever schedules them: the order flow through the order-flow
 * auditor, each stream judged whole through its stream auditor, DQ-2/DQ-4 on every sequenced stream, then every rule's
 * finish. The single-process run (auditDataset.ts) and the bench (bench/auditPass.ts) run them one after the other
 * over the dataset (auditStreams); the distributed run runs the order flow per partition and the streams judged whole
 * in its Ledger and Aggregate steps (partition/).
 */
import { OrderFlowAuditor, type OrderFlowQuarantine } from '../audit/orderFlowAuditor.js';
import { RuleSet } from '../audit/ruleSet.js';
import { StreamAuditor, type StreamItem } from '../audit/streamAuditor.js';
import { RULE_PACK } from '../checks/pack.js';
import type { AuditParameters } from '../config/parameters.js';
import type { OrderFlowItem } from '../contract/events.js';
import type { AuditSink } from '../contract/finding.js';
import { type EventStreamName, type GlobalStreamName, streamSpec, streamsOf } from '../contract/streams.js';
import type { DatasetLayout } from '../ingest/layout.js';
import type { ReadHooks } from '../ingest/readRecords.js';
import type { DatasetSource } from '../ingest/source.js';
import { type OrderedStreamOptions, readOrderedBatches } from '../ordering/readOrderedStream.js';
import { type SequenceStream, SequenceTracker } from '../ordering/sequenceTracker.js';
import type { ReferenceData } from '../reference/referenceData.js';
import { ORDER_FLOW_STAGE } from './progress.js';

/** How the progress and the bench name the stage of each stream. */
export const STREAM_STAGES: Record<EventStreamName, string> = {
  'orders+trades': ORDER_FLOW_STAGE,
  collateral: 'collateral',
  access: 'access log',
  margin: 'margin',
  settlements: 'settlements',
};

/** Observes the stages of auditStreams (progress, and the bench's timing of the replay apart from reading). */
export interface StreamsObserver {
  /** A stream starts (STREAM_STAGES), with the bytes of its files. */
  stage?(name: string, bytes: number): void;
  /** Called after each batch of the order flow with its items and the milliseconds the replay+checks took. */
  replayed?(items: number, ms: number): void;
}

/** The order flow, in seq order, through the order-flow auditor and the DQ-2/DQ-4 checks of its sequence. */
export async function auditOrderFlow(
  rules: RuleSet,
  batches: AsyncIterable<readonly OrderFlowItem[]>,
  quarantine: (q: OrderFlowQuarantine) => void,
  sink: AuditSink,
  replayed?: StreamsObserver['replayed'],
): Promise<void> {
  const auditor = new OrderFlowAuditor(rules, quarantine);
  const seq = new SequenceTracker('orders+trades', sink);
  for await (const batch of batches) {
    const t = replayed === undefined ? 0 : performance.now();
    for (const item of batch) if (auditor.process(item)) seq.observe(item.rec.seq, item);
    replayed?.(batch.length, performance.now() - t);
  }
  seq.finish();
}

/**
 * A stream judged whole, in seq order, through its stream auditor and, when the stream is sequenced, the DQ-2/DQ-4
 * checks of its sequence. `each` sees every item after the rules did; `batchDone` runs after each batch.
 */
export async function auditWholeStream<S extends GlobalStreamName>(
  stream: S,
  rules: RuleSet,
  batches: AsyncIterable<readonly StreamItem<S>[]>,
  sink: AuditSink,
  after: { each?(item: StreamItem<S>): void; batchDone?(): Promise<void> } = {},
): Promise<void> {
  const auditor = new StreamAuditor(rules, stream);
  const seq = streamSpec(stream).sequenced ? new SequenceTracker(stream as SequenceStream, sink) : undefined;
  for await (const batch of batches) {
    for (const item of batch) {
      auditor.process(item);
      seq?.observe(item.rec.seq, item);
      after.each?.(item);
    }
    await after.batchDone?.();
  }
  seq?.finish();
}

/**
 * Every event stream of a dataset (those of its contract version), one after the other, through every rule of the
 * pack, then every rule's finish.
 * Findings and populations go to `sink`, quarantined records and file statistics to `hooks`.
 */
export async function auditStreams(
  run: { source: DatasetSource; layout: DatasetLayout; ref: ReferenceData; parameters: AuditParameters },
  sink: AuditSink,
  hooks: ReadHooks,
  opts: OrderedStreamOptions,
  observe: StreamsObserver = {},
): Promise<void> {
  const rules = new RuleSet({ ref: run.ref, params: run.parameters, sink }, RULE_PACK, { replays: ['orders+trades'] });
  for (const { name, records } of streamsOf(run.layout.contract)) {
    let bytes = 0;
    for (const t of records) for (const f of run.layout.records[t]) bytes += f.size;
    observe.stage?.(STREAM_STAGES[name], bytes);
    if (name === 'orders+trades') {
      const batches = readOrderedBatches(run.source, run.layout, name, hooks, opts);
      await auditOrderFlow(rules, batches, (q) => hooks.quarantine({ ...q, scope: 'record' }), sink, observe.replayed);
    } else {
      await auditWholeStream(name, rules, readOrderedBatches(run.source, run.layout, name, hooks, opts), sink);
    }
  }
  // Rules that need every stream (sessions, IPs, look-ahead windows) report now.
  rules.finish();
}
