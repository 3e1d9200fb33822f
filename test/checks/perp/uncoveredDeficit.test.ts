/**
 * PERP-5: a liquidation's deficit (minus the balance just after it, when negative) must be covered, by the end of the
 * margin ledger, by the payouts and adl amounts whose ref names it (V2.md); a ref that is no liquidation at a lower seq
 * covers nothing and counts as not tested ("Readings fixed", DQ-5 row).
 */
import { describe, expect, it } from 'vitest';
import {
  adl,
  at,
  contribution,
  deposit,
  events,
  liquidation,
  marginReference,
  payout,
  runMargin,
} from './marginHarness.js';

// L has 100; the liquidation charges 404.85: a deficit of 304.85. W (1000) is deleveraged.
const base = [deposit('L', '100'), deposit('W', '1000'), contribution('10000'), liquidation('L', '-404.85')] as const;

describe('PERP-5 liquidation deficit not fully covered', () => {
  it('PERP-5: a deficit the fund pays out in full is compliant; the liquidation is examined', () => {
    const r = runMargin(events(...base, payout('L', '304.85', 'm-4')));
    expect(r.ids('PERP-5')).toEqual([]);
    expect(r.population('PERP-5')).toEqual({ examined: 1, notTested: {} });
  });

  it('PERP-5: one cent short is a high finding on the liquidation: deficit, covered, by which events', () => {
    const r = runMargin(events(...base, payout('L', '300', 'm-4'), adl('W', '4.84', 'm-4')));
    const f = r.only('PERP-5');
    expect(f).toMatchObject({ subject: 'm-4', severity: 'high', account_id: 'L', symbol: 'BTC-PERP', seq: 4 });
    expect(f.evidence).toMatchObject({
      balance_after: '-304.85',
      deficit: '304.85',
      covered: '304.84',
      uncovered: '0.01',
      cover_count: 2,
      covers: [
        { event_id: 'm-5', event: 'insurance', amount: '300', account_id: 'L', seq: 5 },
        { event_id: 'm-6', event: 'adl', amount: '4.84', account_id: 'W', seq: 6 },
      ],
      event: { event_id: 'm-4', event: 'liquidation', amount: '-404.85' },
    });
  });

  it('PERP-5: covered partly by a payout and partly by adl, exactly, is compliant; more than the deficit too', () => {
    expect(runMargin(events(...base, payout('L', '300', 'm-4'), adl('W', '4.85', 'm-4'))).ids('PERP-5')).toEqual([]);
    expect(runMargin(events(...base, payout('L', '305', 'm-4'))).ids('PERP-5')).toEqual([]);
  });

  it('PERP-5: a deficit nothing names is a finding with no covers', () => {
    const r = runMargin(events(...base));
    expect(r.only('PERP-5').evidence).toMatchObject({ covered: '0', uncovered: '304.85', cover_count: 0, covers: [] });
  });

  it('PERP-5: a liquidation that leaves exactly zero has no deficit and is outside the population', () => {
    const r = runMargin(events(deposit('L', '100'), liquidation('L', '-100.00')));
    expect(r.ids('PERP-5')).toEqual([]);
    expect(r.population('PERP-5')).toEqual({
      examined: 0,
      notTested: { 'no liquidation left a deficit in the margin ledger': 0 },
    });
    const oneCent = runMargin(events(deposit('L', '100'), liquidation('L', '-100.01')));
    expect(oneCent.only('PERP-5').evidence).toMatchObject({ deficit: '0.01' });
  });

  it('PERP-5: the verdict is the ledger’s at its end: a cover far later in the stream counts, whatever its time', () => {
    const evs = events(...base, deposit('A', '1'), deposit('A', '1'), payout('L', '304.85', 'm-4'));
    // Stamped after the period's end: records are not filtered by the period.
    const late = { ...evs[6]!, ts: '2026-02-14T00:00:00Z' };
    expect(runMargin([...evs.slice(0, 6), late]).ids('PERP-5')).toEqual([]);
  });

  it('PERP-5: a cover before its liquidation, or naming no liquidation, covers nothing and is not tested', () => {
    const r = runMargin(
      events(
        deposit('L', '100'),
        contribution('1000'),
        payout('L', '50', 'm-4'),
        liquidation('L', '-200'),
        payout('L', '50', 'no-such-liquidation'),
        adl('W', '50', 'm-99'),
      ),
    );
    // L: 100 + 50 − 200 = −50 after the liquidation, a deficit of 50. The early payout credited L but covers nothing
    // (when it is replayed no liquidation m-4 exists); nor do the two covers naming no liquidation, though they
    // credit L 50 more.
    expect(r.only('PERP-5').evidence).toMatchObject({ deficit: '50', covered: '0', covers: [] });
    expect(r.population('PERP-5')).toEqual({
      examined: 1,
      notTested: {
        'insurance payout whose ref names no liquidation (see DQ-5)': 2,
        'adl whose ref names no liquidation (see DQ-5)': 1,
      },
    });
  });

  it('PERP-5: an insurance amount of zero or more is a contribution: even naming the liquidation, it covers nothing', () => {
    const r = runMargin(
      events(
        ...base,
        { event: 'insurance', account_id: 'L', ref: 'm-4', amount: '304.85' },
        { event: 'insurance', account_id: 'L', ref: 'm-4', amount: '0' },
      ),
    );
    expect(r.only('PERP-5').evidence).toMatchObject({ deficit: '304.85', covered: '0', uncovered: '304.85' });
    // Not a payout, so not a cover whose ref failed either: nothing is counted not tested.
    expect(r.population('PERP-5')).toEqual({ examined: 1, notTested: {} });
  });

  it('PERP-5: a deficit whose payout names it from the same seq is not covered (not a lower seq)', () => {
    const r = runMargin([at(1, liquidation('L', '-5')), at(1, { ...payout('L', '5', 'm-1'), event_id: 'p-1' })]);
    expect(r.only('PERP-5').evidence).toMatchObject({ deficit: '5', covered: '0' });
    expect(r.population('PERP-5')).toEqual({
      examined: 1,
      notTested: { 'insurance payout whose ref names a liquidation that is not at a lower seq (see DQ-5)': 1 },
    });
  });

  it('PERP-5: two liquidations sharing an event_id: a ref covers the first one applied', () => {
    const r = runMargin([
      at(1, liquidation('L', '-5')),
      at(2, { ...liquidation('A', '-7'), event_id: 'm-1' }),
      at(3, payout('L', '5', 'm-1')),
    ]);
    // One finding per subject: the second liquidation (A's, uncovered) reports m-1; L's is covered.
    expect(r.only('PERP-5')).toMatchObject({ subject: 'm-1', account_id: 'A', seq: 2 });
    expect(r.population('PERP-5').examined).toBe(2);
  });

  it('PERP-5: a liquidation of an account absent from the reference data is judged as any other', () => {
    const r = runMargin(events(deposit('X-9', '1'), liquidation('X-9', '-2')));
    expect(r.only('PERP-5')).toMatchObject({ account_id: 'X-9' });
  });

  it('PERP-5: each uncovered liquidation is its own finding; a covered one between them is not', () => {
    const r = runMargin(
      events(
        liquidation('L', '-1'),
        liquidation('A', '-2'),
        contribution('5'),
        payout('A', '2', 'm-2'),
        liquidation('B', '-3'),
      ),
    );
    expect(r.ids('PERP-5')).toEqual(['m-1', 'm-5']);
    expect(r.population('PERP-5').examined).toBe(3);
  });

  it('PERP-5: the covers listed are capped at 50; their count is always given', () => {
    const covers = Array.from({ length: 60 }, () => payout('L', '1', 'm-1'));
    const r = runMargin(events(liquidation('L', '-1000'), ...covers));
    const ev = r.only('PERP-5').evidence as { covers: unknown[]; cover_count: number; covered: string };
    expect(ev.covers).toHaveLength(50);
    expect(ev.cover_count).toBe(60);
    expect(ev.covered).toBe('60');
  });

  it('PERP-5..7 and PERP-3..4: on a contract-1 dataset they do not run at all', () => {
    const r = runMargin(events(liquidation('L', '-1')), { ref: marginReference({ contract: 1 }) });
    expect(r.findings).toEqual([]);
    expect(r.sink.population('PERP-5')).toEqual({ examined: 0, notTested: {} });
  });
});
