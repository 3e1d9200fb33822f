/** Small pieces the pages share: links, severity and status badges, counts, notices, and the SVG bar chart. */
import { SEVERITIES, type Severity } from '../../contract/finding.js';
import type { FindingStatus, RunRecord } from '../../store/types.js';
import { escapeHtml, type Html, html, trustedHtml } from '../html.js';
import type { Session } from '../identity.js';

export const runHref = (runId: string): string => `/runs/${encodeURIComponent(runId)}`;
export const findingHref = (findingId: string, runId?: string): string =>
  `/findings/${encodeURIComponent(findingId)}${runId === undefined ? '' : `?run=${encodeURIComponent(runId)}`}`;

export function severityBadge(s: Severity): Html {
  return html`<span class="sev sev-${s}">${s}</span>`;
}

export const STATUS_LABEL: Record<FindingStatus, string> = {
  open: 'open',
  acknowledged: 'acknowledged',
  remediated: 'remediated',
  false_positive: 'false positive',
  accepted_risk: 'accepted risk',
};

export function statusBadge(s: FindingStatus): Html {
  return html`<span class="status status-${s}">${STATUS_LABEL[s]}</span>`;
}

export function severityTotals(r: RunRecord): Record<Severity, number> | null {
  if (r.counts === null) return null;
  const totals = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const c of Object.values(r.counts)) for (const s of SEVERITIES) totals[s] += c.findings[s] ?? 0;
  return totals;
}

export function severityCounts(t: Record<Severity, number> | null): Html {
  if (t === null) return html`<span class="muted">—</span>`;
  return html`<span class="counts">${SEVERITIES.map(
    (s) => html`<span class="count sev-${s}" title="${s}">${t[s]}<span class="visually-hidden"> ${s}</span></span>`,
  )}</span>`;
}

export function signOff(r: RunRecord): Html {
  if (r.acceptance === null) return html`<span class="draft">DRAFT</span>`;
  return html`<span class="accepted">accepted</span> by ${r.acceptance.by} <time>${r.acceptance.at}</time>${
    r.superseded_by !== null
      ? html` · superseded by <a href="${runHref(r.superseded_by)}">${short(r.superseded_by)}</a>`
      : ''
  }`;
}

export function short(id: string): string {
  return id.length > 14 ? `${id.slice(0, 12)}…` : id;
}

export function notice(kind: 'ok' | 'warn', body: Html): Html {
  return html`<div class="notice notice-${kind}" role="status">${body}</div>`;
}

export function csrfField(session: Session): Html {
  return html`<input type="hidden" name="_csrf" value="${session.csrf}">`;
}

export interface Bar {
  label: string;
  value: number;
  /** A CSS class for the bar's colour (from a fixed set). */
  tone?: Severity | 'plain';
}

/**
 * A horizontal bar chart as SVG markup built here from numbers and labels (labels escaped): no script, no style
 * attribute, colours from the stylesheet by class. Also given as a table for screen readers.
 */
export function barChart(title: string, bars: readonly Bar[]): Html {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowH = 18;
  // 370 wide: three charts fit side by side in a desktop window's width.
  const labelW = 84;
  const width = 370;
  const height = Math.max(rowH, bars.length * rowH);
  const rects = bars
    .map((b, i) => {
      const w = Math.round(((width - labelW - 50) * b.value) / max);
      const y = i * rowH;
      return `<text x="0" y="${y + 13}" class="chart-label">${escapeHtml(b.label)}</text><rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 6}" class="bar bar-${b.tone ?? 'plain'}"></rect><text x="${labelW + w + 4}" y="${y + 13}" class="chart-value">${b.value}</text>`;
    })
    .join('');
  return html`<figure class="chart">
<figcaption>${title}</figcaption>
${trustedHtml(
  `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${rects}</svg>`,
)}
<table class="visually-hidden"><caption>${title}</caption><tbody>${bars.map(
    (b) => html`<tr><th scope="row">${b.label}</th><td>${b.value}</td></tr>`,
  )}</tbody></table>
</figure>`;
}
