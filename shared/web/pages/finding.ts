/** One finding: what the check means, the evidence (the same blocks as the PDF), the history and the response form. */
import { CHECK_BY_ID, FAMILY_MEASURES } from '../../checks/catalogue.js';
import type { EvidenceBlock } from '../../report/evidenceView.js';
import { FINDING_STATUSES, type HistoryEntry, STATUSES_NEEDING_NOTE, type StoredFinding } from '../../store/types.js';
import { type Html, html } from '../html.js';
import { isOfficer, type Session } from '../identity.js';
import { page } from './layout.js';
import { csrfField, notice, runHref, STATUS_LABEL, severityBadge, short, statusBadge } from './parts.js';

export function evidenceBlocks(blocks: readonly EvidenceBlock[]): Html {
  return html`${blocks.map(evidenceBlock)}`;
}

/** Values up to this long (prices, quantities, seqs, record locations) are never broken across lines. */
const UNBROKEN = 32;

/** A long id wraps anywhere in its cell; a short value keeps its line, so a column of numbers stays readable. */
function cellClass(cell: string, mono: boolean): Html {
  if (!mono) return html``;
  return cell.length <= UNBROKEN ? html` class="mono nowrap"` : html` class="mono"`;
}

function evidenceBlock(b: EvidenceBlock): Html {
  switch (b.kind) {
    case 'fields':
      return html`<dl class="facts evidence">${b.title !== undefined ? html`<dt class="block-title">${b.title}</dt><dd></dd>` : ''}${b.fields.map(
        (f) => html`<dt>${f.label}</dt><dd${f.mono === true ? html` class="mono"` : ''}>${f.value}</dd>`,
      )}</dl>`;
    case 'table':
      return html`<table class="grid compact evidence"><caption>${b.title}</caption>
<thead><tr>${b.columns.map((col) => html`<th scope="col">${col}</th>`)}</tr></thead>
<tbody>${b.rows.map((row) => html`<tr>${row.map((cell, i) => html`<td${cellClass(cell, b.mono?.[i] === true)}>${cell}</td>`)}</tr>`)}</tbody>
${b.note !== undefined ? html`<tfoot><tr><td colspan="${b.columns.length}">${b.note}</td></tr></tfoot>` : ''}</table>`;
    case 'text':
      return html`<p class="evidence">${b.text}</p>`;
    case 'code':
      return html`<div class="evidence"><span class="label">${b.label}</span><pre class="mono">${b.value}</pre></div>`;
  }
}

function timeline(history: readonly HistoryEntry[]): Html {
  if (history.length === 0)
    return html`<p class="muted" data-testid="history-empty">No response yet: the finding is open.</p>`;
  return html`<ol class="timeline" data-testid="history">${history.map(
    (h) =>
      html`<li><time>${h.at}</time> ${statusBadge(h.status)} by <strong>${h.by}</strong>${h.note !== null ? html`<blockquote>${h.note}</blockquote>` : ''}</li>`,
  )}</ol>`;
}

export interface FindingView {
  finding: StoredFinding;
  blocks: EvidenceBlock[];
  /** The run the reader came from (for the way back). */
  fromRun: string | undefined;
  /** After a response: the version recorded and the version the form was rendered with. */
  recorded?: { version: number; seen: number };
}

function recordedNotice(v: FindingView): Html {
  if (v.recorded === undefined) return html``;
  const { version, seen } = v.recorded;
  const others = v.finding.history.slice(Math.max(0, seen), Math.max(0, version - 1));
  if (others.length === 0) return notice('ok', html`Your response was recorded.`);
  return notice(
    'warn',
    html`<p data-testid="stale-notice">Your response was recorded, but the finding had changed since you opened the form:
${others.length === 1 ? 'another response was' : `${others.length} other responses were`} recorded first. Both are in the history.</p>
<ul>${others.map((h) => html`<li>${STATUS_LABEL[h.status]} by <strong>${h.by}</strong> at <time>${h.at}</time>${h.note !== null ? html`: “${h.note}”` : ''}</li>`)}</ul>`,
  );
}

