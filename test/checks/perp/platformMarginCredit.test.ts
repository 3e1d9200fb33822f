/**
 * PERP-4: every credit, and every withdraw, fee, negative pnl or negative funding after which the margin balance is
 * below zero (V2.md), judged on the balance just after the event even when it was already below zero ("Readings
 * fixed"); a liquidation's deficit is PERP-5's.
 */
import { describe, expect, it } from 'vitest';
import {
  adl,
  at,
  credit,
  deposit,
  events,
  fee,
  funding,
  fundingRate,
  liquidation,
  pnl,
  runMargin,
  withdraw,
} from './marginHarness.js';

describe('PERP-4 the platform gave perpetual margin credit', () => {
  it('PERP-4: every credit is a critical finding, whatever the balance after it', () => {
    const r = runMargin(events(deposit('A', '100'), credit('A', '10.5')));
    const f = r.only('PERP-4');
    expect(f).toMatchObject({ subject: 'm-2', severity: 'critical', account_id: 'A', seq: 2 });
    expect(f.evidence).toMatchObject({
      reason: 'margin credit from the platform',
      balance_before: '100',
      balance_after: '110.5',
      event: { event: 'credit', amount: '10.5' },
    });
  });

  it('PERP-4: a withdraw leaving exactly zero is compliant; a fee one cent below zero is a finding', () => {
    const r = runMargin(events(deposit('A', '10.00'), withdraw('A', '10'), fee('A', '0.01')));
    expect(r.ids('PERP-4')).toEqual(['m-3']);
    expect(r.only('PERP-4').evidence).toMatchObject({
      reason: 'balance below zero after the event',
      balance_before: '0',
      balance_after: '-0.01',
    });
    expect(r.population('PERP-4')).toEqual({ examined: 2, notTested: {} });
  });

  it('PERP-4: a withdraw beyond the balance is a finding', () => {
    const r = runMargin(events(deposit('A', '50'), withdraw('A', '50.000001')));
    expect(r.only('PERP-4').evidence).toMatchObject({ balance_after: '-0.000001' });
  });

  it('PERP-4: negative pnl and negative funding are judged; zero and positive ones are outside the population', () => {
    const r = runMargin(
      events(
        deposit('A', '5'),
        pnl('A', '0'),
        pnl('A', '3'),
        pnl('A', '-8'),
        fundingRate('0.0001'),
        funding({ account_id: 'B', position_qty: '-2', amount: '10' }),
        funding({ account_id: 'B', amount: '-10' }),
        funding({ account_id: 'B', amount: '-0.01' }),
      ),
    );
    // A: 5 + 0 + 3 − 8 = 0 (not below); B: +10 − 10 = 0, then −0.01.
    expect(r.ids('PERP-4')).toEqual(['m-8']);
    expect(r.population('PERP-4')).toEqual({ examined: 3, notTested: {} });
  });

  it('PERP-4: each listed event is judged on the balance just after it, even when already below zero before it', () => {
    const r = runMargin(
      events(deposit('A', '1'), fee('A', '2'), pnl('A', '-0.5'), pnl('A', '0.5'), withdraw('A', '1')),
    );
    // −1 after the fee, −1.5 after the loss; the profit (outside the population) leaves −1; the withdraw −2.
    expect(r.ids('PERP-4')).toEqual(['m-2', 'm-3', 'm-5']);
    expect(r.of('PERP-4').find((f) => f.subject === 'm-5')!.evidence).toMatchObject({
      balance_before: '-1',
      balance_after: '-2',
    });
  });

  it('PERP-4: a negative pnl that a deposit earlier covers is compliant; balances are per account', () => {
    const r = runMargin(events(deposit('A', '100'), deposit('B', '1'), pnl('A', '-99.99'), pnl('B', '-1')));
    expect(r.ids('PERP-4')).toEqual([]);
  });

  it('PERP-4: a liquidation that leaves a deficit and an adl that debits below zero are not this check’s', () => {
    const r = runMargin(
      events(
        deposit('L', '10'),
        liquidation('L', '-50'),
        deposit('W', '1'),
        adl('W', '30', 'm-2'),
        // L is at 40 − 50 + 30 = −10: a later fee of L is judged on that.
        fee('L', '1'),
      ),
    );
    expect(r.ids('PERP-4')).toEqual(['m-5']);
    expect(r.only('PERP-4').evidence).toMatchObject({ balance_before: '-10', balance_after: '-11' });
    expect(r.population('PERP-4')).toEqual({ examined: 1, notTested: {} });
  });

  it('PERP-4: an account absent from the reference data still moves balances and is judged', () => {
    const ok = runMargin(events(deposit('X-9', '10'), withdraw('X-9', '10')));
    expect(ok.ids('PERP-4')).toEqual([]);
    const bad = runMargin(events(deposit('X-9', '10'), withdraw('X-9', '10.01')));
    expect(bad.only('PERP-4')).toMatchObject({ subject: 'm-2', account_id: 'X-9' });
  });

  it('PERP-4: events sharing a seq are applied in file order, each judged just after it', () => {
    const r = runMargin([
      at(1, { event: 'deposit', account_id: 'A', asset: 'HKD', asset_class: 'fiat', amount: '5' }),
      at(2, { event: 'withdraw', account_id: 'A', amount: '6', event_id: 'w-a' }),
      at(2, { event: 'deposit', account_id: 'A', asset: 'HKD', asset_class: 'fiat', amount: '5', event_id: 'd-b' }),
      at(3, { event: 'withdraw', account_id: 'A', amount: '4' }),
    ]);
    // The withdraw comes first in the file: −1 just after it (the deposit after it does not save it); then 4 − 4 = 0.
    expect(r.ids('PERP-4')).toEqual(['w-a']);
    expect(r.only('PERP-4').evidence).toMatchObject({ balance_after: '-1' });
  });

  it('PERP-4: without credits or balance-reducing events the population is empty and says so', () => {
    const r = runMargin(events(deposit('A', '1'), pnl('A', '2')));
    expect(r.population('PERP-4')).toEqual({
      examined: 0,
      notTested: { 'no credits or balance-reducing events in the margin ledger': 0 },
    });
  });
});
