/**
 * The ids of closed orders, each numbered in the order it was added (the replay keeps the rest of a closed order in
 * columns under that number).
 *
 * Every `new` asks "was this order_id ever seen?" (DQ-6: a second new/snapshot of a known order), and every order
 * that closes is added. Closed orders outnumber open ones by far (millions in a day), so memory per closed id counts
 * (issue 9: 10M order events in 300 MB): a JS string costs a 12-byte header plus its characters plus a pointer, and a
 * string cut out of a parsed line can keep the whole line alive. Here the id's characters are copied into one byte
 * pool (Latin-1 ids, i.e. every id whose UTF-16 units are below 256; any other id is kept as a string aside), with
 * the end offset of each id in a typed array, and looked up through an open-addressing table of (32-bit hash, number)
 * pairs in one Int32Array: a lookup touches one slot and compares the stored characters only when the hash matches,
 * so an id never seen costs one cache line. Answers are exact: the hash only decides where to look, the stored
 * characters decide. Typed arrays are not scanned by the garbage collector.
 */

/** FNV-1a over UTF-16 code units, then a murmur3 finalizer: a well-mixed 32-bit hash of a string. */
export function hashId(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return finalize(h);
}

function finalize(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

const MIN_SLOTS = 1 << 12;

/** Is every UTF-16 unit of s below 256 (so that one byte per unit keeps it exactly)? */
function isLatin1(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) return false;
  return true;
}

export interface ClosedIdsState {
  pool: Uint8Array;
  ends: Uint32Array;
  wide: Map<number, string>;
}

export class ClosedIds {
  /** Slot s holds [hash, number + 1] at 2s, 2s + 1; number + 1 = 0 marks an empty slot. */
  #slots: Int32Array = new Int32Array(2 * MIN_SLOTS);
  #mask = MIN_SLOTS - 1;
  /** Characters of every Latin-1 id, one byte each, back to back. */
  #pool: Uint8Array = new Uint8Array(1 << 16);
  #poolLen = 0;
  /** End offset in the pool of id i (its start is the end of id i − 1); a wide id takes no bytes. */
  #ends: Uint32Array = new Uint32Array(MIN_SLOTS);
  #size = 0;
  /** Ids with a UTF-16 unit of 256 or more, by number (rare: ids are ASCII in practice). */
  readonly #wide = new Map<number, string>();

  get size(): number {
    return this.#size;
  }

  /** Bytes held (pool, offsets, table), for the bench's memory figures. */
  get bytes(): number {
    return this.#pool.byteLength + this.#ends.byteLength + this.#slots.byteLength;
  }

  /** The number of an id, or -1 when it was never added. */
  indexOf(id: string): number {
    const h = hashId(id);
    const slots = this.#slots;
    const mask = this.#mask;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = slots[2 * s + 1]!;
      if (e === 0) return -1;
      if (slots[2 * s] === h && this.#equals(e - 1, id)) return e - 1;
    }
  }

  has(id: string): boolean {
    return this.indexOf(id) !== -1;
  }

