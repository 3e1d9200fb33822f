/** buildReportModel: statuses, caps, charts, completeness and responses computed from every finding. */
import { describe, expect, it } from 'vitest';
import { CHECKS } from '#shared/checks/catalogue.js';
import type { Finding, Severity } from '#shared/contract/finding.js';
import { ReportError } from '#shared/report/errors.js';
import { buildReportModel } from '#shared/report/model.js';
import { realisticFindings, realisticInput } from './fixtures.js';

function f(check_id: string, subject: string, severity: Severity, extra: Partial<Finding> = {}): Finding {
  return {
    finding_id: `f-${check_id}-${subject}`,
    run_id: 'r-1',
    check_id,
    severity,
    subject,
    venue: 'HKVX',
    symbol: null,
    account_id: null,
    seq: null,
    ts: null,
    title: 't',
    detail: 'd',
    evidence: {},
    ...extra,
  };
}

describe('buildReportModel', () => {
  it('has one summary row per catalogue check, in catalogue order, with a status from population and findings', () => {
    const m = buildReportModel(
      realisticInput({
        findings: [f('CP-1', 't-1', 'high')],
        population: {
          'CP-1': { examined: 5, notTested: {} },
          'CP-2': { examined: 5, notTested: { 'auction-phase trade': 2 } },
          'MMT-1': { examined: 7, notTested: {} },
          'FS-4': { examined: 0, notTested: { 'access log not delivered': 1 } },
        },
      }),
    );
    expect(m.checks.map((c) => c.id)).toEqual(CHECKS.map((c) => c.id));
    const by = new Map(m.checks.map((c) => [c.id, c]));
    expect(by.get('CP-1')!.status).toBe('exceptions');
    expect(by.get('CP-2')!.status).toBe('no exceptions, partly not tested');
    expect(by.get('CP-2')!.not_tested).toEqual([{ reason: 'auction-phase trade', count: 2 }]);
    expect(by.get('MMT-1')!.status).toBe('no exceptions');
    expect(by.get('FS-4')!.status).toBe('not tested');
    // No population reported at all: not tested, never a pass.
    expect(by.get('NRH-1')!.status).toBe('not tested');
    expect(m.totals.checks_with_exceptions).toBe(1);
    expect(m.totals.checks_partly_not_tested).toBe(1);
    expect(m.totals.checks_total).toBe(CHECKS.length);
  });

  it('a check with findings is "exceptions" even when its population says nothing was examined', () => {
    const m = buildReportModel(realisticInput({ findings: [f('MF-1', 'rule-error', 'critical')], population: {} }));
    expect(m.checks.find((c) => c.id === 'MF-1')!.status).toBe('exceptions');
  });

  it('keeps a check id that is not in the catalogue, in an "other" family, rather than dropping it', () => {
    const m = buildReportModel(
      realisticInput({ findings: [f('XX-9', 's', 'low')], population: { 'XX-9': { examined: 1, notTested: {} } } }),
    );
    expect(m.checks.at(-1)).toMatchObject({ id: 'XX-9', known: false, family: 'other', findings_total: 1 });
    expect(m.families.at(-1)!.family).toBe('other');
    expect(m.totals.findings_total).toBe(1);
  });

  it('caps each listing to the most severe findings first, whatever the input order, and counts the rest', () => {
    const many: Finding[] = [];
    for (let i = 0; i < 500; i++)
      many.push(f('CP-1', `t-${String(i).padStart(4, '0')}`, i % 97 === 0 ? 'critical' : 'high'));
    many.reverse();
    const m = buildReportModel(realisticInput({ findings: many, caps: { findingsPerCheck: 10 } }));
    const cp1 = m.families[0]!.checks[0]!;
    expect(cp1.rows).toHaveLength(10);
    expect(cp1.omitted).toBe(490);
    expect(cp1.rows.slice(0, 6).every((r) => r.severity === 'critical')).toBe(true);
    expect(cp1.rows.slice(0, 6).map((r) => r.subject)).toEqual([
      't-0000',
      't-0097',
      't-0194',
      't-0291',
      't-0388',
      't-0485',
    ]);
    expect(cp1.rows.slice(6).map((r) => r.subject)).toEqual(['t-0001', 't-0002', 't-0003', 't-0004']);
    expect(cp1.check.findings).toEqual({ critical: 6, high: 494, medium: 0, low: 0 });
  });

  it('always lists a finding with a recorded response, with its status and latest response', () => {
    const many = Array.from({ length: 100 }, (_, i) => f('CP-1', `t-${String(i).padStart(3, '0')}`, 'high'));
    const response = {
      status: 'acknowledged',
      response: 'Reviewed.',
      responded_by: 'J. Chan',
      responded_at: '2026-02-20T08:30:00Z',
    };
    const build = (evidencePerCheck: number) =>
      buildReportModel(
        realisticInput({
          findings: many,
          caps: { findingsPerCheck: 5, evidencePerCheck },
          responses: { 'f-CP-1-t-099': { ...response, history_count: 2 } },
        }),
      ).families[0]!.checks[0]!;
    const cp1 = build(10);
    expect(cp1.rows.map((r) => r.subject)).toEqual(['t-000', 't-001', 't-002', 't-003', 't-004', 't-099']);
    expect(cp1.omitted).toBe(94);
    expect(cp1.rows.at(-1)).toMatchObject({
      finding_id: 'f-CP-1-t-099',
      status: 'acknowledged',
      response: { status: 'acknowledged', note: 'Reviewed.', by: 'J. Chan', at: '2026-02-20T08:30:00Z' },
      history_count: 2,
    });
    expect(cp1.rows.every((r) => r.evidence !== null)).toBe(true);
    expect(cp1.rows[0]).toMatchObject({ status: 'open', response: null, history_count: 0 });
    expect(build(3).rows.map((r) => r.evidence !== null)).toEqual([true, true, true, false, false, false]);
  });

  it('shares the room for listings fairly among the checks, counting every finding in the breakdown', () => {
    const many: Finding[] = [];
    for (const check of ['CP-1', 'CP-2', 'MMT-1'])
      for (let i = 0; i < (check === 'MMT-1' ? 3 : 200); i++)
        many.push(
          f(check, `s-${String(i).padStart(3, '0')}`, 'high', { account_id: `A-${i % 7}`, ts: '2026-02-12T05:00:00Z' }),
        );
    const m = buildReportModel(realisticInput({ findings: many, caps: { findingsTotal: 43, evidenceTotal: 9 } }));
    const by = new Map(m.families.flatMap((fam) => fam.checks).map((l) => [l.check.id, l]));
    expect([by.get('CP-1')!.rows.length, by.get('CP-2')!.rows.length, by.get('MMT-1')!.rows.length]).toEqual([
      20, 20, 3,
    ]);
    expect(by.get('CP-1')!.rows.filter((r) => r.evidence !== null)).toHaveLength(3);
    expect(by.get('CP-1')!.omitted).toBe(180);
    const b = by.get('CP-1')!.breakdown!;
    expect(b.accounts[0]).toEqual({ key: 'A-0', count: 29 });
    expect(b.accounts.reduce((s, a) => s + a.count, 0) + b.accounts_other).toBe(200);
    expect(b.by_time[5]).toBe(200);
  });

  it('truncates long detail in listings and reads the evidence as blocks, keeping the check’s key order', () => {
    const m = buildReportModel(
      realisticInput({
        findings: [
          f('CP-1', 't-1', 'high', { detail: 'x'.repeat(5000), evidence: { z: 1, a: { b: [1, 2] }, n: null } }),
        ],
      }),
    );
    const row = m.families[0]!.checks[0]!.rows[0]!;
    expect([...row.detail].length).toBe(600);
    expect(row.detail.endsWith('…')).toBe(true);
    expect(row.evidence).toEqual([
      {
        kind: 'fields',
        title: 'Further evidence',
        fields: [
          { label: 'z', value: '1', mono: false },
          { label: 'n', value: '—', mono: false },
        ],
      },
      { kind: 'fields', title: 'a', fields: [{ label: 'b', value: '1, 2', mono: false }] },
    ]);
  });

  it('counts findings per hour of the period; untimed and out-of-period findings are counted apart', () => {
    const m = buildReportModel(
      realisticInput({
        findings: [
          f('CP-1', 'a', 'critical', { ts: '2026-02-12T00:00:00Z' }),
          f('CP-1', 'b', 'high', { ts: '2026-02-12T03:59:59.999999999Z' }),
          f('CP-1', 'c', 'high', { ts: '2026-02-12T23:30:00Z' }),
          f('CP-1', 'd', 'high', { ts: '2026-02-13T00:00:00Z' }),
          f('CP-1', 'e', 'low', { ts: '2026-02-11T23:59:59Z' }),
          f('DQ-5', 'W-1', 'medium'),
        ],
      }),
    );
    const ot = m.charts.overTime;
    expect(ot.bucket_hours).toBe(1);
    expect(ot.buckets).toHaveLength(24);
    expect(ot.buckets[0]).toMatchObject({ start: '2026-02-12T00:00:00Z', label: '00', counts: { critical: 1 } });
    expect(ot.buckets[3]!.counts.high).toBe(1);
    expect(ot.buckets[23]!.counts.high).toBe(1);
    expect(ot.outside_period).toBe(2);
    expect(ot.untimed).toBe(1);
  });

  it('groups hours into wider buckets for long periods (at most 48 bars)', () => {
    const m = buildReportModel(
      realisticInput({
        manifest: { venue: 'HKVX', period_start: '2026-02-09T00:00:00Z', period_end: '2026-02-16T00:00:00Z' },
        findings: [f('CP-1', 'a', 'high', { ts: '2026-02-15T23:00:00Z' })],
      }),
    );
    const ot = m.charts.overTime;
    expect(ot.bucket_hours).toBe(4);
    expect(ot.buckets).toHaveLength(42);
    expect(ot.buckets.at(-1)!.counts.high).toBe(1);
    expect(ot.buckets[0]!.label).toBe('02-09 00h');
  });

  it('ranks symbols and accounts by findings, ties by name', () => {
    const m = buildReportModel(realisticInput());
    expect(m.charts.topSymbols[0]).toEqual({ key: 'BTC-USD', count: 7 });
    expect(m.charts.topAccounts[0]).toEqual({ key: 'MM-1', count: 5 });
    const counts = m.charts.topAccounts.map((a) => a.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it('reconciles files (read = accepted + set aside) and names those that do not', () => {
    const m = buildReportModel(
      realisticInput({
        files: [
          { path: 'orders/b.jsonl', record_type: 'orders', records: 10, accepted: 9, quarantined: 1, fault: null },
          {
            path: 'orders/a.jsonl',
            record_type: 'orders',
            records: 10,
            accepted: 8,
            quarantined: 1,
            fault: 'not UTF-8',
          },
        ],
      }),
    );
    const c = m.completeness;
    expect(c.files.map((x) => x.path)).toEqual(['orders/a.jsonl', 'orders/b.jsonl']);
    expect(c.totals).toEqual({ records: 20, accepted: 17, quarantined: 2, faults: 1 });
    expect(c.unreconciled).toEqual(['orders/a.jsonl']);
  });

  it('reads sequence gaps and duplicates from DQ-4/DQ-2 findings when none are given, or uses those given', () => {
    const m = buildReportModel(realisticInput());
    expect(m.completeness.gaps).toEqual([{ stream: 'orders+trades', from: 1890, to: 1894 }]);
    expect(m.completeness.missing_seq_total).toBe(5);
    expect(m.completeness.duplicates).toEqual([{ stream: 'orders+trades', seq: 1881, occurrences: 2 }]);
    const given = buildReportModel(
      realisticInput({
        sequences: {
          gaps: [
            { stream: 'collateral', from: 7, to: 7 },
            { stream: 'collateral', from: 2, to: 3 },
          ],
          duplicates: [],
        },
      }),
    );
    expect(given.completeness.gaps.map((g) => g.from)).toEqual([2, 7]);
    expect(given.completeness.missing_seq_total).toBe(3);
    expect(given.completeness.duplicates_total).toBe(0);
  });

  it('joins management responses to findings; a response to a finding not in the run is kept and marked', () => {
    const m = buildReportModel(realisticInput());
    const r = m.responses;
    expect(r.rows.map((x) => [x.finding_id, x.in_run, x.check_id])).toEqual([
      ['f-cp-1-t1881', true, 'CP-1'],
      ['f-nrh-1-c3', true, 'NRH-1'],
      ['f-old-1', false, null],
    ]);
    expect(r.by_status).toEqual([
      { key: 'accepted', count: 1 },
      { key: 'disputed', count: 1 },
    ]);
    expect(r.without_response).toBe(realisticFindings().length - 2);
    const cp1 = m.families[0]!.checks[0]!.rows.find((x) => x.subject === 't-1881')!;
    expect(cp1.status).toBe('disputed');
  });

  it('prints the parameters and fixes the document date to period_end unless an issue date is given', () => {
    const m = buildReportModel(realisticInput());
    expect(m.parameters).toEqual([
      { name: 'eligible_va_collateral', value: 'BTC, ETH' },
      { name: 'haircut_floor', value: '0.60' },
      { name: 'margin_call_within', value: 'PT1H' },
    ]);
    expect(m.document_date).toBe('2026-02-13T00:00:00Z');
    expect(m.issued_at).toBeNull();
    expect(buildReportModel(realisticInput({ issued_at: '2026-03-01T00:00:00Z' })).document_date).toBe(
      '2026-03-01T00:00:00Z',
    );
  });

  it('consumes findings in one pass from any iterable', () => {
    let passes = 0;
    const findings = {
      *[Symbol.iterator]() {
        passes++;
        yield* realisticFindings();
      },
    };
    const m = buildReportModel(realisticInput({ findings }));
    expect(passes).toBe(1);
    expect(m.totals.findings_total).toBe(realisticFindings().length);
  });

  it('refuses an invalid period', () => {
    expect(() =>
      buildReportModel(
        realisticInput({
          manifest: { venue: 'V', period_start: '2026-02-13T00:00:00Z', period_end: '2026-02-12T00:00:00Z' },
        }),
      ),
    ).toThrow(ReportError);
  });
});
