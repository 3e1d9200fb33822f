/**
 * An append-only column of non-negative integers for the closed orders (few bytes per closed order, and no
 * grow-by-copy spike). Values live in fixed pages of 4096; each page keeps its values as deltas to a base (its
 * smallest value) in the narrowest typed array that holds the page's range: Uint8, Uint16, Uint32, or Float64 (exact
 * up to 2^53). A page is re-encoded when a value does not fit (a few thousand entries at most), and a new page is
 * allocated when the last is full, so the column never holds two copies of itself. Neighbouring values are close in
 * practice (a page of closing seqs spans a few thousand events, offsets into an id pool grow by a few bytes each), so
 * most pages take one or two bytes per value even when the values are large. Typed arrays are not scanned by the GC.
 */
import { ReplayInvariantError } from './errors.js';

type Page = Uint8Array | Uint16Array | Uint32Array | Float64Array;

/** Values as one plain array (a checkpoint's form): the narrowest of these that holds every value. */
export type ColumnValues = Uint16Array | Uint32Array | Float64Array;

const PAGE_BITS = 12;
const PAGE = 1 << PAGE_BITS;
const MASK = PAGE - 1;
const U8_MAX = 0xff;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

export class UintColumn {
  readonly #pages: Page[] = [];
  /** The value that page p's entries are deltas to. */
  readonly #bases: number[] = [];
  /** The largest delta page p's array can hold. */
  readonly #room: number[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** Bytes held by the pages, for the bench's memory figures. */
  get bytes(): number {
    let b = 0;
    for (const p of this.#pages) b += p.byteLength;
    return b;
  }

  get(i: number): number {
    const p = i >>> PAGE_BITS;
    return this.#bases[p]! + this.#pages[p]![i & MASK]!;
  }

  /** Appends v; its index is the length before. */
  push(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0)
      throw new ReplayInvariantError(`column value ${v} is not a safe non-negative integer`);
    const i = this.#length;
    if (i >= U32_MAX) throw new ReplayInvariantError('column beyond 2^32 values');
    const p = i >>> PAGE_BITS;
    const k = i & MASK;
    if (k === 0) {
      this.#pages.push(new Uint8Array(PAGE));
      this.#bases.push(v);
      this.#room.push(U8_MAX);
    }
    const d = v - this.#bases[p]!;
    if (d >= 0 && d <= this.#room[p]!) this.#pages[p]![k] = d;
    else this.#repage(p, k, v);
    this.#length = i + 1;
  }

  /** The first n values as one array (a copy), in the narrowest of Uint16/Uint32/Float64 that holds them. */
  slice(n: number): ColumnValues {
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, this.get(i));
    const out = max <= U16_MAX ? new Uint16Array(n) : max <= U32_MAX ? new Uint32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.get(i);
    return out;
  }

  /** A column holding `values` (e.g. a checkpoint's slice). */
  static from(values: ArrayLike<number>): UintColumn {
    const c = new UintColumn();
    for (let i = 0; i < values.length; i++) c.push(values[i]!);
    return c;
  }

  /** Page p holds k values and v does not fit: re-encode the page over the range of its values and v. */
  #repage(p: number, k: number, v: number): void {
    const old = this.#pages[p]!;
    const base = this.#bases[p]!;
    let lo = v;
    let hi = v;
    for (let j = 0; j < k; j++) {
      const x = base + old[j]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    const range = hi - lo;
    const page =
      range <= U8_MAX
        ? new Uint8Array(PAGE)
        : range <= U16_MAX
          ? new Uint16Array(PAGE)
          : range <= U32_MAX
            ? new Uint32Array(PAGE)
            : new Float64Array(PAGE);
    for (let j = 0; j < k; j++) page[j] = base + old[j]! - lo;
    page[k] = v - lo;
    this.#pages[p] = page;
    this.#bases[p] = lo;
    this.#room[p] =
      range <= U8_MAX ? U8_MAX : range <= U16_MAX ? U16_MAX : range <= U32_MAX ? U32_MAX : Number.MAX_SAFE_INTEGER;
  }
}
