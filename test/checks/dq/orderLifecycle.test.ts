import { describe, expect, it } from 'vitest';
import type { Rule } from '#shared/checks/rule.js';
import { Flow, run, verdicts } from '../../audit/flow.js';

describe('DQ-6 order lifecycle', () => {
  it('DQ-6: amend, cancel, expire and reject of an order the replay does not know', () => {
    for (const ev of ['cancel', 'expire', 'reject'] as const) {
      const f = new Flow();
      f.end(ev, 'o-x');
      const r = run(f.items);
      expect(verdicts(r, 'o-x')).toEqual({ 'DQ-6': 'medium' });
      expect(r.get('DQ-6', 'o-x')!.evidence).toMatchObject({ issue: 'unknown order', event: ev, seq: 1 });
    }
    const f = new Flow();
    f.amend('o-x', { qty: '1' });
    expect(verdicts(run(f.items), 'o-x')).toEqual({ 'DQ-6': 'medium' });
  });

  it('DQ-6: the same events on a known open order are compliant', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'C-1', side: 'buy', qty: '1' });
    f.amend('a', { qty: '2' });
    f.cancel('a');
    f.new({ id: 'b', acct: 'C-1', side: 'buy', qty: '1' });
    f.end('expire', 'b');
    f.new({ id: 'c', acct: 'C-1', side: 'buy', qty: '1', tif: 'ioc' });
    f.end('reject', 'c');
    const r = run(f.items);
    expect(r.findings).toEqual([]);
    expect(r.collector.population('DQ-6').examined).toBe(7);
  });

  it('DQ-6: events on an already-closed order (cancelled, filled, amended to zero) are reported and ignored', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'C-1', side: 'sell', qty: '1' });
    f.cancel('a');
    f.amend('a', { qty: '5' });
    f.new({ id: 'b', acct: 'C-1', side: 'sell', qty: '1' });
    f.new({ id: 't', acct: 'C-2', side: 'buy', qty: '1', tif: 'ioc' });
    f.trade({ id: 't-1', maker: 'b', taker: 't', price: '100', qty: '1' });
    f.cancel('b');
    f.end('expire', 't');
    f.new({ id: 'c', acct: 'C-1', side: 'sell', qty: '1' });
    f.amend('c', { qty: '1' });
    f.amend('c', { qty: '0.5' });
    const r = run(f.items);
    expect(verdicts(r, 'a')).toEqual({ 'DQ-6': 'medium' });
    expect(r.get('DQ-6', 'a')!.evidence).toMatchObject({ issue: 'order already closed', closed_by: 'cancelled' });
    expect(verdicts(r, 'b')).toEqual({ 'DQ-6': 'medium' });
    expect(verdicts(r, 't')).toEqual({ 'DQ-6': 'medium' });
    expect(r.get('DQ-6', 't')!.evidence).toMatchObject({ closed_by: 'filled' });
    expect(verdicts(r, 'c')).toEqual({});
    expect(r.auditor.replay.order('a')!.closed).toBe(true);
  });

  it('DQ-6: a second new or snapshot for a known order_id (open or closed) is reported and not applied', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'C-1', side: 'sell', qty: '1' });
    f.snapshot({ id: 'a', acct: 'C-2', side: 'buy', qty: '9', price: '50' });
    f.new({ id: 'b', acct: 'C-1', side: 'sell', qty: '1' });
    f.cancel('b');
    f.new({ id: 'b', acct: 'C-1', side: 'sell', qty: '1' });
    const r = run(f.items);
    expect(verdicts(r, 'a')).toEqual({ 'DQ-6': 'medium' });
    expect(r.get('DQ-6', 'a')!.evidence).toMatchObject({ issue: 'order already known', event: 'snapshot' });
    expect(verdicts(r, 'b')).toEqual({ 'DQ-6': 'medium' });
    const a = r.auditor.replay.openOrder('a')!;
    expect([a.account_id, a.side, a.price]).toEqual(['C-1', 'sell', '100']);
    expect(r.auditor.replay.order('b')!.closed).toBe(true);
  });

  it('DQ-6: an ignored event is judged by no other check of this module, but extra rules still receive it', () => {
    const seen: Array<[string, boolean | undefined]> = [];
    const spy: Rule = {
      checks: ['FS-1'],
      onOrderEvent(item, before) {
        seen.push([item.rec.event, before?.closed]);
      },
    };
    const f = new Flow();
    f.new({ id: 'a', acct: 'C-1', side: 'sell', qty: '1' });
    f.cancel('a');
    f.amend('a', { qty: '1', mm_tag: true }); // would be MMT-2 and MMT-3 on an open order
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1', mm_tag: false }); // would be MMT-1
    const r = run(f.items, undefined, [spy]);
    expect(r.findings.map((x) => `${x.check_id}:${x.subject}`)).toEqual(['DQ-6:a', 'DQ-6:mm']);
    expect(seen).toEqual([
      ['new', undefined],
      ['cancel', false],
      ['amend', true],
      ['new', undefined],
      ['new', false],
    ]);
  });
});
