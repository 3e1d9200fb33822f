/**
 * Seeded pseudo-random numbers for the sample-data generator: sfc32 (small, fast, passes PractRand far beyond what a
 * dataset needs), seeded through splitmix32 so that nearby seeds give unrelated streams. Deterministic by design: the
 * generator never touches Math.random or the clock, so the same options always give the same bytes.
 */
import { GeneratorError } from './errors.js';

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a of a label, so that independent streams can be forked by name. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, label = '') {
    const mix = splitmix32((Math.floor(seed) ^ hashLabel(label)) >>> 0);
    const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
    this.a = mix();
    this.b = mix() ^ hi;
    this.c = mix();
    this.d = 1;
    for (let i = 0; i < 16; i++) this.u32();
  }

  /** An independent stream named `label` (e.g. one per output stream), so that one stream's draws never shift another's. */
  fork(label: string): Rng {
    return new Rng(this.u32() * 0x1_0000 + (this.u32() & 0xffff), label);
  }

  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 0x1_0000_0000;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new GeneratorError('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** Exponentially distributed with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Geometric-like small positive integer: 1 with probability p, 2 with p(1-p), ... capped at max. */
  geometric(p: number, max: number): number {
    let k = 1;
    while (k < max && !this.chance(p)) k++;
    return k;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    }
    return items;
  }
}
