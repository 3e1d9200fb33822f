/**
 * The ids of closed orders, each numbered in the order it was added (the replay keeps the rest of a closed order in
 * columns under that number).
 *
 * Every `new` asks "was this order_id ever seen?" (DQ-6: a second new/snapshot of a known order), and every order
 * that closes is added. Closed orders outnumber open ones by far (millions in a day), so memory per closed id counts,
 * and so does the peak while a structure grows: a doubled array briefly holds its old and its new copy. Hence:
 * - Each id is kept as a record in a byte pool of fixed 1 MiB pages (never copied), found through its end offset in
 *   a paged column. A record is [0, Latin-1 characters] (any id whose UTF-16 units are below 256), or, for an id that
 *   is a prefix + a decimal number without leading zeros (`o-1234567`, `ORD000123`'s `ORD000` + `123` is not: the
 *   number is the maximal run of trailing digits, so its zeros lead), [prefix number + 1, the number in 1–7 bytes
 *   little-endian] with the prefix in a table of at most 255. Any other id (a UTF-16 unit of 256 or more and no
 *   such number) takes no bytes and is kept as a string aside.
 * - The lookup table is 256 open-addressing sub-tables, picked by the top byte of a 32-bit hash, each doubling on
 *   its own (so growth holds 1/256 of the table twice, not all of it). A slot is a one-byte tag (from the hash; 0 is
 *   an empty slot) and the id's number: a lookup scans tags, which sit 64 to a cache line, and compares the stored
 *   characters only when a tag matches, so an id never seen costs about one cache line.
 * Answers are exact: the hash and tag only decide where to look, the stored record decides.
 */
import { type ColumnValues, UintColumn } from './columns.js';
import { ReplayInvariantError } from './errors.js';

/** FNV-1a over UTF-16 code units, then a murmur3 finalizer: a well-mixed 32-bit hash of a string. */
export function hashId(s: string): number {
  let h = FNV_BASIS;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return finalize(h);
}

const FNV_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function finalize(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** A slot's tag: 8 bits mixed from the whole hash, never 0 (the empty slot). */
function tagOf(h: number): number {
  return Math.imul(h, 0x9e3779b1) >>> 24 || 1;
}

const SUB_TABLES = 256;
const MIN_SLOTS = 16;
const PAGE_BITS = 20;
const PAGE_MASK = (1 << PAGE_BITS) - 1;
/** Decimal numbers of up to 15 digits: below 2^53, so exact in a double, and at most 7 bytes. */
const MAX_DIGITS = 15;
const MAX_PREFIXES = 255;

/** Is every UTF-16 unit of s below 256 (so that one byte per unit keeps it exactly)? */
function isLatin1(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) return false;
  return true;
}

export interface ClosedIdsState {
  /** The records back to back. */
  pool: Uint8Array;
  /** End offset in the pool of each id's record. */
  ends: ColumnValues;
  prefixes: string[];
  /** Ids kept as strings (no record), by number. */
  wide: Map<number, string>;
}

export class ClosedIds {
  readonly #tags: Uint8Array[] = [];
  /** The number of the id in each slot (meaningful where the tag is not 0). */
  readonly #nums: Uint32Array[] = [];
  readonly #used = new Int32Array(SUB_TABLES);
  readonly #pool: Uint8Array[] = [];
  #poolLen = 0;
  /** End offset in the pool of id i's record (its start is the end of id i − 1). */
  #ends = new UintColumn();
  #size = 0;
  readonly #prefixes: string[] = [];
  readonly #prefixNumber = new Map<string, number>();
  /** The prefix of the last compact id added and its record tag (consecutive ids share one in practice). */
  #lastPrefix = '';
  #lastPrefixTag = 0;
  readonly #wide = new Map<number, string>();
  /** Digits of a number, least significant first (hashing a compact record). */
  readonly #digits = new Uint8Array(MAX_DIGITS);

  constructor() {
    for (let t = 0; t < SUB_TABLES; t++) {
      this.#tags.push(new Uint8Array(MIN_SLOTS));
      this.#nums.push(new Uint32Array(MIN_SLOTS));
    }
  }

  get size(): number {
    return this.#size;
  }

  /** Bytes held (pool, offsets, table), for the bench's memory figures. */
  get bytes(): number {
    let b = this.#pool.length << PAGE_BITS;
    b += this.#ends.bytes;
    for (let t = 0; t < SUB_TABLES; t++) b += this.#tags[t]!.byteLength + this.#nums[t]!.byteLength;
    return b;
  }

