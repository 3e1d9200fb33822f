/** Progress of a long run, so the CLI can draw bars; the pipeline never writes to the terminal itself. */
import type { DataFile, DatasetLayout } from '../ingest/layout.js';
import type { FileStats } from '../ingest/readRecords.js';

/** What a stage's total counts. */
export type ProgressUnit = 'bytes' | 'records' | 'findings';

export interface RunProgress {
  /** A new stage begins (the previous one has ended); `total` in `unit` (default bytes), 0 when unknown. */
  stage(name: string, total: number, unit?: ProgressUnit): void;
  advance(n: number): void;
  /** A better estimate of the current stage's total. */
  resize?(total: number): void;
  /** Files of the current stage read to their end, when the stage counts something else (records replayed). */
  filesRead?(read: number, of: number): void;
  /** The last stage has ended. */
  done(): void;
  /** The run stopped in the middle of a stage (an error): leave the bar where it is. */
  abort?(): void;
}

/**
 * The progress of the event streams (auditStreams): the orders and trades stage counts records replayed, so its
 * bar moves with the replay rather than with the reading (which runs ahead of it, or, for a stream that must be sorted,
 * finishes before the replay starts). Its total starts from the line counts of the hashing read and becomes exact as
 * each file is read (its accepted records). The collateral and access stages count bytes of files read.
 */
export class EventStreamProgress {
  readonly #progress: RunProgress;
  readonly #layout: DatasetLayout;
  readonly #lines: ReadonlyMap<string, number>;
  /** Estimated records per file of the orders and trades stage; exact once the file is read. */
  #records: Map<string, number> | undefined;
  #total = 0;
  #replayed = 0;
  #filesRead = 0;

  constructor(progress: RunProgress, layout: DatasetLayout, lines: ReadonlyMap<string, number>) {
    this.#progress = progress;
    this.#layout = layout;
    this.#lines = lines;
  }

  /** A stream's stage begins (auditStreams' observer). */
  stage(name: string, bytes: number): void {
    if (name !== ORDER_FLOW_STAGE) {
      this.#records = undefined;
      this.#progress.stage(name, bytes, 'bytes');
      return;
    }
    const files = [...this.#layout.records.orders, ...this.#layout.records.trades] as DataFile[];
    this.#records = new Map(files.map((f) => [f.path, this.#lines.get(f.path) ?? 0]));
    this.#total = sum(this.#records);
    this.#replayed = 0;
    this.#filesRead = 0;
    this.#progress.stage(name, this.#total, 'records');
    this.#progress.filesRead?.(0, this.#records.size);
  }

  /** A file has been read to its end. */
  fileRead(stats: FileStats): void {
    if (this.#records === undefined) {
      this.#progress.advance(stats.bytes);
      return;
    }
    if (!this.#records.has(stats.path)) return;
    this.#records.set(stats.path, stats.accepted);
    this.#resize(sum(this.#records));
    // Reading runs ahead of the replay (a stream out of seq order is read whole before its replay starts).
    this.#filesRead += 1;
    this.#progress.filesRead?.(this.#filesRead, this.#records.size);
  }

  /** Records of the order flow replayed (auditStreams' observer). */
  replayed(items: number): void {
    this.#replayed += items;
    if (this.#replayed > this.#total) this.#resize(this.#replayed);
    this.#progress.advance(items);
  }

  #resize(total: number): void {
    const t = Math.max(total, this.#replayed);
    if (t === this.#total) return;
    this.#total = t;
    this.#progress.resize?.(t);
  }
}

/** The name of the order-flow stage (auditStreams' STREAM_STAGES). */
export const ORDER_FLOW_STAGE = 'orders and trades';

function sum(m: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}
