/** The period report: per-day trends over many runs, as a model and as a PDF read back with pdf-parse. */
import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '#shared/checks/catalogue.js';
import { ReportError } from '#shared/report/errors.js';
import { emptyCounts } from '#shared/report/model.js';
import { buildPeriodReportModel, type PeriodRunInput } from '#shared/report/periodModel.js';
import { renderPeriodReportPdf } from '#shared/report/renderPdf.js';
import { FINGERPRINT } from './fixtures.js';

function run(
  day: number,
  findings: Record<string, Partial<ReturnType<typeof emptyCounts>>>,
  fsExamined = 10,
): PeriodRunInput {
  const d = String(day).padStart(2, '0');
  const next = String(day + 1).padStart(2, '0');
  const checks: Record<string, PeriodRunInput['checks'][string]> = {};
  for (const c of CHECKS) {
    checks[c.id] = {
      examined: c.id === 'FS-4' ? fsExamined : 10,
      not_tested: c.id === 'FS-4' && fsExamined === 0 ? 1 : 0,
      findings: { ...emptyCounts(), ...findings[c.id] },
    };
  }
  return {
    run_id: `r-day${d}`,
    period_start: `2026-02-${d}T00:00:00Z`,
    period_end: `2026-02-${next}T00:00:00Z`,
    checks,
  };
}

const input = () => ({
  venue: 'HKVX',
  operator_entity_id: 'E-OP',
  tool_version: '0.1.0',
  rules_version: '1',
  key_fingerprint: FINGERPRINT,
  runs: [run(13, { 'CP-1': { critical: 2 }, 'DQ-1': { medium: 1 } }, 0), run(11, { 'CP-1': { high: 1 } }), run(12, {})],
});

describe('buildPeriodReportModel', () => {
  it('orders runs by period, totals per day and per check, and flags the days a check was not tested', () => {
    const m = buildPeriodReportModel(input());
    expect(m.runs.map((r) => r.day)).toEqual(['2026-02-11', '2026-02-12', '2026-02-13']);
    expect(m.period_start).toBe('2026-02-11T00:00:00Z');
    expect(m.period_end).toBe('2026-02-14T00:00:00Z');
    expect(m.document_date).toBe('2026-02-14T00:00:00Z');
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

  it('flags overlapping runs (e.g. the same day passed twice) and refuses an empty or invalid list', () => {
    const i = input();
    const again = { ...run(12, {}), run_id: 'r-day12-rerun' };
    const m = buildPeriodReportModel({ ...i, runs: [...i.runs, again] });
    expect(m.overlaps).toEqual([{ run_id: 'r-day12-rerun', overlaps_run_id: 'r-day12' }]);
    expect(() => buildPeriodReportModel({ ...i, runs: [] })).toThrow(ReportError);
    expect(() =>
      buildPeriodReportModel({ ...i, runs: [{ ...run(11, {}), period_end: '2026-02-10T00:00:00Z' }] }),
    ).toThrow(/invalid period/);
  });
});

describe('renderPeriodReportPdf', () => {
  it('shows every day, every check id and the totals; two renders are byte-identical', async () => {
    const a = await renderPeriodReportPdf(buildPeriodReportModel(input()));
    const b = await renderPeriodReportPdf(buildPeriodReportModel(input()));
    expect(a.equals(b)).toBe(true);
    const parser = new PDFParse({ data: new Uint8Array(a) });
    const r = await parser.getText();
    await parser.destroy();
    for (const s of ['Period review report', 'Trend of findings', 'Findings per check and run', 'Reviewer sign-off'])
      expect(r.text, s).toContain(s);
    for (const d of ['2026-02-11', '2026-02-12', '2026-02-13', 'r-day13']) expect(r.text).toContain(d);
    for (const c of CHECKS) expect(r.text, c.id).toContain(c.id);
    expect(r.text).toContain('n/t');
    expect(r.text).toMatch(/Page 1 of \d+/);
  });

  it('renders a quarter of daily runs in column blocks', async () => {
    const runs = Array.from({ length: 27 }, (_, i) => run(i + 1, { 'CP-1': { high: i % 3 } }));
    const pdf = await renderPeriodReportPdf(buildPeriodReportModel({ ...input(), runs }));
    const parser = new PDFParse({ data: new Uint8Array(pdf) });
    const r = await parser.getText();
    await parser.destroy();
    expect(r.text).toContain('Runs 2026-02-21 to 2026-02-27');
    expect(r.total).toBeLessThan(30);
  });
});
