/**
 * The review report of one run: cover, contents, executive summary, scope and parameters, charts, one section per
 * check family with its findings (templates/findingCards.ts), data completeness, management responses and reviewer
 * sign-off. A run not accepted yet says DRAFT on every page. Layout only: every number and sentence comes from the
 * ReportModel.
 */
import { SEVERITIES, type Severity } from '../shared/contract/finding.js';
import type {
  CheckStatus,
  CheckSummary,
  FamilySection,
  ReportModel,
  RunAcceptance,
  SeverityCounts,
} from '../shared/report/model.js';
import { plural as countOf } from '../shared/report/words.js';
import { drawListing, listingLeadHeight } from './findingCards.js';
import { COLOR, type Column, type Doc, fmtInt, type KeyValue, Layout, type Row, SEVERITY_COLOR } from './layout.js';
import { elideMiddle } from './textFit.js';

export const STATUS_COLOR: Record<CheckStatus, string> = {
  exceptions: COLOR.bad,
  'no exceptions': COLOR.ok,
  'no exceptions, partly not tested': COLOR.warn,
  'not tested': COLOR.neutral,
};

const SEVERITY_LABEL: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };

export function periodText(start: string, end: string): string {
  return `${start} to ${end} (UTC)`;
}

function segments(c: SeverityCounts): { value: number; color: string }[] {
  return SEVERITIES.map((s) => ({ value: c[s], color: SEVERITY_COLOR[s] }));
}

function plural(n: number, one: string, many = `${one}s`): string {
  return countOf(n, one, many, fmtInt);
}

function severityPhrase(c: SeverityCounts): string {
  const parts = SEVERITIES.filter((s) => c[s] > 0).map((s) => `${fmtInt(c[s])} ${s}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** Draws the whole report into `doc` (created with bufferPages: true, first page added). */
export function layoutReviewReport(doc: Doc, model: ReportModel): void {
  const L = new Layout(doc);
  cover(L, model);
  L.newPage(); // contents, filled in at the end when every section's page is known
  const contentsPage = L.pageIndex;
  L.newPage(); // sections start on a fresh page only when the current one has content: keep contents to itself
  executiveSummary(L, model);
  scope(L, model);
  charts(L, model);
  for (const fam of model.families) familySection(L, model, fam);
  completeness(L, model);
  responses(L, model);
  signOff(L, model);
  contents(L, contentsPage);
  L.furniture(
    `vatp-audit review · ${model.venue} · ${model.period_start} – ${model.period_end}`,
    `${reviewStateShort(model)} · rules v${model.rules_version} · tool ${model.tool_version}`,
    `Run ${elideMiddle(model.run_id)} · key ${elideMiddle(model.key_fingerprint)} · findings.jsonl holds every finding`,
    model.draft ? { draft: 'DRAFT' } : {},
  );
}

/** The review state in a few words (page header). */
function reviewStateShort(m: ReportModel): string {
  if (m.review.acceptance !== null) return `accepted ${m.review.acceptance.at.slice(0, 10)}`;
  return m.review.mode === 'as_found' ? 'DRAFT, as found' : 'DRAFT, not accepted';
}

/** The review state in a sentence (cover, sign-off). */
export function reviewStateText(m: ReportModel): string {
  const a = m.review.acceptance;
  if (a !== null) {
    return `Accepted by ${a.by} at ${a.at}${a.note ? `: “${a.note}”` : ''}. Review statuses and responses as of ${m.review.as_of ?? a.at}.`;
  }
  if (m.review.mode === 'as_found') {
    return `DRAFT: every finding as found by the run, before any review. The report a reviewer acts on, with each finding's current status and latest response, is generated from the findings store: vatp-audit report --run ${m.run_id} --out <dir>.`;
  }
  return `DRAFT: the run has not been accepted. Review statuses and responses as of ${m.review.as_of ?? 'the time of generation'}; accept the run with vatp-audit runs accept ${m.run_id} --by <name>.`;
}

