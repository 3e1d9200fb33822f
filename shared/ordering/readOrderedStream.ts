/**
 * One call per sequence for the pipeline: reads every file of the stream's record types (readRecords: DQ-1
 * quarantine and file stats through the hooks) and yields the accepted records merged in (seq, file, line) order.
 * When a file is read more than once (the re-read fast path of sortBySeq), its quarantine entries and stats are
 * passed on once only.
 */
import type { Located, OrderFlowItem } from '../checks/rule.js';
import type { AccessEvent, CollateralEvent, RecordType } from '../contract/records.js';
import { type FastLineParser, fastJsonParser } from '../ingest/fastParse.js';
import type { DataFile, DatasetLayout } from '../ingest/layout.js';
import {
  type FileStats,
  type QuarantineEntry,
  type ReadHooks,
  type ReadOptions,
  readRecords,
} from '../ingest/readRecords.js';
import type { DatasetSource } from '../ingest/source.js';
import { fileIsInSeqOrder } from './seqOrderScan.js';
import { type SortInput, type SortItem, sortBySeqBatches } from './sortBySeq.js';

export type OrderedStreamName = 'orders+trades' | 'collateral' | 'access';
export type CollateralItem = { kind: 'collateral' } & Located<CollateralEvent>;
export type AccessItem = { kind: 'access' } & Located<AccessEvent>;
export type OrderedItem<S extends OrderedStreamName> = S extends 'orders+trades'
  ? OrderFlowItem
  : S extends 'collateral'
    ? CollateralItem
    : AccessItem;

export interface OrderedStreamOptions {
  tmpDir: string;
  maxInMemory?: number;
  /**
   * Re-read in-order files instead of spilling them (default false). Saves temporary disk (e.g. Lambda /tmp) but
   * costs CPU: parsing and validating a file again is slower than writing and reading a spilled run.
   */
  reopenSorted?: boolean;
  /**
   * Pre-scan each file for seq order (default true): a file that is in order is merged as it is read, without
   * buffering or spilling. Costs one cheap extra read of the file unless `inOrder` already has the verdict.
   */
  prescan?: boolean;
  /**
   * Pre-scan verdicts already taken (by the hashing read, inputs.ts hashAndScanInputs), by file path: a file found
   * here is not pre-scanned again. Files not found here are pre-scanned as `prescan` says.
   */
  inOrder?: ReadonlyMap<string, boolean>;
  /** 'plain' turns the fast record parser off (exactness tests); default 'fast'. */
  parse?: 'fast' | 'plain';
}

const STREAM_TYPES: Record<OrderedStreamName, readonly [RecordType, string][]> = {
  'orders+trades': [
    ['orders', 'order'],
    ['trades', 'trade'],
  ],
  collateral: [['collateral', 'collateral']],
  access: [['access', 'access']],
};

/** The stream's merged, ordered records in batches (fewer awaits for a hot loop). */
export function readOrderedBatches<S extends OrderedStreamName>(
  source: DatasetSource,
  layout: DatasetLayout,
  stream: S,
  hooks: ReadHooks,
  opts: OrderedStreamOptions,
): AsyncIterable<OrderedItem<S>[]> {
  const files: [DataFile, string][] = [];
  for (const [type, kind] of STREAM_TYPES[stream]) {
    for (const file of layout.records[type] as DataFile[]) files.push([file, kind]);
  }
  const reopenSorted = opts.reopenSorted ?? false;
  const read: ReadOptions = { parse: opts.parse ?? 'fast' };
  return (async function* () {
    const inputs: SortInput<SortItem>[] = [];
    for (const [file, kind] of files) {
      const input = taggedInput(source, file, kind, hooks, read);
      const known = opts.inOrder?.get(file.path);
      if (known !== undefined) input.ordered = known;
      else if (opts.prescan !== false && (await fileIsInSeqOrder(source, file))) input.ordered = true;
      inputs.push(input);
    }
    const decodeRecord = read.parse === 'plain' ? undefined : spilledRecordDecoder();
    yield* sortBySeqBatches(inputs, { ...opts, reopenSorted, decodeRecord });
  })() as AsyncIterable<OrderedItem<S>[]>;
}

const KIND_TYPES: Record<string, RecordType> = {
  order: 'orders',
  trade: 'trades',
  collateral: 'collateral',
  access: 'access',
};

/**
 * Spilled records come back through the fast parser of their type: the text is JSON.stringify of a record the
 * contract accepted, so what the fast parser builds from it is that record again (it builds what JSON.parse + the
 * schema would, and the schema returns a valid record unchanged). Text it leaves (escapes) goes to JSON.parse.
 */
function spilledRecordDecoder(): (kind: string, json: string) => unknown {
  const parsers = new Map<string, FastLineParser | null>();
  return (kind, json) => {
    let p = parsers.get(kind);
    if (p === undefined) {
      const type = KIND_TYPES[kind];
      p = type === undefined ? null : fastJsonParser(type);
      parsers.set(kind, p);
    }
    return (p === null ? undefined : p(json)) ?? JSON.parse(json);
  };
}

/** The stream's merged, ordered records one by one. */
export async function* readOrderedStream<S extends OrderedStreamName>(
  source: DatasetSource,
  layout: DatasetLayout,
  stream: S,
  hooks: ReadHooks,
  opts: OrderedStreamOptions,
): AsyncIterable<OrderedItem<S>> {
  for await (const batch of readOrderedBatches(source, layout, stream, hooks, opts)) yield* batch;
}

/** A re-iterable input of one file whose items carry `kind`; hooks see each entry and the stats once. */
function taggedInput(
  source: DatasetSource,
  file: DataFile,
  kind: string,
  hooks: ReadHooks,
  read: ReadOptions,
): SortInput<SortItem> {
  let forwarded = 0;
  let statsSent = false;
  const batches = async function* (): AsyncIterable<SortItem[]> {
    let seen = 0;
    const once: ReadHooks = {
      quarantine(entry: QuarantineEntry) {
        seen++;
        if (seen > forwarded) {
          forwarded = seen;
          hooks.quarantine(entry);
        }
      },
      stats(stats: FileStats) {
        if (statsSent) return;
        statsSent = true;
        hooks.stats?.(stats);
      },
    };
    // The reader builds the tagged items itself (no copy per record).
    for await (const batch of readRecords(source, file, once, { ...read, kind }).batches()) {
      yield batch as unknown as SortItem[];
    }
  };
  return {
    batches,
    async *[Symbol.asyncIterator]() {
      for await (const batch of batches()) yield* batch;
    },
  };
}
