/**
 * The closed orders' storage (bytes per closed order): the id table with its compact records, paged pool and
 * sub-tables, and the paged columns, each compared with a plain Map or array on random and adversarial input, through
 * growth across page boundaries and a checkpoint.
 */

import { deserialize, serialize } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClosedIds, hashId } from '#shared/replay/closedIds.js';
import { UintColumn } from '#shared/replay/columns.js';

/** Ids that stress the records: compact ones with and without leading zeros, near misses, any UTF-16 text. */
const adversarialId = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.string({ unit: fc.constantFrom('o', '-', '0', '1', '9', 'é', 'ÿ', '\u0100', '\u4e00', ' '), maxLength: 8 }),
  fc
    .tuple(fc.constantFrom('', 'o-', 'O-', 'ord', 'x9y', '\u4e00-', 'é'), fc.stringMatching(/^[0-9]{1,18}$/))
    .map(([p, d]) => p + d),
  fc.tuple(fc.constantFrom('o-', ''), fc.integer({ min: 0, max: 300 })).map(([p, n]) => `${p}${n}`),
  fc
    .tuple(fc.constantFrom('o-', 'P'), fc.constantFrom(99999999999999, 999999999999999, 1000000000000000, 2 ** 53))
    .map(([p, n]) => `${p}${n}`),
);

/** Strings one edit away from id, and other near misses. */
function nearMisses(id: string): string[] {
  const out = [`${id}0`, `${id}x`, `0${id}`, id.slice(1), id.slice(0, -1), `${id}\u0100`, `\u00ff${id}`, ` ${id}`];
  if (id.length > 0) {
    const last = id.charCodeAt(id.length - 1);
    out.push(id.slice(0, -1) + String.fromCharCode(last + 1), id.slice(0, -1) + String.fromCharCode(last + 256));
  }
  const m = /^(.*?)([0-9]+)$/.exec(id);
  if (m)
    out.push(`${m[1]}0${m[2]}`, `${m[1]}${BigInt(m[2]!) + 1n}`, `${m[1]}${BigInt(m[2]!) + 256n}`, `${m[1]}${m[2]}0`);
  return out;
}

function roundTrip(table: ClosedIds): ClosedIds {
  const copy = new ClosedIds();
  copy.loadState(deserialize(serialize(table.saveState())) as ReturnType<ClosedIds['saveState']>);
  return copy;
}

function expectSame(t: ClosedIds, ids: string[]): void {
  expect(t.size).toBe(ids.length);
  expect(t.ids()).toEqual(ids);
  const known = new Set(ids);
  ids.forEach((id, i) => {
    expect(t.indexOf(id)).toBe(i);
    expect(t.id(i)).toBe(id);
    expect(t.matches(i, id)).toBe(true);
    for (const other of nearMisses(id)) {
      expect(t.indexOf(other)).toBe(known.has(other) ? ids.indexOf(other) : -1);
      // A lookup compares records only when hashes collide, so the comparison is also asked directly.
      expect(t.matches(i, other)).toBe(other === id);
    }
    if (i > 0) expect(t.matches(i, ids[i - 1]!)).toBe(false);
  });
}