function cover(L: Layout, m: ReportModel): void {
  const { doc } = L;
  doc.rect(0, 0, doc.page.width, 210).fill(COLOR.navy);
  L.font(false, 10, '#b9c6dc');
  doc.text('vatp-audit · independent review', L.left, 60, { width: L.width });
  L.font(true, 26, COLOR.white);
  doc.text('Review report', L.left, 80, { width: L.width });
  L.font(false, 11, '#dfe6f1');
  doc.text(
    'Affiliated market making, virtual-asset margin financing and perpetual contracts on a licensed virtual-asset trading platform — tested against the SFC measures of 11 February 2026.',
    L.left,
    118,
    { width: L.width * 0.9 },
  );
  L.oneLine(m.venue, L.left, 168, m.draft ? L.width - 130 : L.width, { size: 18, bold: true, color: COLOR.white });
  if (m.draft) {
    doc
      .rect(L.right - 110, 160, 110, 34)
      .lineWidth(2)
      .strokeColor('#ffb4ab')
      .stroke();
    L.oneLine('DRAFT', L.right - 110, 166, 110, { size: 20, bold: true, color: '#ffb4ab' }, 'center');
  }

  doc.y = 228;
  L.para(reviewStateText(m), { size: 9, bold: true, color: m.draft ? COLOR.bad : COLOR.ok });
  L.keyValues(
    [
      ['Venue', m.venue],
      ['Operator entity', m.operator_entity_id ?? '—'],
      ['Audit period', periodText(m.period_start, m.period_end)],
      ['Run id', m.run_id, true],
      ['Tool version', m.tool_version],
      ['Rules version', m.rules_version],
      ['Input digest (SHA-256)', m.input_digest, true],
      ['Signing key fingerprint (SHA-256 of the public key)', m.key_fingerprint, true],
      ...(m.issued_at ? ([['Review state as of', m.issued_at, true]] as KeyValue[]) : []),
    ],
    170,
    9,
  );

  L.gap(10);
  L.font(true, 12, COLOR.navy);
  doc.text('Result at a glance', L.left, doc.y);
  L.gap(6);
  const tileW = (L.width - 3 * 10) / 4;
  const y = doc.y;
  SEVERITIES.forEach((s, i) => {
    const x = L.left + i * (tileW + 10);
    doc.rect(x, y, tileW, 58).fill(COLOR.band);
    doc.rect(x, y, 4, 58).fill(SEVERITY_COLOR[s]);
    L.font(true, 20, SEVERITY_COLOR[s]);
    L.oneLine(fmtInt(m.totals.findings[s]), x + 12, y + 8, tileW - 16, {
      size: 20,
      bold: true,
      color: SEVERITY_COLOR[s],
    });
    L.oneLine(`${SEVERITY_LABEL[s]} findings`, x + 12, y + 38, tileW - 16, { size: 8.5, color: COLOR.muted });
  });
  doc.y = y + 70;
  const t = m.totals;
  L.para(
    `${plural(t.findings_total, 'finding')} in ${fmtInt(t.checks_with_exceptions)} of ${fmtInt(t.checks_total)} checks; ` +
      `${plural(t.checks_not_tested, 'check')} not tested; ${plural(t.checks_partly_not_tested, 'check')} without exceptions but partly not tested.`,
    { size: 10 },
  );
  L.gap(6);
  L.para(
    'This report is part of a signed evidence pack (findings.jsonl, summary.json, quarantine.jsonl, this report, manifest.json and its signature). ' +
      `Verify the pack with: vatp-audit verify <pack> --pin ${m.key_fingerprint}`,
    { size: 8.5, color: COLOR.muted },
  );
}

