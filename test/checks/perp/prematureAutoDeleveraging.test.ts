/**
 * PERP-6: an adl while the insurance fund, just before it, held at least what was still uncovered of its
 * liquidation's deficit (V2.md); what is still uncovered is max(0, deficit − covered so far), so an adl with nothing
 * left to cover is a finding whenever the fund is ≥ 0 ("Readings fixed"). The fund is every insurance amount so far,
 * whatever its ref.
 */
import { describe, expect, it } from 'vitest';
import { adl, at, contribution, deposit, events, liquidation, payout, runMargin } from './marginHarness.js';

// L's liquidation leaves a deficit of 100 (balance −100).
const liquidated = [deposit('L', '50'), deposit('W', '1000'), liquidation('L', '-150')] as const;

describe('PERP-6 auto-deleveraging while the insurance fund could cover the deficit', () => {
  it('PERP-6: a fund exactly equal to what is uncovered is a high finding: the fund comes first', () => {
    const r = runMargin(events(contribution('100'), ...liquidated, adl('W', '100', 'm-4')));
    const f = r.only('PERP-6');
    expect(f).toMatchObject({ subject: 'm-5', severity: 'high', account_id: 'W', symbol: 'BTC-PERP', seq: 5 });
    expect(f.evidence).toMatchObject({
      insurance_fund_before: '100',
      uncovered_before: '100',
      liquidation: { event_id: 'm-4', seq: 4, account_id: 'L', deficit: '100', covered_before: '0' },
      event: { event_id: 'm-5', event: 'adl', amount: '100', ref: 'm-4' },
    });
    expect(r.population('PERP-6')).toEqual({ examined: 1, notTested: {} });
  });

  it('PERP-6: a fund one cent short of what is uncovered is compliant', () => {
    const r = runMargin(events(contribution('99.99'), ...liquidated, adl('W', '100', 'm-4')));
    expect(r.ids('PERP-6')).toEqual([]);
    expect(r.ids('PERP-5')).toEqual([]);
  });

  it('PERP-6: a payout first, then adl for the rest the fund could not pay: compliant on both PERP-5 and PERP-6', () => {
    const r = runMargin(events(contribution('60'), ...liquidated, payout('L', '60', 'm-4'), adl('W', '40', 'm-4')));
    expect(r.ids('PERP-6')).toEqual([]);
    expect(r.ids('PERP-5')).toEqual([]);
  });

  it('PERP-6: what is uncovered counts earlier covers; a fund that can pay the rest makes the adl a finding', () => {
    // Fund 70: the payout of 30 leaves 40 in the fund and 70 uncovered (compliant); an adl of 30 leaves 40 uncovered,
    // which the fund of 40 could pay: the second adl is a finding.
    const r = runMargin(
      events(contribution('70'), ...liquidated, payout('L', '30', 'm-4'), adl('W', '30', 'm-4'), adl('W', '40', 'm-4')),
    );
    expect(r.ids('PERP-6')).toEqual(['m-7']);
    expect(r.only('PERP-6').evidence).toMatchObject({
      insurance_fund_before: '40',
      uncovered_before: '40',
      liquidation: { deficit: '100', covered_before: '60' },
    });
  });

  it('PERP-6: an adl with nothing left to cover is a finding whenever the fund is at zero or above', () => {
    const r = runMargin(events(contribution('100'), ...liquidated, payout('L', '100', 'm-4'), adl('W', '1', 'm-4')));
    // The payout emptied the fund to 0 and covered everything: 0 ≥ 0.
    expect(r.only('PERP-6').evidence).toMatchObject({ insurance_fund_before: '0', uncovered_before: '0' });
  });

  it('PERP-6: with nothing left to cover and the fund below zero, the adl is not a finding', () => {
    const r = runMargin(
      events(
        contribution('100'),
        ...liquidated,
        payout('L', '100', 'm-4'),
        payout('L', '0.01', 'elsewhere'),
        adl('W', '1', 'm-4'),
      ),
    );
    expect(r.ids('PERP-6')).toEqual([]);
    expect(r.population('PERP-6')).toEqual({ examined: 1, notTested: {} });
  });

  it('PERP-6: an adl on a liquidation without deficit has nothing to cover: a finding with an empty fund', () => {
    const r = runMargin(events(deposit('L', '50'), liquidation('L', '-50'), adl('W', '5', 'm-2')));
    expect(r.only('PERP-6').evidence).toMatchObject({
      insurance_fund_before: '0',
      uncovered_before: '0',
      liquidation: { deficit: '0' },
    });
    // PERP-5 has no liquidation with a deficit to judge.
    expect(r.ids('PERP-5')).toEqual([]);
  });

  it('PERP-6: the fund moves with every insurance amount, whatever its ref (a stray payout too)', () => {
    // Contributions 150, a payout naming no liquidation −50: fund 100 = uncovered 100 → finding.
    const finding = runMargin(
      events(contribution('150'), payout('B', '50', 'nowhere'), ...liquidated, adl('W', '100', 'm-5')),
    );
    expect(finding.only('PERP-6').evidence).toMatchObject({ insurance_fund_before: '100' });
    const fine = runMargin(
      events(contribution('150'), payout('B', '50.01', 'nowhere'), ...liquidated, adl('W', '100', 'm-5')),
    );
    expect(fine.ids('PERP-6')).toEqual([]);
  });

  it('PERP-6: an adl whose ref names no liquidation at a lower seq is not tested, but still debits its account', () => {
    const r = runMargin([
      ...events(contribution('1000'), deposit('W', '10'), adl('W', '10', 'm-9')),
      at(4, liquidation('L', '-5')),
      at(4, { ...adl('W', '1', 'm-4'), event_id: 'a-4' }),
    ]);
    expect(r.ids('PERP-6')).toEqual([]);
    expect(r.population('PERP-6')).toEqual({
      examined: 0,
      notTested: {
        'adl whose ref names no liquidation (see DQ-5)': 1,
        'adl whose ref names a liquidation that is not at a lower seq (see DQ-5)': 1,
      },
    });
    // W: 10 − 10 − 1 = −1; an adl is not one of PERP-4's events, so only the balance shows it.
    expect(r.ids('PERP-4')).toEqual([]);
  });

  it('PERP-6: an adl by or for an account absent from the reference data is judged as any other', () => {
    const r = runMargin(
      events(contribution('5'), deposit('X-8', '1'), liquidation('X-8', '-6'), adl('X-9', '5', 'm-3')),
    );
    expect(r.only('PERP-6')).toMatchObject({ subject: 'm-4', account_id: 'X-9' });
  });

  it('PERP-6: without adl events the population is empty and says so', () => {
    expect(runMargin(events(contribution('5'))).population('PERP-6')).toEqual({
      examined: 0,
      notTested: { 'no adl events in the margin ledger': 0 },
    });
  });
});
