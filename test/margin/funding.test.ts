/**
 * Funding (PERP-7's reading): the rate is the latest funding_rate for the symbol and interval at a strictly lower seq
 * (a rate at the funding's own seq does not count, in either file order), and the amount is −qty × mark × rate rounded
 * half away from zero to funding_decimals places, compared by value.
 */
import { describe, expect, it } from 'vitest';
import type { MarginEvent } from '#shared/contract/recordsV2.js';
import { expectedFundingAmount, FundingRates, judgeFunding } from '#shared/margin/funding.js';
import { ev, FUNDING } from './helpers.js';

const I8 = '2026-02-12T08:00:00Z';

const rate = (seq: number, r: string, extra: Partial<MarginEvent> = {}) =>
  ev(seq, { event: 'funding_rate', symbol: 'BTC-PERP', interval_start: I8, rate: r, ...extra });

const funding = (seq: number, extra: Partial<MarginEvent> = {}) => ev(seq, { ...FUNDING, ...extra });

describe('expectedFundingAmount', () => {
  it('is −position_qty × mark_price × rate: a long pays a positive rate, a short receives it', () => {
    expect(expectedFundingAmount('2', '50000', '0.0001', 8).toString()).toBe('-10');
    expect(expectedFundingAmount('-2', '50000', '0.0001', 8).toString()).toBe('10');
    expect(expectedFundingAmount('2', '50000', '-0.0001', 8).toString()).toBe('10');
    expect(expectedFundingAmount('2', '50000', '0', 8).toString()).toBe('0');
  });

  it('rounds half away from zero on both signs (not half to even, not half up toward +∞)', () => {
    // 1 × 1 × 0.000000005 = 0.000000005: exactly half of the 8th place.
    expect(expectedFundingAmount('-1', '1', '0.000000005', 8).toString()).toBe('0.00000001');
    expect(expectedFundingAmount('1', '1', '0.000000005', 8).toString()).toBe('-0.00000001');
    // …25 at the 8th place: half to even would give …2, half away from zero gives …3.
    expect(expectedFundingAmount('-1', '1', '0.000000025', 8).eq('0.00000003')).toBe(true);
    expect(expectedFundingAmount('1', '1', '0.000000025', 8).eq('-0.00000003')).toBe(true);
    // Just below half goes toward zero.
    expect(expectedFundingAmount('-1', '1', '0.0000000049999', 8).eq(0)).toBe(true);
    expect(expectedFundingAmount('1', '1', '0.0000000050001', 8).eq('-0.00000001')).toBe(true);
    // funding_decimals 0: ±2.5 → ±3.
    expect(expectedFundingAmount('-5', '1', '0.5', 0).toString()).toBe('3');
    expect(expectedFundingAmount('5', '1', '0.5', 0).toString()).toBe('-3');
  });

  it('keeps every digit of the product before rounding (exact, no float)', () => {
    const big = expectedFundingAmount('123456789.123456789', '98765.4321', '-0.000123456789', 18);
    // 1505341112.654085875037868863|8891241… (Python's decimal, 200 digits) → 18 places.
    expect(big.toFixed()).toBe('1505341112.654085875037868864');
  });
});

describe('judgeFunding', () => {
  const published = { mark: { event_id: 'r', seq: 1, ts: I8 }, rate: '0.00010' };

  it('compares rate and amount by value', () => {
    expect(judgeFunding(funding(5, { amount: '-10.00000000' }), published, 8).reasons).toEqual([]);
  });

  it('lists every reason: no rate, a different rate, a different amount', () => {
    expect(judgeFunding(funding(5), null, 8).reasons).toEqual(['no rate published']);
    expect(judgeFunding(funding(5, { rate: '0.0002', amount: '-20' }), published, 8).reasons).toEqual([
      'rate differs from the published rate',
    ]);
    expect(judgeFunding(funding(5, { amount: '-10.00000001' }), published, 8).reasons).toEqual([
      'amount differs from expected',
    ]);
    const both = judgeFunding(funding(5, { rate: '0.0002' }), null, 8);
    expect(both.reasons).toEqual(['no rate published', 'amount differs from expected']);
    expect(both.expected.toString()).toBe('-20');
  });

  it('an amount off by less than half a unit of the last place is still wrong: it must equal the rounded value', () => {
    // Expected −0.000000005 → −0.00000001; the unrounded product is not accepted.
    const f = funding(5, { position_qty: '1', mark_price: '1', rate: '0.000000005', amount: '-0.000000005' });
    expect(judgeFunding(f, { ...published, rate: '0.000000005' }, 8).reasons).toEqual(['amount differs from expected']);
    const right = funding(5, { position_qty: '1', mark_price: '1', rate: '0.000000005', amount: '-0.00000001' });
    expect(judgeFunding(right, { ...published, rate: '0.000000005' }, 8).reasons).toEqual([]);
  });
});