function contents(L: Layout, page: number): void {
  const { doc } = L;
  doc.switchToPage(page);
  doc.x = L.left;
  doc.y = L.top;
  L.font(true, 16, COLOR.navy);
  doc.text('Contents', L.left, L.top, { width: L.width });
  L.gap(10);
  for (const e of L.toc) {
    const y = doc.y;
    L.oneLine(e.title, L.left, y, L.width - 60, { size: 10.5 });
    L.oneLine(String(e.page + 1), L.right - 50, y, 50, { size: 10.5 }, 'right');
    doc.y = y + 18;
  }
}

const SUMMARY_COLUMNS: Column[] = [
  { header: 'Check', width: 38 },
  { header: 'What it tests (compliant condition)', width: 144 },
  { header: 'Population', width: 76 },
  { header: 'Examined', width: 52, align: 'right' },
  { header: 'Not tested', width: 42, align: 'right' },
  { header: 'Crit.', width: 27, align: 'right' },
  { header: 'High', width: 27, align: 'right' },
  { header: 'Med.', width: 27, align: 'right' },
  { header: 'Low', width: 27, align: 'right' },
  { header: 'Status', width: 58 },
];

function summaryRow(c: CheckSummary): Row {
  const sev = SEVERITIES.map((s) => (c.findings[s] > 0 ? fmtInt(c.findings[s]) : '–'));
  return {
    cells: [c.id, c.compliant, c.population_label, fmtInt(c.examined), fmtInt(c.not_tested_total), ...sev, c.status],
    colors: [
      undefined,
      undefined,
      COLOR.muted,
      undefined,
      c.not_tested_total > 0 ? COLOR.warn : undefined,
      ...SEVERITIES.map((s) => (c.findings[s] > 0 ? SEVERITY_COLOR[s] : COLOR.faint)),
      STATUS_COLOR[c.status],
    ],
  };
}

function executiveSummary(L: Layout, m: ReportModel): void {
  L.section('Executive summary');
  const t = m.totals;
  L.para(
    `The run examined the ${m.venue} dataset for ${periodText(m.period_start, m.period_end)} against ${fmtInt(t.checks_total)} checks of rules version ${m.rules_version}. ` +
      `It found ${plural(t.findings_total, 'exception')} (${severityPhrase(t.findings)}) in ${plural(t.checks_with_exceptions, 'check')}. ` +
      `${plural(t.checks_not_tested, 'check')} could not be tested and ${plural(t.checks_partly_not_tested, 'check')} were tested only in part; ` +
      'a check that was not tested is not a pass.',
  );
  L.para(
    'Each row gives what the check tests, the population it examined, what it could not examine, and its findings by severity. Families are headed by the SFC measure they serve.',
    { size: 8, color: COLOR.muted },
  );
  const rows: Row[] = [];
  for (const fam of m.families) {
    if (fam.checks.length === 0) continue;
    rows.push({
      cells: [`${fam.family === 'other' ? '' : `${fam.family} · `}${fam.name} — ${fam.measure}. ${fam.duty}`],
      span: true,
      fill: COLOR.band,
      colors: [COLOR.navy],
    });
    for (const l of fam.checks) rows.push(summaryRow(l.check));
  }
  L.table(SUMMARY_COLUMNS, rows, { fontSize: 7, zebra: false });

  const withNotTested = m.checks.filter((c) => c.not_tested_total > 0 || c.status === 'not tested');
  if (withNotTested.length > 0) {
    L.heading('Not tested, and why');
    L.table(
      [
        { header: 'Check', width: 40 },
        { header: 'Reason', width: 300 },
        { header: 'Count', width: 60, align: 'right' },
      ],
      withNotTested.flatMap((c) =>
        c.not_tested.length > 0
          ? c.not_tested.map((r) => ({ cells: [c.id, r.reason, fmtInt(r.count)] }))
          : [{ cells: [c.id, 'nothing in the dataset to examine (empty population)', '–'] }],
      ),
      { fontSize: 7.5 },
    );
  }
}

