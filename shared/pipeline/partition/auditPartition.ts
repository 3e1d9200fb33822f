/**
 * AuditPartition (one Distributed Map item): replays one partition's symbols exactly as the single-process run replays
 * them — the OrderFlowAuditor with the pack's symbol-scoped rules (DQ-6, DQ-3, CP-1/2, MMT-1..4, FS-1/2, PERP-1, SOB-1/2) —
 * over the merge of the symbols' chunks by ordinal, which is the global order restricted to these symbols. An
 * EventRecorder writes every processed item with the replay's views for Aggregate.
 *
 * A partition too big for one Lambda invocation (15 minutes) is split by time: when the invocation nears its deadline
 * (or after `maxItems` items), the step stops between two items, writes a checkpoint to the work area — the replay's
 * book and every rule's state, the findings and counts so far, where each symbol's stream stands, the annotated-event
 * chunks written — and returns `done: false`; the state machine invokes the step again with the next slice number,
 * which loads the checkpoint and carries on. Only the last slice finishes the rules and writes the partition's result,
 * so the result is the one an unsplit run writes (the state-machine test runs both ways).
 */

import { deserialize, serialize } from 'node:v8';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { type AuditorCheckpoint, OrderFlowAuditor } from '../../audit/orderFlowAuditor.js';
import { RuleSet } from '../../audit/ruleSet.js';
import { splitPack } from '../../checks/pack.js';
import type { QuarantineEntry } from '../../ingest/readRecords.js';
import { type AnnotatedLine, EventRecorder, type OrderedLine, toItem } from './annotatedEvents.js';
import { PartitionInvariantError, StepInputError, WorkAreaError } from './errors.js';
import { INGEST_FILE, type IngestResult } from './ingest.js';
import { OrdinalMerge } from './mergeByOrdinal.js';
import { type PartialResult, TrackingCollector } from './partialResult.js';
import { openStep, type StepState } from './runPlan.js';
import { ChunkCursor, ChunkedLineWriter, type ChunkPosition } from './workArea.js';

export interface PartitionResult extends PartialResult {
  /** Chunks of AnnotatedLine, in ordinal order. */
  events: string[];
  items: number;
}

/** The state of one Distributed Map item: the partition, and (after a checkpoint) the slice to run next. */
export interface PartitionState extends StepState {
  partition: number;
  /** 0 (or absent): the first slice; k > 0: resume from the checkpoint slice k − 1 wrote. */
  slice?: number;
}

export interface PartitionStepOutput extends PartitionState {
  slice: number;
  /** false: a checkpoint was written and the step must run again with this state. */
  done: boolean;
  /** Items processed so far, over all slices. */
  items: number;
}

export interface SliceLimits {
  /** Milliseconds left in this invocation (the Lambda context's); absent: no deadline. */
  remainingMs?: () => number;
  /** Stop and write a checkpoint when fewer milliseconds than this remain (default 120 s). */
  reserveMs?: number;
  /** Stop and write a checkpoint after this many items in one invocation. */
  maxItems?: number;
}

export const partitionFile = (n: number) => `partitions/p${n}/result.json`;
export const checkpointFile = (n: number, slice: number) => `partitions/p${n}/checkpoint-s${slice}.v8.gz`;

const CHECKPOINT_VERSION = 1;
/** How often (in items) the deadline is looked at. */
const DEADLINE_EVERY = 1024;

interface PartitionCheckpoint {
  version: typeof CHECKPOINT_VERSION;
  partition: number;
  /** The slice that wrote it. */
  slice: number;
  items: number;
  /** Per symbol stream (ingest order of the partition's symbols): where its next unread line is. */
  positions: ChunkPosition[];
  auditor: AuditorCheckpoint;
  sink: ReturnType<TrackingCollector['saveState']>;
  quarantine: QuarantineEntry[];
  events: { chunks: string[]; count: number };
}

