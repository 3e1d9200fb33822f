/**
 * The SOB family reading (shared/report/evidence/sob.ts) and DQ-5's contract-2 roles, on findings the rules report for
 * a hand-made contract-2 flow: SOB-1 shows the required against the pre-funded amount of each short event, SOB-2 the
 * venue's flags, SOB-3 each leg and each reason; none drops a value the check wrote, none crashes on odd evidence.
 */
import { describe, expect, it } from 'vitest';
import type { FindingDraft } from '#shared/contract/finding.js';
import { EVIDENCE_READERS, evidenceView, printable } from '#shared/report/evidenceView.js';
import { Flow } from '../audit/flow.js';
import { audit2, legs } from '../checks/sob/harness.js';
import { leaves, shown, table, value } from './evidenceBlocks.js';

const flow = new Flow(2);
flow.new({ id: 'r-buy', acct: 'C-1', side: 'buy', price: '3333.33', qty: '3', route: 'SG-OK', prefunded: '9999.98' });
flow.amend('r-buy', { qty: '3', price: '3333.33', prefunded: null });
for (let i = 0; i < 11; i++) flow.amend('r-buy', { qty: '3', price: '3333.33', prefunded: '1' });
flow.new({ id: 'r-sell', acct: 'C-2', side: 'sell', price: '1', qty: '1', route: 'YY-NEITHER', prefunded: '1' });
const run = audit2({
  flow,
  settlements: legs(
    { exec_id: 'x-1', order_id: 'r-sell', mechanism: 'free_of_payment' },
    { exec_id: 'x-1', order_id: 'r-sell', batch_id: 'b-2' },
    { exec_id: 'x-2', order_id: 'nobody', leg: 'cash', qty: '97' },
  ),
});
const finding = (check: string, subject: string): FindingDraft => run.get(check, subject)!;

describe('the SOB evidence reading', () => {
  it('is registered for the family', () => {
    expect(EVIDENCE_READERS.has('SOB')).toBe(true);
  });

  it('SOB-1: the routed order, and each short event with required against pre-funded', () => {
    const blocks = evidenceView(finding('SOB-1', 'r-buy'));
    expect(value(blocks, 'Routed order', 'Order')).toBe('r-buy');
    expect(value(blocks, 'Routed order', 'Venue')).toBe('SG-OK');
    const t = table(blocks, /^Events after which it was not fully pre-funded/)!;
    expect(t.columns).toEqual(['Event', 'Seq', 'Record', 'Qty', 'Price', 'Required', 'Pre-funded', 'Short by', 'Time']);
    expect(t.rows[0]).toEqual([
      'new',
      '1',
      'orders/o.jsonl:1',
      '3',
      '3333.33',
      '9999.99',
      '9999.98',
      '0.01',
      flow.items[0]!.rec.ts,
    ]);
    expect(t.rows[1]!.slice(0, 8)).toEqual([
      'amend',
      '2',
      'orders/o.jsonl:2',
      '3',
      '3333.33',
      '9999.99',
      'none stated',
      '9999.99',
    ]);
    expect(t.rows).toHaveLength(10);
    expect(t.note).toBe('10 of 13 short events listed (the check keeps the first 10)');
  });

  it('SOB-2: the routed order and the venue with its two flags, and why', () => {
    const blocks = evidenceView(finding('SOB-2', 'r-sell'));
    expect(value(blocks, 'Routed order', 'Record')).toBe('orders/o.jsonl:14');
    expect(value(blocks, 'Venue', 'Venue')).toBe('YY-NEITHER');
    expect(value(blocks, 'Venue', 'FATF member')).toBe('no');
    expect(value(blocks, 'Venue', 'Approved for the shared order book')).toBe('no');
    expect(blocks).toContainEqual({
      kind: 'text',
      text: "Why the venue does not qualify: venue YY-NEITHER is not approved for the shared order book; venue YY-NEITHER's jurisdiction YY is not a FATF member.",
    });
  });

  it('SOB-3: each leg, one a row, and each reason', () => {
    const blocks = evidenceView(finding('SOB-3', 'x-1'));
    expect(value(blocks, 'Execution', 'Batches')).toBe('b-1, b-2');
    expect(blocks).toContainEqual({
      kind: 'text',
      text: 'Why it was not settled delivery-versus-payment: no cash leg; asset leg twice; a leg is not dvp; legs in different batches.',
    });
    const t = table(blocks, /^Settlement legs$/)!;
    expect(t.rows).toEqual([
      ['asset', 's-1', '1', 'settlements/s.jsonl:1', 'r-sell', '1', 'free_of_payment', 'b-1', '2026-02-12T05:00:00Z'],
      ['asset', 's-2', '2', 'settlements/s.jsonl:2', 'r-sell', '1', 'dvp', 'b-2', '2026-02-12T05:00:00Z'],
    ]);
  });

  it('DQ-5 says where the ids of a contract-2 role are looked up', () => {
    const t = table(evidenceView(finding('DQ-5', 'nobody')), /^References to it/)!;
    expect(t.rows[0]!.slice(0, 4)).toEqual([
      'routed_order',
      'orders (its routed orders)',
      '1',
      'settlements/s.jsonl:3',
    ]);
  });

  it('shows every value the checks wrote', () => {
    expect(run.of('SOB-1').length + run.of('SOB-2').length + run.of('SOB-3').length).toBe(4);
    for (const f of run.findings) {
      const text = shown(evidenceView(f));
      for (const leaf of leaves(f.evidence))
        expect(text, `${f.check_id} ${f.subject}: ${leaf}`).toContain(printable(leaf));
    }
  });

  it('never crashes on partial or wrongly shaped evidence, and loses none of its values', () => {
    const odd: Record<string, unknown>[] = [
      {},
      { short_events: 'none', venue: 'x', legs: [1, 2], reasons: 'one' },
      { short_events: [{ event: 'new', extra: 'kept' }], route: null, venue: { venue_id: 'V', other: 7 } },
      { legs: [{ leg: 'cash', surprise: true }], batch_ids: 'b', reasons: [], nested: { deep: ['a'] } },
    ];
    for (const check of ['SOB-1', 'SOB-2', 'SOB-3']) {
      for (const evidence of odd) {
        const text = shown(
          evidenceView({ check_id: check, severity: 'high', subject: 's', title: 't', detail: 'd', evidence }),
        );
        for (const leaf of leaves(evidence)) expect(text, `${check} ${JSON.stringify(evidence)}`).toContain(leaf);
      }
    }
  });
});