function scope(L: Layout, m: ReportModel): void {
  L.section('Scope, data and parameters');
  L.para(
    'The dataset is identified by the digest of its input manifest, which lists the SHA-256 and size of every input file. The same inputs, parameters and rules version give the same run id and byte-identical outputs.',
  );
  L.keyValues([
    ['Venue', m.venue],
    ['Operator entity', m.operator_entity_id ?? '—'],
    ['Audit period', periodText(m.period_start, m.period_end)],
    ['Run id', m.run_id, true],
    ['Input digest (SHA-256)', m.input_digest, true],
    ['Tool version', m.tool_version],
    ['Rules version', m.rules_version],
    [
      'Records read',
      `${fmtInt(m.completeness.totals.records)} in ${plural(m.completeness.files_total, 'file')} (${fmtInt(m.completeness.totals.accepted)} accepted, ${fmtInt(m.completeness.totals.quarantined)} set aside)`,
    ],
  ]);
  L.heading('Parameters');
  L.table(
    [
      { header: 'Parameter', width: 160 },
      { header: 'Value', width: 340 },
    ],
    m.parameters.map((p) => ({ cells: [p.name, p.value] })),
    { fontSize: 8.5 },
  );
  L.heading('Verifying this report');
  L.para(
    `The evidence pack's manifest.json lists the SHA-256 and size of every input and output file, including this report, and manifest.sig is an ECDSA P-256 / SHA-256 signature (DER) over manifest.json. The pack carries the public key (public-key.pem) whose fingerprint, the SHA-256 of its DER SubjectPublicKeyInfo, is ${m.key_fingerprint}. ` +
      `Run "vatp-audit verify <pack> --pin ${m.key_fingerprint}" to check every hash and the signature, or "openssl dgst -sha256 -verify public-key.pem -signature manifest.sig manifest.json".`,
  );
}

function charts(L: Layout, m: ReportModel): void {
  L.section('Findings at a glance');
  const { doc } = L;
  L.heading('Findings by check and severity', 11.5, 40);
  if (m.charts.byCheck.length === 0) {
    L.para('No check reported an exception.', { color: COLOR.muted });
  } else {
    L.severityLegend(doc.y);
    doc.y += 16;
    L.hbarChart(m.charts.byCheck.map((b) => ({ label: b.check_id, segments: segments(b.counts) })));
  }
  L.gap(10);
  const ot = m.charts.overTime;
  L.heading(
    `Findings over the period (UTC, ${ot.bucket_hours === 1 ? 'per hour' : `per ${ot.bucket_hours} hours`})`,
    11.5,
    190,
  );
  L.vbarChart(
    ot.buckets.map((b) => ({ label: b.label, segments: segments(b.counts) })),
    { height: 140 },
  );
  if (ot.untimed > 0 || ot.outside_period > 0) {
    L.para(
      `Not shown: ${plural(ot.untimed, 'finding')} without a timestamp (e.g. reference-data and data-quality findings) and ${plural(ot.outside_period, 'finding')} timed outside the period.`,
      { size: 8, color: COLOR.muted },
    );
  }
  L.gap(8);
  const rows = Math.max(m.charts.topSymbols.length, m.charts.topAccounts.length, 1);
  L.heading('Where findings concentrate (top 10)', 11.5, rows * 14 + 30);
  const y = doc.y;
  const half = (L.width - 20) / 2;
  const side = (title: string, data: { key: string; count: number }[], x: number): number => {
    doc.y = y;
    L.font(true, 9, COLOR.ink);
    doc.text(title, x, y, { width: half });
    doc.y = y + 16;
    if (data.length === 0) {
      L.font(false, 8, COLOR.muted);
      doc.text('none', x, doc.y, { width: half });
      return doc.y + 12;
    }
    L.hbarChart(
      data.map((d) => ({ label: d.key, segments: [{ value: d.count, color: COLOR.navy }] })),
      { x, width: half, labelWidth: 90 },
    );
    return doc.y;
  };
  const y1 = side('Symbols', m.charts.topSymbols, L.left);
  const y2 = side('Accounts', m.charts.topAccounts, L.left + half + 20);
  doc.x = L.left;
  doc.y = Math.max(y1, y2) + 6;
}

