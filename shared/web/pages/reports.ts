/** Period reports: the build form (officers) and the reports built so far with their PDF and pack. */
import { type Html, html } from '../html.js';
import { isOfficer, type Session } from '../identity.js';
import { page } from './layout.js';
import { csrfField, notice } from './parts.js';

export interface ReportListing {
  id: string;
  venue: string | null;
  from: string | null;
  to: string | null;
  runs: number | null;
}

export function reportsPage(session: Session, v: { venues: string[]; reports: ReportListing[]; built?: string }): Html {
  const form = isOfficer(session.identity)
    ? html`<form method="post" action="/reports" class="card" data-testid="report-form">
<h2>Build a period report</h2>
<p>From the accepted run of each period of a venue whose start is in the range (both days inclusive, UTC), signed like a pack.</p>
${csrfField(session)}
<label for="report-venue">Venue</label>
<select id="report-venue" name="venue" required>${v.venues.map((x) => html`<option>${x}</option>`)}</select>
<label for="report-from">From</label><input id="report-from" name="from" type="date" required>
<label for="report-to">To</label><input id="report-to" name="to" type="date" required>
<button type="submit">Build report</button>
</form>`
    : html`<p class="muted" data-testid="report-readonly">Building a period report is for an officer; you are signed in as a reviewer.</p>`;
  return page({
    title: 'Period reports',
    session,
    section: 'reports',
    body: html`${v.built !== undefined ? notice('ok', html`Report <span class="mono">${v.built}</span> built.`) : ''}
${form}
<h2>Reports built</h2>
${
  v.reports.length === 0
    ? html`<p class="muted">None yet.</p>`
    : html`<table class="grid" data-testid="reports">
<thead><tr><th scope="col">Report</th><th scope="col">Venue</th><th scope="col">Range</th><th scope="col">Accepted runs</th><th scope="col">Download</th></tr></thead>
<tbody>${v.reports.map(
        (r) => html`<tr data-report="${r.id}"><td class="mono">${r.id}</td><td>${r.venue ?? '—'}</td>
<td><time>${r.from ?? '?'}</time> – <time>${r.to ?? '?'}</time></td><td class="num">${r.runs ?? '—'}</td>
<td><a href="/reports/${r.id}/report.pdf">PDF</a> · <a href="/reports/${r.id}/pack.zip">pack</a></td></tr>`,
      )}</tbody></table>`
}`,
  });
}
