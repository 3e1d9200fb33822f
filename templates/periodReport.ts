/**
 * The period report: the accepted run of each period in the range asked for (cover, trend chart, one row per run, what
 * of the range has no accepted run, findings per check per run, the review status, the case file of every finding with
 * its responses, sign-off with each run's acceptance). Layout only; numbers come from the PeriodReportModel.
 */
import { SEVERITIES } from '../shared/contract/finding.js';
import type { PeriodReportModel } from '../shared/report/periodModel.js';
import { FINDING_STATUSES, type FindingStatus } from '../shared/store/types.js';
import { COLOR, type Column, type Doc, fmtInt, Layout, type Row, SEVERITY_COLOR } from './layout.js';
import { periodText, signOffPage } from './reviewReport.js';

/** Runs per column block of the check × run matrix, so the table stays readable on A4. */
const RUNS_PER_BLOCK = 10;

const STATUS_LABEL: Record<FindingStatus, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  remediated: 'Remediated',
  false_positive: 'False positive',
  accepted_risk: 'Accepted risk',
};

function count(n: number, one: string, many = `${one}s`): string {
  return `${fmtInt(n)} ${n === 1 ? one : many}`;
}

export function layoutPeriodReport(doc: Doc, m: PeriodReportModel): void {
  const L = new Layout(doc);
  cover(L, m);
  trend(L, m);
  coverage(L, m);
  perCheck(L, m);
  reviewStatus(L, m);
  caseFile(L, m);
  signOff(L, m);
  L.furniture(
    `vatp-audit period review · ${m.venue} · ${periodText(m.range_from, m.range_to)}`,
    `Rules v${m.rules_version} · tool ${m.tool_version}`,
    `${count(m.runs.length, 'accepted run')} · as of ${m.as_of} · key ${m.key_fingerprint.slice(0, 16)}…`,
  );
}

function cover(L: Layout, m: PeriodReportModel): void {
  const { doc } = L;
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
    ['Range asked for', `${periodText(m.range_from, m.range_to)}${m.range_days ? `: ${m.range_days}` : ''}`],
    ['Periods covered', periodText(m.period_start, m.period_end)],
    ['Accepted runs', fmtInt(m.runs.length)],
    ['Days without an accepted run', fmtInt(m.uncovered_days)],
    ['As of', m.as_of],
    ['Tool version', m.tool_version],
    ['Rules version', m.rules_version],
    ['Signing key fingerprint', m.key_fingerprint],
  ]);
  L.para(
    `${count(m.totals.findings_total, 'finding')} in the accepted runs of ${count(m.runs.length, 'period')}: ${SEVERITIES.map((s) => `${fmtInt(m.totals.findings[s])} ${s}`).join(', ')}. Review status: ${FINDING_STATUSES.map((s) => `${fmtInt(m.status_totals[s])} ${STATUS_LABEL[s].toLowerCase()}`).join(', ')}. Each period is covered by its accepted (signed-off) run only; drafts are not counted. Each run has its own report and signed evidence pack; this report summarises them and is not a substitute for them.`,
    { size: 10 },
  );
  if (m.uncovered_days > 0) {
    L.para(
      `${count(m.uncovered_days, 'day')} of the range ${m.uncovered_days === 1 ? 'has' : 'have'} no accepted run and ${m.uncovered_days === 1 ? 'is' : 'are'} not covered by this report (see "Coverage of the range").`,
      { color: COLOR.bad },
    );
  }
  const newer = m.runs.filter((r) => r.newer_drafts.length > 0).length;
  if (newer > 0) {
    L.para(
      `${count(newer, 'accepted run')} ${newer === 1 ? 'has' : 'have'} a newer completed draft of the same period, not covered by this report (see "Coverage of the range").`,
      { color: COLOR.warn },
    );
  }
  if (m.overlaps.length > 0) {
    L.para(
      `Warning: ${m.overlaps.map((o) => `run ${o.run_id} overlaps run ${o.overlaps_run_id}`).join('; ')}. Overlapping runs count the same records twice.`,
      { color: COLOR.bad },
    );
  }
}

