/**
 * One call per sequence for the pipeline: reads every file of the stream's record types (readRecords: DQ-1
 * quarantine and file stats through the hooks) and yields the accepted records merged in (seq, file, line) order.
 * When a file is read more than once (the re-read fast path of sortBySeq), its quarantine entries and stats are
 * passed on once only.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Located, OrderFlowItem } from '../contract/events.js';
import type { AccessEvent, CollateralEvent, ContractVersion, RecordType } from '../contract/records.js';
import type { MarginEvent, SettlementEvent } from '../contract/recordsV2.js';
import type { EventStreamName } from '../contract/streams.js';
import { EXIT_FAILURE } from '../errors.js';
import { FileNotFoundError, SourceReadError } from '../ingest/errors.js';
import { type FastLineParser, fastJsonParser } from '../ingest/fastParse.js';
import type { DataFile, DatasetLayout } from '../ingest/layout.js';
import { comparePathBytes } from '../ingest/pathOrder.js';
import {
  type FileStats,
  type QuarantineEntry,
  type ReadHooks,
  type ReadOptions,
  readRecords,
} from '../ingest/readRecords.js';
import { type DatasetSource, LocalDatasetSource } from '../ingest/source.js';
import { OrderingError, OrderingWorkerError } from './errors.js';
import type { MainMessage, WorkerInput, WorkerMessage } from './orderedStreamWorker.js';
import { BatchDecoder, type StreamFile } from './recordCodec.js';
import { fileIsInSeqOrder } from './seqOrderScan.js';
import {
  DEFAULT_MAX_IN_MEMORY,
  mergeSortedBatches,
  type SortInput,
  type SortItem,
  sortBySeqBatches,
} from './sortBySeq.js';

/** The ordered streams (contract/streams.ts): each has its own `seq` (orders and trades share one). */
export type OrderedStreamName = EventStreamName;
export type CollateralItem = { kind: 'collateral' } & Located<CollateralEvent>;
export type AccessItem = { kind: 'access' } & Located<AccessEvent>;
export type MarginItem = { kind: 'margin' } & Located<MarginEvent>;
export type SettlementItem = { kind: 'settlement' } & Located<SettlementEvent>;
export type OrderedItem<S extends OrderedStreamName> = S extends 'orders+trades'
  ? OrderFlowItem
  : S extends 'collateral'
    ? CollateralItem
    : S extends 'margin'
      ? MarginItem
      : S extends 'settlements'
        ? SettlementItem
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
  /**
   * Read, parse and order in a worker thread (orderedStreamWorker.ts) while the caller consumes on this one (default
   * false). Local folders and streams of `workerMinBytes` or more only: others are read on this thread. Same items in
   * the same order, same quarantine and stats (delivered through `hooks` on this thread), same errors (by name and
   * message).
   */
  worker?: boolean;
  /** Smallest stream (bytes of its files) read in a worker (default WORKER_MIN_BYTES; tests use 0). */
  workerMinBytes?: number;
  /**
   * With `worker`: workers for a stream that must be sorted (default 1). Its files are shared out among them by size;
   * each reads, parses and sorts its share (`maxInMemory` is shared too), and this thread merges their sorted batches
   * (the same order: seq, file, line). An external sort gives out nothing before it has read every record, so this is
   * the phase that otherwise runs on one core while the consumer waits. A stream whose files are all known to be in
   * seq order (`inOrder`) keeps one worker. Quarantine entries and file stats then arrive interleaved between the
   * workers in no fixed order (their consumers key them by file and line).
   */
  workers?: number;
}

const STREAM_TYPES: Record<OrderedStreamName, readonly [RecordType, string][]> = {
  'orders+trades': [
    ['orders', 'order'],
    ['trades', 'trade'],
  ],
  collateral: [['collateral', 'collateral']],
  access: [['access', 'access']],
  margin: [['margin', 'margin']],
  settlements: [['settlements', 'settlement']],
};

