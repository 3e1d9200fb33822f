import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '#shared/checks/catalogue.js';
import { checkIdsOf, RULE_PACK, STREAM_REPLAYS, splitPack } from '#shared/checks/pack.js';
import { FindingCollector } from '#shared/findings/collector.js';
import { type Cursor, OrdinalMerge } from '#shared/pipeline/partition/mergeByOrdinal.js';
import { mergeInto, TrackingCollector } from '#shared/pipeline/partition/partialResult.js';
import { SymbolLinks } from '#shared/pipeline/partition/symbolLinks.js';
import { refData } from '../audit/flow.js';

describe('SymbolLinks', () => {
  it('keeps unlinked symbols apart, each its own partition, in order of first appearance', () => {
    const l = new SymbolLinks();
    for (const [sym, id] of [
      ['B', 'o1'],
      ['A', 'o2'],
      ['C', 'o3'],
    ] as const) {
      l.link(l.symbol(sym), id);
    }
    expect(l.groups().map((g) => g.map((i) => l.symbols[i]))).toEqual([['B'], ['A'], ['C']]);
  });

  it('joins symbols that share an id, transitively, whichever comes first', () => {
    const l = new SymbolLinks();
    l.link(l.symbol('A'), 'o1');
    l.link(l.symbol('B'), 'o2');
    l.link(l.symbol('C'), 'o3');
    l.link(l.symbol('D'), 'o4');
    l.link(l.symbol('C'), 'o2'); // B–C
    l.link(l.symbol('A'), 'o3'); // A–C, so A–B–C
    expect(l.groups().map((g) => g.map((i) => l.symbols[i]))).toEqual([['A', 'B', 'C'], ['D']]);
  });

  it('property: two symbols share a group exactly when a chain of shared ids connects them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 9 })), { maxLength: 40 }),
        (pairs) => {
          const l = new SymbolLinks();
          for (const [s, id] of pairs) l.link(l.symbol(`s${s}`), `id${id}`);
          // Reference: connectivity by repeated relaxation.
          const group = new Map<string, number>();
          l.symbols.forEach((s, i) => {
            group.set(s, i);
          });
          let changed = true;
          while (changed) {
            changed = false;
            for (const [, id] of pairs) {
              const syms = pairs.filter(([, x]) => x === id).map(([s]) => `s${s}`);
              const min = Math.min(...syms.map((s) => group.get(s)!));
              for (const s of syms)
                if (group.get(s)! !== min) {
                  group.set(s, min);
                  changed = true;
                }
            }
          }
          const expected = new Map<number, string[]>();
          for (const s of l.symbols) expected.set(group.get(s)!, [...(expected.get(group.get(s)!) ?? []), s]);
          const actual = l.groups().map((g) => g.map((i) => l.symbols[i]).sort());
          expect(actual.sort()).toEqual([...expected.values()].map((g) => g.sort()).sort());
        },
      ),
    );
  });
});

describe('OrdinalMerge', () => {
  /** A sorted in-memory stream handed out `batch` items per fill, like a ChunkCursor over small pieces. */
  class ArrayCursor<T> implements Cursor<T> {
    head: T | undefined;
    #loaded: T[] = [];
    #next = 0;
    closed = false;
    constructor(
      readonly items: T[],
      readonly batch: number,
    ) {}
    take(): T {
      const v = this.head!;
      this.head = this.#loaded.shift();
      return v;
    }
    async fill(): Promise<boolean> {
      if (this.head !== undefined) return true;
      if (this.#next >= this.items.length) return false;
      this.#loaded = this.items.slice(this.#next, this.#next + this.batch);
      this.#next += this.batch;
      this.head = this.#loaded.shift();
      return true;
    }
    async close(): Promise<void> {
      this.closed = true;
    }
  }

  async function drain<T extends { i: number }>(cursors: Cursor<T>[]): Promise<{ i: number; stream: number }[]> {
    const merge = await OrdinalMerge.open(cursors);
    const out: { i: number; stream: number }[] = [];
    try {
      for (;;) {
        const x = merge.take() ?? (await merge.next());
        if (x === undefined) break;
        out.push({ i: x.i, stream: merge.stream });
      }
    } finally {
      await merge.close();
    }
    return out;
  }

  it('property: merging sorted streams gives every item once, in ordinal order, from its own stream', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 10_000 })),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        async (ids, k, batch) => {
          const parts: { i: number }[][] = Array.from({ length: k }, () => []);
          ids.forEach((i, n) => {
            parts[n % k]!.push({ i });
          });
          for (const p of parts) p.sort((a, b) => a.i - b.i);
          const cursors = parts.map((p) => new ArrayCursor(p, batch));
          const out = await drain(cursors);
          expect(out.map((x) => x.i)).toEqual([...ids].sort((a, b) => a - b));
          for (const x of out) expect(parts[x.stream]!.some((p) => p.i === x.i)).toBe(true);
          expect(cursors.every((c) => c.closed)).toBe(true);
        },
      ),
    );
  });

  it('refuses inputs that are not in order (a broken invariant, never a silent misorder)', async () => {
    await expect(drain([new ArrayCursor([{ i: 2 }, { i: 1 }], 1)])).rejects.toThrow(/out of order/);
    await expect(drain([new ArrayCursor([{ i: 2 }, { i: 2 }], 2)])).rejects.toThrow(/out of order/);
  });
});

