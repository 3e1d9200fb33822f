/**
 * The period report: the accepted run of each period over a range, as a model (trends, coverage of the range, case
 * file) and as a PDF read back with pdf-parse.
 */
import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '#shared/checks/catalogue.js';
import { ReportError } from '#shared/report/errors.js';
import { emptyCounts } from '#shared/report/model.js';
import type { PeriodFindingInput } from '#shared/report/periodCaseFile.js';
import type { OtherRunInput } from '#shared/report/periodCoverage.js';
import { buildPeriodReportModel, type PeriodReportInput, type PeriodRunInput } from '#shared/report/periodModel.js';
import { renderPeriodReportPdf } from '#shared/report/renderPdf.js';
import { FINGERPRINT } from './fixtures.js';

const pad = (n: number) => String(n).padStart(2, '0');

function run(
  day: number,
  findings: Record<string, Partial<ReturnType<typeof emptyCounts>>>,
  fsExamined = 10,
): PeriodRunInput {
  const checks: Record<string, PeriodRunInput['checks'][string]> = {};
  for (const c of CHECKS) {
    checks[c.id] = {
      examined: c.id === 'FS-4' ? fsExamined : 10,
      not_tested: c.id === 'FS-4' && fsExamined === 0 ? 1 : 0,
      findings: { ...emptyCounts(), ...findings[c.id] },
    };
  }
  return {
    run_id: `r-day${pad(day)}`,
    period_start: `2026-02-${pad(day)}T00:00:00Z`,
    period_end: `2026-02-${pad(day + 1)}T00:00:00Z`,
    started_at: `2026-02-${pad(day + 1)}T01:00:00Z`,
    acceptance: { by: 'J. Chan', at: `2026-02-${pad(day + 1)}T09:00:00Z`, note: day === 11 ? 'first day' : null },
    checks,
  };
}

function other(day: number, run_id: string, status: string, hour = 5, accepted = false): OtherRunInput {
  return {
    run_id,
    period_start: `2026-02-${pad(day)}T00:00:00Z`,
    period_end: `2026-02-${pad(day + 1)}T00:00:00Z`,
    status,
    started_at: `2026-02-${pad(day + 1)}T${pad(hour)}:00:00Z`,
    accepted,
  };
}

function f(day: number, check_id: string, subject: string, more: Partial<PeriodFindingInput> = {}): PeriodFindingInput {
  return {
    finding_id: `f-${pad(day)}-${check_id}-${subject}`,
    run_id: `r-day${pad(day)}`,
    check_id,
    severity: 'high',
    subject,
    title: `${check_id} title`,
    period_start: `2026-02-${pad(day)}T00:00:00Z`,
    period_end: `2026-02-${pad(day + 1)}T00:00:00Z`,
    status: 'open',
    history: [],
    ...more,
  };
}

const input = (): PeriodReportInput => ({
  venue: 'HKVX',
  operator_entity_id: 'E-OP',
  tool_version: '0.1.0',
  rules_version: '1',
  key_fingerprint: FINGERPRINT,
  range: { from: '2026-02-10T00:00:00Z', to: '2026-02-16T00:00:00Z' },
  as_of: '2026-03-01T12:00:00Z',
  runs: [run(13, { 'CP-1': { critical: 2 }, 'DQ-1': { medium: 1 } }, 0), run(11, { 'CP-1': { high: 1 } }), run(12, {})],
  other_runs: [
    other(12, 'r-day12-trial', 'completed', 3), // a newer completed draft of an accepted period
    other(12, 'r-day12-early', 'completed', 0), // older than the accepted run: not "newer"
    other(14, 'r-day14-draft', 'completed'),
    other(14, 'r-day14-failed', 'failed'),
    other(11, 'r-day11-old', 'completed', 0, true), // superseded
  ],
  findings: [
    f(13, 'CP-1', 't-2', { severity: 'critical' }),
    f(13, 'CP-1', 't-1', {
      severity: 'critical',
      status: 'remediated',
      history: [
        { status: 'acknowledged', by: 'alice', at: '2026-02-15T09:00:00Z', note: null },
        { status: 'remediated', by: 'bob', at: '2026-02-20T10:00:00Z', note: 'priority logic fixed in release 4.2' },
      ],
    }),
    f(13, 'DQ-1', 'orders.jsonl:7', { severity: 'medium' }),
    f(11, 'CP-1', 't-9'),
  ],
});

