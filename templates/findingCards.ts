/**
 * One check's findings in the review report: where all of them are (by account, symbol and hour), the most severe
 * ones each as a card (finding id, status, latest response, detail, evidence blocks), further ones as one-line rows,
 * and how many are left out and where they are. Every listed finding shows the finding_id a reviewer passes to
 * `vatp-audit findings respond`.
 */
import type { EvidenceField } from '../shared/report/evidenceView.js';
import type { CheckListing, FindingRow, RankedCount, ReportModel } from '../shared/report/model.js';
import { drawEvidence, drawFields, evidenceHeight, evidenceLeadHeight, fieldsHeight } from './evidenceBlocks.js';
import { COLOR, fmtInt, type Layout, type Row, SEVERITY_COLOR } from './layout.js';

const INDENT = 8;
const HEAD = { size: 8.2, bold: true } as const;

/** The review status as this report knows it. */
export function statusText(m: ReportModel, r: FindingRow): string {
  return m.review.mode === 'as_found' ? 'open (as found)' : r.status;
}

/** "acknowledged by J. Chan at 2026-02-20T08:30:00Z: note (2 review actions)". */
export function responseText(r: FindingRow): string | undefined {
  const x = r.response;
  if (x === null) return undefined;
  const who = [x.by ? `by ${x.by}` : null, x.at ? `at ${x.at}` : null].filter((s) => s !== null).join(' ');
  const note = x.note ? `: “${x.note}”` : ' (no note)';
  const more = r.history_count > 1 ? ` (${fmtInt(r.history_count)} review actions; all in findings.jsonl)` : '';
  return `${x.status}${who ? ` ${who}` : ''}${note}${more}`;
}

function facts(m: ReportModel, r: FindingRow): EvidenceField[] {
  const out: EvidenceField[] = [
    { label: 'Finding id', value: r.finding_id ?? '— (assigned when the run is stored)', mono: true },
    { label: 'Severity', value: r.severity },
    { label: 'Status', value: statusText(m, r) },
  ];
  if (r.ts) out.push({ label: 'Time', value: r.ts, mono: true });
  if (r.symbol) out.push({ label: 'Symbol', value: r.symbol, mono: true });
  if (r.account_id) out.push({ label: 'Account', value: r.account_id, mono: true });
  if (r.seq !== null) out.push({ label: 'Seq', value: String(r.seq), mono: true });
  const response = responseText(r);
  if (response !== undefined) out.push({ label: 'Latest response', value: response });
  else if (m.review.mode === 'as_of') out.push({ label: 'Latest response', value: 'none recorded' });
  return out;
}

/** The height a card needs on its first page: all of it when it fits on a page, else its head and first evidence. */
function cardKeepHeight(L: Layout, m: ReportModel, r: FindingRow): number {
  const title = L.set(`${r.check_id} · ${r.subject}`, L.width * 0.75 - INDENT, HEAD);
  const detail = L.set(`${r.title}. ${r.detail}`, L.width - INDENT, { size: 7.2 }, { lineGap: 1, minSize: 7.2 });
  const blocks = r.evidence ?? [];
  const lead = title.height + 8 + fieldsHeight(L, facts(m, r), { indent: INDENT }) + detail.height + 3;
  // A card that fits on a page is never split; a longer one keeps its head with the start of its evidence.
  const whole = lead + evidenceHeight(L, blocks, { indent: INDENT }) + 12;
  return whole <= L.bottom - L.top ? whole : lead + evidenceLeadHeight(L, blocks, { indent: INDENT });
}

function card(L: Layout, m: ReportModel, r: FindingRow): void {
  const { doc } = L;
  const title = L.set(`${r.check_id} · ${r.subject}`, L.width * 0.75 - INDENT, HEAD);
  const headH = title.height + 6;
  const f = facts(m, r);
  const detail = `${r.title}. ${r.detail}`;
  const blocks = r.evidence ?? [];
  L.ensure(cardKeepHeight(L, m, r));
  const y = doc.y;
  doc.rect(L.left, y, L.width, headH).fill(COLOR.band);
  doc.rect(L.left, y, 3, headH).fill(SEVERITY_COLOR[r.severity]);
  L.drawSet(title, L.left + INDENT, y + 3, L.width * 0.75 - INDENT, HEAD);
  L.oneLine(
    r.severity,
    L.left + L.width * 0.75,
    y + 3,
    L.width * 0.25 - 4,
    {
      size: 7.5,
      bold: true,
      color: SEVERITY_COLOR[r.severity],
    },
    'right',
  );
  doc.y = y + headH + 2;
  drawFields(L, f, { indent: INDENT });
  L.flow(detail, { size: 7.2 }, { indent: INDENT, lineGap: 1 });
  L.gap(3);
  drawEvidence(L, blocks, { indent: INDENT });
  L.gap(2);
  L.ensure(4);
  doc.moveTo(L.left, doc.y).lineTo(L.right, doc.y).lineWidth(0.6).strokeColor(COLOR.rule).stroke();
  L.gap(8);
}

