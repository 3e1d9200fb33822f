/** The runs page and a run's overview: sign-off, counts per check and severity, charts, data completeness. */
import { CHECK_BY_ID, FAMILY_MEASURES } from '../../checks/catalogue.js';
import { SEVERITIES, type Severity } from '../../contract/finding.js';
import type { VerifyResult } from '../../evidence/verify.js';
import type { CheckSummary, RunSummary } from '../../pipeline/summary.js';
import type { RunRecord } from '../../store/types.js';
import type { FindingsOverTime } from '../findingsTable.js';
import { type Html, html } from '../html.js';
import { isOfficer, type Session } from '../identity.js';
import { page } from './layout.js';
import { barChart, csrfField, notice, runHref, severityCounts, severityTotals, short, signOff } from './parts.js';

export interface RunListing {
  run: RunRecord;
  /** verify null: not checked yet (open the run to check it). */
  pack: { uri: string; verify: VerifyResult | { error: string } | null } | null;
}

function verifyText(v: VerifyResult | { error: string } | null): Html {
  if (v === null) return html`<span class="muted">not checked yet (open the run)</span>`;
  if ('error' in v) return html`<span class="bad">cannot verify: ${v.error}</span>`;
  if (v.ok)
    return html`<span class="good" title="${`${v.checked} files, key ${v.keyFingerprint ?? ''}`}">verified</span>`;
  return html`<span class="bad" title="${v.problems.join('; ')}">FAILED (${v.problems.length})</span>`;
}

function packLinks(runId: string, pack: RunListing['pack']): Html {
  if (pack === null) return html`<span class="muted">pack not found</span>`;
  return html`<a href="${`${runHref(runId)}/pack/report.pdf`}">PDF</a> · <a href="${`${runHref(runId)}/pack.zip`}">pack</a> · ${verifyText(pack.verify)}`;
}

export function runsPage(session: Session, listings: readonly RunListing[]): Html {
  const rows = listings.map(
    ({ run: r, pack }) => html`<tr>
<td class="nowrap"><a href="${runHref(r.run_id)}" class="mono">${short(r.run_id)}</a></td>
<td>${r.venue}</td>
<td><time>${r.period_start}</time> – <time>${r.period_end}</time></td>
<td><span class="run-status run-${r.status}">${r.status}</span></td>
<td>${signOff(r)}</td>
<td>${severityCounts(severityTotals(r))}</td>
<td>${packLinks(r.run_id, pack)}</td>
</tr>`,
  );
  return page({
    title: 'Runs',
    session,
    section: 'runs',
    body: html`<p class="lede">Every run in the store, newest first. A completed run is a draft until an officer accepts it; the
accepted run of a venue and period is its official run.</p>
${
  listings.length === 0
    ? html`<p>No runs yet. Run an audit with <code>vatp-audit run</code>.</p>`
    : html`<table class="grid" data-testid="runs">
<thead><tr><th scope="col">Run</th><th scope="col">Venue</th><th scope="col">Period</th><th scope="col">Status</th>
<th scope="col">Sign-off</th><th scope="col">Findings (critical, high, medium, low)</th><th scope="col">Evidence</th></tr></thead>
<tbody>${rows}</tbody></table>`
}`,
  });
}

export interface RunOverview {
  run: RunRecord;
  pack: RunListing['pack'];
  /** summary.json of the pack (not-tested reasons, data completeness), when the pack was found. */
  summary: RunSummary | null;
  /** Findings per UTC hour (or day) of the period, by their time (findingsOverTime), when the run has findings. */
  overTime: FindingsOverTime;
  accepted: boolean;
}

function checkRows(o: RunOverview): Html[] {
  const fromSummary = new Map<string, CheckSummary>((o.summary?.checks ?? []).map((c) => [c.check_id, c]));
  const ids = [...new Set([...Object.keys(o.run.counts ?? {}), ...fromSummary.keys()])].sort();
  return ids.map((id) => {
    const c = o.run.counts?.[id];
    const s = fromSummary.get(id);
    const findings = Object.fromEntries(
      SEVERITIES.map((sev) => [sev, c?.findings[sev] ?? s?.findings[sev] ?? 0]),
    ) as Record<Severity, number>;
    const reasons = Object.entries(s?.not_tested_reasons ?? {});
    const total = SEVERITIES.reduce((n, sev) => n + findings[sev], 0);
    return html`<tr>
<th scope="row">${total > 0 ? html`<a href="${`${runHref(o.run.run_id)}/findings?check=${encodeURIComponent(id)}`}">${id}</a>` : id}</th>
<td>${CHECK_BY_ID.get(id)?.title ?? s?.title ?? ''}</td>
<td class="num">${c?.examined ?? s?.examined ?? 0}</td>
<td class="num">${c?.not_tested ?? s?.not_tested ?? 0}${
      reasons.length > 0
        ? html`<ul class="reasons">${reasons.map(([why, n]) => html`<li>${n > 0 ? `${n} — ` : ''}${why}</li>`)}</ul>`
        : ''
    }</td>
<td>${severityCounts(findings)}</td>
<td>${s?.status ?? ''}</td>
</tr>`;
  });
}