function familySection(L: Layout, m: ReportModel, fam: FamilySection): void {
  if (fam.checks.length === 0) return;
  L.section(`${fam.family === 'other' ? '' : `${fam.family} — `}${fam.name}`);
  L.keyValues(
    [
      ['SFC measure', fam.measure],
      ['Duty tested', fam.duty],
    ],
    90,
  );
  L.heading('Method', 10.5, L.paraHeight(fam.method));
  L.para(fam.method);
  if (fam.family === 'MF') {
    L.para(`Parameters: ${m.parameters.map((p) => `${p.name} = ${p.value}`).join('; ')}.`, { color: COLOR.muted });
  }
  for (const listing of fam.checks) {
    const c = listing.check;
    const notTested =
      c.not_tested.length > 0
        ? c.not_tested.map((r) => (r.count === 0 ? r.reason : `${fmtInt(r.count)} — ${r.reason}`)).join('; ')
        : 'none';
    const facts: KeyValue[] = [
      ['Compliant when', c.compliant],
      ['Population', `${c.population_label}: ${fmtInt(c.examined)} examined`],
      ['Not tested', notTested],
      ['Findings', `${fmtInt(c.findings_total)} (${severityPhrase(c.findings)})`],
      ['Status', c.status],
    ];
    // The heading keeps with the check's facts and the start of its findings.
    const lead = Math.min(L.keyValuesHeight(facts, 90, 8.5) + listingLeadHeight(L, m, listing), L.bottom - L.top - 40);
    L.heading(`${c.id} — ${c.title}`, 10.5, lead);
    L.keyValues(facts, 90, 8.5);
    drawListing(L, m, listing);
  }
}