function ranked(r: RankedCount[], other: number, noun: string): string {
  if (r.length === 0) return `none (no ${noun} named)`;
  const listed = r.map((x) => `${x.key} (${fmtInt(x.count)})`).join(', ');
  return other > 0 ? `${listed}, and ${fmtInt(other)} in other ${noun}s` : listed;
}

function breakdownFields(l: CheckListing): EvidenceField[] | undefined {
  const b = l.breakdown;
  if (b === null || l.check.findings_total <= 3) return undefined;
  const fields: EvidenceField[] = [
    { label: 'By account (findings)', value: ranked(b.accounts, b.accounts_other, 'account') },
    { label: 'By symbol (findings)', value: ranked(b.symbols, b.symbols_other, 'symbol') },
  ];
  if (b.untimed > 0) fields.push({ label: 'Without a time', value: fmtInt(b.untimed) });
  if (b.outside_period > 0) fields.push({ label: 'Timed outside the period', value: fmtInt(b.outside_period) });
  return fields;
}

function breakdownChartHeight(m: ReportModel, l: CheckListing): number {
  const timed = l.breakdown?.by_time.reduce((s, n) => s + n, 0) ?? 0;
  return timed >= 2 && m.charts.overTime.buckets.length > 1 ? 60 : 0;
}

/** Where all of a check's findings are, when there are more than a few. */
function breakdown(L: Layout, m: ReportModel, l: CheckListing): void {
  const fields = breakdownFields(l);
  const b = l.breakdown;
  if (fields === undefined || b === null) return;
  const total = l.check.findings_total;
  const buckets = m.charts.overTime.buckets;
  const chartH = breakdownChartHeight(m, l);
  L.ensure(fieldsHeight(L, fields) + 14 + chartH);
  drawEvidence(L, [{ kind: 'fields', title: `Where the ${fmtInt(total)} findings of ${l.check.id} are`, fields }]);
  if (chartH > 0) {
    const hours = m.charts.overTime.bucket_hours;
    L.oneLine(`Findings per ${hours === 1 ? 'hour' : `${hours} hours`} (UTC)`, L.left, L.doc.y, L.width, {
      size: 5.8,
      color: COLOR.muted,
    });
    L.gap(7);
    L.vbarChart(
      buckets.map((x, i) => ({ label: x.label, segments: [{ value: b.by_time[i] ?? 0, color: COLOR.navy }] })),
      { height: 34, maxLabels: 12 },
    );
    L.gap(4);
  }
}

function compactRows(L: Layout, m: ReportModel, l: CheckListing, rows: FindingRow[]): void {
  if (rows.length === 0) return;
  L.table(
    [
      { header: 'Finding id', width: 1, mono: true },
      { header: 'Subject', width: 1, mono: true },
      { header: 'Severity', width: 1 },
      { header: 'Time', width: 1, mono: true },
      { header: 'Account, symbol', width: 1, mono: true },
      { header: 'Status, latest response', width: 1 },
    ],
    rows.map(
      (r): Row => ({
        cells: [
          r.finding_id ?? '—',
          r.subject,
          r.severity,
          r.ts ?? '—',
          [r.account_id, r.symbol].filter((x) => x).join(' ') || '—',
          [statusText(m, r), responseText(r)].filter((x) => x).join(': '),
        ],
        colors: [undefined, undefined, SEVERITY_COLOR[r.severity], COLOR.muted],
      }),
    ),
    {
      auto: true,
      fontSize: 6.4,
      title: `Further findings of ${l.check.id}, without their evidence`,
      light: true,
    },
  );
}

/** What a check's heading keeps with: the breakdown and the first finding (its whole card when it fits a page). */
export function listingLeadHeight(L: Layout, m: ReportModel, l: CheckListing): number {
  if (l.rows.length === 0) return 0;
  const fields = breakdownFields(l);
  const head = fields === undefined ? 0 : fieldsHeight(L, fields) + 14 + breakdownChartHeight(m, l);
  const first = l.rows[0]!;
  return head + (first.evidence !== null ? cardKeepHeight(L, m, first) : 60);
}

/** A check's findings: breakdown, cards, one-line rows, and what was left out. */
export function drawListing(L: Layout, m: ReportModel, l: CheckListing): void {
  const c = l.check;
  if (l.rows.length === 0) return;
  breakdown(L, m, l);
  const detailed = l.rows.filter((r) => r.evidence !== null);
  for (const r of detailed) card(L, m, r);
  compactRows(
    L,
    m,
    l,
    l.rows.filter((r) => r.evidence === null),
  );
  if (l.omitted > 0 || detailed.length < l.rows.length) {
    const listed = l.rows.length;
    L.para(
      `Listed: ${fmtInt(listed)} of ${fmtInt(c.findings_total)} findings of ${c.id}, most severe first (every finding with a recorded response is listed); the first ${fmtInt(detailed.length)} with their evidence.` +
        (l.omitted > 0
          ? ` The other ${fmtInt(l.omitted)} are in findings.jsonl of the evidence pack (check_id ${c.id}); "vatp-audit findings list --run ${m.run_id} --check ${c.id}" lists them.`
          : ''),
      { size: 7.5, color: COLOR.warn },
    );
  }
}
