import { describe, expect, it } from 'vitest';
import { draw, events, pledge, release, repay, run, valuation } from '../../collateral/harness.js';

// 2 BTC at 97000 with a 60 % haircut: lending value 2 × 97000 × 0.4 = 77600.
const twoBtc = () => pledge({ qty: '2', price: '97000', haircut: '0.6' });

describe('MF-3 loan drawn beyond lending value', () => {
  it('MF-3: a draw up to exactly the lending value is compliant', () => {
    const r = run(events(twoBtc(), draw('70000'), draw('7600')));
    expect(r.ids('MF-3')).toEqual([]);
    expect(r.sink.population('MF-3').examined).toBe(2);
  });

  it('MF-3: a draw that takes the outstanding amount above the lending value is high', () => {
    const r = run(events(twoBtc(), draw('70000'), draw('7600.01')));
    expect(r.ids('MF-3')).toEqual(['c-3']);
    const f = r.findings[0];
    expect(f?.severity).toBe('high');
    expect(f?.account_id).toBe('C-1');
    expect(f?.evidence).toMatchObject({ outstanding: '77600.01', lending_value: '77600', excess: '0.01' });
  });

  it('MF-3: repayments reduce the outstanding amount', () => {
    const r = run(events(twoBtc(), draw('77600'), repay('100'), draw('100'), draw('0.01')));
    expect(r.ids('MF-3')).toEqual(['c-5']);
  });

  it('MF-3: a virtual-asset haircut below the floor is valued at the floor', () => {
    // Recorded 0.5 would give 97000; the floor 0.6 gives 77600.
    const r = run(events(pledge({ qty: '2', price: '97000', haircut: '0.5' }), draw('77600'), draw('1')));
    expect(r.ids('MF-3')).toEqual(['c-3']);
  });

  it('MF-3: a virtual-asset haircut above the floor is valued at the recorded haircut', () => {
    // 2 × 97000 × 0.3 = 58200
    const ok = run(events(pledge({ qty: '2', price: '97000', haircut: '0.7' }), draw('58200')));
    expect(ok.ids('MF-3')).toEqual([]);
    const bad = run(events(pledge({ qty: '2', price: '97000', haircut: '0.7' }), draw('58200.01')));
    expect(bad.ids('MF-3')).toEqual(['c-2']);
  });

  it('MF-3: an ineligible virtual asset lends nothing', () => {
    const r = run(events(pledge({ asset: 'WBTC', qty: '10', price: '97000', haircut: '0.6' }), draw('1')));
    expect(r.ids('MF-3')).toEqual(['c-2']);
  });

  it('MF-3: non-VA lots (security, stablecoin) are valued with their recorded haircut', () => {
    // 100 × 400 × 0.7 = 28000, plus 10000 × 1 × 0.95 = 9500: 37500 (the VA floor does not apply to them).
    const lots = [
      pledge({ asset: '0700.HK', asset_class: 'security', qty: '100', price: '400', haircut: '0.3' }),
      pledge({ asset: 'USDT', asset_class: 'stablecoin', qty: '10000', price: '1', haircut: '0.05' }),
    ];
    expect(run(events(...lots, draw('37500'))).ids('MF-3')).toEqual([]);
    expect(run(events(...lots, draw('37500.01'))).ids('MF-3')).toEqual(['c-3']);
  });

  it('MF-3: the latest price of the asset is used, from a valuation or a pledge, whichever came later', () => {
    // Valuation at 50000: 2 × 50000 × 0.4 = 40000.
    expect(run(events(twoBtc(), valuation('50000'), draw('40000'))).ids('MF-3')).toEqual([]);
    expect(run(events(twoBtc(), valuation('50000'), draw('40000.01'))).ids('MF-3')).toEqual(['c-3']);
    // A later pledge of BTC (any loan) at 60000 sets the price again: 2 × 60000 × 0.4 = 48000 for L-1.
    const later = events(twoBtc(), valuation('50000'), pledge({ loan_id: 'L-2', price: '60000' }), draw('48000'));
    expect(run(later).ids('MF-3')).toEqual([]);
    const later2 = events(twoBtc(), valuation('50000'), pledge({ loan_id: 'L-2', price: '60000' }), draw('48000.01'));
    expect(run(later2).ids('MF-3')).toEqual(['c-4']);
  });

  it('MF-3: two lots of one asset at different haircuts; a partial release reduces the oldest lot first', () => {
    // Lot 1: 1 BTC h 0.6 (40000); lot 2: 1 BTC h 0.8 (20000). Release 0.5 takes from lot 1:
    // 0.5 × 100000 × 0.4 + 1 × 100000 × 0.2 = 40000 (newest-first would leave 50000).
    const base = [
      pledge({ qty: '1', price: '100000', haircut: '0.6' }),
      pledge({ qty: '1', price: '100000', haircut: '0.8' }),
      release('0.5'),
    ];
    expect(run(events(...base, draw('40000'))).ids('MF-3')).toEqual([]);
    expect(run(events(...base, draw('40000.01'))).ids('MF-3')).toEqual(['c-4']);
  });

  it('MF-3: an enforce reduces lots like a release, and never below zero', () => {
    const evs = events(
      pledge({ qty: '1', price: '100000', haircut: '0.6' }),
      { event: 'default', account_id: 'C-1', loan_id: 'L-1' },
      {
        event: 'enforce',
        account_id: 'C-1',
        asset: 'BTC',
        qty: '5',
        from_wallet: 'W-COLL-1',
        to_wallet: 'W-HOUSE',
        loan_id: 'L-1',
      },
      pledge({ qty: '1', price: '100000', haircut: '0.6' }),
      draw('40000'),
      draw('0.01'),
    );
    // Over-enforcing did not leave a negative lot: the new pledge alone lends 40000.
    expect(run(evs).ids('MF-3')).toEqual(['c-6']);
  });

  it("MF-3: a release of another asset or for another loan does not reduce this loan's lots", () => {
    const evs = events(
      pledge({ qty: '1', price: '100000', haircut: '0.6' }),
      pledge({ loan_id: 'L-2', qty: '1', price: '100000', haircut: '0.6' }),
      release('1', { loan_id: 'L-2' }),
      release('1', { asset: 'ETH' }),
      draw('40000'),
    );
    expect(run(evs).ids('MF-3')).toEqual([]);
  });

  it('MF-3: a transfer does not reduce lots (only release and enforce do)', () => {
    const evs = events(twoBtc(), {
      event: 'transfer',
      asset: 'BTC',
      qty: '2',
      from_wallet: 'W-COLL-1',
      to_wallet: 'W-COLL-2',
    });
    expect(run([...evs, ...events({ ...draw('77600'), seq: 3 })]).ids('MF-3')).toEqual([]);
  });

  it('MF-3: a draw on a loan with no collateral lots is a finding', () => {
    const r = run(events(draw('1')));
    expect(r.ids('MF-3')).toEqual(['c-1']);
    expect(r.findings[0]?.detail).toContain('no collateral lots');
  });

  it('MF-3: a haircut above 1 values its lot at nothing, never negative', () => {
    const evs = events(
      pledge({ qty: '1', price: '100000', haircut: '0.6' }),
      pledge({ asset: '0700.HK', asset_class: 'security', qty: '100', price: '400', haircut: '1.5' }),
      draw('40000'),
    );
    expect(run(evs).ids('MF-3')).toEqual([]);
  });

  it('MF-3: lots of other loans do not count', () => {
    expect(run(events(twoBtc(), draw('1', { loan_id: 'L-2' }))).ids('MF-3')).toEqual(['c-2']);
  });
});
