/**
 * AuditPartition (one Distributed Map item): replays one partition's symbols exactly as the single-process run replays
 * them — the OrderFlowAuditor with its own checks (DQ-6, DQ-3, CP-1/2, MMT-1..4) and the symbol-local FS/PERP rules —
 * over the merge of the symbols' chunks by ordinal, which is the global order restricted to these symbols. An
 * EventRecorder writes every processed item with the replay's views for Aggregate.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { RuleContext } from '../../checks/rule.js';
import type { QuarantineEntry } from '../../ingest/readRecords.js';
import { OrderFlowAuditor } from '../../orderflow/auditor.js';
import { type AnnotatedLine, EventRecorder, type OrderedLine, toItem } from './annotatedEvents.js';
import { PartitionInvariantError, StepInputError } from './errors.js';
import { INGEST_FILE, type IngestResult } from './ingest.js';
import { mergeByOrdinal } from './mergeByOrdinal.js';
import { type PartialResult, TrackingCollector } from './partialResult.js';
import { splitExtraRules } from './ruleSplit.js';
import { openStep, type StepState } from './runPlan.js';
import { ChunkedLineWriter, readChunks } from './workArea.js';

export interface PartitionResult extends PartialResult {
  /** Chunks of AnnotatedLine, in ordinal order. */
  events: string[];
  items: number;
}

export const partitionFile = (n: number) => `partitions/p${n}/result.json`;

export async function auditPartition(
  state: StepState & { partition: number },
  deps: { s3: S3Client },
  opts: { chunkBytes?: number } = {},
): Promise<{ partition: number; items: number }> {
  const step = await openStep(state.run, deps.s3);
  const ingest = await step.work.getJson<IngestResult>(INGEST_FILE);
  const symbols = ingest.partitions[state.partition];
  if (!Number.isInteger(state.partition) || symbols === undefined) {
    throw new StepInputError(`partition ${state.partition} does not exist (${ingest.partitions.length} partitions)`);
  }
  const ref = await step.reference();
  const sink = new TrackingCollector();
  const ctx: RuleContext = { ref, params: step.plan.parameters, sink };
  const quarantine: QuarantineEntry[] = [];
  const writer = new ChunkedLineWriter(step.work, `partitions/p${state.partition}/events`, opts.chunkBytes);
  let current = -1;
  let recordError: unknown;
  const recorder = new EventRecorder(
    () => current,
    (line: AnnotatedLine) => {
      try {
        writer.add(JSON.stringify(line));
      } catch (error) {
        recordError ??= error;
      }
    },
  );
  const { local } = splitExtraRules();
  // Same callback shape as the single-process run: a context-only contract failure is one DQ-1 record.
  const auditor = new OrderFlowAuditor(ctx, [...local, recorder], (q) => quarantine.push({ ...q, scope: 'record' }));
  const streams = symbols.map((s) => readChunks<OrderedLine>(step.work, ingest.symbols[s]!.chunks));
  let items = 0;
  for await (const line of mergeByOrdinal(streams)) {
    current = line.i;
    auditor.process(toItem(line));
    items++;
    await writer.flushIfFull();
  }
  auditor.finish();
  if (recordError !== undefined) {
    throw new PartitionInvariantError('could not record the annotated events of the partition', { cause: recordError });
  }
  const expected = symbols.reduce((n, s) => n + ingest.symbols[s]!.items, 0);
  if (items !== expected)
    throw new PartitionInvariantError(`partition ${state.partition} read ${items} of ${expected} items`);
  const events = await writer.close();
  const result: PartitionResult = { ...sink.export(), quarantine, fileStats: [], events, items };
  await step.work.putJson(partitionFile(state.partition), result);
  return { partition: state.partition, items };
}