describe('rule split', () => {
  it('puts every rule of the pack on exactly one side, the global checks on the global side', () => {
    const { symbol, replayed, global } = splitPack();
    expect(checkIdsOf(symbol).sort()).toEqual(
      [
        'DQ-6',
        'DQ-3',
        'CP-1',
        'CP-2',
        'MMT-1',
        'MMT-2',
        'MMT-3',
        'MMT-4',
        'FS-1',
        'FS-2',
        'PERP-1',
        'SOB-1',
        'SOB-2',
      ].sort(),
    );
    expect(checkIdsOf(global).sort()).toEqual(
      ['DQ-5', 'FS-3', 'FS-4', 'FS-5', 'FS-6', 'FS-7', 'PERP-2', 'SOB-3'].sort(),
    );
    expect([...replayed.keys()]).toEqual(['collateral', 'margin']);
    const all = [...symbol, ...global, ...[...replayed.values()].flat()];
    expect(checkIdsOf(all).sort()).toEqual(checkIdsOf(RULE_PACK).sort());
    for (const id of checkIdsOf(all)) expect(CHECKS.map((c) => c.id)).toContain(id);
  });

  it('symbol-local rules keep no reference-only reports (they would repeat per partition)', () => {
    // A symbol-local rule's finish() only flushes population counts, which add up across partitions; the
    // state-machine test compares the merged pack with the single-process one byte for byte.
    const book = STREAM_REPLAYS['orders+trades'](refData());
    for (const d of splitPack().symbol) {
      const r = d.create({ 'orders+trades': book });
      expect(r.onReference, r.checks.join()).toBeUndefined();
      expect(r.onCollateral).toBeUndefined();
      expect(r.onAccess).toBeUndefined();
    }
  });
});

describe('partial results', () => {
  it('merging the parts gives the collector one process would have built', () => {
    const whole = new FindingCollector();
    const a = new TrackingCollector();
    const b = new TrackingCollector();
    const f = (check: string, subject: string, severity: 'high' | 'critical') => ({
      check_id: check,
      subject,
      severity,
      title: 't',
      detail: 'd',
      evidence: {},
    });
    for (const [sink, calls] of [
      [a, 0],
      [b, 1],
    ] as const) {
      const both = [sink, whole] as const;
      for (const s of both) {
        s.examined('CP-1', 3 + calls);
        s.notTested('CP-1', 'auction', 2);
        s.report(f('CP-1', `t-${calls}`, 'high'));
      }
    }
    for (const s of [b, whole]) {
      s.report(f('CP-1', 't-1', 'critical'));
      s.notTested('FS-4', 'no access log');
    }
    const merged = new FindingCollector();
    mergeInto(merged, JSON.parse(JSON.stringify(a.export())));
    mergeInto(merged, JSON.parse(JSON.stringify(b.export())));
    expect(merged.findings()).toEqual(whole.findings());
    for (const id of ['CP-1', 'FS-4', 'CP-2']) expect(merged.population(id)).toEqual(whole.population(id));
  });
});
