/** The findings table of a run: filters, sortable headers, counts, paging and the CSV link. */
import { CHECK_BY_ID } from '../../checks/catalogue.js';
import { SEVERITIES } from '../../contract/finding.js';
import { FINDING_STATUSES, type RunRecord } from '../../store/types.js';
import {
  PAGE_SIZES,
  SORT_KEYS,
  type SortKey,
  type TablePage,
  type TableQuery,
  tableQueryParams,
} from '../findingsTable.js';
import { type Html, html } from '../html.js';
import type { Session } from '../identity.js';
import { page } from './layout.js';
import { findingHref, runHref, STATUS_LABEL, severityBadge, short, statusBadge } from './parts.js';

export interface FindingsView {
  run: RunRecord;
  query: TableQuery;
  table: TablePage;
  choices: { checks: string[]; accounts: string[]; symbols: string[] };
}

const COLUMN_LABEL: Record<SortKey, string> = {
  check: 'Check',
  severity: 'Severity',
  subject: 'Subject',
  account: 'Account',
  symbol: 'Symbol',
  ts: 'Time (UTC)',
  status: 'Status',
};

function select(
  name: string,
  label: string,
  current: string | undefined,
  options: readonly string[],
  text?: (v: string) => string,
): Html {
  // A value asked for in the URL that no finding of the run has (a bookmarked filter) is still shown as chosen.
  const all = current !== undefined && !options.includes(current) ? [current, ...options] : options;
  return html`<label>${label}
<select name="${name}">
<option value="">any</option>
${all.map((o) => html`<option value="${o}"${o === current ? html` selected` : ''}>${text === undefined ? o : text(o)}</option>`)}
</select></label>`;
}

function hrefWith(base: string, q: TableQuery, change: Partial<TableQuery>): string {
  const p = tableQueryParams(q, change).toString();
  return p === '' ? base : `${base}?${p}`;
}

function header(base: string, q: TableQuery, key: SortKey): Html {
  const current = q.sort === key;
  const next = current && q.dir === 'asc' ? 'desc' : 'asc';
  const aria = current ? (q.dir === 'asc' ? 'ascending' : 'descending') : 'none';
  return html`<th scope="col" aria-sort="${aria}"><a href="${hrefWith(base, q, { sort: key, dir: next, page: 1 })}">${COLUMN_LABEL[key]}${current ? (q.dir === 'asc' ? ' ▲' : ' ▼') : ''}</a></th>`;
}

export function findingsPage(session: Session, v: FindingsView): Html {
  const base = `${runHref(v.run.run_id)}/findings`;
  const q = v.query;
  const t = v.table;
  const csv = `${base}.csv${tableQueryParams({ ...q, page: 1 }).toString() === '' ? '' : `?${tableQueryParams({ ...q, page: 1 }).toString()}`}`;
  const rows = t.rows.map(
    (r) => html`<tr data-href="${findingHref(r.finding_id, v.run.run_id)}">
<td><a href="${findingHref(r.finding_id, v.run.run_id)}">${r.check_id}</a></td>
<td>${severityBadge(r.severity)}</td>
<td class="mono subject">${r.subject}</td>
<td class="mono">${r.account_id ?? '—'}</td>
<td>${r.symbol ?? '—'}</td>
<td class="mono nowrap">${r.ts ?? '—'}</td>
<td data-testid="row-status">${statusBadge(r.status)}</td>
</tr>`,
  );
  return page({
    title: `Findings of run ${short(v.run.run_id)}`,
    session,
    section: 'runs',
    trail: [
      ['Runs', '/runs'],
      [short(v.run.run_id), runHref(v.run.run_id)],
    ],
    body: html`<form method="get" action="${base}" class="filters" data-testid="filters">
${select('check', 'Check', q.check, v.choices.checks, (id) => `${id} ${CHECK_BY_ID.get(id)?.title ?? ''}`.trim())}
${select('severity', 'Severity', q.severity, SEVERITIES)}
${select('status', 'Status', q.status, FINDING_STATUSES, (s) => STATUS_LABEL[s as keyof typeof STATUS_LABEL])}
${select('account', 'Account', q.account, v.choices.accounts)}
${select('symbol', 'Symbol', q.symbol, v.choices.symbols)}
<label>Subject contains <input type="search" name="q" value="${q.q ?? ''}" maxlength="200"></label>
${q.sort !== 'check' ? html`<input type="hidden" name="sort" value="${q.sort}">` : ''}
${q.dir !== 'asc' ? html`<input type="hidden" name="dir" value="${q.dir}">` : ''}
<label>Rows <select name="size">${PAGE_SIZES.map((n) => html`<option${n === q.size ? html` selected` : ''}>${n}</option>`)}</select></label>
<button type="submit">Filter</button>
<a href="${base}">Clear</a>
</form>
<p class="summary" data-testid="counts" aria-live="polite"><strong data-testid="matched">${t.matched}</strong> of ${t.total} findings match ·
${SEVERITIES.map((s) => html`${t.bySeverity[s]} ${s} · `)}
${FINDING_STATUSES.map((s, i) => html`${t.byStatus[s]} ${STATUS_LABEL[s]}${i < FINDING_STATUSES.length - 1 ? ' · ' : ''}`)}
· <a href="${csv}" data-testid="csv">CSV of these ${t.matched}</a></p>
<table class="grid findings" data-testid="findings-table">
<caption class="visually-hidden">Findings, sorted by ${COLUMN_LABEL[q.sort]} ${q.dir === 'asc' ? 'ascending' : 'descending'}; page ${t.page} of ${t.pages}</caption>
<thead><tr>${SORT_KEYS.map((k) => header(base, q, k))}</tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="7">No finding matches these filters.</td></tr>`}</tbody>
</table>
<nav class="pager" aria-label="Pages">
${t.page > 1 ? html`<a href="${hrefWith(base, q, { page: t.page - 1 })}" rel="prev">‹ Previous</a>` : html`<span class="muted">‹ Previous</span>`}
<span>Page ${t.page} of ${t.pages}</span>
${t.page < t.pages ? html`<a href="${hrefWith(base, q, { page: t.page + 1 })}" rel="next">Next ›</a>` : html`<span class="muted">Next ›</span>`}
</nav>`,
  });
}
