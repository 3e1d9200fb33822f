/**
 * The ids of closed orders, each numbered in the order it was added (the replay keeps the rest of a closed order in
 * columns under that number).
 *
 * Every `new` asks "was this order_id ever seen?" (DQ-6: a second new/snapshot of a known order), and every order
 * that closes is added. Closed orders outnumber open ones by far; a JS Map of millions of string keys costs several
 * cache misses per call (bucket, chain entry, key string) and about 40 bytes per id besides the id itself. This is an
 * open-addressing table of (32-bit hash, number) pairs in one Int32Array: a lookup touches one slot, and reads the
 * stored id (to compare it exactly) only when the hash matches, so an id never seen costs one cache line. Answers are
 * exact: the hash only decides where to look, the stored id text decides.
 */

/** FNV-1a over UTF-16 code units, then a murmur3 finalizer: a well-mixed 32-bit hash of a string. */
export function hashId(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

const MIN_SLOTS = 1 << 12;

export class ClosedIds {
  /** Slot s holds [hash, number + 1] at 2s, 2s + 1; number + 1 = 0 marks an empty slot. */
  #slots = new Int32Array(2 * MIN_SLOTS);
  #mask = MIN_SLOTS - 1;
  readonly #ids: string[] = [];
  readonly #hashes: number[] = [];

  get size(): number {
    return this.#ids.length;
  }

  /** The number of an id, or -1 when it was never added. */
  indexOf(id: string): number {
    const h = hashId(id);
    const slots = this.#slots;
    const mask = this.#mask;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = slots[2 * s + 1]!;
      if (e === 0) return -1;
      if (slots[2 * s] === h && this.#ids[e - 1] === id) return e - 1;
    }
  }

  has(id: string): boolean {
    return this.indexOf(id) !== -1;
  }

  /** Adds an id that is not in the table yet (the caller knows: it was open); returns its number. */
  add(id: string): number {
    const i = this.#ids.length;
    const h = hashId(id);
    this.#ids.push(id);
    this.#hashes.push(h);
    if (2 * (i + 1) > this.#mask + 1) this.#grow();
    else this.#place(h, i);
    return i;
  }

  id(i: number): string {
    return this.#ids[i]!;
  }

  #place(h: number, i: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let s = h & mask;
    while (slots[2 * s + 1] !== 0) s = (s + 1) & mask;
    slots[2 * s] = h;
    slots[2 * s + 1] = i + 1;
  }

  /** Doubles the table (load stays at most 1/2) and places every id again, from the stored hashes. */
  #grow(): void {
    const n = 2 * (this.#mask + 1);
    this.#slots = new Int32Array(2 * n);
    this.#mask = n - 1;
    const hashes = this.#hashes;
    for (let i = 0; i < hashes.length; i++) this.#place(hashes[i]!, i);
  }
}
