/**
 * A k-way merge of chunked streams that are each sorted by a unique integer ordinal (`i`), with a small binary heap of
 * stream indexes. Items are taken synchronously; the owner awaits `refill()` only when the stream of the item just
 * taken has run out of loaded lines (once per batch of lines, not per item: an await per event would
 * dominate the partition and Aggregate steps' per-event cost).
 */
import { PartitionInvariantError } from './errors.js';

/** A sorted stream read ahead in batches (ChunkCursor): its head is available synchronously until `fill()` is due. */
export interface Cursor<T> {
  /** The next value, or undefined when `fill()` must run first (or the stream is at its end). */
  readonly head: T | undefined;
  take(): T;
  /** Loads until a head is available; false at the end. */
  fill(): Promise<boolean>;
  close(): Promise<void>;
}

export class OrdinalMerge<T extends { i: number }> {
  readonly #cursors: readonly Cursor<T>[];
  readonly #heap: number[] = [];
  /** The stream whose head must be loaded before the next take, or -1. */
  #dry = -1;
  #last = -1;
  /** The stream of the item last taken. */
  stream = -1;

  private constructor(cursors: readonly Cursor<T>[]) {
    this.#cursors = cursors;
  }

  static async open<T extends { i: number }>(cursors: readonly Cursor<T>[]): Promise<OrdinalMerge<T>> {
    const merge = new OrdinalMerge(cursors);
    for (let s = 0; s < cursors.length; s++) if (await cursors[s]!.fill()) merge.#push(s);
    return merge;
  }

  /** The next item in ordinal order, or undefined when `refill()` must run first or every stream is at its end. */
  take(): T | undefined {
    if (this.#dry !== -1 || this.#heap.length === 0) return undefined;
    const s = this.#pop();
    const item = this.#cursors[s]!.take();
    if (item.i <= this.#last) {
      throw new PartitionInvariantError(`merge input out of order: ordinal ${item.i} after ${this.#last}`);
    }
    this.#last = item.i;
    this.stream = s;
    if (this.#cursors[s]!.head !== undefined) this.#push(s);
    else this.#dry = s;
    return item;
  }

  /** Loads the stream that ran dry; false when nothing is left to take. */
  async refill(): Promise<boolean> {
    if (this.#dry !== -1) {
      const s = this.#dry;
      this.#dry = -1;
      if (await this.#cursors[s]!.fill()) this.#push(s);
    }
    return this.#heap.length > 0;
  }

  /**
   * The next item after loading what it needs; undefined at the end. Loops write `merge.take() ?? (await
   * merge.next())`, so that the promise is paid only when a stream ran dry.
   */
  async next(): Promise<T | undefined> {
    for (;;) {
      const item = this.take();
      if (item !== undefined) return item;
      if (!(await this.refill())) return undefined;
    }
  }

  /** Releases every stream's open object (an owner that stops early). */
  async close(): Promise<void> {
    for (const c of this.#cursors) await c.close();
  }

  #key(s: number): number {
    return this.#cursors[s]!.head!.i;
  }

  #push(s: number): void {
    const heap = this.#heap;
    heap.push(s);
    let c = heap.length - 1;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (this.#key(heap[c]!) >= this.#key(heap[p]!)) break;
      [heap[c], heap[p]] = [heap[p]!, heap[c]!];
      c = p;
    }
  }

  #pop(): number {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let p = 0;
      for (;;) {
        const l = 2 * p + 1;
        const r = l + 1;
        let m = p;
        if (l < heap.length && this.#key(heap[l]!) < this.#key(heap[m]!)) m = l;
        if (r < heap.length && this.#key(heap[r]!) < this.#key(heap[m]!)) m = r;
        if (m === p) break;
        [heap[m], heap[p]] = [heap[p]!, heap[m]!];
        p = m;
      }
    }
    return top;
  }
}