describe('FundingRates', () => {
  it('uses the latest rate at a lower seq for the symbol and interval', () => {
    const rates = new FundingRates(8);
    expect(rates.observe(rate(1, '0.0003'))).toBeNull();
    expect(rates.observe(rate(2, '0.0001'))).toBeNull();
    rates.observe(rate(3, '0.0009', { symbol: 'ETH-PERP' }));
    rates.observe(rate(4, '0.0009', { interval_start: '2026-02-12T16:00:00Z' }));
    const j = rates.observe(funding(5))!;
    expect(j.published?.mark.event_id).toBe('m-2');
    expect(j.reasons).toEqual([]);
  });

  it('a rate published at the funding’s own seq does not count, before or after it in file order', () => {
    const rates = new FundingRates(8);
    rates.observe(rate(3, '0.0001'));
    // Duplicate seq 7: a new rate, then the funding, then another rate at 7.
    rates.observe({ ...rate(7, '0.0005'), event_id: 'r-7a' });
    const f = rates.observe(funding(7))!;
    expect(f.published?.mark.event_id).toBe('m-3');
    expect(f.reasons).toEqual([]);
    rates.observe({ ...rate(7, '0.0006'), event_id: 'r-7b' });
    expect(rates.rateFor('BTC-PERP', I8, 7)?.mark.event_id).toBe('m-3');
    // One seq later the latest at seq 7 (the last in file order) counts.
    expect(rates.rateFor('BTC-PERP', I8, 8)?.mark.event_id).toBe('r-7b');
    expect(rates.observe(funding(8, { rate: '0.0006', amount: '-60' }))!.reasons).toEqual([]);
  });

  it('with no rate below its seq there is none, even when one shares its seq', () => {
    const rates = new FundingRates(8);
    rates.observe(rate(7, '0.0001'));
    expect(rates.observe(funding(7))!.reasons).toEqual(['no rate published']);
    expect(rates.observe(funding(8))!.reasons).toEqual([]);
  });

  it('matches interval_start by value (fractional zeros) and never across symbols', () => {
    const rates = new FundingRates(8);
    rates.observe(rate(1, '0.0001', { interval_start: '2026-02-12T08:00:00.000000000Z' }));
    expect(rates.rateFor('BTC-PERP', '2026-02-12T08:00:00Z', 2)?.rate).toBe('0.0001');
    expect(rates.rateFor('BTC-PERP', '2026-02-12T08:00:00.000000001Z', 2)).toBeNull();
    expect(rates.rateFor('ETH-PERP', I8, 2)).toBeNull();
  });

  it('rounds to its own funding_decimals', () => {
    const rates = new FundingRates(2);
    rates.observe(rate(1, '0.000125'));
    const j = rates.observe(funding(2, { position_qty: '-1', mark_price: '100', rate: '0.000125', amount: '0.01' }))!;
    expect(j.expected.toString()).toBe('0.01');
    expect(j.reasons).toEqual([]);
  });

  it('continues exactly after a checkpoint (structured clone)', () => {
    const rates = new FundingRates(8);
    rates.observe(rate(3, '0.0001'));
    rates.observe({ ...rate(7, '0.0005'), event_id: 'r-7a' });
    const resumed = new FundingRates(8);
    resumed.loadState(structuredClone(rates.saveState()));
    expect(resumed.observe(funding(7))!.published?.mark.event_id).toBe('m-3');
    expect(resumed.observe(funding(8, { rate: '0.0005', amount: '-50' }))!.reasons).toEqual([]);
  });

  it('ignores every other margin event', () => {
    const rates = new FundingRates(8);
    expect(rates.observe(ev(1, { event: 'credit', account_id: 'A', amount: '1' }))).toBeNull();
  });
});
