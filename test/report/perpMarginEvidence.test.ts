/**
 * The PERP family's reading of the margin checks' evidence (shared/report/evidence/perpMargin.ts), on findings the
 * rules really write: PERP-5 the deficit, what covered it and by which events; PERP-6 the fund just before the adl
 * against what was still uncovered; PERP-7 the published rate or its absence, the recomputed amount and every reason;
 * PERP-3 the asset and class; PERP-4 the balance after and the event. No value the check wrote is dropped, and odd
 * evidence never crashes the reading.
 */
import { describe, expect, it } from 'vitest';
import type { FindingDraft } from '#shared/contract/finding.js';
import { evidenceView, printable } from '#shared/report/evidenceView.js';
import {
  adl,
  contribution,
  credit,
  deposit,
  events,
  funding,
  fundingRate,
  liquidation,
  payout,
  runMargin,
  withdraw,
} from '../checks/perp/marginHarness.js';
import { leaves, shown, table, value } from './evidenceBlocks.js';

const run = runMargin(
  events(
    deposit('A', '100', { asset: 'USDT', asset_class: 'stablecoin' }),
    credit('A', '5'),
    withdraw('A', '105.5'),
    contribution('310'),
    deposit('L', '100'),
    liquidation('L', '-404.85'),
    payout('L', '200', 'm-6'),
    deposit('W', '1000'),
    adl('W', '100', 'm-6'),
    fundingRate('0.0001'),
    funding({ account_id: 'W', rate: '0.0002', amount: '-19.5' }),
    funding({ account_id: 'W', symbol: 'ETH-PERP' }),
  ),
);
const first = (check: string): FindingDraft => run.of(check)[0]!;