function completeness(s: RunSummary | null): Html {
  if (s === null) {
    return html`<p class="muted">The run's evidence pack was not found, so its file-by-file reconciliation and the reasons
    for untested items cannot be shown (start <code>serve</code> with <code>--packs &lt;folder&gt;</code>).</p>`;
  }
  const r = s.reconciliation;
  return html`<dl class="facts" data-testid="completeness">
<dt>Records read</dt><dd>${r.records}</dd>
<dt>Accepted</dt><dd>${r.accepted}</dd>
<dt>Quarantined (DQ-1)</dt><dd>${r.quarantined}</dd>
<dt>Reconciles</dt><dd>${r.balanced ? 'yes: records = accepted + quarantined' : html`<span class="bad">NO</span>`}</dd>
<dt>Access log</dt><dd>${s.access_log_present ? 'present' : 'absent'}</dd>
</dl>
<table class="grid compact"><caption>Input files</caption>
<thead><tr><th scope="col">File</th><th scope="col">Type</th><th scope="col">Records</th><th scope="col">Accepted</th>
<th scope="col">Quarantined</th><th scope="col">Fault</th></tr></thead>
<tbody>${s.files.map(
    (f) => html`<tr><td class="mono">${f.path}</td><td>${f.record_type ?? '—'}</td><td class="num">${f.records}</td>
<td class="num">${f.accepted}</td><td class="num">${f.quarantined}</td><td>${f.fault ?? f.note ?? ''}</td></tr>`,
  )}</tbody></table>`;
}

function acceptForm(session: Session, o: RunOverview): Html {
  const r = o.run;
  if (r.acceptance !== null) return html``;
  if (r.status !== 'completed') return html`<p class="muted">Only a completed run can be accepted.</p>`;
  if (!isOfficer(session.identity)) {
    return html`<p class="muted" data-testid="accept-readonly">This run is a draft. Accepting it is for an officer; you are signed in as a reviewer.</p>`;
  }
  return html`<form method="post" action="${`${runHref(r.run_id)}/accept`}" class="card" data-testid="accept-form">
<h2>Accept this run</h2>
<p>It becomes the official run of ${r.venue} for this period, recorded as accepted by <strong>${session.identity.name}</strong> now.
Findings of the period that this run does not report are retired (their review status kept).</p>
${csrfField(session)}
<label for="accept-note">Note (basis of the sign-off)</label>
<textarea id="accept-note" name="note" rows="2" maxlength="2000"></textarea>
<button type="submit">Accept run</button>
</form>`;
}

export function runPage(session: Session, o: RunOverview): Html {
  const r = o.run;
  const counts = r.counts ?? {};
  const byCheck = Object.entries(counts)
    .map(([id, c]) => ({ id, n: SEVERITIES.reduce((t, s) => t + (c.findings[s] ?? 0), 0) }))
    .filter((x) => x.n > 0)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const totals = severityTotals(r);
  const family = (id: string) => CHECK_BY_ID.get(id)?.family;
  const measures = [
    ...new Set(
      Object.keys(counts)
        .map((id) => family(id))
        .filter((f) => f !== undefined),
    ),
  ];
  return page({
    title: `Run ${short(r.run_id)}`,
    session,
    section: 'runs',
    trail: [['Runs', '/runs']],
    body: html`${o.accepted ? notice('ok', html`Run accepted by ${r.acceptance?.by ?? ''}.`) : ''}
<dl class="facts" data-testid="run-facts">
<dt>Run id</dt><dd class="mono">${r.run_id}</dd>
<dt>Venue</dt><dd>${r.venue}</dd>
<dt>Period</dt><dd><time>${r.period_start}</time> – <time>${r.period_end}</time></dd>
<dt>Status</dt><dd><span class="run-status run-${r.status}">${r.status}</span>${r.error !== null ? html` — ${r.error}` : ''}</dd>
<dt>Sign-off</dt><dd data-testid="sign-off">${signOff(r)}${r.acceptance?.note ? html` — “${r.acceptance.note}”` : ''}</dd>
<dt>Findings</dt><dd>${r.findings_total ?? '—'} ${severityCounts(totals)}</dd>
<dt>Evidence</dt><dd>${packLinks(r.run_id, o.pack)}</dd>
<dt>Rules / tool</dt><dd>rules ${r.rules_version}, tool ${r.tool_version ?? '—'}</dd>
</dl>
<p><a class="button" href="${`${runHref(r.run_id)}/findings`}">Findings of this run</a></p>
${acceptForm(session, o)}
<div class="charts">
${barChart(
  'Findings by check',
  byCheck.map((x) => ({ label: x.id, value: x.n })),
)}
${barChart(
  `Findings by ${o.overTime.unit} (UTC)`,
  o.overTime.bars.map((b) => ({ label: b.label, value: b.count })),
)}
${barChart(
  'Findings by severity',
  SEVERITIES.map((s) => ({ label: s, value: totals?.[s] ?? 0, tone: s })),
)}
</div>
<h2>Checks</h2>
<table class="grid" data-testid="checks">
<thead><tr><th scope="col">Check</th><th scope="col">What a finding means</th><th scope="col">Population</th>
<th scope="col">Not tested (why)</th><th scope="col">Findings</th><th scope="col">Result</th></tr></thead>
<tbody>${checkRows(o)}</tbody></table>
<h2>Data completeness</h2>
${completeness(o.summary)}
<h2>Measures covered</h2>
<ul>${measures.map((f) => html`<li><strong>${FAMILY_MEASURES[f].name}</strong> — ${FAMILY_MEASURES[f].measure}</li>`)}</ul>`,
  });
}