function trend(L: Layout, m: PeriodReportModel): void {
  const { doc } = L;
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
  L.heading('Accepted runs');
  L.table(
    [
      { header: 'Day', width: 52 },
      { header: 'Run id', width: 120 },
      { header: 'Crit.', width: 28, align: 'right' },
      { header: 'High', width: 28, align: 'right' },
      { header: 'Med.', width: 28, align: 'right' },
      { header: 'Low', width: 28, align: 'right' },
      { header: 'Total', width: 34, align: 'right' },
      { header: 'Checks with exceptions', width: 52, align: 'right' },
      { header: 'Checks not tested', width: 46, align: 'right' },
      { header: 'Accepted by', width: 70 },
    ],
    m.runs.map((r) => ({
      cells: [
        r.day,
        r.run_id,
        ...SEVERITIES.map((s) => fmtInt(r.findings[s])),
        fmtInt(r.findings_total),
        fmtInt(r.checks_with_exceptions),
        fmtInt(r.checks_not_tested),
        r.acceptance.by,
      ],
      colors: [undefined, COLOR.muted, ...SEVERITIES.map((s) => (r.findings[s] > 0 ? SEVERITY_COLOR[s] : COLOR.faint))],
    })),
  );
}

function coverage(L: Layout, m: PeriodReportModel): void {
  L.section('Coverage of the range');
  L.para(
    `This report covers, for each audit period of ${m.venue} starting in the range asked for (${periodText(m.range_from, m.range_to)}), the run accepted for it (vatp-audit runs accept). Draft runs, superseded runs and runs that did not complete are not covered.`,
  );
  L.heading('Days without an accepted run');
  if (m.uncovered.length === 0) L.para('Every day of the range has an accepted run.', { color: COLOR.ok });
  else {
    L.table(
      [
        { header: 'Days', width: 130 },
        { header: 'Number', width: 50, align: 'right' },
        { header: 'Runs of those days that are not accepted (status)', width: 280 },
      ],
      m.uncovered.map((u) => ({
        cells: [
          u.first_day === u.last_day ? u.first_day : `${u.first_day} to ${u.last_day}`,
          fmtInt(u.days),
          u.runs.length === 0 ? 'no run' : u.runs.map((r) => `${r.run_id} (${r.status})`).join(', '),
        ],
        colors: [COLOR.bad],
      })),
    );
  }
  L.heading('Newer drafts');
  const newer = m.runs.filter((r) => r.newer_drafts.length > 0);
  if (newer.length === 0) L.para('No accepted run has a newer completed draft of its period.', { color: COLOR.ok });
  else {
    L.para(
      'A completed draft started after the accepted run of its period exists. It is not covered until someone reviews and accepts it.',
      { size: 8.5, color: COLOR.muted },
    );
    L.table(
      [
        { header: 'Day', width: 60 },
        { header: 'Accepted run', width: 150 },
        { header: 'Newer completed drafts', width: 250 },
      ],
      newer.map((r) => ({
        cells: [r.day, r.run_id, r.newer_drafts.join(', ')],
        colors: [undefined, undefined, COLOR.warn],
      })),
    );
  }
}

function perCheck(L: Layout, m: PeriodReportModel): void {
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
}

