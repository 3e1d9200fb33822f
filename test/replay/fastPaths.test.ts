/**
 * The replay's fast paths must never change a value: number quantities that fall back to bigint beyond
 * 2^53, the parse without allocation, the closed-id table, the per-text price cache. Each is compared with the plain
 * exact computation it replaces.
 */

import { deserialize, serialize } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalDecimal } from '#shared/contract/decimal.js';
import { ClosedIds, hashId } from '#shared/replay/closedIds.js';
import { UintColumn } from '#shared/replay/columns.js';
import { ReplayInvariantError } from '#shared/replay/errors.js';
import { OrderBookReplay, TEXT_CACHE_LIMIT } from '#shared/replay/orderBook.js';
import {
  formatScaled,
  fractionDigits,
  normQty,
  parseScaled,
  qAdd,
  qMulPow10,
  qSub,
  qtyToBig,
  toScaled,
} from '#shared/replay/quantity.js';
import { Flow, refData } from '../audit/flow.js';

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** A contract-like decimal text: optional leading zeros, up to 30 integer digits, up to 25 fraction digits. */
const decimalText = fc
  .tuple(
    fc.stringMatching(/^0{0,2}[0-9]{1,30}$/),
    fc.option(fc.stringMatching(/^[0-9]{1,25}$/), { nil: undefined }),
    fc.boolean(),
  )
  .map(([i, f, neg]) => `${neg ? '-' : ''}${i}${f === undefined ? '' : `.${f}`}`);

const bigValue = fc.bigInt({ min: -(1n << 70n), max: 1n << 70n });

function isCanonical(v: bigint | number): boolean {
  return typeof v === 'number' ? Number.isSafeInteger(v) : v > MAX || v < -MAX;
}

describe('fast quantities', () => {
  it('parseScaled equals toScaled for every decimal and scale, in canonical form', () => {
    fc.assert(
      fc.property(decimalText, fc.integer({ min: 0, max: 30 }), (s, extra) => {
        const scale = fractionDigits(s) + extra;
        const got = parseScaled(s, scale);
        expect(qtyToBig(got)).toBe(toScaled(s, scale));
        expect(isCanonical(got)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('parses near the 2^53 boundary exactly', () => {
    for (const s of ['9007199254740991', '9007199254740992', '9007199254740993', '90071992.54740993', '0.000000001']) {
      for (const scale of [8, 9, 12]) {
        if (fractionDigits(s) > scale) continue;
        expect(qtyToBig(parseScaled(s, scale))).toBe(toScaled(s, scale));
      }
    }
    expect(parseScaled('9007199254740991', 0)).toBe(9007199254740991);
    expect(parseScaled('9007199254740992', 0)).toBe(9007199254740992n);
  });

  it('qAdd, qSub and qMulPow10 equal bigint arithmetic and stay canonical', () => {
    fc.assert(
      fc.property(bigValue, bigValue, fc.integer({ min: 0, max: 25 }), (a, b, k) => {
        const qa = normQty(a);
        const qb = normQty(b);
        const sum = qAdd(qa, qb);
        const diff = qSub(qa, qb);
        const mul = qMulPow10(qa, k);
        expect(qtyToBig(sum)).toBe(a + b);
        expect(qtyToBig(diff)).toBe(a - b);
        expect(qtyToBig(mul)).toBe(a * 10n ** BigInt(k));
        for (const v of [sum, diff, mul]) expect(isCanonical(v)).toBe(true);
        // Mixed comparisons are exact, so `<`/`>` on Qty need no conversion.
        expect(qa < qb).toBe(a < b);
        expect(qa > qb).toBe(a > b);
        expect(qa === qb).toBe(a === b);
      }),
      { numRuns: 3000 },
    );
  });

  it('adds across the safe boundary without losing a unit', () => {
    const big = qAdd(Number.MAX_SAFE_INTEGER, 1);
    expect(big).toBe(MAX + 1n);
    expect(qSub(big, 1)).toBe(Number.MAX_SAFE_INTEGER);
    expect(qAdd(Number.MAX_SAFE_INTEGER, 2)).toBe(MAX + 2n);
    expect(formatScaled(qAdd(Number.MAX_SAFE_INTEGER, 2), 8)).toBe('90071992.54740993');
  });
});

describe('closed-id table', () => {
  it('answers exactly like a Map, through growth', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 0, maxLength: 6 }), { maxLength: 3000 }), (ids) => {
        const table = new ClosedIds();
        const ref = new Map<string, number>();
        for (const id of ids) {
          if (ref.has(id)) {
            expect(table.indexOf(id)).toBe(ref.get(id));
            continue;
          }
          expect(table.indexOf(id)).toBe(-1);
          const i = table.add(id);
          ref.set(id, i);
          expect(i).toBe(ref.size - 1);
        }
        for (const [id, i] of ref) expect(table.indexOf(id)).toBe(i);
        expect(table.indexOf('never-added-id')).toBe(ref.has('never-added-id') ? ref.get('never-added-id') : -1);
        expect(table.size).toBe(ref.size);
      }),
      { numRuns: 50 },
    );
  });

  it('keeps ids of any UTF-16 text exactly (byte pool for Latin-1, strings aside otherwise), across a checkpoint', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 5 }), { maxLength: 2000 }), (ids) => {
        const table = new ClosedIds();
        for (const id of ids) table.add(id);
        const copy = new ClosedIds();
        copy.loadState(deserialize(serialize(table.saveState())) as ReturnType<ClosedIds['saveState']>);
        for (const t of [table, copy]) {
          expect(t.ids()).toEqual(ids);
          ids.forEach((id, i) => {
            expect(t.indexOf(id)).toBe(i);
            expect(t.id(i)).toBe(id);
          });
          for (const id of ids) {
            for (const other of [`${id}x`, id.slice(1), `\u0100${id}`, `\u00ff${id}`]) {
              if (!ids.includes(other)) expect(t.indexOf(other)).toBe(-1);
            }
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('tells apart different ids with the same hash (the stored text decides)', () => {
    // Find two distinct ids whose 32-bit hashes collide (birthday search over a small id space).
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; pair === undefined; i++) {
      const id = `o-${i}`;
      const h = hashId(id);
      const other = seen.get(h);
      if (other !== undefined) pair = [other, id];
      else seen.set(h, id);
    }
    const [a, b] = pair;
    const table = new ClosedIds();
    table.add(a);
    expect(table.indexOf(a)).toBe(0);
    expect(table.indexOf(b)).toBe(-1);
    table.add(b);
    expect(table.indexOf(b)).toBe(1);
  });
});