function completeness(L: Layout, m: ReportModel): void {
  L.section('Data completeness');
  const c = m.completeness;
  const reconciled = c.unreconciled.length === 0;
  L.para(
    `${fmtInt(c.totals.records)} records were read from ${plural(c.files_total, 'file')}: ${fmtInt(c.totals.accepted)} accepted and ${fmtInt(c.totals.quarantined)} set aside (quarantine.jsonl, DQ-1). ` +
      (!c.per_file_counts
        ? 'Per-file counts are not part of this report (see below).'
        : reconciled
          ? 'For every file, records read = accepted + set aside.'
          : `Records read ≠ accepted + set aside for ${plural(c.unreconciled.length, 'file')}: ${c.unreconciled.slice(0, 20).join(', ')}${c.unreconciled.length > 20 ? ', …' : ''}.`) +
      ` ${plural(c.totals.faults, 'file')} could not be read to the end.`,
    { color: reconciled ? COLOR.ink : COLOR.bad },
  );
  if (!c.per_file_counts) {
    L.para(
      "The findings store keeps the run's totals and each input file's hash, not per-file record counts: those are in summary.json of the run's evidence pack. Set-aside records and read faults per file come from the run's DQ-1 findings.",
      { size: 8, color: COLOR.muted },
    );
  }
  L.heading('Files read', 11.5, 60);
  const count = (n: number | null): string => (n === null ? '—' : fmtInt(n));
  const fileRows: Row[] = c.files.map((f) => {
    const known = f.records !== null && f.accepted !== null;
    const ok = f.records === (f.accepted ?? 0) + f.quarantined;
    return {
      cells: [
        f.path,
        f.record_type,
        count(f.records),
        count(f.accepted),
        fmtInt(f.quarantined),
        known ? (ok ? 'yes' : 'NO') : '—',
        f.fault ?? '—',
      ],
      colors: [
        undefined,
        COLOR.muted,
        undefined,
        undefined,
        f.quarantined > 0 ? COLOR.warn : undefined,
        known ? (ok ? COLOR.ok : COLOR.bad) : COLOR.faint,
        f.fault ? COLOR.bad : COLOR.faint,
      ],
    };
  });
  fileRows.push({
    cells: [
      'Total',
      '',
      fmtInt(c.totals.records),
      fmtInt(c.totals.accepted),
      fmtInt(c.totals.quarantined),
      reconciled ? 'yes' : 'NO',
      fmtInt(c.totals.faults),
    ],
    bold: true,
    fill: COLOR.band,
  });
  L.table(
    [
      { header: 'File', width: 140, mono: true },
      { header: 'Record type', width: 55 },
      { header: 'Read', width: 45, align: 'right' },
      { header: 'Accepted', width: 52, align: 'right' },
      { header: 'Set aside', width: 45, align: 'right' },
      { header: 'Reconciles', width: 55 },
      { header: 'Read fault', width: 113 },
    ],
    fileRows,
    { fontSize: 7.5 },
  );
  if (c.files_total > c.files.length) {
    L.para(`Listed: ${fmtInt(c.files.length)} of ${plural(c.files_total, 'file')}; the totals cover all of them.`, {
      size: 8,
      color: COLOR.warn,
    });
  }

  L.heading('Sequence gaps (DQ-4)');
  if (c.gaps_total === 0) L.para('No gaps: every sequence is continuous between its lowest and highest seq.');
  else {
    L.para(`${plural(c.gaps_total, 'gap')}, ${plural(c.missing_seq_total, 'missing sequence number')} in all.`);
    L.table(
      [
        { header: 'Sequence', width: 160 },
        { header: 'Missing from', width: 100, align: 'right' },
        { header: 'to', width: 100, align: 'right' },
        { header: 'Count', width: 80, align: 'right' },
      ],
      c.gaps.map((g) => ({ cells: [g.stream, String(g.from), String(g.to), fmtInt(g.to - g.from + 1)] })),
    );
    if (c.gaps_total > c.gaps.length) {
      L.para(
        `Listed: ${fmtInt(c.gaps.length)} of ${fmtInt(c.gaps_total)} gaps; all are DQ-4 findings in findings.jsonl.`,
        {
          size: 8,
          color: COLOR.warn,
        },
      );
    }
  }

  L.heading('Repeated sequence numbers (DQ-2)');
  if (c.duplicates_total === 0) L.para('No sequence number appears more than once.');
  else {
    L.table(
      [
        { header: 'Sequence', width: 160 },
        { header: 'seq', width: 120, align: 'right' },
        { header: 'Records carrying it', width: 120, align: 'right' },
      ],
      c.duplicates.map((d) => ({
        cells: [d.stream, String(d.seq), d.occurrences === null ? '≥ 2' : fmtInt(d.occurrences)],
      })),
    );
    if (c.duplicates_total > c.duplicates.length) {
      L.para(
        `Listed: ${fmtInt(c.duplicates.length)} of ${fmtInt(c.duplicates_total)}; all are DQ-2 findings in findings.jsonl.`,
        { size: 8, color: COLOR.warn },
      );
    }
  }
}

