import { describe, expect, it } from 'vitest';
import { UNKNOWN_ACCOUNT } from '#shared/checks/mmt/orderEventAccount.js';
import { BOTH_UNKNOWN } from '#shared/checks/mmt/tradeTagMismatch.js';
import { Flow, run, verdicts } from '../../audit/flow.js';

describe('MMT-1 untagged affiliated MM order', () => {
  it('MMT-1: an affiliated MM order with mm_tag = false at new is high; tagged is compliant', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'MM-1', side: 'sell', qty: '1', mm_tag: false });
    f.new({ id: 'b', acct: 'MM-2', side: 'sell', qty: '1', mm_tag: true });
    const r = run(f.items);
    expect(verdicts(r, 'a')).toEqual({ 'MMT-1': 'high' });
    expect(r.get('MMT-1', 'a')).toMatchObject({ account_id: 'MM-1', seq: 1, symbol: 'BTC-USD' });
    expect(verdicts(r, 'b')).toEqual({});
    expect(r.collector.population('MMT-1').examined).toBe(2);
  });

  it('MMT-1: at snapshot too', () => {
    const f = new Flow();
    f.snapshot({ id: 'a', acct: 'MM-1', side: 'sell', qty: '1', mm_tag: false });
    f.snapshot({ id: 'b', acct: 'MM-1', side: 'sell', qty: '1', mm_tag: true });
    const r = run(f.items);
    expect(verdicts(r, 'a')).toEqual({ 'MMT-1': 'high' });
    expect(verdicts(r, 'b')).toEqual({});
  });

  it('MMT-1: at any amend (also MMT-3, since the tag changed); an amend keeping true is compliant', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'MM-1', side: 'sell', qty: '1' });
    f.amend('a', { qty: '1', mm_tag: false });
    f.new({ id: 'b', acct: 'MM-1', side: 'sell', qty: '1' });
    f.amend('b', { qty: '2', mm_tag: true });
    const r = run(f.items);
    expect(verdicts(r, 'a')).toEqual({ 'MMT-1': 'high', 'MMT-3': 'medium' });
    expect(r.get('MMT-1', 'a')!.seq).toBe(2);
    expect(verdicts(r, 'b')).toEqual({});
  });

  it("MMT-1: uses the order's own account, not the account an amend repeats", () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'MM-1', side: 'sell', qty: '1' });
    f.amend('a', { qty: '1', mm_tag: false, acct: 'C-1' });
    f.new({ id: 'c', acct: 'C-1', side: 'sell', qty: '1' });
    f.amend('c', { qty: '1', mm_tag: false, acct: 'MM-1' });
    const r = run(f.items);
    expect(r.get('MMT-1', 'a')!.account_id).toBe('MM-1');
    expect(verdicts(r, 'c')).toEqual({});
  });

  it('MMT-1/MMT-2: an order of an account missing from the reference is not tested', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'X-9', side: 'sell', qty: '1', mm_tag: true });
    const r = run(f.items);
    expect(r.findings).toEqual([]);
    expect(r.collector.population('MMT-1').notTested[UNKNOWN_ACCOUNT]).toBe(1);
    expect(r.collector.population('MMT-2').notTested[UNKNOWN_ACCOUNT]).toBe(1);
  });
});

describe('MMT-2 non-MM order tagged as market making', () => {
  it('MMT-2: a client or platform order with mm_tag = true is medium; untagged is compliant', () => {
    const f = new Flow();
    f.new({ id: 'c', acct: 'C-1', side: 'sell', qty: '1', mm_tag: true });
    f.new({ id: 'p', acct: 'P-1', side: 'sell', qty: '1', mm_tag: true });
    f.new({ id: 'c2', acct: 'C-2', side: 'sell', qty: '1', mm_tag: false });
    f.new({ id: 'p2', acct: 'P-1', side: 'sell', qty: '1', mm_tag: false });
    const r = run(f.items);
    expect(verdicts(r, 'c')).toEqual({ 'MMT-2': 'medium' });
    expect(verdicts(r, 'p')).toEqual({ 'MMT-2': 'medium' });
    expect(verdicts(r, 'c2')).toEqual({});
    expect(verdicts(r, 'p2')).toEqual({});
    expect(r.collector.population('MMT-2').examined).toBe(4);
  });

  it('MMT-2: a third-party MM is neither: tagged or not, no MMT finding', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'TP-1', side: 'sell', qty: '1', mm_tag: true });
    f.new({ id: 'b', acct: 'TP-1', side: 'sell', qty: '1', mm_tag: false });
    const r = run(f.items);
    expect(r.findings).toEqual([]);
    expect(r.collector.population('MMT-1').examined).toBe(0);
    expect(r.collector.population('MMT-2').examined).toBe(0);
  });

  it('MMT-2: an amend tagging a client order true (also MMT-3)', () => {
    const f = new Flow();
    f.new({ id: 'c', acct: 'C-1', side: 'sell', qty: '1' });
    f.amend('c', { qty: '1', mm_tag: true });
    expect(verdicts(run(f.items), 'c')).toEqual({ 'MMT-2': 'medium', 'MMT-3': 'medium' });
  });
});