describe('closed-order columns', () => {
  it('hold every safe non-negative integer exactly, widening Uint16 -> Uint32 -> Float64, and survive a checkpoint', () => {
    const values = [0, 1, 65535, 7, 65536, 3, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, 42];
    const col = new UintColumn();
    const kinds: string[] = [];
    values.forEach((v, i) => {
      col.push(v);
      kinds.push(col.slice(i + 1).constructor.name);
    });
    expect(values.map((_, i) => col.get(i))).toEqual(values);
    expect([kinds[3], kinds[4], kinds[7]]).toEqual(['Uint16Array', 'Uint32Array', 'Float64Array']);
    const copy = UintColumn.from(deserialize(serialize(col.slice(values.length))));
    expect(values.map((_, i) => copy.get(i))).toEqual(values);
    expect(() => col.push(-1)).toThrow(ReplayInvariantError);
    expect(() => col.push(1.5)).toThrow(ReplayInvariantError);
    expect(col.length).toBe(values.length);
  });
});

describe('price cache', () => {
  it('gives the canonical text and its Number for every spelling, before and after the cache starts over', () => {
    const r = new OrderBookReplay(refData());
    const texts = ['100', '100.0', '0100.000', '97000.10', '97000.1', '1.00000000000000000001'];
    for (let round = 0; round < 2; round++) {
      for (const t of texts) {
        const p = r.priceInfo(t);
        expect(p.canon).toBe(canonicalDecimal(t));
        expect(p.num).toBe(Number(canonicalDecimal(t)));
      }
      for (let i = 0; i < TEXT_CACHE_LIMIT + 10; i++) r.priceInfo(`${i}.5`); // forces the cache to start over
    }
    expect(r.priceInfo(`${TEXT_CACHE_LIMIT + 5}.50`).canon).toBe(`${TEXT_CACHE_LIMIT + 5}.5`);
  });

  it('equal prices written differently still share one level after the cache started over', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'C-1', side: 'sell', price: '97000.1', qty: '1' });
    const r = new OrderBookReplay(refData());
    for (const item of f.items) if (item.kind === 'order') r.applyOrderEvent(item.rec, item.file, item.line);
    for (let i = 0; i < TEXT_CACHE_LIMIT + 10; i++) r.priceInfo(`${i}.25`);
    const g = new Flow();
    g.seq = 1;
    g.new({ id: 'b', acct: 'C-2', side: 'sell', price: '097000.100', qty: '1' });
    for (const item of g.items) if (item.kind === 'order') r.applyOrderEvent(item.rec, item.file, item.line);
    const side = r.bookSide('BTC-USD', 'sell')!;
    expect([...side.levels.keys()]).toEqual(['97000.1']);
    expect(side.levels.get('97000.1')!.orders).toBe(2);
  });
});

describe('replay beyond 2^53 scaled units', () => {
  it('keeps open, visible and level quantities exact when they no longer fit a double', () => {
    const f = new Flow();
    // At scale 8 these are 1.2e19 and more: bigint territory for the held state.
    f.new({ id: 'a', acct: 'C-1', side: 'sell', qty: '123456789012.12345678', display: '100000000000' });
    f.new({ id: 'b', acct: 'C-2', side: 'sell', qty: '0.00000001' });
    f.new({ id: 't', acct: 'MM-1', side: 'buy', qty: '123456789012.12345678', tif: 'ioc' });
    f.trade({ id: 't1', maker: 'a', taker: 't', price: '100', qty: '23456789012.12345677' });
    const r = new OrderBookReplay(refData());
    for (const item of f.items) {
      if (item.kind === 'order') r.applyOrderEvent(item.rec, item.file, item.line);
      else r.applyTrade(item.rec);
    }
    const a = r.openOrder('a')!;
    expect(r.formatQty(a.open)).toBe('100000000000.00000001');
    expect(r.formatQty(a.visible)).toBe('100000000000');
    const level = r.bookSide('BTC-USD', 'sell')!.levels.get('100')!;
    expect(r.formatQty(level.protVisibleQty)).toBe('100000000000.00000001');
    expect(r.formatQty(r.openOrder('t')!.open)).toBe('100000000000.00000001');
    expect(typeof level.protVisQty).toBe('bigint');
    expect(typeof r.openOrder('b')!.vis).toBe('number');
  });
});
