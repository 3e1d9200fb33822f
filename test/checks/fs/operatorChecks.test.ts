import { describe, expect, it } from 'vitest';
import { CHECK_BY_ID } from '#shared/checks/catalogue.js';
import { operatorMarketMakingStaffRule } from '#shared/checks/fs/operatorMarketMakingStaff.js';
import { operatorProprietaryTradingRule } from '#shared/checks/fs/operatorProprietaryTrading.js';
import { declarationsOf } from '#shared/checks/pack.js';
import { ACCOUNTS, drive, makeRef, only, ord, STAFF, subjects } from './fixtures.js';

describe('FS-6 the operator does not trade for its own account', () => {
  it('FS-6: one high finding per platform account, counting its orders, symbols, first and last order', () => {
    const accounts = [...ACCOUNTS, { ...ACCOUNTS.find((a) => a.account_id === 'PL-1')!, account_id: 'PL-2' }];
    const sink = drive([operatorProprietaryTradingRule()], makeRef({ accounts }), {
      orders: [
        ord({ seq: 1, order_id: 'o-1', account_id: 'PL-1', user_id: 'u-ops' }),
        ord({ seq: 2, order_id: 'o-1', account_id: 'PL-1', event: 'cancel', user_id: 'u-ops' }),
        ord({ seq: 3, order_id: 'o-2', account_id: 'C-R' }),
        ord({ seq: 4, order_id: 'o-3', account_id: 'MM-1', mm_tag: true }),
        ord({ seq: 5, order_id: 'o-4', account_id: 'PL-1', symbol: 'BTC-PERP' }),
        ord({ seq: 6, order_id: 'o-5', account_id: 'PL-1' }),
        // A second new of a known order is DQ-6's, not another order.
        ord({ seq: 7, order_id: 'o-5', account_id: 'PL-1' }),
        ord({ seq: 8, order_id: 'o-6', account_id: 'PL-2', event: 'snapshot' }),
      ],
    });
    const found = sink.findings().filter((f) => f.check_id === 'FS-6');
    expect(found.map((f) => f.subject)).toEqual(['PL-1', 'PL-2']);
    const [pl1, pl2] = found;
    expect(pl1).toMatchObject({ severity: 'high', subject: 'PL-1', account_id: 'PL-1', symbol: null, seq: 1 });
    expect(pl1!.evidence).toMatchObject({
      account_id: 'PL-1',
      account_entity_id: 'E-OP',
      orders: 3,
      symbols: [
        { symbol: 'BTC-PERP', orders: 1 },
        { symbol: 'BTC-USD', orders: 2 },
      ],
      first_order: { order_id: 'o-1', seq: 1, symbol: 'BTC-USD', event: 'new' },
      last_order: { order_id: 'o-5', seq: 6, symbol: 'BTC-USD', event: 'new' },
    });
    expect(pl1!.detail).toContain('3 orders');
    expect(pl2).toMatchObject({ subject: 'PL-2', symbol: 'BTC-USD', seq: 8 });
    expect(pl2!.evidence).toMatchObject({ orders: 1, first_order: { order_id: 'o-6', event: 'snapshot' } });
    // Population: the orders (opening events) of known accounts.
    expect(sink.population('FS-6')).toEqual({ examined: 6, notTested: {} });
  });

  it('FS-6: client and MM orders only is compliant; unknown accounts are not tested', () => {
    const sink = drive([operatorProprietaryTradingRule()], makeRef(), {
      orders: [
        ord({ seq: 1, order_id: 'o-1', account_id: 'C-P' }),
        ord({ seq: 2, order_id: 'o-2', account_id: 'X-9' }),
      ],
    });
    expect(subjects(sink, 'FS-6')).toEqual([]);
    expect(sink.population('FS-6').examined).toBe(1);
    expect(Object.values(sink.population('FS-6').notTested)).toEqual([1]);
  });
});

describe('FS-7 the operator employs no market-making staff', () => {
  it('FS-7: market-making staff of MM entities and non-MM staff of the operator are fine', () => {
    const sink = drive([operatorMarketMakingStaffRule()], makeRef());
    expect(subjects(sink, 'FS-7')).toEqual([]);
    expect(sink.population('FS-7')).toEqual({ examined: STAFF.length, notTested: {} });
  });

  it('FS-7: a market_making staff member of the operator entity is a high finding', () => {
    const staff = [...STAFF, { user_id: 'u-op-mm', entity_id: 'E-OP', function: 'market_making' as const }];
    const f = only(drive([operatorMarketMakingStaffRule()], makeRef({ staff })), 'FS-7');
    expect(f).toMatchObject({ severity: 'high', subject: 'u-op-mm' });
    expect(f.evidence).toEqual({ user_id: 'u-op-mm', entity_id: 'E-OP', function: 'market_making' });
  });
});

/** The pack's FS rules, freshly created. */
const functionalSeparationRules = () =>
  declarationsOf(['FS-1', 'FS-2', 'FS-3', 'FS-4', 'FS-5', 'FS-6', 'FS-7']).map((d) => d.create({}));

describe("the pack's FS rules", () => {
  it('cover FS-1..FS-7, all in the catalogue, with fresh state per creation', () => {
    const ids = functionalSeparationRules().flatMap((r) => [...r.checks]);
    expect(ids).toEqual(['FS-1', 'FS-2', 'FS-3', 'FS-4', 'FS-5', 'FS-6', 'FS-7']);
    for (const id of ids) expect(CHECK_BY_ID.has(id)).toBe(true);
    const orders = [
      ord({ seq: 1, order_id: 'o-1', account_id: 'MM-1', user_id: 'u-ops', session_id: 's-1', mm_tag: true }),
      ord({ seq: 2, order_id: 'o-2', account_id: 'C-R', session_id: 's-1' }),
    ];
    const first = drive(functionalSeparationRules(), makeRef(), { orders });
    const second = drive(functionalSeparationRules(), makeRef(), { orders: orders.slice(1) });
    expect(first.findings().map((f) => `${f.check_id}:${f.subject}`)).toEqual(['FS-1:o-1', 'FS-3:s-1']);
    expect(second.findings()).toEqual([]);
    expect(second.population('FS-3').examined).toBe(1);
  });
});
