/**
 * MF-7 through the collateral auditor the pipeline builds (RuleSet + StreamAuditor, every collateral rule of the pack)
 * on a contract-2 dataset: V2.md's sentences and its fixed reading, at their exact boundaries (15 minutes and
 * 15 minutes + 1 ns, the period-end tail, held just before the event, a negative difference, the latest observation in
 * seq order), the finding's evidence, the population (loans holding virtual-asset lots) and its not-tested reasons, and
 * nothing at all on a contract-1 dataset.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import type { CollateralEvent } from '#shared/contract/records.js';
import { FindingCollector } from '#shared/findings/collector.js';
import {
  asContract2,
  collateralAudit,
  events,
  pledge,
  reference,
  release,
  run,
  valuation,
} from '../../collateral/harness.js';

const PERIOD_END = '2026-02-13T00:00:00Z';
const MIN = 60n * 1_000_000_000n;

type Input = Parameters<typeof events>[number];
/** Events at explicit times, seq in the order given. */
const at = (...pairs: [string, Input][]) => events(...pairs.map(([ts, e]) => ({ ...e, ts })));
const enforce = (qty: string, o: Partial<Input> = {}): Input => ({
  ...release(qty),
  event: 'enforce',
  to_wallet: 'W-HOUSE',
  ...o,
});

const v2 = (evs: ReturnType<typeof events>, params = {}) => run(evs, { ref: asContract2(reference()), params });
const mf7 = (r: ReturnType<typeof run>) => r.findings.filter((f) => f.check_id === 'MF-7');

