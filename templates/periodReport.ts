/**
 * The period report: per-day trends over many runs of one venue (cover, trend chart, one row per run, findings per
 * check per run, sign-off). Layout only; numbers come from the PeriodReportModel.
 */
import { SEVERITIES } from '../shared/contract/finding.js';
import type { PeriodReportModel } from '../shared/report/periodModel.js';
import { plural as countOf } from '../shared/report/words.js';
import { COLOR, type Column, type Doc, fmtInt, Layout, type Row, SEVERITY_COLOR } from './layout.js';
import { periodText, signOffPage } from './reviewReport.js';

/** Runs per column block of the check × run matrix, so the table stays readable on A4. */
const RUNS_PER_BLOCK = 10;

export function layoutPeriodReport(doc: Doc, m: PeriodReportModel): void {
  const L = new Layout(doc);
  doc.rect(0, 0, doc.page.width, 170).fill(COLOR.navy);
  L.font(false, 10, '#b9c6dc');
  doc.text('vatp-audit · independent review', L.left, 56, { width: L.width });
  L.font(true, 24, COLOR.white);
  doc.text('Period review report', L.left, 76, { width: L.width });
  L.font(true, 16, COLOR.white);
  doc.text(m.venue, L.left, 120, { width: L.width });
  doc.y = 200;
  L.keyValues([
    ['Venue', m.venue],
    ['Operator entity', m.operator_entity_id ?? '—'],
    ['Period', periodText(m.period_start, m.period_end)],
    ['Runs', fmtInt(m.runs.length)],
    ['Tool version', m.tool_version],
    ['Rules version', m.rules_version],
    ['Signing key fingerprint', m.key_fingerprint],
    ...(m.issued_at ? ([['Issued', m.issued_at]] as [string, string][]) : []),
  ]);
  L.para(
    `${countOf(m.totals.findings_total, 'finding', 'findings', fmtInt)} over ${countOf(m.runs.length, 'run', 'runs', fmtInt)}: ${SEVERITIES.map((s) => `${fmtInt(m.totals.findings[s])} ${s}`).join(', ')}. Each run has its own report and signed evidence pack; this report summarises them and is not a substitute for them.`,
    { size: 10 },
  );
  if (m.overlaps.length > 0) {
    L.para(
      `Warning: ${m.overlaps.map((o) => `run ${o.run_id} overlaps run ${o.overlaps_run_id}`).join('; ')}. Overlapping runs count the same records twice.`,
      { color: COLOR.bad },
    );
  }

  L.section('Trend of findings');
  L.severityLegend(doc.y);
  doc.y += 16;
  L.vbarChart(
    m.runs.map((r) => ({
      label: r.day.slice(5),
      segments: SEVERITIES.map((s) => ({ value: r.findings[s], color: SEVERITY_COLOR[s] })),
    })),
    { height: 170, maxLabels: 16 },
  );
  L.heading('Runs');
  L.table(
    [
      { header: 'Day', width: 52 },
      { header: 'Run id', width: 130 },
      { header: 'Crit.', width: 30, align: 'right' },
      { header: 'High', width: 30, align: 'right' },
      { header: 'Med.', width: 30, align: 'right' },
      { header: 'Low', width: 30, align: 'right' },
      { header: 'Total', width: 40, align: 'right' },
      { header: 'Checks with exceptions', width: 60, align: 'right' },
      { header: 'Checks not tested', width: 55, align: 'right' },
    ],
    m.runs.map((r) => ({
      cells: [
        r.day,
        r.run_id,
        ...SEVERITIES.map((s) => fmtInt(r.findings[s])),
        fmtInt(r.findings_total),
        fmtInt(r.checks_with_exceptions),
        fmtInt(r.checks_not_tested),
      ],
      colors: [undefined, COLOR.muted, ...SEVERITIES.map((s) => (r.findings[s] > 0 ? SEVERITY_COLOR[s] : COLOR.faint))],
    })),
  );

  L.section('Findings per check and run');
  L.para(
    'Number of findings of each check in each run. "n/t" marks a run in which the check examined nothing (not tested).',
    { size: 8.5, color: COLOR.muted },
  );
  for (let b = 0; b < m.runs.length; b += RUNS_PER_BLOCK) {
    const runs = m.runs.slice(b, b + RUNS_PER_BLOCK);
    const columns: Column[] = [
      { header: 'Check', width: 40 },
      ...runs.map((r) => ({ header: r.day.slice(5), width: 30, align: 'right' as const })),
      { header: 'Total (all runs)', width: 45, align: 'right' },
    ];
    const rows: Row[] = m.checks.map((c) => ({
      cells: [
        c.id,
        ...runs.map((_, i) => (c.per_run_not_tested[b + i] ? 'n/t' : fmtInt(c.per_run[b + i] ?? 0))),
        fmtInt(c.total),
      ],
      colors: [
        undefined,
        ...runs.map((_, i) =>
          (c.per_run[b + i] ?? 0) > 0 ? COLOR.bad : c.per_run_not_tested[b + i] ? COLOR.warn : COLOR.faint,
        ),
      ],
    }));
    if (m.runs.length > RUNS_PER_BLOCK) L.heading(`Runs ${runs[0]!.day} to ${runs[runs.length - 1]!.day}`, 10, 80);
    L.table(columns, rows, { fontSize: 7 });
  }
  L.heading('Population over the period');
  L.table(
    [
      { header: 'Check', width: 40 },
      { header: 'Title', width: 240 },
      { header: 'Examined', width: 60, align: 'right' },
      { header: 'Not tested', width: 60, align: 'right' },
      { header: 'Runs not tested', width: 60, align: 'right' },
    ],
    m.checks.map((c) => ({
      cells: [c.id, c.title, fmtInt(c.examined_total), fmtInt(c.not_tested_total), fmtInt(c.runs_not_tested)],
      colors: [undefined, undefined, undefined, c.not_tested_total > 0 ? COLOR.warn : undefined],
    })),
    { fontSize: 7 },
  );

  signOffPage(
    L,
    m.key_fingerprint,
    `I have reviewed this period report for ${m.venue} (${periodText(m.period_start, m.period_end)}, ${countOf(m.runs.length, 'run', 'runs', fmtInt)}) together with the reports of the runs it summarises, and I agree that it fairly presents their results.`,
  );
  L.furniture(
    `vatp-audit period review · ${m.venue} · ${periodText(m.period_start, m.period_end)}`,
    `Rules v${m.rules_version} · tool ${m.tool_version}`,
    `${countOf(m.runs.length, 'run', 'runs', fmtInt)} · key ${m.key_fingerprint.slice(0, 16)}…`,
  );
}