function responses(L: Layout, m: ReportModel): void {
  L.section('Management responses');
  const r = m.responses;
  const recorded = r.by_status.reduce((s, x) => s + x.count, 0);
  if (m.review.mode === 'as_found') {
    L.para(
      `This report shows the findings as the run found them. Responses are recorded afterwards (vatp-audit findings respond <finding_id> …) and shown, with each finding's current status, in the report generated from the findings store: vatp-audit report --run ${m.run_id} --out <dir>.`,
      { color: COLOR.muted },
    );
  }
  L.para(
    `${plural(recorded, 'finding')} of this run ${recorded === 1 ? 'has' : 'have'} a recorded management response; ${plural(r.without_response, 'finding')} ${r.without_response === 1 ? 'has' : 'have'} none and ${r.without_response === 1 ? 'is' : 'are'} open.`,
  );
  if (r.by_status.length > 0) {
    L.keyValues(r.by_status.map((s) => [s.key, fmtInt(s.count)]));
  }
  if (r.rows.length === 0) {
    L.para('No management responses were recorded for this run.', { color: COLOR.muted });
    return;
  }
  L.table(
    [
      { header: 'Finding id', width: 1, mono: true },
      { header: 'Check, subject', width: 1 },
      { header: 'Severity', width: 1 },
      { header: 'Status', width: 1 },
      { header: 'Latest response', width: 1 },
      { header: 'By, at', width: 1 },
    ],
    r.rows.map((x) => ({
      cells: [
        x.finding_id,
        x.check_id ? `${x.check_id} ${x.subject}` : 'not in this run',
        x.severity ?? '—',
        x.status,
        x.response || '—',
        [x.responded_by, x.responded_at].filter((v) => v).join('\n') || '—',
      ],
      colors: [undefined, undefined, x.severity ? SEVERITY_COLOR[x.severity] : COLOR.faint],
    })),
    { auto: true, fontSize: 7 },
  );
  if (r.omitted > 0) {
    L.para(
      `${plural(r.omitted, 'further response is', 'further responses are')} not listed; every one is in findings.jsonl (history).`,
      {
        size: 8,
        color: COLOR.warn,
      },
    );
  }
}

/**
 * The sign-off page. With a recorded acceptance (who, when, note) it is printed as the reviewer's sign-off; without
 * one the page says the run is not accepted and leaves lines to sign on.
 */
export function signOffPage(
  L: Layout,
  fingerprint: string,
  statement: string,
  acceptance: RunAcceptance | null = null,
  runId?: string,
): void {
  L.section('Reviewer sign-off');
  const { doc } = L;
  if (acceptance !== null) {
    L.heading('Sign-off recorded', 10.5, 60);
    L.keyValues(
      [
        ['Accepted by', acceptance.by],
        ['At', acceptance.at, true],
        ['Note', acceptance.note ?? '—'],
      ],
      90,
      9,
    );
    L.para(
      'Recorded in the findings store (vatp-audit runs accept); this report, generated afterwards, carries it under the signature of its evidence manifest.',
      { color: COLOR.muted, size: 8.5 },
    );
  } else if (runId !== undefined) {
    L.para(
      `Not accepted: this report is a DRAFT. The run is accepted with vatp-audit runs accept ${runId} --by <name> [--note …]; the report generated afterwards (vatp-audit report --run ${runId}) carries the sign-off.`,
      { color: COLOR.bad, bold: true, size: 9 },
    );
  }
  L.para(statement);
  L.para(
    `Before signing, the reviewer confirms that the evidence pack verifies (vatp-audit verify <pack> --pin ${fingerprint}) and that the key fingerprint matches the one agreed with the firm.`,
    { color: COLOR.muted, size: 8.5 },
  );
  const block = (role: string): void => {
    L.ensure(150);
    L.gap(10);
    L.font(true, 10.5, COLOR.navy);
    doc.text(role, L.left, doc.y, { width: L.width });
    L.gap(8);
    for (const label of ['Name', 'Firm / function', 'Signature', 'Date']) {
      const y = doc.y + 18;
      L.font(false, 8.5, COLOR.muted);
      doc.text(label, L.left, y - 9, { width: 100 });
      doc
        .moveTo(L.left + 100, y)
        .lineTo(L.right, y)
        .lineWidth(0.6)
        .strokeColor(COLOR.faint)
        .stroke();
      doc.y = y + 6;
    }
  };
  if (acceptance === null) block('Reviewer');
  block('Engagement lead / second reviewer');
  block('Acknowledged for the platform operator');
  doc.x = L.left;
}

function signOff(L: Layout, m: ReportModel): void {
  signOffPage(
    L,
    m.key_fingerprint,
    `I have reviewed this report for run ${m.run_id} of ${m.venue} (${periodText(m.period_start, m.period_end)}), including the checks that were not tested, the data-completeness section and the management responses, and I agree that it fairly presents the results of the tests described.`,
    m.review.acceptance,
    m.run_id,
  );
}