describe('MMT-3 tag changed during the order life', () => {
  it('MMT-3: a tag flipping via amend is medium, even for a third-party MM; a steady tag is compliant', () => {
    const f = new Flow();
    f.new({ id: 't', acct: 'TP-1', side: 'sell', qty: '1', mm_tag: false });
    f.amend('t', { qty: '1', mm_tag: true });
    f.new({ id: 'u', acct: 'TP-1', side: 'sell', qty: '1', mm_tag: true });
    f.amend('u', { qty: '2', mm_tag: true });
    f.amend('u', { qty: '3', price: '101', mm_tag: true });
    const r = run(f.items);
    expect(verdicts(r, 't')).toEqual({ 'MMT-3': 'medium' });
    expect(r.get('MMT-3', 't')!.evidence).toMatchObject({ mm_tag_before: false, mm_tag_after: true });
    expect(verdicts(r, 'u')).toEqual({});
    expect(r.collector.population('MMT-3').examined).toBe(3);
  });

  it('MMT-3: flipping and flipping back is still a change (one finding per order)', () => {
    const f = new Flow();
    f.new({ id: 't', acct: 'TP-1', side: 'sell', qty: '1', mm_tag: true });
    f.amend('t', { qty: '1', mm_tag: false });
    f.amend('t', { qty: '1', mm_tag: true });
    const r = run(f.items);
    expect(r.of('MMT-3').length).toBe(1);
    expect(r.get('MMT-3', 't')!.seq).toBe(2);
  });
});

describe('MMT-4 trade tag differs from the order tag', () => {
  function flow(): Flow {
    const f = new Flow();
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    f.new({ id: 'tk', acct: 'TP-1', side: 'buy', qty: '1', tif: 'ioc', mm_tag: true });
    return f;
  }

  it("MMT-4: trade tags equal to the orders' tags are compliant", () => {
    const f = flow();
    f.trade({ id: 't-1', maker: 'mm', taker: 'tk', price: '100', qty: '0.5', maker_mm_tag: true, taker_mm_tag: true });
    const r = run(f.items);
    expect(r.findings).toEqual([]);
    expect(r.collector.population('MMT-4').examined).toBe(1);
  });

  it('MMT-4: a differing maker_mm_tag or taker_mm_tag is medium', () => {
    const f = flow();
    f.trade({ id: 't-1', maker: 'mm', taker: 'tk', price: '100', qty: '0.1', maker_mm_tag: false, taker_mm_tag: true });
    f.trade({ id: 't-2', maker: 'mm', taker: 'tk', price: '100', qty: '0.1', maker_mm_tag: true, taker_mm_tag: false });
    const r = run(f.items);
    expect(verdicts(r, 't-1')).toEqual({ 'MMT-4': 'medium' });
    expect(r.get('MMT-4', 't-1')!.account_id).toBe('MM-1');
    expect(verdicts(r, 't-2')).toEqual({ 'MMT-4': 'medium' });
    expect(r.get('MMT-4', 't-2')!.account_id).toBe('TP-1');
  });

  it('MMT-4: compares with the tag at the time of the trade (after an amend changed it)', () => {
    const f = flow();
    f.amend('mm', { qty: '1', mm_tag: false }); // MMT-1 + MMT-3 on the order
    f.trade({ id: 't-1', maker: 'mm', taker: 'tk', price: '100', qty: '0.1', maker_mm_tag: false, taker_mm_tag: true });
    f.trade({ id: 't-2', maker: 'mm', taker: 'tk', price: '100', qty: '0.1', maker_mm_tag: true, taker_mm_tag: true });
    const r = run(f.items);
    expect(verdicts(r, 't-1')).toEqual({});
    expect(verdicts(r, 't-2')).toEqual({ 'MMT-4': 'medium' });
  });

  it('MMT-4: an order unknown to the replay is left to DQ-3; with both unknown the trade is not tested', () => {
    const f = flow();
    f.trade({
      id: 't-1',
      maker: 'mm',
      taker: 'ghost',
      price: '100',
      qty: '0.1',
      maker_mm_tag: true,
      taker_mm_tag: true,
    });
    f.trade({ id: 't-2', maker: 'x', taker: 'y', price: '100', qty: '0.1', maker_mm_tag: true, taker_mm_tag: true });
    const r = run(f.items);
    expect(verdicts(r, 't-1')).toEqual({ 'DQ-3': 'high' });
    expect(verdicts(r, 't-2')).toEqual({ 'DQ-3': 'high' });
    expect(r.collector.population('MMT-4')).toEqual({ examined: 1, notTested: { [BOTH_UNKNOWN]: 1 } });
  });

  it('MMT-4: a closed order is still known: its last tag is compared', () => {
    const f = flow();
    f.cancel('mm');
    f.trade({ id: 't-1', maker: 'mm', taker: 'tk', price: '100', qty: '0.1', maker_mm_tag: false, taker_mm_tag: true });
    expect(verdicts(run(f.items), 't-1')).toEqual({ 'DQ-3': 'high', 'MMT-4': 'medium' });
  });
});