/**
 * The stream's merged, ordered records in batches (fewer awaits for a hot loop). A stream whose folder is not a record
 * folder of the dataset's contract (margin or settlements of a contract-1 dataset) has no files: it yields nothing.
 */
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
  const bytes = files.reduce((n, [f]) => n + f.size, 0);
  if (
    opts.worker === true &&
    source instanceof LocalDatasetSource &&
    bytes >= (opts.workerMinBytes ?? WORKER_MIN_BYTES)
  ) {
    const shares = shareFiles(files, opts);
    if (shares.length === 1) {
      return readInWorker(source.root, layout, stream, files, hooks, opts) as AsyncIterable<OrderedItem<S>[]>;
    }
    const maxInMemory = Math.ceil((opts.maxInMemory ?? DEFAULT_MAX_IN_MEMORY) / shares.length);
    return mergeSortedBatches(
      shares.map((share) =>
        readInWorker(source.root, layoutOf(layout, stream, share), stream, share, hooks, { ...opts, maxInMemory }),
      ),
    ) as AsyncIterable<OrderedItem<S>[]>;
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
    const decodeRecord = read.parse === 'plain' ? undefined : spilledRecordDecoder(layout.contract);
    yield* sortBySeqBatches(inputs, { ...opts, reopenSorted, decodeRecord });
  })() as AsyncIterable<OrderedItem<S>[]>;
}

const KIND_TYPES: Record<string, RecordType> = {
  order: 'orders',
  trade: 'trades',
  collateral: 'collateral',
  access: 'access',
  margin: 'margin',
  settlement: 'settlements',
};

/**
 * Spilled records come back through the fast parser of their type: the text is JSON.stringify of a record the
 * contract accepted, so what the fast parser builds from it is that record again (it builds what JSON.parse + the
 * schema would, and the schema returns a valid record unchanged). Text it leaves (escapes) goes to JSON.parse. The
 * parser is the one of the dataset's contract: the v1 parser would drop a contract-2 order's route.
 */
function spilledRecordDecoder(contract: ContractVersion): (kind: string, json: string) => unknown {
  const parsers = new Map<string, FastLineParser | null>();
  return (kind, json) => {
    let p = parsers.get(kind);
    if (p === undefined) {
      const type = KIND_TYPES[kind];
      p = type === undefined ? null : fastJsonParser(type, contract);
      parsers.set(kind, p);
    }
    return (p === null ? undefined : p(json)) ?? JSON.parse(json);
  };
}

/**
 * Sorting workers for a run on this machine: one per core, at most two (each holds its own heap and read buffers,
 * which add to the peak RSS; the merge on the consumer's thread is cheap either way).
 */
