/**
 * A run with 25,000 findings: how long the findings page takes for its first screen and for each filter, sort and page,
 * through the workbench as `serve` runs it on the embedded stack. The findings are shaped on those of a generated
 * dataset (its checks, severities, evidence), replicated with distinct subjects. Timings are printed, not asserted:
 * this machine is shared and noisy; the answers (counts, rows) are asserted.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorkbench } from '#shared/cli/serveCommand.js';
import type { Finding, Severity } from '#shared/contract/finding.js';
import type { CheckCounts } from '#shared/store/types.js';
import { auditGenerated, openWebHarness, serveWorkbench, type WebHarness } from './harness.js';

const FINDINGS = 25_000;
const RUN = 'r-scale-25000';

let h: WebHarness;
let wb: RunningWorkbench;
let cookie: string;
let seedSeconds = 0;

beforeAll(async () => {
  h = await openWebHarness();
  const sample = await auditGenerated(h, 'sample', { seed: 3, orders: 1500 });
  const templates = await h.store.runFindings(sample.runId);
  const run = (await h.store.getRun(sample.runId)) ?? expect.unreachable();
  const findings: Finding[] = [];
  for (let i = 0; i < FINDINGS; i++) {
    const t = templates[i % templates.length] as Finding;
    const subject = `${t.subject}~${String(i).padStart(5, '0')}`;
    const second = (i * 3.4567) % 86_400;
    const ts = new Date(Date.parse(run.period_start) + Math.floor(second * 1000)).toISOString();
    findings.push({
      ...t,
      finding_id: `f-${createHash('sha256').update(`scale|${t.check_id}|${subject}`).digest('hex').slice(0, 32)}`,
      run_id: RUN,
      venue: 'SCALE',
      subject,
      account_id: t.account_id === null ? null : `${t.account_id}-${i % 40}`,
      ts: t.ts === null ? null : ts,
    });
  }
  const counts: Record<string, CheckCounts> = {};
  for (const f of findings) {
    const c = counts[f.check_id] ?? { examined: FINDINGS, not_tested: 0, findings: {} };
    counts[f.check_id] = c;
    c.findings[f.severity as Severity] = (c.findings[f.severity as Severity] ?? 0) + 1;
  }
  const started = Date.now();
  await h.store.startRun({
    run_id: RUN,
    venue: 'SCALE',
    operator_entity_id: run.operator_entity_id,
    period_start: run.period_start,
    period_end: run.period_end,
    dataset_root: 'generated',
    inputs: run.inputs,
    parameters: run.parameters,
    rules_version: run.rules_version,
    tool_version: run.tool_version,
    started_at: new Date(),
  });
  await h.store.recordFindings(
    { run_id: RUN, venue: 'SCALE', period_start: run.period_start, period_end: run.period_end },
    findings,
  );
  await h.store.completeRun(RUN, counts, { at: new Date() });
  seedSeconds = (Date.now() - started) / 1000;
  // A few answered findings, so the status filter has something to find.
  for (const f of findings.slice(0, 25)) {
    await h.store.respond(f.finding_id, { status: 'acknowledged', by: 'Seeder', at: new Date(), note: null });
  }
  wb = await serveWorkbench(h, { identity: { name: 'J. Chan', email: null, role: 'officer' } });
  const r = await fetch(wb.signInUrl, { redirect: 'manual' });
  cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}, 900_000);

afterAll(async () => {
  await wb?.close();
  await h?.close();
});

async function timed(path: string): Promise<{ ms: number; body: string; status: number }> {
  const t = performance.now();
  const res = await fetch(`${wb.origin}${path}`, { headers: { cookie } });
  const body = await res.text();
  return { ms: performance.now() - t, body, status: res.status };
}

const matched = (body: string) => Number(/data-testid="matched">(\d+)</.exec(body)?.[1]);

describe('the findings page of a run with 25,000 findings', { timeout: 300_000 }, () => {
  it('answers the first screen and each filter; the timings are printed', async () => {
    const base = `/runs/${RUN}/findings`;
    const rows = await h.store.runFindingRows(RUN);
    expect(rows).toHaveLength(FINDINGS);
    const cp1 = rows.filter((r) => r.check_id === 'CP-1').length;
    const account = rows.find((r) => r.account_id !== null)?.account_id ?? '';
    const symbol = rows.find((r) => r.symbol !== null)?.symbol ?? '';
    const steps: [string, string, number | undefined][] = [
      ['first screen, rows not yet loaded (cold)', base, FINDINGS],
      ['first screen (rows in memory)', base, FINDINGS],
      ['check = CP-1', `${base}?check=CP-1`, cp1],
      ['severity = critical', `${base}?severity=critical`, rows.filter((r) => r.severity === 'critical').length],
      ['status = acknowledged', `${base}?status=acknowledged`, 25],
      [
        `account = ${account}`,
        `${base}?account=${encodeURIComponent(account)}`,
        rows.filter((r) => r.account_id === account).length,
      ],
      [
        `symbol = ${symbol}`,
        `${base}?symbol=${encodeURIComponent(symbol)}`,
        rows.filter((r) => r.symbol === symbol).length,
      ],
      ['subject contains "~1234"', `${base}?q=~1234`, rows.filter((r) => r.subject.includes('~1234')).length],
      ['sorted by time, descending', `${base}?sort=ts&dir=desc`, FINDINGS],
      ['page 300 of 500', `${base}?page=300`, FINDINGS],
      ['check + severity + subject text', `${base}?check=CP-1&severity=critical&q=~2`, undefined],
      ['CSV of check = CP-1', `${base}.csv?check=CP-1`, undefined],
    ];
    const lines = [`seeding ${FINDINGS} findings into the store (record + complete): ${seedSeconds.toFixed(1)} s`];
    for (const [label, path, expected] of steps) {
      const r = await timed(path);
      expect(r.status).toBe(200);
      if (expected !== undefined) expect(matched(r.body)).toBe(expected);
      lines.push(`${label.padEnd(44)} ${r.ms.toFixed(0).padStart(6)} ms`);
    }
    console.log(`findings page, ${FINDINGS} findings, embedded stack:\n${lines.join('\n')}`);
  });
});