describe('buildPeriodReportModel', () => {
  it('orders runs by period, totals per day and per check, and flags the days a check was not tested', () => {
    const m = buildPeriodReportModel(input());
    expect(m.runs.map((r) => r.day)).toEqual(['2026-02-11', '2026-02-12', '2026-02-13']);
    expect(m.period_start).toBe('2026-02-11T00:00:00Z');
    expect(m.period_end).toBe('2026-02-14T00:00:00Z');
    expect(m.document_date).toBe('2026-03-01T12:00:00Z');
    expect(m.runs.map((r) => r.findings_total)).toEqual([1, 0, 3]);
    expect(m.runs[2]).toMatchObject({ checks_with_exceptions: 2, checks_not_tested: 1 });
    expect(m.totals.findings).toEqual({ critical: 2, high: 1, medium: 1, low: 0 });
    const cp1 = m.checks.find((c) => c.id === 'CP-1')!;
    expect(cp1.per_run).toEqual([1, 0, 2]);
    expect(cp1.total).toBe(3);
    const fs4 = m.checks.find((c) => c.id === 'FS-4')!;
    expect(fs4.per_run_not_tested).toEqual([false, false, true]);
    expect(fs4.runs_not_tested).toBe(1);
    expect(fs4.not_tested_total).toBe(1);
    expect(m.overlaps).toEqual([]);
  });

  it('names the range asked for, lists its days without an accepted run and the newer drafts', () => {
    const m = buildPeriodReportModel(input());
    expect([m.range_from, m.range_to, m.range_days]).toEqual([
      '2026-02-10T00:00:00Z',
      '2026-02-16T00:00:00Z',
      '2026-02-10 to 2026-02-15 (6 days)',
    ]);
    expect(m.uncovered).toEqual([
      { first_day: '2026-02-10', last_day: '2026-02-10', days: 1, runs: [] },
      {
        first_day: '2026-02-14',
        last_day: '2026-02-14',
        days: 1,
        runs: [
          { run_id: 'r-day14-draft', status: 'completed' },
          { run_id: 'r-day14-failed', status: 'failed' },
        ],
      },
      { first_day: '2026-02-15', last_day: '2026-02-15', days: 1, runs: [] },
    ]);
    expect(m.uncovered_days).toBe(3);
    expect(m.runs.map((r) => [r.run_id, r.newer_drafts])).toEqual([
      ['r-day11', []],
      ['r-day12', ['r-day12-trial']],
      ['r-day13', []],
    ]);
    expect(m.runs[0]?.acceptance).toEqual({ by: 'J. Chan', at: '2026-02-12T09:00:00Z', note: 'first day' });

    // a month asked for with one accepted day: the days before and after merge into spans
    const month = buildPeriodReportModel({
      ...input(),
      range: { from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' },
      runs: [run(11, {})],
      other_runs: [],
    });
    expect(month.uncovered).toEqual([
      { first_day: '2026-02-01', last_day: '2026-02-10', days: 10, runs: [] },
      { first_day: '2026-02-12', last_day: '2026-02-28', days: 17, runs: [] },
    ]);
    // a range that is not whole days is named as timestamps only, and its partial days count
    const partial = buildPeriodReportModel({
      ...input(),
      range: { from: '2026-02-11T12:00:00Z', to: '2026-02-12T06:00:00Z' },
      runs: [run(11, {})],
      other_runs: [],
      findings: [],
    });
    expect([partial.range_days, partial.uncovered.map((u) => u.first_day)]).toEqual([null, ['2026-02-12']]);
  });

  it('summarises statuses by check and severity and ages the open critical and high findings to "as of"', () => {
    const m = buildPeriodReportModel(input());
    expect(m.findings.map((x) => x.subject)).toEqual(['t-9', 't-1', 't-2', 'orders.jsonl:7']);
    expect(m.findings[1]?.history).toHaveLength(2);
    expect(m.status_summary.map((r) => [r.check_id, r.severity, r.counts.open, r.counts.remediated, r.total])).toEqual([
      ['CP-1', 'critical', 1, 1, 2],
      ['CP-1', 'high', 1, 0, 1],
      ['DQ-1', 'medium', 1, 0, 1],
    ]);
    expect(m.status_totals).toEqual({ open: 3, acknowledged: 0, remediated: 1, false_positive: 0, accepted_risk: 0 });
    // as of 2026-03-01T12:00Z: day 13 ended 2026-02-14T00:00Z (15.5 days), day 11 on 2026-02-12 (17.5 days)
    expect(m.open_serious.map((x) => [x.severity, x.subject, x.age_days])).toEqual([
      ['critical', 't-2', 15],
      ['high', 't-9', 17],
    ]);
  });

  it('flags overlapping runs and refuses an empty or invalid list', () => {
    const i = input();
    const again = { ...run(12, {}), run_id: 'r-day12-rerun' };
    const m = buildPeriodReportModel({ ...i, runs: [...i.runs, again] });
    expect(m.overlaps).toEqual([{ run_id: 'r-day12-rerun', overlaps_run_id: 'r-day12' }]);
    expect(() => buildPeriodReportModel({ ...i, runs: [] })).toThrow(ReportError);
    expect(() =>
      buildPeriodReportModel({ ...i, runs: [{ ...run(11, {}), period_end: '2026-02-10T00:00:00Z' }] }),
    ).toThrow(/invalid period/);
    expect(() =>
      buildPeriodReportModel({ ...i, range: { from: '2026-02-16T00:00:00Z', to: '2026-02-10T00:00:00Z' } }),
    ).toThrow(/empty/);
  });
});

/** The PDF's text with every run of whitespace as one space (table cells and long lines wrap). */
async function pdfText(pdf: Buffer): Promise<{ text: string; total: number }> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  const r = await parser.getText();
  await parser.destroy();
  return { text: r.text.replace(/\s+/g, ' '), total: r.total };
}

