/**
 * DQ-5 extended (V2.md): a `route` not in `venues`, a margin `account_id` or `symbol` not in the reference data (a
 * symbol that is any instrument is known), a settlement `order_id` that is no routed order, and a `ref` that names no
 * `liquidation` at a lower `seq` (subject: the ref value). One finding per id, every role listed.
 */
import { describe, expect, it } from 'vitest';
import { UnknownReferencesRule } from '#shared/checks/dq/unknownReferences.js';
import { ruleContext } from '#shared/checks/rule.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import type { Located } from '#shared/contract/events.js';
import type { OrderEvent } from '#shared/contract/records.js';
import { FindingCollector } from '#shared/findings/collector.js';
import { Flow } from '../../audit/flow.js';
import { ev } from '../../margin/helpers.js';
import { audit2, legs, refData2 } from '../sob/harness.js';

const dq5 = (input: Parameters<typeof audit2>[0], ref = refData2()) => audit2(input, ref, ['DQ-5', 'DQ-6']);

describe('DQ-5 on contract 2', () => {
  it('a route not in venues, read on new events only', () => {
    const f = new Flow(2);
    f.new({ id: 'a', acct: 'C-1', side: 'sell', price: '1', qty: '1', route: 'SG-OK', prefunded: '1' });
    f.new({ id: 'b', acct: 'C-1', side: 'sell', price: '1', qty: '1', route: 'ZZ', prefunded: '1' });
    f.amend('a', { qty: '1', route: 'QQ' }); // not read
    f.new({ id: 'b', acct: 'C-1', side: 'sell', price: '1', qty: '1', route: 'ZZ' }); // DQ-6, its ids still counted
    const r = dq5({ flow: f });
    const finding = r.get('DQ-5', 'ZZ')!;
    expect(r.of('DQ-5').map((x) => x.subject)).toEqual(['ZZ']);
    expect(finding).toMatchObject({
      severity: 'medium',
      account_id: null,
      symbol: null,
      seq: 2,
      title: 'Unknown venue "ZZ": not in the venues reference',
      evidence: {
        id: 'ZZ',
        first_role: 'venue',
        roles: { venue: { folder: 'venues', count: 2, first_reference: { line: 2, field: 'route', seq: 2 } } },
      },
    });
    expect(finding.detail).toBe(
      'Events reference "ZZ" as a venue, but it is not in the venues reference folder: as venue 2 times, first in orders/o.jsonl:2 (route).',
    );
    // 4 events × (account, symbol) + 3 routes on new events.
    expect(r.collector.population('DQ-5')).toEqual({ examined: 11, notTested: {} });
  });

  it('a margin account_id or symbol not in the reference data; any instrument is a known symbol', () => {
    const r = dq5({
      margin: [
        ev(1, { event: 'deposit', account_id: 'C-1', asset: 'HKD', asset_class: 'fiat', amount: '10' }),
        ev(2, { event: 'pnl', account_id: 'C-1', symbol: 'BTC-USD', amount: '-1' }), // a spot instrument: known
        ev(3, { event: 'pnl', account_id: 'C-1', symbol: 'BTC-PERP', amount: '1' }),
        ev(4, { event: 'funding_rate', symbol: 'ETH-PERP', interval_start: '2026-02-12T00:00:00Z', rate: '0.0001' }),
        ev(5, { event: 'fee', account_id: 'C-404', amount: '1' }),
        ev(6, { event: 'insurance', amount: '100' }), // a contribution: no account, no ref
      ],
    });
    expect(r.of('DQ-5').map((x) => [x.subject, x.evidence.first_role, x.account_id, x.symbol])).toEqual([
      ['C-404', 'account', 'C-404', null],
      ['ETH-PERP', 'instrument', null, 'ETH-PERP'],
    ]);
    expect(r.get('DQ-5', 'C-404')!.evidence.roles).toMatchObject({
      account: { folder: 'accounts', first_reference: { file: 'margin/m.jsonl', line: 5, field: 'account_id' } },
    });
    // deposit 1, pnl 2 + 2, funding_rate 1, fee 1, contribution 0.
    expect(r.collector.population('DQ-5')).toEqual({ examined: 7, notTested: {} });
  });

  it('a settlement order_id that is no routed order (a local order, or no order at all)', () => {
    const f = new Flow(2);
    f.new({ id: 'routed', acct: 'C-1', side: 'sell', price: '1', qty: '1', route: 'SG-OK', prefunded: '1' });
    f.new({ id: 'local', acct: 'C-1', side: 'sell', price: '1', qty: '1' });
    f.cancel('routed'); // closed routed orders stay routed orders
    const r = dq5({
      flow: f,
      settlements: legs(
        { exec_id: 'x-1', order_id: 'routed' },
        { exec_id: 'x-1', order_id: 'routed', leg: 'cash' },
        { exec_id: 'x-2', order_id: 'local' },
        { exec_id: 'x-3', order_id: 'ghost' },
        { exec_id: 'x-3', order_id: 'ghost', leg: 'cash' },
      ),
    });
    expect(r.of('DQ-5').map((x) => x.subject)).toEqual(['ghost', 'local']);
    expect(r.get('DQ-5', 'ghost')).toMatchObject({
      seq: 4,
      title: 'Unknown routed order "ghost": no order of the orders folder was routed with this id',
      evidence: {
        first_role: 'routed_order',
        roles: {
          routed_order: {
            folder: 'orders',
            count: 2,
            first_reference: { file: 'settlements/s.jsonl', line: 4, field: 'order_id', seq: 4 },
          },
        },
      },
    });
    expect(r.get('DQ-5', 'ghost')!.detail).toBe(
      'Events reference "ghost" as a routed order, but no order of the orders folder was routed with this id: as routed order 2 times, first in settlements/s.jsonl:4 (order_id).',
    );
  });

  it('a ref that names no liquidation at a lower seq, whatever names it instead', () => {
    const liq = (seq: number, id: string) =>
      ev(seq, {
        event: 'liquidation',
        event_id: id,
        account_id: 'C-1',
        symbol: 'BTC-PERP',
        position_qty: '1',
        mark_price: '100',
        amount: '-50',
      });
    const payout = (seq: number, ref: string) => ev(seq, { event: 'insurance', amount: '-5', account_id: 'C-1', ref });
    const adl = (seq: number, ref: string) =>
      ev(seq, {
        event: 'adl',
        account_id: 'C-2',
        symbol: 'BTC-PERP',
        position_qty: '-1',
        mark_price: '100',
        amount: '5',
        ref,
      });
    const r = dq5({
      margin: [
        payout(1, 'L-late'), // the liquidation comes later
        liq(2, 'L-1'),
        payout(3, 'L-1'), // fine
        adl(4, 'L-1'), // fine
        adl(5, 'm-3'), // a payout, not a liquidation
        payout(6, 'L-none'),
        liq(7, 'L-late'),
        liq(8, 'L-1'), // a second liquidation with that id: a ref names the first
        adl(9, 'L-late'), // now at a lower seq: fine
      ],
    });
    expect(
      r
        .of('DQ-5')
        .map((x) => [x.subject, x.seq, (x.evidence.roles as Record<string, { count: number }>).liquidation?.count]),
    ).toEqual([
      ['L-late', 1, 1],
      ['L-none', 6, 1],
      ['m-3', 5, 1],
    ]);
    expect(r.get('DQ-5', 'L-none')!.title).toBe(
      'Unknown liquidation "L-none": no liquidation at a lower seq of the margin ledger has this event_id',
    );
  });

  it('an id unknown in two roles is one finding with both clauses', () => {
    const r = dq5({
      margin: [
        ev(1, { event: 'fee', account_id: 'X', amount: '1' }),
        ev(2, { event: 'insurance', amount: '-1', account_id: 'C-1', ref: 'X' }),
      ],
    });
    const f = r.get('DQ-5', 'X')!;
    expect(r.of('DQ-5')).toHaveLength(1);
    expect(f.title).toBe(
      'Unknown account / liquidation "X": not in the accounts reference; no liquidation at a lower seq of the margin ledger has this event_id',
    );
    expect(f.detail).toMatch(
      /^Events reference "X" as an account and a liquidation, but it is not in the accounts reference folder; and no liquidation at a lower seq/,
    );
    expect(f.account_id).toBe('X');
  });

  it('no reference at all on contract 2 is not tested, naming every kind', () => {
    const r = dq5({});
    expect(r.collector.population('DQ-5').notTested).toEqual({
      'no account, wallet, instrument, venue, routed order or liquidation referenced by any event': 0,
    });
  });

  it('carries routed orders and liquidations over a checkpoint (structured clone)', () => {
    const f = new Flow(2);
    f.new({ id: 'routed', acct: 'C-1', side: 'sell', price: '1', qty: '1', route: 'SG-OK', prefunded: '1' });
    const [order] = f.items as Located<OrderEvent>[];
    const liquidation = ev(1, {
      event: 'liquidation',
      account_id: 'C-1',
      symbol: 'BTC-PERP',
      position_qty: '1',
      mark_price: '1',
      amount: '-1',
    });
    const payout = ev(2, { event: 'insurance', amount: '-1', account_id: 'C-1', ref: 'm-1' });
    const [settled] = legs({ exec_id: 'x', order_id: 'routed' });
    const at = <T>(rec: T, file: string): Located<T> => ({ rec, file, line: 1 });

    const sink = new FindingCollector();
    const ctx = ruleContext(refData2(), DEFAULT_PARAMETERS, sink);
    const first = new UnknownReferencesRule();
    first.onOrderEvent(order!, undefined, ctx);
    first.onMargin(at(liquidation, 'margin/m.jsonl'), ctx);
    const resumed = new UnknownReferencesRule();
    resumed.loadState(structuredClone(first.saveState()));
    resumed.onMargin(at(payout, 'margin/m.jsonl'), ctx);
    resumed.onSettlement(at(settled!, 'settlements/s.jsonl'), ctx);
    resumed.finish(ctx);
    expect(sink.findings()).toEqual([]);
    // account + symbol + route; account + symbol; account + ref; order_id.
    expect(sink.population('DQ-5')).toEqual({ examined: 8, notTested: {} });
  });
});
