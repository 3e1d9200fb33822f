/**
 * The readings of MF-7's and contract-2 PERP-2's evidence, on findings the rules themselves reported (through the
 * pack's RuleSet on a contract-2 dataset): MF-7 shows the asset and its window, the longest gap's length and its two
 * ends (an event, or the period end), and the loans holding the asset then; PERP-2 shows both flags and what is
 * missing. Every value the check wrote is shown, and odd shapes neither crash nor lose a value.
 */
import { describe, expect, it } from 'vitest';
import { RuleSet } from '#shared/audit/ruleSet.js';
import { declarationsOf } from '#shared/checks/pack.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import type { FindingDraft } from '#shared/contract/finding.js';
import { FindingCollector } from '#shared/findings/collector.js';
import { evidenceView } from '#shared/report/evidenceView.js';
import { makeRef } from '../checks/fs/fixtures.js';
import { asContract2, events, pledge, reference, release, run, valuation } from '../collateral/harness.js';
import { leaves, shown, table, value } from './evidenceBlocks.js';

/** BTC: the longest gap ends at an event (L-1 and L-2 holding); ETH: it runs to the period end. */
function mf7Findings(): FindingDraft[] {
  const evs = events(
    { ...pledge(), ts: '2026-02-12T10:00:00Z' },
    {
      ...pledge({ loan_id: 'L-2', account_id: 'C-2', from_wallet: 'W-C2-FREE', qty: '2' }),
      ts: '2026-02-12T10:05:00Z',
    },
    { ...valuation('100000'), ts: '2026-02-12T11:05:00.000000001Z' },
    { ...release('1'), ts: '2026-02-12T11:06:00Z' },
    { ...release('2', { loan_id: 'L-2', account_id: 'C-2', to_wallet: 'W-C2-FREE' }), ts: '2026-02-12T11:07:00Z' },
    { ...pledge({ asset: 'ETH', price: '3000' }), ts: '2026-02-12T22:00:00Z' },
  );
  return run(evs, { ref: asContract2(reference()) }).findings.filter((f) => f.check_id === 'MF-7');
}

function perp2Finding(): FindingDraft {
  const ref = asContract2(
    makeRef({
      instruments: [{ symbol: 'X-PERP', product: 'perpetual', reference_asset: 'X', retail_spot_approved: false }],
    }),
  );
  const sink = new FindingCollector();
  new RuleSet({ ref, params: DEFAULT_PARAMETERS, sink }, declarationsOf(['PERP-2'])).finish();
  return sink.findings()[0]!;
}

describe('MF-7 evidence reading', () => {
  it('the asset and window, the longest gap with its length and two ends, the loans holding the asset then', () => {
    const btc = mf7Findings().find((f) => f.subject === 'BTC')!;
    const blocks = evidenceView(btc);
    expect(value(blocks, 'Asset', 'Asset')).toBe('BTC');
    expect(value(blocks, 'Asset', 'Maximum gap (valuation_max_gap)')).toBe('PT15M');
    expect(value(blocks, 'Asset', 'Gaps longer than that')).toBe('1');
    expect(value(blocks, 'Asset', 'Loans holding it at the longest gap')).toBe('2');
    expect(value(blocks, 'The longest gap without a price', 'Length')).toBe(
      '1 h 0 min 0.000000001 s (3600000000001 ns)',
    );
    const ends = table(blocks, /^Its two ends$/)!;
    expect(ends.columns).toEqual(['End', 'Event', 'Event id', 'Seq', 'Time']);
    expect(ends.rows).toEqual([
      ['last price observation', 'pledge', 'c-2', '2', '2026-02-12T10:05:00Z'],
      ['measured at', 'valuation', 'c-3', '3', '2026-02-12T11:05:00.000000001Z'],
    ]);
    const loans = table(blocks, /^Loans holding the asset then$/)!;
    expect(loans.columns).toEqual(['Loan', 'Account', 'Qty held']);
    expect(loans.rows).toEqual([
      ['L-1', 'C-1', '1'],
      ['L-2', 'C-2', '2'],
    ]);
    expect(loans.note).toBeUndefined();
  });

  it('an end at the period end reads as such', () => {
    const eth = mf7Findings().find((f) => f.subject === 'ETH')!;
    const ends = table(evidenceView(eth), /^Its two ends$/)!;
    expect(ends.rows[1]).toEqual(['measured at', 'period end', '—', '—', '2026-02-13T00:00:00Z']);
  });

  it('says how many loans were left out of the list', () => {
    const f = mf7Findings()[0]!;
    const many = { ...f, evidence: { ...f.evidence, loan_count: 75 } };
    expect(table(evidenceView(many), /^Loans holding the asset then$/)!.note).toBe(
      '2 of 75 loans listed (the check keeps the first 50)',
    );
  });
});

describe('PERP-2 evidence reading on contract 2', () => {
  it('shows both flags and what is missing', () => {
    const blocks = evidenceView(perp2Finding());
    expect(value(blocks, 'Instrument', 'Approved for retail spot trading')).toBe('no');
    expect(value(blocks, 'Instrument', 'References an IOSCO-compliant index')).toBe('no');
    expect(value(blocks, 'Instrument', 'Missing')).toBe(
      'a reference asset approved for retail spot trading; an IOSCO-compliant reference index',
    );
  });
});

describe('the readings lose nothing', () => {
  it('show every value the checks wrote', () => {
    for (const f of [...mf7Findings(), perp2Finding()]) {
      const text = shown(evidenceView(f));
      for (const leaf of leaves(f.evidence)) expect(text, `${f.check_id} ${f.subject}: ${leaf}`).toContain(leaf);
    }
  });

  it('never crash on partial or wrongly shaped evidence, and lose none of its values', () => {
    const odd: Record<string, unknown>[] = [
      {},
      { longest_gap: 'not an object', loans: 'none', missing: 'both' },
      { longest_gap: { from: 'x', to: null, length_ns: 'long', extra: 7 }, loans: [1, 2] },
      { longest_gap: { from: { event_id: 'c-1', odd: 'kept' }, to: { ts: 't' } }, loans: [{ loan_id: 'L-1', x: 'y' }] },
      { reference_index_iosco: 'maybe', missing: [1, 'two'], retail_spot_approved: null },
    ];
    for (const check of ['MF-7', 'PERP-2']) {
      for (const evidence of odd) {
        const f = { check_id: check, severity: 'medium', subject: 's', title: 't', detail: 'd', evidence } as const;
        const text = shown(evidenceView(f));
        for (const leaf of leaves(evidence)) expect(text, `${check} ${JSON.stringify(evidence)}`).toContain(leaf);
      }
    }
  });
});