describe('renderPeriodReportPdf', () => {
  it('shows every day, every check id, the range, the coverage, the case file and the acceptances', async () => {
    const a = await renderPeriodReportPdf(buildPeriodReportModel(input()));
    const b = await renderPeriodReportPdf(buildPeriodReportModel(input()));
    expect(a.equals(b)).toBe(true);
    const { text } = await pdfText(a);
    for (const s of [
      'Period review report',
      'Trend of findings',
      'Coverage of the range',
      'Findings per check and run',
      'Review status',
      'Statuses by check and severity',
      'Open critical and high findings',
      'Findings and responses',
      'Reviewer sign-off',
      'Acceptance of the runs covered',
    ])
      expect(text, s).toContain(s);
    for (const d of ['2026-02-11', '2026-02-12', '2026-02-13', 'r-day13']) expect(text).toContain(d);
    for (const c of CHECKS) expect(text, c.id).toContain(c.id);
    expect(text).toContain('n/t');
    expect(text).toMatch(/Page 1 of \d+/);
    // the range asked for, not only the span covered
    expect(text).toContain('2026-02-10T00:00:00Z to 2026-02-16T00:00:00Z (UTC): 2026-02-10 to 2026-02-15 (6 days)');
    expect(text).toContain('3 days of the range have no accepted run');
    expect(text).toContain('2026-02-14 1 r-day14-draft (completed), r-day14-failed (failed)');
    expect(text).toContain('1 accepted run has a newer completed draft');
    expect(text).toContain('2026-02-12 r-day12 r-day12-trial');
    // every response of the case file
    expect(text).toContain('2026-02-20T10:00:00Z bob: Remediated — priority logic fixed in release 4.2');
    expect(text).toContain('2026-02-15T09:00:00Z alice: Acknowledged');
    expect(text).toContain('critical 15 2026-02-13 CP-1 t-2 f-13-CP-1-t-2');
    expect(text).toContain('2026-02-13 CP-1 critical t-2 f-13-CP-1-t-2 Open none');
    // the sign-off page carries who accepted each run, when, and the note
    expect(text).toContain('2026-02-11 r-day11 J. Chan 2026-02-12T09:00:00Z first day');
  });

  it('renders a quarter of daily runs in column blocks', async () => {
    const runs = Array.from({ length: 27 }, (_, i) => run(i + 1, { 'CP-1': { high: i % 3 } }));
    const pdf = await renderPeriodReportPdf(
      buildPeriodReportModel({
        ...input(),
        range: { from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' },
        runs,
        findings: [],
      }),
    );
    const { text, total } = await pdfText(pdf);
    expect(text).toContain('Runs 2026-02-21 to 2026-02-27');
    expect(total).toBeLessThan(32);
  });
});