export async function auditPartition(
  state: PartitionState,
  deps: { s3: S3Client },
  opts: { chunkBytes?: number; limits?: SliceLimits } = {},
): Promise<PartitionStepOutput> {
  const slice = state.slice ?? 0;
  if (!Number.isSafeInteger(slice) || slice < 0) throw new StepInputError(`slice ${String(state.slice)} is not valid`);
  const step = await openStep(state.run, deps.s3);
  const ingest = await step.work.getJson<IngestResult>(INGEST_FILE);
  const symbols = ingest.partitions[state.partition];
  if (!Number.isInteger(state.partition) || symbols === undefined) {
    throw new StepInputError(`partition ${state.partition} does not exist (${ingest.partitions.length} partitions)`);
  }
  const ref = await step.reference();
  const sink = new TrackingCollector();
  let current = -1;
  let recordError: unknown;
  let writer: ChunkedLineWriter | undefined;
  const recorder = new EventRecorder(
    () => current,
    (line: AnnotatedLine) => {
      try {
        writer!.add(JSON.stringify(line));
      } catch (error) {
        recordError ??= error;
      }
    },
  );
  const rules = new RuleSet({ ref, params: step.plan.parameters, sink }, splitPack().symbol, {
    replays: ['orders+trades'],
    extra: [recorder],
  });
  // Same callback shape as the single-process run: a context-only contract failure is one DQ-1 record.
  let quarantine: QuarantineEntry[] = [];
  const auditor = new OrderFlowAuditor(rules, (q) => quarantine.push({ ...q, scope: 'record' }));

  let items = 0;
  let positions: readonly ChunkPosition[] = symbols.map(() => ({ chunk: 0, line: 0 }));
  let events: { chunks: string[]; count: number } | undefined;
  if (slice > 0) {
    const cp = await readCheckpoint(step.work, state.partition, slice - 1);
    if (cp.positions.length !== symbols.length) {
      throw new PartitionInvariantError(`checkpoint of partition ${state.partition} has another set of symbols`);
    }
    auditor.loadState(cp.auditor);
    sink.loadState(cp.sink);
    quarantine = cp.quarantine;
    items = cp.items;
    positions = cp.positions;
    events = cp.events;
  }
  writer = new ChunkedLineWriter(step.work, `partitions/p${state.partition}/events`, opts.chunkBytes, events);

  const cursors = symbols.map(
    (s, k) => new ChunkCursor<OrderedLine>(step.work, ingest.symbols[s]!.chunks, positions[k]!),
  );
  const merge = await OrdinalMerge.open(cursors);
  const limits = opts.limits ?? {};
  const reserveMs = limits.reserveMs ?? 120_000;
  const maxItems = limits.maxItems ?? Number.POSITIVE_INFINITY;
  let sliceItems = 0;
  let stopped = false;
  try {
    for (;;) {
      const line = merge.take() ?? (await merge.next());
      if (line === undefined) break;
      current = line.i;
      auditor.process(toItem(line));
      items++;
      sliceItems++;
      if (writer.full) await writer.flush();
      // Stopping only after an item keeps every slice moving forward, whatever the deadline says.
      if (
        sliceItems >= maxItems ||
        (limits.remainingMs !== undefined && sliceItems % DEADLINE_EVERY === 0 && limits.remainingMs() < reserveMs)
      ) {
        stopped = true;
        break;
      }
    }
  } finally {
    await merge.close();
  }
  if (recordError !== undefined) {
    throw new PartitionInvariantError('could not record the annotated events of the partition', { cause: recordError });
  }
  const output = (done: boolean): PartitionStepOutput => ({
    run: state.run,
    partition: state.partition,
    slice: done ? slice : slice + 1,
    done,
    items,
  });

  if (stopped) {
    await writer.flush();
    const cp: PartitionCheckpoint = {
      version: CHECKPOINT_VERSION,
      partition: state.partition,
      slice,
      items,
      // Each stream's resume place is read once here, not kept per item.
      positions: cursors.map((c) => c.position),
      auditor: auditor.saveState(),
      sink: sink.saveState(),
      quarantine,
      events: { chunks: [...writer.chunks], count: writer.count },
    };
    await step.work.putBytes(checkpointFile(state.partition, slice), gzipSync(serialize(cp), { level: 1 }));
    return output(false);
  }

  rules.finish();
  const expected = symbols.reduce((n, s) => n + ingest.symbols[s]!.items, 0);
  if (items !== expected) {
    throw new PartitionInvariantError(`partition ${state.partition} read ${items} of ${expected} items`);
  }
  const eventChunks = await writer.close();
  const result: PartitionResult = { ...sink.export(), quarantine, fileStats: [], events: eventChunks, items };
  await step.work.putJson(partitionFile(state.partition), result);
  return output(true);
}

async function readCheckpoint(
  work: { getBytes(name: string): Promise<Buffer>; uri: string },
  partition: number,
  slice: number,
): Promise<PartitionCheckpoint> {
  const name = checkpointFile(partition, slice);
  const bytes = await work.getBytes(name);
  let cp: PartitionCheckpoint;
  try {
    cp = deserialize(gunzipSync(bytes)) as PartitionCheckpoint;
  } catch (cause) {
    throw new WorkAreaError(`checkpoint ${name} in ${work.uri} cannot be read`, { cause });
  }
  if (cp?.version !== CHECKPOINT_VERSION || cp.partition !== partition || cp.slice !== slice) {
    throw new WorkAreaError(
      `checkpoint ${name} in ${work.uri} is not the one of partition ${partition}, slice ${slice}`,
    );
  }
  return cp;
}
