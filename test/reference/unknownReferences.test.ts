import { describe, expect, it } from 'vitest';
import { UnknownReferencesRule } from '#shared/checks/dq/unknownReferences.js';
import { type RuleContext, ruleContext } from '#shared/checks/rule.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import type { Located } from '#shared/contract/events.js';
import type { Account, CollateralEvent, Instrument, OrderEvent, Trade, Wallet } from '#shared/contract/records.js';
import { FindingCollector } from '#shared/findings/collector.js';
import { buildReferenceData } from '#shared/reference/referenceData.js';
import { VALID } from '../ingest/helpers.js';

function context(): { ctx: RuleContext; sink: FindingCollector } {
  const sink = new FindingCollector();
  const ref = buildReferenceData({
    manifest: {
      contract: 1,
      venue: 'HKVX',
      operator_entity_id: 'E-OP',
      period_start: '2026-02-12T00:00:00Z',
      period_end: '2026-02-13T00:00:00Z',
    },
    accounts: new Map([['C-1', VALID.accounts as Account]]),
    staff: new Map(),
    wallets: new Map([['W-1', VALID.wallets as Wallet]]),
    instruments: new Map([['BTC-USD', VALID.instruments as Instrument]]),
    hasAccessLog: false,
  });
  return { ctx: ruleContext(ref, DEFAULT_PARAMETERS, sink), sink };
}

const at = <T>(rec: T, line: number, file = 'x/f.jsonl'): Located<T> => ({ rec, file, line });
const order = (o: Partial<OrderEvent>, line: number) =>
  at({ ...(VALID.orders as OrderEvent), ...o }, line, 'orders/o.jsonl');
const trade = (t: Partial<Trade>, line: number) => at({ ...(VALID.trades as Trade), ...t }, line, 'trades/t.csv');
const coll = (c: Partial<CollateralEvent>, line: number) =>
  at({ ...(VALID.collateral as CollateralEvent), ...c }, line, 'collateral/c.jsonl');

describe('DQ-5: unknown accounts, wallets and instruments', () => {
  it('DQ-5: known references give no finding; each reference field is examined', () => {
    const { ctx, sink } = context();
    const rule = new UnknownReferencesRule();
    rule.onOrderEvent(order({}, 1), undefined, ctx);
    rule.onTrade(trade({}, 2), undefined, undefined, ctx);
    rule.onCollateral(coll({ from_wallet: 'W-1' }, 3), ctx);
    rule.onCollateral(coll({ event: 'valuation', account_id: null, to_wallet: null, price: '1' }, 4), ctx);
    rule.finish(ctx);
    expect(sink.findings()).toEqual([]);
    // order: account + symbol; trade: symbol; collateral: account + from + to; valuation: none.
    expect(sink.population('DQ-5')).toEqual({ examined: 6, notTested: {} });
  });

  it("DQ-5: an order's account_id and symbol absent from accounts / instruments", () => {
    const { ctx, sink } = context();
    const rule = new UnknownReferencesRule();
    rule.onOrderEvent(order({ account_id: 'C-9', seq: 3 }, 1), undefined, ctx);
    rule.onOrderEvent(order({ account_id: 'C-9', seq: 4, event: 'cancel' }, 2), undefined, ctx);
    rule.onOrderEvent(order({ symbol: 'DOGE-USD', seq: 5 }, 3), undefined, ctx);
    rule.finish(ctx);
    const f = sink.findings();
    expect(f.map((x) => [x.subject, x.severity, x.account_id, x.symbol, x.seq])).toEqual([
      ['C-9', 'medium', 'C-9', null, 3],
      ['DOGE-USD', 'medium', null, 'DOGE-USD', 5],
    ]);
    expect(f[0]!.evidence).toMatchObject({
      roles: {
        account: {
          folder: 'accounts',
          count: 2,
          first_reference: { file: 'orders/o.jsonl', line: 1, field: 'account_id' },
        },
      },
    });
    expect(f[0]!.detail).toContain('orders/o.jsonl:1');
  });

  it("DQ-5: a trade's symbol absent from instruments", () => {
    const { ctx, sink } = context();
    const rule = new UnknownReferencesRule();
    rule.onTrade(trade({ symbol: 'ETH-USD' }, 2), undefined, undefined, ctx);
    rule.finish(ctx);
    expect(sink.findings().map((x) => [x.subject, x.evidence.first_role])).toEqual([['ETH-USD', 'instrument']]);
  });

  it('DQ-5: a collateral account_id, from_wallet or to_wallet absent from its folder', () => {
    const { ctx, sink } = context();
    const rule = new UnknownReferencesRule();
    rule.onCollateral(coll({ account_id: 'C-7' }, 1), ctx);
    rule.onCollateral(coll({ event: 'transfer', account_id: null, from_wallet: 'W-X', to_wallet: 'W-Y' }, 2), ctx);
    rule.onCollateral(coll({ event: 'transfer', account_id: null, from_wallet: 'W-Y', to_wallet: 'W-1' }, 3), ctx);
    rule.finish(ctx);
    const f = sink.findings();
    expect(f.map((x) => x.subject)).toEqual(['C-7', 'W-X', 'W-Y']);
    expect(f[2]!.evidence).toMatchObject({
      roles: { wallet: { count: 2, first_reference: { line: 2, field: 'to_wallet' } } },
    });
  });

  it('DQ-5: an id unknown both as an account and as a wallet is one finding listing both roles', () => {
    const { ctx, sink } = context();
    const rule = new UnknownReferencesRule();
    rule.onCollateral(coll({ account_id: 'X', to_wallet: 'X' }, 1), ctx);
    rule.onOrderEvent(order({ account_id: 'X' }, 5), undefined, ctx);
    rule.finish(ctx);
    const f = sink.findings();
    expect(f).toHaveLength(1);
    expect(f[0]!.subject).toBe('X');
    expect(f[0]!.evidence.roles).toMatchObject({ account: { count: 2 }, wallet: { count: 1 } });
    expect(f[0]!.title).toMatch(/account \/ wallet/);
  });

  it('DQ-5: an account present as a wallet only is still an unknown account', () => {
    const { ctx, sink } = context();
    const rule = new UnknownReferencesRule();
    rule.onOrderEvent(order({ account_id: 'W-1' }, 1), undefined, ctx);
    rule.finish(ctx);
    expect(sink.findings().map((x) => x.subject)).toEqual(['W-1']);
  });

  it('DQ-5: no reference at all is "not tested"', () => {
    const { ctx, sink } = context();
    new UnknownReferencesRule().finish(ctx);
    expect(sink.population('DQ-5').notTested).toEqual({
      'no account, wallet or instrument referenced by any event': 0,
    });
  });
});
