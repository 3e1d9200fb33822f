/**
 * A growable column of non-negative integers for the closed orders (issue 9: bytes per closed order). It holds every
 * value exactly: Uint16 while all values fit, then Uint32, then Float64 (exact up to 2^53). Most columns (symbol,
 * account and price numbers of a day) stay narrow; seq widens once. Typed arrays are not scanned by the GC, and the
 * unused tail of a doubled array is never touched, so it stays out of the resident set.
 */
type Storage = Uint16Array | Uint32Array | Float64Array;

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

export class UintColumn {
  #a: Storage;
  #max: number;

  constructor(storage: Storage = new Uint16Array(1 << 12)) {
    this.#a = storage;
    this.#max = maxOf(storage);
  }

  get(i: number): number {
    return this.#a[i]!;
  }

  set(i: number, v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`column value ${v} is not a safe non-negative integer`);
    if (v > this.#max) this.#widen(v);
    if (i >= this.#a.length) this.#grow(i + 1);
    this.#a[i] = v;
  }

  /** The first n values, in the narrowest storage used so far (a copy). */
  slice(n: number): Storage {
    return this.#a.slice(0, n);
  }

  /** A column holding `values` (e.g. a checkpoint's slice), with room to grow. */
  static from(values: Storage): UintColumn {
    const Ctor = values.constructor as new (n: number) => Storage;
    const a = new Ctor(Math.max(values.length, 1 << 12));
    a.set(values);
    return new UintColumn(a);
  }

  #grow(need: number): void {
    const a = this.#a;
    const Ctor = a.constructor as new (n: number) => Storage;
    const b = new Ctor(Math.max(need, 2 * a.length));
    b.set(a);
    this.#a = b;
  }

  #widen(v: number): void {
    const a = this.#a;
    const b = v <= U32_MAX ? new Uint32Array(a.length) : new Float64Array(a.length);
    b.set(a);
    this.#a = b;
    this.#max = maxOf(b);
  }
}

function maxOf(a: Storage): number {
  if (a instanceof Uint16Array) return U16_MAX;
  if (a instanceof Uint32Array) return U32_MAX;
  return Number.MAX_SAFE_INTEGER;
}