function reviewStatus(L: Layout, m: PeriodReportModel): void {
  L.section('Review status');
  L.heading('Statuses by check and severity');
  if (m.status_summary.length === 0) L.para('The accepted runs reported no findings.');
  else {
    L.table(
      [
        { header: 'Check', width: 40 },
        { header: 'Severity', width: 50 },
        ...FINDING_STATUSES.map((s) => ({ header: STATUS_LABEL[s], width: 55, align: 'right' as const })),
        { header: 'Total', width: 40, align: 'right' },
      ],
      [
        ...m.status_summary.map(
          (r): Row => ({
            cells: [r.check_id, r.severity, ...FINDING_STATUSES.map((s) => fmtInt(r.counts[s])), fmtInt(r.total)],
            colors: [
              undefined,
              SEVERITY_COLOR[r.severity],
              ...FINDING_STATUSES.map((s) => (r.counts[s] === 0 ? COLOR.faint : s === 'open' ? COLOR.bad : undefined)),
            ],
          }),
        ),
        {
          cells: [
            'All',
            '',
            ...FINDING_STATUSES.map((s) => fmtInt(m.status_totals[s])),
            fmtInt(m.totals.findings_total),
          ],
          bold: true,
        },
      ],
    );
  }
  L.heading('Open critical and high findings');
  if (m.open_serious.length === 0) L.para('None: no critical or high finding is open.', { color: COLOR.ok });
  else {
    L.para(`Age: whole days from the end of the finding's audit period to ${m.as_of} (as of).`, {
      size: 8.5,
      color: COLOR.muted,
    });
    L.table(
      [
        { header: 'Severity', width: 45 },
        { header: 'Age (days)', width: 40, align: 'right' },
        { header: 'Day', width: 55 },
        { header: 'Check', width: 38 },
        { header: 'Subject', width: 110 },
        { header: 'Finding id', width: 150 },
      ],
      m.open_serious.map((f) => ({
        cells: [f.severity, fmtInt(f.age_days), f.day, f.check_id, f.subject, f.finding_id],
        colors: [SEVERITY_COLOR[f.severity], COLOR.bad],
      })),
    );
  }
}

function caseFile(L: Layout, m: PeriodReportModel): void {
  L.section('Findings and responses');
  L.para(
    "Every finding of the accepted runs, with its review status and every response recorded (who, when, status, note). findings.jsonl in this pack holds each finding's full text and evidence.",
    { size: 8.5, color: COLOR.muted },
  );
  if (m.findings.length === 0) {
    L.para('The accepted runs reported no findings.');
    return;
  }
  L.table(
    [
      { header: 'Day', width: 50 },
      { header: 'Check', width: 36 },
      { header: 'Severity', width: 42 },
      { header: 'Subject and finding id', width: 116 },
      { header: 'Status', width: 68 },
      { header: 'Responses', width: 186 },
    ],
    m.findings.map((f) => ({
      cells: [
        f.day,
        f.check_id,
        f.severity,
        `${f.subject}\n${f.finding_id}`,
        STATUS_LABEL[f.status],
        f.history.length === 0
          ? 'none'
          : f.history
              .map((h) => `${h.at} ${h.by}: ${STATUS_LABEL[h.status]}${h.note ? ` — ${h.note}` : ''}`)
              .join('\n'),
      ],
      colors: [
        undefined,
        undefined,
        SEVERITY_COLOR[f.severity],
        undefined,
        f.status === 'open' ? COLOR.bad : undefined,
      ],
    })),
  );
}

function signOff(L: Layout, m: PeriodReportModel): void {
  signOffPage(
    L,
    m.key_fingerprint,
    `I have reviewed this period report for ${m.venue} (range asked for: ${periodText(m.range_from, m.range_to)}; ${count(m.runs.length, 'accepted run')}; ${count(m.uncovered_days, 'day')} without an accepted run) together with the reports of the runs it summarises, and I agree that it fairly presents their results.`,
  );
  L.heading('Acceptance of the runs covered');
  L.table(
    [
      { header: 'Day', width: 52 },
      { header: 'Run id', width: 120 },
      { header: 'Accepted by', width: 80 },
      { header: 'At', width: 90 },
      { header: 'Note', width: 120 },
    ],
    m.runs.map((r) => ({ cells: [r.day, r.run_id, r.acceptance.by, r.acceptance.at, r.acceptance.note ?? '—'] })),
  );
}