export function sortWorkersForThisMachine(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/**
 * The files of each worker: one share unless the stream must be sorted and `workers` asks for more. Shares are
 * balanced by bytes (largest file first to the lightest share; ties by path, so the split is the same on every run)
 * and keep the stream's file order within each share.
 */
export function shareFiles(files: [DataFile, string][], opts: OrderedStreamOptions): [DataFile, string][][] {
  const n = Math.min(opts.workers ?? 1, files.length);
  if (!Number.isInteger(n) || n <= 1) return [files];
  if (files.every(([f]) => opts.inOrder?.get(f.path) === true)) return [files];
  const loads = new Array<number>(n).fill(0);
  const shareOf = new Map<string, number>();
  const bySize = [...files].sort(([a], [b]) => b.size - a.size || comparePathBytes(a.path, b.path));
  for (const [f] of bySize) {
    let k = 0;
    for (let j = 1; j < n; j++) if (loads[j]! < loads[k]!) k = j;
    loads[k]! += f.size;
    shareOf.set(f.path, k);
  }
  const shares: [DataFile, string][][] = Array.from({ length: n }, () => []);
  for (const entry of files) shares[shareOf.get(entry[0].path)!]!.push(entry);
  return shares.filter((share) => share.length > 0);
}

/** The layout with only these files in the stream's record folders (what one worker reads). */
function layoutOf(layout: DatasetLayout, stream: OrderedStreamName, files: [DataFile, string][]): DatasetLayout {
  const records = { ...layout.records } as Record<RecordType, DataFile[]>;
  for (const [type] of STREAM_TYPES[stream])
    records[type] = files.flatMap(([f]) => (f.record_type === type ? [f] : []));
  return { ...layout, records: records as DatasetLayout['records'] };
}

/**
 * Streams smaller than this are read on this thread even with `worker`: starting a worker (~0.1-0.5 s) costs more
 * than it saves on them.
 */
export const WORKER_MIN_BYTES = 16 << 20;

/** Batches the consumer may be behind the worker by: bounds the memory of a fast reader ahead of a slow replay. */
const WORKER_CREDITS = 4;

/** The worker's script: the bundle's dist/orderedStreamWorker.js, or the TypeScript source when run from sources. */
function workerScript(): { file: URL; fromSource: boolean } {
  const here = import.meta.url;
  const fromSource = here.endsWith('.ts');
  return { file: new URL(fromSource ? './orderedStreamWorker.ts' : './orderedStreamWorker.js', here), fromSource };
}

function startWorker(input: WorkerInput): Worker {
  const { file, fromSource } = workerScript();
  const workerData = { orderedStream: input };
  if (!fromSource) return new Worker(file, { workerData });
  // From sources (tests, tsx): the worker loads the TypeScript through tsx's loader, as the main thread does.
  const tsx = pathToFileURL(
    join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
  );
  const boot = `import(${JSON.stringify(tsx.href)}).then((m) => { m.register(); return import(${JSON.stringify(file.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/** The worker's error on this thread: the same class (for the ones callers tell apart) and message. */
function rebuildError(m: Extract<WorkerMessage, { t: 'err' }>): Error {
  let e: Error;
  if (m.name === 'OrderingError') e = new OrderingError(m.message);
  else if (m.name === 'SourceReadError') e = new SourceReadError(m.path ?? '', m.message);
  else if (m.name === 'FileNotFoundError') e = new FileNotFoundError(m.path ?? '', m.message);
  else e = new OrderingWorkerError(m.name, m.message, m.exitCode ?? EXIT_FAILURE);
  if (m.stack !== undefined) e.stack = `${e.name}: ${e.message}\n    (in the ordered-stream worker)\n${m.stack}`;
  return e;
}

async function* readInWorker(
  root: string,
  layout: DatasetLayout,
  stream: OrderedStreamName,
  files: [DataFile, string][],
  hooks: ReadHooks,
  opts: OrderedStreamOptions,
): AsyncIterable<OrderedItem<OrderedStreamName>[]> {
  const streamFiles: StreamFile[] = files.map(([f, kind]) => ({
    path: f.path,
    record_type: f.record_type,
    contract: f.contract,
    kind,
  }));
  const { worker: _w, ...rest } = opts;
  const worker = startWorker({ root, layout, stream, files: streamFiles, opts: rest });
  const decoder = new BatchDecoder(streamFiles);
  const queue: WorkerMessage[] = [];
  let failure: Error | null = null;
  let exited = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (e) => {
    failure ??= e;
    notify();
  });
  worker.on('exit', () => {
    exited = true;
    notify();
  });
  const send = (m: MainMessage) => worker.postMessage(m);
  let ended = false;
  try {
    send({ t: 'credit', n: WORKER_CREDITS });
    for (;;) {
      while (queue.length === 0 && failure === null && !exited) await new Promise<void>((r) => (wake = r));
      const m = queue.shift();
      if (m === undefined) {
        if (failure !== null) throw failure;
        throw new OrderingError(`the ordered-stream worker of ${stream} ended without finishing`);
      }
      if (m.t === 'q') hooks.quarantine(m.entry);
      else if (m.t === 's') hooks.stats?.(m.stats);
      else if (m.t === 'b') {
        const items = decoder.decode(m.batch);
        send({ t: 'credit', n: 1 });
        yield items as unknown as OrderedItem<OrderedStreamName>[];
      } else if (m.t === 'end') {
        ended = true;
        return;
      } else throw rebuildError(m);
    }
  } finally {
    if (!ended && !exited) {
      // The consumer stopped early (or failed): let the worker leave its loop so it removes its temporary files.
      send({ t: 'stop' });
      const gone = new Promise<void>((r) => worker.once('exit', () => r()));
      const timeout = new Promise<void>((r) => setTimeout(r, 5000).unref());
      await Promise.race([gone, timeout]);
    }
    await worker.terminate();
  }
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