describe('the margin checks’ evidence as an auditor reads it', () => {
  it('the run gives a finding of each margin check', () => {
    expect([...new Set(run.findings.map((f) => f.check_id))]).toEqual([
      'PERP-3',
      'PERP-4',
      'PERP-5',
      'PERP-6',
      'PERP-7',
    ]);
  });

  it('every one starts with the margin event: id, type, seq, account, amount, file:line', () => {
    for (const f of run.findings) {
      const blocks = evidenceView(f);
      expect(blocks[0]).toMatchObject({ kind: 'fields', title: 'Margin event' });
      expect(value(blocks, 'Margin event', 'Event')).toBe(f.subject);
      expect(value(blocks, 'Margin event', 'Record')).toMatch(/^margin\/margin\.jsonl:\d+$/);
    }
  });

  it('PERP-3: the asset posted, its class and the accepted classes', () => {
    const blocks = evidenceView(first('PERP-3'));
    expect(value(blocks, 'Margin posted', 'Asset')).toBe('USDT');
    expect(value(blocks, 'Margin posted', 'Asset class')).toBe('stablecoin');
    expect(value(blocks, 'Margin posted', 'Accepted classes')).toBe('fiat, hkma_stablecoin, tokenized_deposit');
  });

  it('PERP-4: why, and the balance before and after the event', () => {
    const [creditFinding, withdrawFinding] = run.of('PERP-4').map(evidenceView);
    expect(value(creditFinding!, 'Margin balance of the account', 'Why')).toBe('margin credit from the platform');
    expect(value(withdrawFinding!, 'Margin balance of the account', 'Why')).toBe('balance below zero after the event');
    expect(value(withdrawFinding!, 'Margin balance of the account', 'Balance before')).toBe('105');
    expect(value(withdrawFinding!, 'Margin balance of the account', 'Balance after')).toBe('-0.5');
    expect(value(withdrawFinding!, 'Margin event', 'Type')).toBe('withdraw');
  });

  it('PERP-5: the deficit, covered and not covered, and each covering event (id, kind, amount)', () => {
    const blocks = evidenceView(first('PERP-5'));
    const t = 'Deficit and coverage by the end of the margin ledger';
    expect(value(blocks, t, 'Deficit')).toBe('304.85');
    expect(value(blocks, t, 'Covered')).toBe('300');
    expect(value(blocks, t, 'Not covered')).toBe('4.85');
    const covers = table(blocks, /^Events that covered it/)!;
    expect(covers.columns).toEqual(['Event', 'Kind', 'Amount covered', 'Account', 'Seq', 'Time']);
    expect(covers.rows.map((r) => r.slice(0, 4))).toEqual([
      ['m-7', 'insurance payout', '200', 'L'],
      ['m-9', 'adl', '100', 'W'],
    ]);
  });

  it('PERP-5: a liquidation nothing named says so', () => {
    const blocks = evidenceView(runMargin(events(liquidation('L', '-1'))).only('PERP-5'));
    expect(blocks).toContainEqual({ kind: 'text', text: 'No insurance payout or adl named this liquidation.' });
  });

  it('PERP-6: the insurance fund just before the adl against what was still uncovered, and the liquidation', () => {
    const blocks = evidenceView(first('PERP-6'));
    expect(value(blocks, 'Loss waterfall just before the adl', 'Insurance fund')).toBe('110');
    expect(value(blocks, 'Loss waterfall just before the adl', 'Still uncovered')).toBe('104.85');
    expect(value(blocks, 'Liquidation it covers', 'Liquidation')).toBe('m-6');
    expect(value(blocks, 'Liquidation it covers', 'Deficit')).toBe('304.85');
    expect(value(blocks, 'Liquidation it covers', 'Covered before the adl')).toBe('200');
  });

  it('PERP-7: every reason, the published rate (seq, event id) or its absence, and the recomputed amount', () => {
    const [wrongRate, unpublished] = run.of('PERP-7').map(evidenceView);
    expect(table(wrongRate!, /^Why$/)!.rows).toEqual([
      ['rate differs from the published rate'],
      ['amount differs from expected'],
    ]);
    expect(value(wrongRate!, 'Rate', 'Rate applied')).toBe('0.0002');
    expect(value(wrongRate!, 'Rate', 'Published rate')).toBe('0.0001');
    expect(value(wrongRate!, 'Rate', 'Published by')).toBe('m-10');
    expect(value(wrongRate!, 'Rate', 'Published at seq')).toBe('10');
    expect(value(wrongRate!, 'Amount', 'Amount paid (−) or received (+)')).toBe('-19.5');
    expect(value(wrongRate!, 'Amount', 'Expected (rounded)')).toBe('-20');
    expect(value(wrongRate!, 'Amount', 'Decimal places (half away from zero)')).toBe('8');
    expect(unpublished).toContainEqual({
      kind: 'text',
      text: 'No funding rate was published for this symbol and interval at a lower seq.',
    });
  });

  it('shows every value the check wrote, for every finding', () => {
    for (const f of run.findings) {
      const text = shown(evidenceView(f));
      for (const leaf of leaves(f.evidence))
        expect(text, `${f.check_id} ${f.subject}: ${leaf}`).toContain(printable(leaf));
    }
  });

  it('never crashes on partial or wrongly shaped evidence, and loses none of its values', () => {
    const odd: Record<string, unknown>[] = [
      {},
      { event: 'not an object', covers: 'none', liquidation: null, published_rate: 7 },
      { covers: [{ event_id: 'x', extra: 'kept' }], reasons: 'one', perp_margin_classes: 'fiat' },
      { published_rate: { rate: '0.1', odd: 'kept' }, reasons: [1, 2], liquidation: { deficit: '5', more: 'kept' } },
    ];
    for (const check of ['PERP-3', 'PERP-4', 'PERP-5', 'PERP-6', 'PERP-7']) {
      for (const evidence of odd) {
        const f = { check_id: check, severity: 'high', subject: 's', title: 't', detail: 'd', evidence } as const;
        const text = shown(evidenceView(f));
        for (const leaf of leaves(evidence)) expect(text, `${check} ${JSON.stringify(evidence)}`).toContain(leaf);
      }
    }
  });
});
