/**
 * PERP-7: a funding must carry the rate of the latest funding_rate for its symbol and interval_start at a lower seq,
 * and an amount of −position_qty × mark_price × rate rounded half away from zero to funding_decimals places, compared
 * by value; the evidence lists every reason, the published rate (seq, event id) or its absence and the recomputed
 * amount (V2.md).
 */
import { describe, expect, it } from 'vitest';
import { at, events, funding, fundingRate, INTERVAL, runMargin } from './marginHarness.js';

describe('PERP-7 funding payment not at the published rate or miscalculated', () => {
  it('PERP-7: a funding at the published rate with the right amount is compliant; values compare by value', () => {
    const r = runMargin(
      events(fundingRate('0.00010'), funding({ rate: '0.0001', amount: '-10.00000000' }), funding({ amount: '-10' })),
    );
    expect(r.ids('PERP-7')).toEqual([]);
    expect(r.population('PERP-7')).toEqual({ examined: 2, notTested: {} });
  });

  it('PERP-7: no rate published is a high finding; the evidence says so and still recomputes the amount', () => {
    const r = runMargin(events(funding({ amount: '-11' })));
    const f = r.only('PERP-7');
    expect(f).toMatchObject({ subject: 'm-1', severity: 'high', account_id: 'A', symbol: 'BTC-PERP', seq: 1 });
    expect(f.evidence).toMatchObject({
      reasons: ['no rate published', 'amount differs from expected'],
      published_rate: null,
      rate: '0.0001',
      amount: '-11',
      expected_amount: '-10',
      unrounded_amount: '-10',
      funding_decimals: 8,
    });
  });

  it('PERP-7: a rate other than the published one is a finding naming the published rate (seq, event id)', () => {
    const r = runMargin(events(fundingRate('0.0001'), funding({ rate: '0.0002', amount: '-20' })));
    expect(r.only('PERP-7').evidence).toMatchObject({
      reasons: ['rate differs from the published rate'],
      published_rate: { event_id: 'm-1', seq: 1, rate: '0.0001' },
      expected_amount: '-20',
    });
  });

  it('PERP-7: the latest rate below the funding’s seq counts; other symbols and intervals do not', () => {
    const r = runMargin(
      events(
        fundingRate('0.0003'),
        fundingRate('0.0001'),
        fundingRate('0.0001', { symbol: 'ETH-PERP', rate: '0.0009' }),
        fundingRate('0.0009', { interval_start: '2026-02-12T16:00:00Z' }),
        funding(),
        funding({ rate: '0.0003', amount: '-30' }),
        // The same interval written with fractional digits is the same instant.
        funding({ interval_start: '2026-02-12T08:00:00.000Z' }),
        funding({ symbol: 'SOL-PERP' }),
      ),
    );
    expect(r.ids('PERP-7')).toEqual(['m-6', 'm-8']);
    expect(r.of('PERP-7').map((f) => f.evidence.reasons)).toEqual([
      ['rate differs from the published rate'],
      ['no rate published'],
    ]);
  });

  it('PERP-7: a rate published at the funding’s own seq does not count, before or after it in the file', () => {
    const sameSeq = runMargin([
      at(7, { event: 'funding_rate', symbol: 'BTC-PERP', interval_start: INTERVAL, rate: '0.0001', event_id: 'r-7' }),
      at(7, { ...funding(), event_id: 'f-7' }),
    ]);
    expect(sameSeq.only('PERP-7').evidence).toMatchObject({ reasons: ['no rate published'], published_rate: null });
    const lower = runMargin([
      at(6, { event: 'funding_rate', symbol: 'BTC-PERP', interval_start: INTERVAL, rate: '0.0001', event_id: 'r-6' }),
      at(7, { event: 'funding_rate', symbol: 'BTC-PERP', interval_start: INTERVAL, rate: '0.0005', event_id: 'r-7' }),
      at(7, { ...funding(), event_id: 'f-7' }),
      at(8, { ...funding({ rate: '0.0005', amount: '-50' }), event_id: 'f-8' }),
    ]);
    // f-7 reads r-6 (the rate at its own seq does not count); f-8 reads r-7.
    expect(lower.ids('PERP-7')).toEqual([]);
  });

  it('PERP-7: rounds half away from zero to funding_decimals, on both signs', () => {
    // 1 × 1 × 0.000000005 = 0.000000005 exactly: half of the 8th place.
    const half = { position_qty: '1', mark_price: '1', rate: '0.000000005' };
    const r = runMargin(
      events(
        fundingRate('0.000000005'),
        funding({ ...half, amount: '-0.00000001' }),
        funding({ ...half, position_qty: '-1', amount: '0.00000001' }),
        funding({ ...half, amount: '-0.000000005' }),
        funding({ ...half, position_qty: '-1', amount: '0' }),
      ),
    );
    expect(r.ids('PERP-7')).toEqual(['m-4', 'm-5']);
    expect(r.of('PERP-7').map((f) => [f.evidence.unrounded_amount, f.evidence.expected_amount])).toEqual([
      ['-0.000000005', '-0.00000001'],
      ['0.000000005', '0.00000001'],
    ]);
    expect(r.of('PERP-7')[0]!.evidence.reasons).toEqual(['amount differs from expected']);
  });

  it('PERP-7: funding_decimals is the parameter', () => {
    // −2 × 50000.25 × 0.0001 = −10.00005: 4 places → −10.0001 (half away from zero); 8 places → −10.00005.
    const evs = events(fundingRate('0.0001'), funding({ mark_price: '50000.25', amount: '-10.0001' }));
    expect(runMargin(evs, { params: { funding_decimals: 4 } }).ids('PERP-7')).toEqual([]);
    const r = runMargin(evs);
    expect(r.only('PERP-7').evidence).toMatchObject({ expected_amount: '-10.00005', funding_decimals: 8 });
  });

  it('PERP-7: a funding of an account or symbol absent from the reference data is judged as any other', () => {
    const r = runMargin(
      events(
        fundingRate('0.0001', { symbol: 'DOGE-PERP' }),
        funding({ account_id: 'X-9', symbol: 'DOGE-PERP', amount: '-9' }),
      ),
    );
    expect(r.only('PERP-7')).toMatchObject({ account_id: 'X-9', symbol: 'DOGE-PERP' });
    expect(r.population('PERP-7')).toEqual({ examined: 1, notTested: {} });
  });

  it('PERP-7: without funding events the population is empty and says so (rates alone are not funding)', () => {
    expect(runMargin(events(fundingRate('0.0001'))).population('PERP-7')).toEqual({
      examined: 0,
      notTested: { 'no funding events in the margin ledger': 0 },
    });
  });
});