function responseForm(session: Session, f: StoredFinding, fromRun: string | undefined): Html {
  if (!isOfficer(session.identity)) {
    return html`<p class="muted" data-testid="respond-readonly">Responding is for an officer; you are signed in as a reviewer.</p>`;
  }
  return html`<form method="post" action="/findings/${encodeURIComponent(f.finding_id)}/respond" class="card" data-testid="respond-form">
<h2>Respond</h2>
${csrfField(session)}
<input type="hidden" name="version" value="${f.version}">
${fromRun !== undefined ? html`<input type="hidden" name="run" value="${fromRun}">` : ''}
<label for="respond-status">Status</label>
<select id="respond-status" name="status">${FINDING_STATUSES.map(
    (s) => html`<option value="${s}"${s === f.status ? html` selected` : ''}>${STATUS_LABEL[s]}</option>`,
  )}</select>
<label for="respond-note">Note ${html`<span class="muted">(required for ${STATUSES_NEEDING_NOTE.map((s) => STATUS_LABEL[s]).join(' and ')})</span>`}</label>
<textarea id="respond-note" name="note" rows="3" maxlength="4000"></textarea>
<p class="muted">Recorded as <strong>${session.identity.name}</strong>, now.</p>
<button type="submit">Record response</button>
</form>`;
}

export function findingPage(session: Session, v: FindingView): Html {
  const f = v.finding;
  const meta = CHECK_BY_ID.get(f.check_id);
  const measure = meta === undefined ? undefined : FAMILY_MEASURES[meta.family];
  const back = v.fromRun ?? f.run_id;
  return page({
    title: `${f.check_id} · ${f.subject}`,
    session,
    section: 'runs',
    trail: [
      ['Runs', '/runs'],
      [short(back), runHref(back)],
      ['Findings', `${runHref(back)}/findings`],
    ],
    // Two columns on a wide screen: what the finding is and its evidence on the left; its facts, history and the
    // response form beside them, so the form is on the first screen. One column, in this order, on a narrow one.
    body: html`${recordedNotice(v)}
<div class="finding-layout">
<div class="finding-main">
<section class="card">
<h2>${f.title}</h2>
<p>${f.detail}</p>
</section>
<section>
<h2>Rule</h2>
${
  meta === undefined || measure === undefined
    ? html`<p class="muted">No catalogue entry for ${f.check_id}.</p>`
    : html`<dl class="facts" data-testid="rule">
<dt>SFC measure</dt><dd>${measure.measure}</dd>
<dt>${measure.name}</dt><dd>${measure.duty}</dd>
<dt>Compliant when</dt><dd>${meta.compliant}</dd>
<dt>Population</dt><dd>${meta.population}</dd>
<dt>Subject</dt><dd>${meta.subject}</dd>
</dl>`
}
</section>
<section data-testid="evidence">
<h2>Evidence</h2>
${evidenceBlocks(v.blocks)}
</section>
</div>
<aside class="finding-side" aria-label="Status, history and response">
<dl class="facts" data-testid="finding-facts">
<dt>Status</dt><dd data-testid="finding-status">${statusBadge(f.status)}</dd>
<dt>Check</dt><dd>${f.check_id} ${severityBadge(f.severity)}</dd>
<dt>Subject</dt><dd class="mono" data-testid="subject">${f.subject}</dd>
<dt>Account</dt><dd class="mono">${f.account_id ?? '—'}</dd>
<dt>Symbol</dt><dd>${f.symbol ?? '—'}</dd>
<dt>Time</dt><dd class="mono">${f.ts ?? '—'}</dd>
<dt>Seq</dt><dd class="mono">${f.seq ?? '—'}</dd>
<dt>Venue</dt><dd>${f.venue}</dd>
<dt>Period</dt><dd><time>${f.period_start}</time> – <time>${f.period_end}</time></dd>
<dt>Reported by</dt><dd><a class="mono" href="${runHref(f.run_id)}">${short(f.run_id)}</a>${f.retired_by_run !== null ? html` · retired by the accepted run <a href="${runHref(f.retired_by_run)}">${short(f.retired_by_run)}</a>` : ''}</dd>
<dt>Finding id</dt><dd class="mono">${f.finding_id}</dd>
</dl>
<section>
<h2>History</h2>
${timeline(f.history)}
</section>
${responseForm(session, f, v.fromRun)}
</aside>
</div>`,
  });
}