  /** Adds an id that is not in the table yet (the caller knows: it was open); returns its number. */
  add(id: string): number {
    const i = this.#size;
    if (i === this.#ends.length) this.#ends = growU32(this.#ends, i + 1);
    const n = id.length;
    if (isLatin1(id)) {
      let pool = this.#pool;
      const at = this.#poolLen;
      if (at + n > pool.length) {
        pool = growU8(pool, at + n);
        this.#pool = pool;
      }
      for (let k = 0; k < n; k++) pool[at + k] = id.charCodeAt(k);
      this.#poolLen = at + n;
    } else this.#wide.set(i, id);
    if (this.#poolLen > 0xffffffff) throw new RangeError('closed-id pool beyond 4 GiB');
    this.#ends[i] = this.#poolLen;
    this.#size = i + 1;
    // Load at most 5/8: a miss stays about one slot.
    if (8 * (i + 1) > 5 * (this.#mask + 1)) this.#grow();
    else this.#place(hashId(id), i);
    return i;
  }

  /** The id numbered i (a fresh string). */
  id(i: number): string {
    const start = i === 0 ? 0 : this.#ends[i - 1]!;
    const end = this.#ends[i]!;
    if (end === start) return this.#wide.get(i) ?? '';
    const pool = this.#pool;
    let s = '';
    for (let k = start; k < end; k++) s += String.fromCharCode(pool[k]!);
    return s;
  }

  /** The ids in number order (for a checkpoint). */
  ids(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.#size; i++) out.push(this.id(i));
    return out;
  }

  /** The ids as compact plain data (copies), for a checkpoint. */
  saveState(): ClosedIdsState {
    return {
      pool: this.#pool.slice(0, this.#poolLen),
      ends: this.#ends.slice(0, this.#size),
      wide: new Map(this.#wide),
    };
  }

  /** Loads a saveState result into an empty table. */
  loadState(state: ClosedIdsState): void {
    if (this.#size !== 0) throw new Error('closed ids can only be loaded into an empty table');
    const size = state.ends.length;
    this.#pool = growU8(new Uint8Array(0), Math.max(state.pool.length, 1 << 16));
    this.#pool.set(state.pool);
    this.#poolLen = state.pool.length;
    this.#ends = growU32(new Uint32Array(0), Math.max(size, MIN_SLOTS));
    this.#ends.set(state.ends);
    for (const [i, id] of state.wide) this.#wide.set(i, id);
    this.#size = size;
    let n = MIN_SLOTS;
    while (8 * size > 5 * n) n *= 2;
    this.#slots = new Int32Array(2 * n);
    this.#mask = n - 1;
    for (let i = 0; i < size; i++) this.#place(this.#hashAt(i), i);
  }

  #equals(i: number, id: string): boolean {
    const start = i === 0 ? 0 : this.#ends[i - 1]!;
    const n = this.#ends[i]! - start;
    if (n === 0) {
      const w = this.#wide.get(i);
      return w === undefined ? id.length === 0 : w === id;
    }
    if (n !== id.length) return false;
    const pool = this.#pool;
    for (let k = 0; k < n; k++) if (pool[start + k] !== id.charCodeAt(k)) return false;
    return true;
  }

  /** The hash of id i, from its stored characters (the same as hashId of the id). */
  #hashAt(i: number): number {
    const start = i === 0 ? 0 : this.#ends[i - 1]!;
    const end = this.#ends[i]!;
    if (end === start) {
      const w = this.#wide.get(i);
      return hashId(w ?? '');
    }
    const pool = this.#pool;
    let h = 0x811c9dc5;
    for (let k = start; k < end; k++) {
      h ^= pool[k]!;
      h = Math.imul(h, 0x01000193);
    }
    return finalize(h);
  }

  #place(h: number, i: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let s = h & mask;
    while (slots[2 * s + 1] !== 0) s = (s + 1) & mask;
    slots[2 * s] = h;
    slots[2 * s + 1] = i + 1;
  }

  /** Doubles the table and places every id again, hashing the stored characters. */
  #grow(): void {
    const n = 2 * (this.#mask + 1);
    this.#slots = new Int32Array(2 * n);
    this.#mask = n - 1;
    for (let i = 0; i < this.#size; i++) this.#place(this.#hashAt(i), i);
  }
}

/** A copy of `a` with room for at least `need` elements (doubling). */
export function growU8(a: Uint8Array, need: number): Uint8Array {
  const b = new Uint8Array(Math.max(need, 2 * a.length));
  b.set(a);
  return b;
}

export function growU16(a: Uint16Array, need: number): Uint16Array {
  const b = new Uint16Array(Math.max(need, 2 * a.length));
  b.set(a);
  return b;
}

export function growU32(a: Uint32Array, need: number): Uint32Array {
  const b = new Uint32Array(Math.max(need, 2 * a.length));
  b.set(a);
  return b;
}
