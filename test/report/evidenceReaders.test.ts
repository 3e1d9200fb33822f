/**
 * The family readings of evidence (shared/report/evidence/) on the findings of a generated dataset with violations of
 * every family: each shows the fields an auditor reads (the blocking orders of a CP-1, the tag timeline, who and where
 * for FS, the movement for NRH, the lots for MF, file:line and the reason for DQ); none drops a key the check wrote,
 * none crashes on a partial or unexpected object; binary reads `\xNN`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS, checksOf } from '#shared/checks/catalogue.js';
import type { Finding } from '#shared/contract/finding.js';
import { EVIDENCE_READERS, evidenceView, genericEvidence, printable } from '#shared/report/evidenceView.js';
import { fields, leaves, shown, table, value } from './evidenceBlocks.js';
import { auditedRun } from './generatedRun.js';

let work: string;
let findings: Finding[];
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vatp-readers-'));
  findings = (await auditedRun(work)).findings;
}, 180_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const first = (check: string): Finding => {
  const f = findings.find((x) => x.check_id === check);
  if (f === undefined) throw new Error(`no ${check} finding in the generated run`);
  return f;
};
describe('evidence readings of a generated run', () => {
  it('has a family reading for every family of the catalogue', () => {
    for (const family of new Set(CHECKS.map((c) => c.family))) expect(EVIDENCE_READERS.has(family), family).toBe(true);
    expect(new Set(findings.map((f) => f.check_id))).toEqual(new Set(checksOf(1).map((c) => c.id)));
  });

  it('CP: the trade, the MM order, and the blocking orders by priority with account, price, visible qty, seq', () => {
    for (const id of ['CP-1', 'CP-2']) {
      const f = first(id);
      const blocks = evidenceView(f);
      const ev = f.evidence as {
        trade: { trade_id: string };
        mm_order: { order_id: string };
        blocking_orders: Record<string, unknown>[];
      };
      expect(value(blocks, 'Trade', 'Trade')).toBe(ev.trade.trade_id);
      expect(value(blocks, 'Affiliated MM order (maker)', 'Order')).toBe(ev.mm_order.order_id);
      const t = table(blocks, /^Blocking protected orders/)!;
      expect(t.columns.slice(0, 5)).toEqual(['Order', 'Account', 'Price', 'Visible qty', 'Priority seq']);
      expect(t.rows.map((r) => r[0])).toEqual(ev.blocking_orders.map((o) => o.order_id));
      expect(t.rows[0]).toEqual([
        ev.blocking_orders[0]!.order_id,
        ev.blocking_orders[0]!.account_id,
        ev.blocking_orders[0]!.price,
        ev.blocking_orders[0]!.visible_qty,
        String(ev.blocking_orders[0]!.priority),
        `${ev.blocking_orders[0]!.file}:${ev.blocking_orders[0]!.line}`,
      ]);
      expect(fields(blocks, 'Totals')?.fields.length).toBeGreaterThan(1);
    }
  });

  it('MMT: the tag timeline of the order, or the tags of both orders at the trade', () => {
    const mmt3 = evidenceView(first('MMT-3'));
    const timeline = table(mmt3, /^Tag timeline/)!;
    expect(timeline.rows.map((r) => r[3])).toEqual([
      String(first('MMT-3').evidence.mm_tag_before),
      String(first('MMT-3').evidence.mm_tag_after),
    ]);
    const mmt4 = table(evidenceView(first('MMT-4')), /^Tags at the trade/)!;
    expect(mmt4.rows.map((r) => r[0])).toEqual(['maker', 'taker']);
    expect(mmt4.rows.some((r) => r.at(-1) === 'NO')).toBe(true);
  });

  it('FS: who (user, entity, function), which session or IP, the counts on each side and the first shared record', () => {
    const fs1 = evidenceView(first('FS-1'));
    expect(value(fs1, 'Who entered it', 'User')).toBe(first('FS-1').evidence.user_id);
    const fs3 = evidenceView(first('FS-3'));
    expect(table(fs3, /^Order events the session carried/)!.rows).toHaveLength(2);
    expect(value(fs3, 'First shared at', 'Record')).toMatch(/^orders\/.+:\d+$/);
    const fs5 = evidenceView(first('FS-5'));
    expect(table(fs5, /^Uses of the IP/)!.columns).toContain('Order events');
    expect(value(fs5, 'Source IP', 'Source IP')).toBe(first('FS-5').subject);
  });

  it('NRH: the movement from → to wallet with qty and asset, and holdings against custody', () => {
    const nrh1 = evidenceView(first('NRH-1'));
    const move = table(nrh1, /^Movement$/)!;
    const ev = first('NRH-1').evidence as {
      from_wallet: { wallet_id: string };
      to_wallet: { wallet_id: string };
      qty: string;
      asset: string;
    };
    expect(move.rows[0]![0]).toBe(ev.from_wallet.wallet_id);
    expect(move.rows[0]![2]).toBe(ev.to_wallet.wallet_id);
    expect(move.rows[0]!.slice(4)).toEqual([ev.qty, ev.asset]);
    const nrh4 = evidenceView(first('NRH-4'));
    expect(value(nrh4, 'Holdings against custody', 'Shortfall')).toBe(first('NRH-4').evidence.shortfall);
  });

  it('MF: the loan, its lots (asset, qty, haircut, lending value) and the outstanding amount', () => {
    const mf3 = evidenceView(first('MF-3'));
    expect(value(mf3, 'Loan', 'Outstanding')).toBe(first('MF-3').evidence.outstanding);
    const lots = table(mf3, /^Collateral lots/);
    const evLots = first('MF-3').evidence.lots as Record<string, unknown>[];
    if (evLots.length > 0) {
      expect(lots!.columns).toEqual(expect.arrayContaining(['Asset', 'Qty', 'Haircut', 'Lending value']));
      expect(lots!.rows.map((r) => r[1])).toEqual(evLots.map((l) => l.asset));
    }
    expect(table(evidenceView(first('MF-6')), /^Loans left short/)!.rows.length).toBeGreaterThan(0);
  });

  it('DQ: file:line and the reason in plain words, the raw record whole, binary and control bytes as \\xNN', () => {
    const dq1 = findings.filter((f) => f.check_id === 'DQ-1').map(evidenceView);
    for (const blocks of dq1) {
      expect(value(blocks, 'Where', 'Record')).toMatch(/^[a-z]+\/.+:\d+$/);
      expect(blocks.some((b) => b.kind === 'text' && b.text.startsWith('Reason: '))).toBe(true);
    }
    const raws = dq1.flatMap((b) => b.filter((x) => x.kind === 'code').map((x) => (x.kind === 'code' ? x.value : '')));
    expect(raws.some((r) => r.includes('\\x01\\x02 bell \\x07'))).toBe(true);
    expect(raws.some((r) => r.includes('"bin":"\\xFF\\xFE"'))).toBe(true);
    expect([...raws.join('')].filter((c) => c.charCodeAt(0) < 0x20 || c === '\ufffd')).toEqual([]);
    const dq5 = table(evidenceView(first('DQ-5')), /^References to it/)!;
    expect(dq5.rows[0]![3]).toMatch(/:\d+$/);
  });

  it('shows every value the check wrote, for every finding of the run', () => {
    for (const f of findings) {
      const text = shown(evidenceView(f));
      for (const leaf of leaves(f.evidence))
        expect(text, `${f.check_id} ${f.subject}: ${leaf}`).toContain(printable(leaf));
    }
  });
});

describe('evidence readings of unexpected evidence', () => {
  const withEvidence = (check_id: string, evidence: Record<string, unknown>) =>
    ({ check_id, severity: 'high', subject: 's', title: 't', detail: 'd', evidence }) as const;

  it('never crash on partial or wrongly shaped evidence, and lose none of its values', () => {
    const odd: Record<string, unknown>[] = [
      {},
      { trade: 'not an object', blocking_orders: 'none', mm_order: null },
      { trade: { trade_id: 't-1' }, blocking_orders: [{ order_id: 'o-1', extra: 'kept' }], unknown_key: 42 },
      { event: { event_id: 'c-1' }, from_wallet: 7, loans: [1, 2], lots: 'x' },
      { roles: { account: 'weird' }, records: [null], maker: [], reasons: 'one' },
      { mm_tag_before: true, nested: { deep: { deeper: ['a', 'b'] } } },
    ];
    for (const check of checksOf(1).map((c) => c.id)) {
      for (const evidence of odd) {
        const blocks = evidenceView(withEvidence(check, evidence));
        const text = shown(blocks);
        for (const leaf of leaves(evidence)) expect(text, `${check} ${JSON.stringify(evidence)}`).toContain(leaf);
      }
    }
  });

  it('falls back to the generic reading when a reader throws, and reads rule errors generically', () => {
    EVIDENCE_READERS.set('ZZ-1', () => {
      throw new Error('broken reader');
    });
    try {
      const f = withEvidence('ZZ-1', { a: 1 });
      expect(evidenceView(f)).toEqual(genericEvidence(f));
    } finally {
      EVIDENCE_READERS.delete('ZZ-1');
    }
    const ruleError = {
      ...withEvidence('CP-1', { hook: 'onTrade', file: null, line: null, error: 'x' }),
      subject: 'rule-error',
    };
    expect(evidenceView(ruleError)).toEqual(genericEvidence(ruleError));
  });

  it('escapes control characters, lone surrogates and direction overrides in every block', () => {
    expect(printable('a\u0000b\u007f\u009bc\u202ed\ud800')).toBe('a\\x00b\\x7F\\x9Bc\\u202Ed\\uD800');
    expect(printable('plain ✓ 日本 \\x41')).toBe('plain ✓ 日本 \\x41');
    const [b] = evidenceView(withEvidence('ZZ-2', { raw: 'x\u0007y' }));
    expect(b).toMatchObject({ kind: 'fields', fields: [{ value: 'x\\x07y' }] });
  });
});