  /** The number of an id, or -1 when it was never added. */
  indexOf(id: string): number {
    const h = hashId(id);
    const tags = this.#tags[h >>> 24]!;
    const mask = tags.length - 1;
    const tag = tagOf(h);
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const t = tags[s]!;
      if (t === 0) return -1;
      if (t === tag) {
        const i = this.#nums[h >>> 24]![s]!;
        if (this.#equals(i, id)) return i;
      }
    }
  }

  /** Is id the id numbered i? (What a lookup asks of each candidate whose tag matches.) */
  matches(i: number, id: string): boolean {
    return this.#equals(i, id);
  }

  has(id: string): boolean {
    return this.indexOf(id) !== -1;
  }

  /** Adds an id that is not in the table yet (the caller knows: it was open); returns its number. */
  add(id: string): number {
    const i = this.#size;
    if (!this.#putCompact(id)) {
      if (isLatin1(id)) {
        this.#put(0);
        for (let k = 0; k < id.length; k++) this.#put(id.charCodeAt(k));
      } else this.#wide.set(i, id);
    }
    this.#ends.push(this.#poolLen);
    this.#size = i + 1;
    this.#place(hashId(id), i);
    return i;
  }

  /** The id numbered i (a fresh string). */
  id(i: number): string {
    const start = i === 0 ? 0 : this.#ends.get(i - 1);
    const end = this.#ends.get(i);
    if (end === start) return this.#wide.get(i)!;
    const tag = this.#byte(start);
    if (tag !== 0) return this.#prefixes[tag - 1]! + String(this.#number(start, end));
    let s = '';
    for (let k = start + 1; k < end; k++) s += String.fromCharCode(this.#byte(k));
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
    const pool = new Uint8Array(this.#poolLen);
    for (let p = 0; p < this.#pool.length; p++) {
      const from = p << PAGE_BITS;
      pool.set(this.#pool[p]!.subarray(0, Math.min(PAGE_MASK + 1, this.#poolLen - from)), from);
    }
    return { pool, ends: this.#ends.slice(this.#size), prefixes: [...this.#prefixes], wide: new Map(this.#wide) };
  }

  /** Loads a saveState result into an empty table. */
  loadState(state: ClosedIdsState): void {
    if (this.#size !== 0) throw new ReplayInvariantError('closed ids can only be loaded into an empty table');
    // Before compact records a checkpoint's pool held bare characters; reading one as records would misname ids.
    if (!Array.isArray(state.prefixes))
      throw new ReplayInvariantError('closed ids: the checkpoint is in an older format');
    for (let from = 0; from < state.pool.length; from += PAGE_MASK + 1) {
      const page = new Uint8Array(PAGE_MASK + 1);
      page.set(state.pool.subarray(from, from + PAGE_MASK + 1));
      this.#pool.push(page);
    }
    this.#poolLen = state.pool.length;
    this.#ends = UintColumn.from(state.ends);
    for (const p of state.prefixes) {
      this.#prefixes.push(p);
      this.#prefixNumber.set(p, this.#prefixes.length);
    }
    for (const [i, id] of state.wide) this.#wide.set(i, id);
    this.#size = state.ends.length;
    for (let i = 0; i < this.#size; i++) this.#place(this.#hashAt(i), i);
  }

  #byte(k: number): number {
    return this.#pool[k >>> PAGE_BITS]![k & PAGE_MASK]!;
  }

  #put(b: number): void {
    const at = this.#poolLen;
    if (at >= 0xffffffff) throw new ReplayInvariantError('closed-id pool beyond 4 GiB');
    if ((at & PAGE_MASK) === 0) this.#pool.push(new Uint8Array(PAGE_MASK + 1));
    this.#pool[at >>> PAGE_BITS]![at & PAGE_MASK] = b;
    this.#poolLen = at + 1;
  }

  /** Writes the compact record of a prefix + decimal number id; false (nothing written) for any other id. */
  #putCompact(id: string): boolean {
    const n = id.length;
    let j = n;
    while (j > 0) {
      const c = id.charCodeAt(j - 1);
      if (c < 48 || c > 57) break;
      j--;
    }
    const digits = n - j;
    if (digits === 0 || digits > MAX_DIGITS || (digits > 1 && id.charCodeAt(j) === 48)) return false;
    let tag = this.#lastPrefixTag;
    if (tag === 0 || j !== this.#lastPrefix.length || !id.startsWith(this.#lastPrefix)) {
      const prefix = id.slice(0, j);
      tag = this.#prefixNumber.get(prefix) ?? 0;
      if (tag === 0) {
        if (this.#prefixes.length === MAX_PREFIXES) return false;
        this.#prefixes.push(prefix);
        tag = this.#prefixes.length;
        this.#prefixNumber.set(prefix, tag);
      }
      this.#lastPrefix = prefix;
      this.#lastPrefixTag = tag;
    }
    let v = 0;
    for (let k = j; k < n; k++) v = v * 10 + (id.charCodeAt(k) - 48);
    this.#put(tag);
    do {
      this.#put(v % 256);
      v = Math.floor(v / 256);
    } while (v > 0);
    return true;
  }

  /** The number of the compact record [start, end). */
  #number(start: number, end: number): number {
    let v = 0;
    for (let k = end - 1; k > start; k--) v = v * 256 + this.#byte(k);
    return v;
  }

  #equals(i: number, id: string): boolean {
    const start = i === 0 ? 0 : this.#ends.get(i - 1);
    const end = this.#ends.get(i);
    if (end === start) return this.#wide.get(i) === id;
    const tag = this.#byte(start);
    if (tag === 0) {
      if (id.length !== end - start - 1) return false;
      for (let k = 0; k < id.length; k++) if (this.#byte(start + 1 + k) !== id.charCodeAt(k)) return false;
      return true;
    }
    const prefix = this.#prefixes[tag - 1]!;
    // The rest of id must be the number in canonical digits (1–15, no leading zero): then equal values mean equal text.
    const j = prefix.length;
    const digits = id.length - j;
    if (digits < 1 || digits > MAX_DIGITS || (digits > 1 && id.charCodeAt(j) === 48) || !id.startsWith(prefix)) {
      return false;
    }
    let v = 0;
    for (let k = j; k < id.length; k++) {
      const c = id.charCodeAt(k) - 48;
      if (c < 0 || c > 9) return false;
      v = v * 10 + c;
    }
    return v === this.#number(start, end);
  }

  /** The hash of id i, from its record (the same as hashId of the id). */
  #hashAt(i: number): number {
    const start = i === 0 ? 0 : this.#ends.get(i - 1);
    const end = this.#ends.get(i);
    if (end === start) return hashId(this.#wide.get(i)!);
    const tag = this.#byte(start);
    let h = FNV_BASIS;
    if (tag === 0) {
      for (let k = start + 1; k < end; k++) h = Math.imul(h ^ this.#byte(k), FNV_PRIME);
      return finalize(h);
    }
    const prefix = this.#prefixes[tag - 1]!;
    for (let k = 0; k < prefix.length; k++) h = Math.imul(h ^ prefix.charCodeAt(k), FNV_PRIME);
    const digits = this.#digits;
    let v = this.#number(start, end);
    let n = 0;
    // Integer division while the number fits 31 bits (the common case, and much cheaper than on doubles).
    for (; v > 0x7fffffff; v = Math.floor(v / 10)) digits[n++] = v % 10;
    do {
      const q = (v / 10) | 0;
      digits[n++] = v - 10 * q;
      v = q;
    } while (v > 0);
    while (n > 0) h = Math.imul(h ^ (48 + digits[--n]!), FNV_PRIME);
    return finalize(h);
  }

  /** Puts id i (hash h) in its sub-table, doubling that sub-table first if it would pass 3/4 full. */
  #place(h: number, i: number): void {
    const t = h >>> 24;
    if (4 * (this.#used[t]! + 1) > 3 * this.#tags[t]!.length) this.#grow(t);
    this.#used[t]!++;
    this.#insert(t, h, i);
  }

  #insert(t: number, h: number, i: number): void {
    const tags = this.#tags[t]!;
    const mask = tags.length - 1;
    let s = h & mask;
    while (tags[s] !== 0) s = (s + 1) & mask;
    tags[s] = tagOf(h);
    this.#nums[t]![s] = i;
  }

  /** Doubles sub-table t and places its ids again, hashing their records. */
  #grow(t: number): void {
    const tags = this.#tags[t]!;
    const nums = this.#nums[t]!;
    this.#tags[t] = new Uint8Array(2 * tags.length);
    this.#nums[t] = new Uint32Array(2 * tags.length);
    for (let s = 0; s < tags.length; s++) {
      if (tags[s] !== 0) this.#insert(t, this.#hashAt(nums[s]!), nums[s]!);
    }
  }
}