describe('closed-id table against a Map', () => {
  it('answers like a Map on adversarial ids, interleaving adds and lookups, and across a checkpoint', () => {
    fc.assert(
      fc.property(fc.array(adversarialId, { maxLength: 1500 }), (stream) => {
        const table = new ClosedIds();
        const ref = new Map<string, number>();
        for (const id of stream) {
          const want = ref.get(id) ?? -1;
          expect(table.indexOf(id)).toBe(want);
          if (want === -1) {
            expect(table.add(id)).toBe(ref.size);
            ref.set(id, ref.size);
          }
        }
        const ids = [...ref.keys()];
        expectSame(table, ids);
        const copy = roundTrip(table);
        expectSame(copy, ids);
        // The copy keeps growing like the original.
        for (const extra of ['o-424242', 'fresh', '\u4e00\u4e01', '']) {
          if (ref.has(extra)) continue;
          expect(copy.add(extra)).toBe(ref.size);
          ref.set(extra, ref.size);
        }
        expectSame(copy, [...ref.keys()]);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps the empty id, ids differing in one character, and prefixes beyond the 255 kept compact', () => {
    const ids = ['', '0', '00', '01', '1', 'o-', 'o-0', 'o-00', 'o-01', 'o-1', 'o-10', 'o-1 ', 'o-1\u0100', '\u0100'];
    for (let p = 0; p < 300; p++) ids.push(`p${p}x-7`, `p${p}x-8`, `p${p}x-08`);
    ids.push('999999999999999', '1000000000000000', '9007199254740993', 'z-999999999999999', 'z-1000000000000000');
    const table = new ClosedIds();
    for (const id of ids) table.add(id);
    expectSame(table, ids);
    expectSame(roundTrip(table), ids);
    const older = { pool: new Uint8Array([111]), ends: new Uint16Array([1]), wide: new Map() };
    expect(() => new ClosedIds().loadState(older as unknown as ReturnType<ClosedIds['saveState']>)).toThrow(
      /older format/,
    );
  });

  it('tells apart ids with equal hashes, compact and raw alike', () => {
    const byHash = new Map<number, string>();
    const pairs: [string, string][] = [];
    for (let i = 0; pairs.length < 3; i++) {
      for (const id of [`o-${i}`, `o-0${i}`]) {
        const h = hashId(id);
        const other = byHash.get(h);
        if (other !== undefined) pairs.push([other, id]);
        else byHash.set(h, id);
      }
    }
    const table = new ClosedIds();
    for (const [a, b] of pairs) {
      table.add(a);
      expect(table.indexOf(b)).toBe(-1);
    }
    for (const [, b] of pairs) table.add(b);
    const ids = [...pairs.map(([a]) => a), ...pairs.map(([, b]) => b)];
    expectSame(table, ids);
  });

  it('grows across pool pages: records that straddle a page, ids longer than a page, millions of bytes', () => {
    const ids: string[] = [];
    for (let i = 0; i < 300_000; i++) ids.push(i % 7 === 0 ? `ord-${i}-x` : `o-${i}`);
    for (let i = 0; i < 40; i++) ids.push(`${'L'.repeat(70_000 + i)}${i}`);
    ids.push('y'.repeat(1 << 21));
    for (let i = 0; i < 1000; i++) ids.push(`tail-${String(i).padStart(6, '0')}`);
    const table = new ClosedIds();
    // Mismatches are collected (one expect per check keeps the test fast).
    const wrong: string[] = [];
    ids.forEach((id, i) => {
      if (table.indexOf(id) !== -1 || table.add(id) !== i) wrong.push(`add ${i}`);
    });
    expect(wrong).toEqual([]);
    const check = (t: ClosedIds) => {
      expect(t.size).toBe(ids.length);
      ids.forEach((id, i) => {
        if (t.indexOf(id) !== i) wrong.push(`indexOf ${i}`);
        if ((i % 97 === 0 || i >= 300_000) && t.id(i) !== id) wrong.push(`id ${i}`);
      });
      for (let i = 0; i < 2000; i++) if (t.indexOf(`o-${300_000 + i}`) !== -1) wrong.push(`absent o-${300_000 + i}`);
      expect(wrong).toEqual([]);
    };
    check(table);
    check(roundTrip(table));
  });
});

describe('paged columns against an array', () => {
  const value = fc.oneof(
    fc.integer({ min: 0, max: 300 }),
    fc.integer({ min: 0, max: 70_000 }),
    fc.constantFrom(0, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER),
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  );
  /** Runs that stay in one page's range, jump, or fall below the page's base. */
  const run = fc
    .tuple(value, fc.integer({ min: -3, max: 300 }), fc.integer({ min: 1, max: 3000 }))
    .map(([start, step, n]) => {
      const out: number[] = [];
      for (let k = 0; k < n; k++) out.push(Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, start + k * step)));
      return out;
    });

  it('holds every safe non-negative integer exactly across pages, and survives a checkpoint', () => {
    fc.assert(
      fc.property(fc.array(run, { maxLength: 8 }), (runs) => {
        const values = runs.flat();
        const col = new UintColumn();
        for (const v of values) col.push(v);
        expect(col.length).toBe(values.length);
        expect(values.map((_, i) => col.get(i))).toEqual(values);
        const slice = col.slice(values.length);
        expect([...slice]).toEqual(values);
        const max = Math.max(0, ...values);
        expect(slice.constructor.name).toBe(
          max <= 0xffff ? 'Uint16Array' : max <= 0xffffffff ? 'Uint32Array' : 'Float64Array',
        );
        const copy = UintColumn.from(deserialize(serialize(slice)));
        expect(values.map((_, i) => copy.get(i))).toEqual(values);
      }),
      { numRuns: 80 },
    );
  });

  it('keeps close values in one or two bytes each, whatever their size', () => {
    const col = new UintColumn();
    for (let i = 0; i < 40_960; i++) col.push(5_000_000_000 + 3 * i);
    expect(col.bytes).toBe(40_960 * 2);
  });
});
