/**
 * MF-7's monitoring gaps, fed from the real collateral ledger: a gap of exactly the maximum and one nanosecond more,
 * the period-end tail, "held just before the event", a negative difference, "latest observation in seq order",
 * virtual-asset lots only (eligible or not), the longest gap and the loans holding then, and checkpoints.
 */
import { describe, expect, it } from 'vitest';
import { CollateralLedger } from '#shared/collateral/ledger.js';
import {
  ledgerHoldings,
  type MeasuredGap,
  ValuationGapTracker,
  virtualAssetHolders,
} from '#shared/collateral/valuationGaps.js';
import type { CollateralEvent } from '#shared/contract/records.js';
import { events, pledge, release, valuation } from './harness.js';

const MAX = 15n * 60n * 1_000_000_000n;
const PERIOD_END = '2026-02-13T00:00:00Z';

/** Events at explicit times (the harness numbers seq from 1). */
function at(...pairs: [string, ReturnType<typeof pledge>][]): CollateralEvent[] {
  return events(...pairs.map(([ts, e]) => ({ ...e, ts })));
}

function track(evs: CollateralEvent[], periodEnd: string | null = PERIOD_END, tracker = new ValuationGapTracker(MAX)) {
  const ledger = new CollateralLedger();
  const gaps: (MeasuredGap | null)[] = [];
  for (const e of evs) {
    gaps.push(tracker.observe(e, ledgerHoldings(ledger)));
    ledger.apply(e);
  }
  if (periodEnd !== null) tracker.finish(periodEnd, ledgerHoldings(ledger));
  const assets = new Map([...tracker.assets()].map((g) => [g.asset, g]));
  return { tracker, ledger, gaps, assets };
}

const lengths = (gaps: (MeasuredGap | null)[]) => gaps.map((g) => (g === null ? null : g.lengthNs));