describe('MF-7 VA collateral went unpriced longer than valuation_max_gap', () => {
  it('a gap of exactly 15 minutes is no finding; 15 minutes + 1 ns is', () => {
    const exact = v2(at(['2026-02-12T10:00:00Z', pledge()], ['2026-02-12T10:15:00Z', release('1')]));
    expect(exact.ids('MF-7')).toEqual([]);
    expect(exact.sink.population('MF-7')).toEqual({ examined: 1, notTested: {} });

    const over = v2(at(['2026-02-12T10:00:00Z', pledge()], ['2026-02-12T10:15:00.000000001Z', release('1')]));
    expect(over.ids('MF-7')).toEqual(['BTC']);
    const [f] = mf7(over);
    expect(f).toMatchObject({
      severity: 'medium',
      subject: 'BTC',
      symbol: null,
      account_id: 'C-1',
      seq: 1,
      ts: '2026-02-12T10:00:00Z',
      title: 'Virtual-asset collateral went unpriced for longer than the monitoring window',
    });
    expect(f!.evidence).toEqual({
      asset: 'BTC',
      valuation_max_gap: 'PT15M',
      longest_gap: {
        from: { event: 'pledge', event_id: 'c-1', seq: 1, ts: '2026-02-12T10:00:00Z' },
        to: { event: 'release', event_id: 'c-2', seq: 2, ts: '2026-02-12T10:15:00.000000001Z' },
        length_ns: String(15n * MIN + 1n),
      },
      loans: [{ loan_id: 'L-1', account_id: 'C-1', qty: '1' }],
      loan_count: 1,
      gaps_over_max: 1,
      gaps_measured: 1,
    });
    expect(f!.detail).toBe(
      'Virtual asset BTC went 0 h 15 min 0.000000001 s without a price observation, longer than valuation_max_gap PT15M, while held as collateral by loan(s) L-1: from pledge c-1 (seq 1, 2026-02-12T10:00:00Z) to release c-2 (seq 2, 2026-02-12T10:15:00.000000001Z).',
    );
  });

  it('the period-end tail: an asset still held after the last event is measured to the manifest period_end', () => {
    const edge = v2(at(['2026-02-12T23:45:00Z', pledge()]));
    expect(edge.ids('MF-7')).toEqual([]);
    expect(edge.sink.population('MF-7').examined).toBe(1);

    const tail = v2(at(['2026-02-12T23:44:59.999999999Z', pledge()]));
    const [f] = mf7(tail);
    expect(f).toMatchObject({ subject: 'BTC', seq: 1, ts: '2026-02-12T23:44:59.999999999Z' });
    expect(f!.evidence).toMatchObject({
      longest_gap: {
        from: { event_id: 'c-1' },
        to: { event: null, event_id: null, seq: null, ts: PERIOD_END },
        length_ns: String(15n * MIN + 1n),
      },
      loans: [{ loan_id: 'L-1', qty: '1' }],
    });
    expect(f!.detail).toContain('to the period end 2026-02-13T00:00:00Z.');

    // Released before the end: no tail, however long the rest of the period.
    const released = v2(at(['2026-02-12T01:00:00Z', pledge()], ['2026-02-12T01:10:00Z', release('1')]));
    expect(released.ids('MF-7')).toEqual([]);
    // The tail runs to period_end, not to the manifest's period_start or the last event of another asset.
    const other = v2(
      at(['2026-02-12T20:00:00Z', pledge()], ['2026-02-12T23:59:00Z', valuation('3000', { asset: 'ETH' })]),
    );
    expect(mf7(other)[0]!.evidence).toMatchObject({ longest_gap: { length_ns: String(240n * MIN) } });
  });

  it('is measured only while the asset is held just before the event', () => {
    // A valuation hours before the first pledge: the pledge is not measured (nothing held just before it).
    const first = v2(
      at(
        ['2026-02-12T01:00:00Z', valuation('100000')],
        ['2026-02-12T09:00:00Z', pledge()],
        ['2026-02-12T09:10:00Z', release('1')],
        // Not held any more: neither the valuation nor the release hours later is measured.
        ['2026-02-12T15:00:00Z', valuation('100000')],
        ['2026-02-12T16:00:00Z', release('1')],
      ),
    );
    expect(first.ids('MF-7')).toEqual([]);
    expect(first.sink.population('MF-7').examined).toBe(1);

    // A pledge while held is measured, then becomes the last observation.
    const second = v2(
      at(
        ['2026-02-12T09:00:00Z', pledge()],
        ['2026-02-12T09:20:00Z', pledge({ loan_id: 'L-2', account_id: 'C-2', from_wallet: 'W-C2-FREE' })],
        ['2026-02-12T09:30:00Z', release('1')],
        ['2026-02-12T09:30:00Z', release('1', { loan_id: 'L-2', account_id: 'C-2', to_wallet: 'W-C2-FREE' })],
      ),
    );
    const [f] = mf7(second);
    expect(f!.evidence).toMatchObject({
      longest_gap: { from: { event_id: 'c-1' }, to: { event: 'pledge', event_id: 'c-2' } },
      // Held just before the pledge: L-1 only (L-2's lot comes from that very pledge).
      loans: [{ loan_id: 'L-1', account_id: 'C-1', qty: '1' }],
      gaps_over_max: 1,
      gaps_measured: 3,
    });
    expect(second.sink.population('MF-7').examined).toBe(2);
  });

  it('an enforce is measured like a release; a valuation or pledge of another asset observes nothing of this one', () => {
    const r = v2(
      at(
        ['2026-02-12T10:00:00Z', pledge()],
        ['2026-02-12T10:10:00Z', valuation('3000', { asset: 'ETH' })],
        ['2026-02-12T10:12:00Z', pledge({ asset: 'ETH', price: '3000' })],
        ['2026-02-12T10:13:00Z', release('1', { asset: 'ETH' })],
        ['2026-02-12T10:20:00Z', enforce('1')],
      ),
    );
    expect(r.ids('MF-7')).toEqual(['BTC']);
    expect(mf7(r)[0]!.evidence).toMatchObject({
      longest_gap: { from: { event_id: 'c-1' }, to: { event: 'enforce', event_id: 'c-5' } },
    });
  });

  it('any pledge of the asset is an observation, whatever its loan or class', () => {
    // Without the 10:10 pledge (a security-class lot of another loan) the release would be 20 minutes after c-1.
    const r = v2(
      at(
        ['2026-02-12T10:00:00Z', pledge()],
        ['2026-02-12T10:10:00Z', pledge({ loan_id: 'L-9', asset_class: 'security', qty: '0.1' })],
        ['2026-02-12T10:20:00Z', release('1')],
        ['2026-02-12T10:21:00Z', release('0.1', { loan_id: 'L-9' })],
      ),
    );
    expect(r.ids('MF-7')).toEqual([]);
    expect(r.sink.population('MF-7').examined).toBe(1); // L-9 never held a virtual-asset lot
  });

  it('a negative difference counts as 0; A’s last observation is the latest in seq order, not the greatest ts', () => {
    // The valuation at 09:00 (later seq, earlier ts) measures 0 and becomes the last observation: the release at
    // 09:20 is 20 minutes after it. Measured from the greatest ts seen (10:00) it would be −40 minutes, so 0.
    const r = v2(
      at(
        ['2026-02-12T10:00:00Z', pledge()],
        ['2026-02-12T09:00:00Z', valuation('100000')],
        ['2026-02-12T09:20:00Z', release('1')],
      ),
    );
    expect(r.ids('MF-7')).toEqual(['BTC']);
    expect(mf7(r)[0]!.evidence).toMatchObject({
      longest_gap: { from: { event_id: 'c-2' }, to: { event_id: 'c-3' }, length_ns: String(20n * MIN) },
    });

    const zero = v2(
      at(
        ['2026-02-12T23:50:00Z', pledge()],
        ['2026-02-12T10:00:00Z', release('1')], // −13 h 50 min: counts as 0
      ),
    );
    expect(zero.ids('MF-7')).toEqual([]);
  });

  it('every lot of asset_class virtual_asset counts, eligible or not; another class of the asset is not held', () => {
    const doge = v2(
      at(
        ['2026-02-12T10:00:00Z', pledge({ asset: 'DOGE' })],
        ['2026-02-12T11:00:00Z', release('1', { asset: 'DOGE' })],
      ),
    );
    expect(doge.ids('MF-7')).toEqual(['DOGE']);
    expect(doge.ids('MF-1')).toEqual(['c-1']);

    const security = v2(
      at(
        ['2026-02-12T10:00:00Z', pledge({ asset: '0700.HK', asset_class: 'security' })],
        ['2026-02-12T11:00:00Z', release('1', { asset: '0700.HK' })],
      ),
    );
    expect(security.ids('MF-7')).toEqual([]);
    expect(security.sink.population('MF-7')).toEqual({
      examined: 0,
      notTested: { 'no loan held virtual-asset lots in the collateral ledger': 0 },
    });
  });

  it('one finding per asset with its longest gap (the first of equal ones) and the loans holding it then', () => {
    const r = v2(
      at(
        ['2026-02-12T10:00:00Z', pledge()],
        ['2026-02-12T10:20:00Z', pledge({ loan_id: 'L-2', account_id: 'C-2', from_wallet: 'W-C2-FREE', qty: '2' })],
        ['2026-02-12T10:45:00Z', valuation('100000')], // 25 min, held by L-1 and L-2: the longest
        ['2026-02-12T10:50:00Z', pledge({ asset: 'ETH', price: '3000' })],
        ['2026-02-12T11:10:00Z', valuation('100000')], // 25 min again: not longer, the first is kept
        ['2026-02-12T11:30:00Z', valuation('100000')], // 20 min
        ['2026-02-12T11:40:00Z', release('1', { asset: 'ETH' })],
        ['2026-02-12T11:41:00Z', release('1')],
        ['2026-02-12T11:42:00Z', release('2', { loan_id: 'L-2', account_id: 'C-2', to_wallet: 'W-C2-FREE' })],
      ),
    );
    expect(r.ids('MF-7').sort()).toEqual(['BTC', 'ETH']);
    const btc = mf7(r).find((f) => f.subject === 'BTC')!;
    expect(btc.account_id).toBeNull(); // two borrowers
    expect(btc.evidence).toMatchObject({
      longest_gap: { from: { event_id: 'c-2' }, to: { event_id: 'c-3' }, length_ns: String(25n * MIN) },
      loans: [
        { loan_id: 'L-1', account_id: 'C-1', qty: '1' },
        { loan_id: 'L-2', account_id: 'C-2', qty: '2' },
      ],
      loan_count: 2,
      gaps_over_max: 4,
      gaps_measured: 6,
    });
    expect(btc.detail).toContain('It was unpriced longer than that 4 times in all.');
    expect(mf7(r).find((f) => f.subject === 'ETH')!.evidence).toMatchObject({
      longest_gap: { from: { event_id: 'c-4' }, to: { event_id: 'c-7' }, length_ns: String(50n * MIN) },
      loans: [{ loan_id: 'L-1', qty: '1' }],
    });
    expect(r.sink.population('MF-7').examined).toBe(2);
  });

  it('reads valuation_max_gap from the parameters', () => {
    const evs = at(['2026-02-12T10:00:00Z', pledge()], ['2026-02-12T11:00:00Z', release('1')]);
    expect(v2(evs, { valuation_max_gap: 'PT1H' }).ids('MF-7')).toEqual([]);
    const r = v2(evs, { valuation_max_gap: 'PT59M59.999999999S' });
    expect(r.ids('MF-7')).toEqual(['BTC']);
    expect(mf7(r)[0]!.evidence.valuation_max_gap).toBe('PT59M59.999999999S');
  });

  it('lists at most 50 loans in the evidence and counts them all', () => {
    const pledges: [string, Input][] = Array.from({ length: 60 }, (_, i) => [
      '2026-02-12T10:00:00Z',
      pledge({ loan_id: `L-${i + 1}` }),
    ]);
    const r = v2(at(...pledges)); // the tail: all 60 still hold BTC at the period end
    const [f] = mf7(r);
    expect((f!.evidence.loans as unknown[]).length).toBe(50);
    expect(f!.evidence.loan_count).toBe(60);
    expect(f!.detail).toContain('L-1, L-2, L-3, L-4, L-5 and 55 more');
    expect(r.sink.population('MF-7').examined).toBe(60);
  });

  it('not tested when the contract-2 dataset has no collateral/ folder', () => {
    const r = run([], {
      ref: asContract2(reference(), ['accounts', 'staff', 'wallets', 'instruments', 'orders', 'trades']),
    });
    expect(r.sink.population('MF-7')).toEqual({
      examined: 0,
      notTested: { 'the dataset has no collateral ledger (collateral/ folder absent)': 0 },
    });
    const empty = run([], { ref: asContract2(reference()) });
    expect(empty.sink.population('MF-7')).toEqual({
      examined: 0,
      notTested: { 'no loan held virtual-asset lots in the collateral ledger': 0 },
    });
  });

  it('fails closed when the ledger cannot apply an event, and keeps measuring', () => {
    const sink = new FindingCollector();
    const { rules, auditor } = collateralAudit(asContract2(reference()), DEFAULT_PARAMETERS, sink);
    const [first, , last] = at(
      ['2026-02-12T10:00:00Z', pledge()],
      ['2026-02-12T10:01:00Z', valuation('1')],
      ['2026-02-12T10:30:00Z', release('1')],
    );
    const broken = { ...first!, seq: 2, event_id: 'c-2', event: 'release', loan_id: null } as CollateralEvent;
    [first!, broken, last!].forEach((rec, i) => {
      auditor.process({ rec, file: 'collateral/a.jsonl', line: i + 1 });
    });
    rules.finish();
    const mf7Reports = sink.findings().filter((f) => f.check_id === 'MF-7');
    expect(mf7Reports.map((f) => f.subject).sort()).toEqual(['BTC', 'rule-error']);
    expect(mf7Reports.find((f) => f.subject === 'rule-error')!.detail).toContain('collateral/a.jsonl:2');
    expect(sink.population('MF-7').notTested).toEqual({ 'check failed to run on a record': 1 });
  });

  it('never runs on a contract-1 dataset, whatever its collateral says', () => {
    const r = run(at(['2026-02-12T10:00:00Z', pledge()], ['2026-02-12T12:00:00Z', release('1')]));
    expect(r.ids('MF-7')).toEqual([]);
    expect(r.sink.population('MF-7')).toEqual({ examined: 0, notTested: {} });
    expect(r.rules.rules.flatMap((x) => [...x.checks])).not.toContain('MF-7');
  });
});
