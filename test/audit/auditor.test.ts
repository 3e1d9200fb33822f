import { describe, expect, it } from 'vitest';
import type { Rule } from '#shared/checks/rule.js';
import type { OrderView } from '#shared/contract/events.js';
import { csvRowToJson, type OrderEvent, orderEventSchema, tradeSchema } from '#shared/contract/records.js';
import { Flow, refData, run } from './flow.js';

describe('OrderFlowAuditor', () => {
  it('quarantines an amend without price of an open limit order and does not apply it', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'C-1', side: 'sell', qty: '1' });
    f.amend('a', { qty: '5', price: null });
    const r = run(f.items);
    expect(r.quarantined.map((q) => [q.file, q.line, q.record_type])).toEqual([['orders/o.jsonl', 2, 'orders']]);
    expect(r.quarantined[0]!.reason).toMatch(/^missing field price \(an 'amend' of limit order \S+ needs it\)$/);
    expect(JSON.parse(r.quarantined[0]!.raw)).toMatchObject({ event: 'amend', order_id: 'a', qty: '5' });
    expect(r.findings).toEqual([]);
    expect(r.auditor.replay.formatQty(r.auditor.replay.openOrder('a')!.open)).toBe('1');
  });

  it('an amend without price of a closed or unknown order is DQ-6, whatever else it lacks (DATA-CONTRACT)', () => {
    const f = new Flow();
    f.new({ id: 'b', acct: 'C-1', side: 'sell', qty: '1' });
    f.cancel('b');
    f.amend('b', { qty: '5', price: null });
    f.amend('z', { qty: '5', price: null });
    const r = run(f.items);
    expect(r.quarantined).toEqual([]);
    expect(r.findings.map((x) => [x.check_id, x.subject])).toEqual([
      ['DQ-6', 'b'],
      ['DQ-6', 'z'],
    ]);
  });

  it('process() returns false only for a set-aside record', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'C-1', side: 'sell', qty: '1' });
    f.amend('a', { qty: '2', price: null });
    f.amend('a', { qty: '2' });
    const r = run([]);
    expect(f.items.map((i) => r.auditor.process(i))).toEqual([true, false, true]);
  });

  it('accepts an amend without price of a market order (a market order has no limit price)', () => {
    const f = new Flow();
    f.new({ id: 'm', acct: 'C-1', side: 'buy', type: 'market', price: null, qty: '1', tif: 'ioc' });
    f.amend('m', { qty: '0.5', price: null });
    const r = run(f.items);
    expect(r.quarantined).toEqual([]);
    expect(r.auditor.replay.formatQty(r.auditor.replay.openOrder('m')!.open)).toBe('0.5');
  });

  it('runs extra rules with the state before the event, then applies it; onReference and finish once', () => {
    const calls: string[] = [];
    const spy: Rule = {
      checks: ['FS-1'],
      onReference: () => calls.push('ref'),
      onOrderEvent: (item, before: OrderView | undefined) =>
        calls.push(`${item.rec.event}:${before === undefined ? '-' : `${before.mm_tag}/${before.closed}`}`),
      onTrade: (_item, maker, taker) => calls.push(`trade:${maker?.closed}/${taker?.closed}`),
      finish: () => calls.push('finish'),
    };
    const f = new Flow();
    f.new({ id: 'a', acct: 'TP-1', side: 'sell', qty: '1', mm_tag: false });
    f.amend('a', { qty: '1', mm_tag: true });
    f.new({ id: 't', acct: 'C-1', side: 'buy', qty: '1', tif: 'ioc' });
    f.trade({ id: 't-1', maker: 'a', taker: 't', price: '100', qty: '1' });
    f.cancel('a');
    run(f.items, refData(), [spy]);
    expect(calls).toEqual([
      'ref',
      'new:-',
      'amend:false/false',
      'new:-',
      'trade:false/false',
      'cancel:true/true',
      'finish',
    ]);
  });

  it('fails closed: a throwing extra rule becomes a finding and the replay goes on', () => {
    const boom: Rule = {
      checks: ['FS-2'],
      onOrderEvent: () => {
        throw new Error('boom');
      },
    };
    const f = new Flow();
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    f.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '1' });
    f.new({ id: 'tk', acct: 'C-2', side: 'buy', qty: '0.5', tif: 'ioc' });
    f.trade({ id: 't-1', maker: 'mm', taker: 'tk', price: '100', qty: '0.5' });
    const r = run(f.items, refData(), [boom]);
    expect(r.get('FS-2', 'rule-error')!.severity).toBe('critical');
    expect(r.get('CP-1', 't-1')!.severity).toBe('high');
  });

  it('the worked example (test/fixtures/worked-example): CP-1 high on t-1 and nothing else from these checks', () => {
    // orders/orders-1.jsonl and trades/trades-1.csv of the worked example, verbatim.
    const orderLines = [
      '{"seq":1,"ts":"2026-02-12T01:00:00.000001Z","event":"new","order_id":"o-mm","symbol":"BTC-USD","account_id":"MM-1","side":"sell","type":"limit","price":"97000.1","qty":"1","display_qty":null,"tif":"gtc","mm_tag":true,"user_id":"u-mm1","session_id":"s-mm","source_ip":"10.1.0.5"}',
      '{"seq":2,"ts":"2026-02-12T01:00:00.000002Z","event":"new","order_id":"o-c1","symbol":"BTC-USD","account_id":"C-1","side":"sell","type":"limit","price":"97000.10","qty":"0.5","display_qty":null,"tif":"gtc","mm_tag":false,"user_id":"c1-api","session_id":"s-c1","source_ip":"203.0.113.7"}',
      '{"seq":3,"ts":"2026-02-12T01:00:01.000000Z","event":"new","order_id":"o-c2","symbol":"BTC-USD","account_id":"C-2","side":"buy","type":"limit","price":"97000.1","qty":"0.4","display_qty":null,"tif":"ioc","mm_tag":false,"user_id":"c2-api","session_id":"s-c2","source_ip":"198.51.100.9"}',
    ];
    const header = 'seq,ts,trade_id,symbol,price,qty,maker_order_id,taker_order_id,maker_mm_tag,taker_mm_tag,phase';
    const row = '4,2026-02-12T01:00:01.000000Z,t-1,BTC-USD,97000.1,0.4,o-mm,o-c2,true,false,continuous';
    const cells = row.split(',');
    const trade = tradeSchema.parse(
      csvRowToJson('trades', Object.fromEntries(header.split(',').map((k, i) => [k, cells[i] ?? '']))),
    );
    const ref = refData([
      ['C-1', 'E-C1', 'client'],
      ['C-2', 'E-C2', 'client'],
      ['MM-1', 'E-MM', 'affiliated_mm'],
    ]);
    const items = [
      ...orderLines.map((l, i) => ({
        kind: 'order' as const,
        rec: orderEventSchema.parse(JSON.parse(l)) as OrderEvent,
        file: 'orders/orders-1.jsonl',
        line: i + 1,
      })),
      { kind: 'trade' as const, rec: trade, file: 'trades/trades-1.csv', line: 2 },
    ];
    const r = run(items, ref);
    expect(r.findings.map((x) => ({ check_id: x.check_id, subject: x.subject, severity: x.severity }))).toEqual([
      { check_id: 'CP-1', subject: 't-1', severity: 'high' },
    ]);
    expect(r.quarantined).toEqual([]);
    expect(r.get('CP-1', 't-1')!.evidence.blocking_orders).toEqual([
      {
        order_id: 'o-c1',
        account_id: 'C-1',
        price: '97000.1',
        visible_qty: '0.5',
        priority: 2,
        file: 'orders/orders-1.jsonl',
        line: 2,
      },
    ]);
  });
});