describe('MF-7 valuation gaps', () => {
  it('exactly the maximum is no finding; the maximum + 1 ns is', () => {
    const exact = track(
      at(
        ['2026-02-12T10:00:00Z', pledge()],
        ['2026-02-12T10:15:00Z', valuation('1')],
        ['2026-02-12T10:20:00Z', release('1')],
      ),
    );
    expect(lengths(exact.gaps)).toEqual([null, MAX, 5n * 60n * 1_000_000_000n]);
    expect(exact.tracker.exceeds(exact.assets.get('BTC')!)).toBe(false);
    expect(exact.assets.get('BTC')!.overMax).toBe(0);

    const over = track(
      at(['2026-02-12T10:00:00Z', pledge()], ['2026-02-12T10:15:00.000000001Z', valuation('1')]),
      null, // no period-end tail here
    );
    expect(lengths(over.gaps)).toEqual([null, MAX + 1n]);
    const btc = over.assets.get('BTC')!;
    expect(over.tracker.exceeds(btc)).toBe(true);
    expect(btc.longest).toMatchObject({
      from: { event_id: 'c-1', seq: 1, ts: '2026-02-12T10:00:00Z' },
      to: { event_id: 'c-2', seq: 2, ts: '2026-02-12T10:15:00.000000001Z' },
      loans: [{ loan_id: 'L-1', qty: '1' }],
    });
  });

  it('the period-end tail: still held after the last event, the gap runs to period_end', () => {
    const held = track(at(['2026-02-12T23:30:00Z', pledge()]));
    expect(held.assets.get('BTC')!.longest).toMatchObject({
      to: { event_id: null, seq: null, ts: PERIOD_END },
      lengthNs: 30n * 60n * 1_000_000_000n,
      loans: [{ loan_id: 'L-1', qty: '1' }],
    });
    expect(held.tracker.exceeds(held.assets.get('BTC')!)).toBe(true);
    // Exactly the maximum before period end: no finding.
    const edge = track(at(['2026-02-12T23:45:00Z', pledge()]));
    expect(edge.assets.get('BTC')!.longest!.lengthNs).toBe(MAX);
    expect(edge.tracker.exceeds(edge.assets.get('BTC')!)).toBe(false);
    // Released before the end: no tail.
    const released = track(at(['2026-02-12T23:30:00Z', pledge()], ['2026-02-12T23:31:00Z', release('1')]));
    expect(released.assets.get('BTC')!.measured).toBe(1);
    expect(released.assets.get('BTC')!.longest!.to.event_id).toBe('c-2');
  });

  it('is measured only while held just before the event: the first pledge and events after the last release are not', () => {
    const r = track(
      at(
        ['2026-02-12T01:00:00Z', valuation('1')],
        ['2026-02-12T03:00:00Z', pledge()],
        ['2026-02-12T03:01:00Z', release('1')],
        ['2026-02-12T09:00:00Z', valuation('1')],
        ['2026-02-12T10:00:00Z', release('1')],
      ),
      null,
    );
    expect(lengths(r.gaps)).toEqual([null, null, 60n * 1_000_000_000n, null, null]);
    expect(r.tracker.loansExamined).toBe(1);
  });

  it('a negative difference counts as 0; the last observation is the latest in seq order, not the greatest ts', () => {
    const r = track(
      at(
        ['2026-02-12T10:00:00Z', pledge()],
        ['2026-02-12T09:00:00Z', valuation('1')], // earlier ts, later seq: a gap of 0, and now the last observation
        ['2026-02-12T09:20:00Z', release('0.5')],
      ),
      null,
    );
    expect(lengths(r.gaps)).toEqual([null, 0n, 20n * 60n * 1_000_000_000n]);
    expect(r.tracker.exceeds(r.assets.get('BTC')!)).toBe(true);
  });

  it('counts virtual-asset lots only, eligible or not; another class of the same asset is not held', () => {
    const ineligible = track(
      at(
        ['2026-02-12T10:00:00Z', pledge({ asset: 'DOGE' })],
        ['2026-02-12T11:00:00Z', valuation('1', { asset: 'DOGE' })],
      ),
      null,
    );
    expect(ineligible.tracker.exceeds(ineligible.assets.get('DOGE')!)).toBe(true);
    const security = track(
      at(
        ['2026-02-12T10:00:00Z', pledge({ asset: '0700.HK', asset_class: 'security' })],
        ['2026-02-12T11:00:00Z', valuation('1', { asset: '0700.HK' })],
      ),
    );
    expect(lengths(security.gaps)).toEqual([null, null]);
    expect(security.assets.get('0700.HK')!.longest).toBeNull();
    expect(security.tracker.loansExamined).toBe(0);
  });

  it('keeps the first of equal longest gaps and the loans holding the asset then; counts each gap over the maximum', () => {
    const r = track(
      at(
        ['2026-02-12T10:00:00Z', pledge()],
        ['2026-02-12T10:20:00Z', pledge({ loan_id: 'L-2', qty: '2' })],
        ['2026-02-12T10:40:00Z', valuation('1')],
        ['2026-02-12T10:41:00Z', release('1')],
      ),
      null,
    );
    const btc = r.assets.get('BTC')!;
    expect(btc.measured).toBe(3);
    expect(btc.overMax).toBe(2);
    expect(btc.longest).toMatchObject({ to: { event_id: 'c-2' }, loans: [{ loan_id: 'L-1', qty: '1' }] });
    expect(r.tracker.loansExamined).toBe(2);
    // A longer gap later takes over, with the loans holding the asset at it.
    const later = track(
      at(
        ['2026-02-12T10:00:00Z', pledge()],
        ['2026-02-12T10:20:00Z', pledge({ loan_id: 'L-2', qty: '2' })],
        ['2026-02-12T10:45:00Z', valuation('1')],
        ['2026-02-12T10:46:00Z', release('1')],
      ),
      null,
    );
    expect(later.assets.get('BTC')!.longest).toMatchObject({
      from: { event: 'pledge', event_id: 'c-2' },
      to: { event: 'valuation', event_id: 'c-3' },
      loans: [
        { loan_id: 'L-1', account_id: 'C-1', qty: '1' },
        { loan_id: 'L-2', account_id: 'C-1', qty: '2' },
      ],
    });
  });

  it('the ledger’s holdings: an asset is held while some loan has an open virtual-asset lot of it', () => {
    const ledger = new CollateralLedger();
    const holdings = ledgerHoldings(ledger);
    const evs = events(
      pledge({ qty: '1' }),
      pledge({ loan_id: 'L-2', qty: '2' }),
      pledge({ loan_id: 'L-3', asset_class: 'security', qty: '5' }),
      release('0.5'),
      release('0.5'),
      release('2', { loan_id: 'L-2' }),
    );
    const held = evs.map((e) => {
      ledger.apply(e);
      return [holdings.isHeld('BTC'), holdings.holders('BTC').map((h) => `${h.loan_id}:${h.qty}`)];
    });
    expect(held).toEqual([
      [true, ['L-1:1']],
      [true, ['L-1:1', 'L-2:2']],
      [true, ['L-1:1', 'L-2:2']], // a security lot is no virtual-asset holding
      [true, ['L-1:0.5', 'L-2:2']],
      [true, ['L-2:2']],
      [false, []], // only L-3's security lot is left
    ]);
    expect(virtualAssetHolders(ledger, 'BTC')).toEqual([]);
    expect(ledger.loansHolding('BTC')).toEqual(['L-3']);
  });

  it('continues exactly after a checkpoint, cut at every point; loads into a tracker of the same maximum only', () => {
    const evs = at(
      ['2026-02-12T10:00:00Z', pledge()],
      ['2026-02-12T10:20:00Z', valuation('1')],
      ['2026-02-12T10:25:00Z', pledge({ loan_id: 'L-2' })],
      ['2026-02-12T11:00:00Z', release('1')],
    );
    const whole = track(evs);
    for (let cut = 0; cut <= evs.length; cut++) {
      const ledger = new CollateralLedger();
      const first = new ValuationGapTracker(MAX);
      for (const e of evs.slice(0, cut)) {
        first.observe(e, ledgerHoldings(ledger));
        ledger.apply(e);
      }
      const resumed = new ValuationGapTracker(MAX);
      resumed.loadState(structuredClone(first.saveState()));
      for (const e of evs.slice(cut)) {
        resumed.observe(e, ledgerHoldings(ledger));
        ledger.apply(e);
      }
      resumed.finish(PERIOD_END, ledgerHoldings(ledger));
      expect(resumed.saveState(), `cut ${cut}`).toEqual(whole.tracker.saveState());
    }
    expect(() => new ValuationGapTracker(MAX + 1n).loadState(whole.tracker.saveState())).toThrow();
  });
});
