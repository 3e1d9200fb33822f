/**
 * `vatp-audit runs list|accept`: the runs of the store, and the sign-off that makes a completed run the official run
 * of its venue and period. A run is a draft until accepted. Unusable arguments and runs that cannot be accepted exit 2
 * with a one-line message; store failures exit 1.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { SEVERITIES } from '../contract/finding.js';
import type { FindingsStore } from '../store/findingsStore.js';
import type { AcceptRunResult, RunRecord } from '../store/types.js';
import { parseOptions, withStore } from './findingsCommands.js';

export interface RunsCommandDeps {
  openStore: () => Promise<{ store: FindingsStore; close: () => Promise<void> }>;
  now: () => Date;
  out: (line: string) => void;
}

const listOptions = z.object({
  venue: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

const acceptOptions = z.object({
  by: z.string().trim().min(1, { message: 'must name who accepts the run' }),
  note: z.string().optional(),
  json: z.boolean().optional(),
});

export function registerRunsCommands(program: Command, deps: RunsCommandDeps): Command {
  const runs = program.command('runs').description('list the runs of the store and accept (sign off) a run');

  runs
    .command('list')
    .description('runs newest first: status, draft or accepted (by whom, when), findings by severity')
    .option('--venue <venue>', 'only this venue')
    .option('--json', 'one JSON object a line')
    .action(async (raw: Record<string, unknown>) => {
      const o = parseOptions(listOptions, raw);
      const found = await withStore(deps, (store) =>
        store.listAllRuns(o.venue !== undefined ? { venue: o.venue } : {}),
      );
      if (o.json === true) {
        for (const r of found) deps.out(JSON.stringify(runJson(r)));
        return;
      }
      printRuns(found, deps.out);
    });

  runs
    .command('accept')
    .description('accept a completed run: it becomes the official run of its venue and period (sign-off)')
    .argument('<run_id>')
    .requiredOption('--by <name>', 'who accepts the run')
    .option('--note <text>', 'why, or on what basis')
    .option('--json', 'print the result as JSON')
    .action(async (runId: string, raw: Record<string, unknown>) => {
      const o = parseOptions(acceptOptions, raw);
      const at = deps.now();
      const result = await withStore(deps, (store) => store.acceptRun(runId, { by: o.by, note: o.note ?? null, at }));
      if (o.json === true) {
        deps.out(JSON.stringify({ ...result, run: runJson(result.run) }));
        return;
      }
      printAccepted(result, deps.out);
    });

  return runs;
}

function severityTotals(r: RunRecord): Record<(typeof SEVERITIES)[number], number> | null {
  if (r.counts === null) return null;
  const totals = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const c of Object.values(r.counts)) for (const s of SEVERITIES) totals[s] += c.findings[s] ?? 0;
  return totals;
}

function runJson(r: RunRecord): Record<string, unknown> {
  return {
    run_id: r.run_id,
    venue: r.venue,
    period_start: r.period_start,
    period_end: r.period_end,
    status: r.status,
    acceptance: r.acceptance,
    supersedes: r.supersedes,
    superseded_by: r.superseded_by,
    findings: severityTotals(r),
    findings_total: r.findings_total,
    parameters: r.parameters,
    rules_version: r.rules_version,
    started_at: r.started_at,
    completed_at: r.completed_at,
  };
}

/** "accepted by X at T", "superseded by R", or "draft". */
export function acceptanceText(r: RunRecord): string {
  if (r.acceptance === null) return 'draft';
  const accepted = `accepted by ${r.acceptance.by} at ${r.acceptance.at}`;
  return r.superseded_by === null ? accepted : `${accepted}, superseded by ${r.superseded_by}`;
}

function printRuns(found: RunRecord[], out: (line: string) => void): void {
  if (found.length === 0) {
    out('no runs');
    return;
  }
  const rows = found.map((r) => {
    const t = severityTotals(r);
    return [
      r.run_id,
      r.venue,
      `${r.period_start} to ${r.period_end}`,
      r.status,
      t === null ? '-' : SEVERITIES.map((s) => `${t[s]}${s[0]}`).join(' '),
      r.started_at,
      acceptanceText(r),
    ];
  });
  const header = ['RUN', 'VENUE', 'PERIOD', 'STATUS', 'FINDINGS (c h m l)', 'STARTED', 'SIGN-OFF'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  out(line(header));
  for (const r of rows) out(line(r));
  const drafts = found.filter((r) => r.status === 'completed' && r.acceptance === null).length;
  out(`${found.length} run${found.length === 1 ? '' : 's'}, ${drafts} completed draft${drafts === 1 ? '' : 's'}`);
}

function printAccepted(result: AcceptRunResult, out: (line: string) => void): void {
  const r = result.run;
  out(
    `accepted run ${r.run_id} (${r.venue}, ${r.period_start} to ${r.period_end}) by ${r.acceptance?.by} at ${r.acceptance?.at}`,
  );
  out(
    result.superseded === null
      ? 'it is the first accepted run of this period'
      : `it supersedes run ${result.superseded}`,
  );
  if (result.retired.length === 0) {
    out('retired no findings');
    return;
  }
  out(
    `retired ${result.retired.length} finding${result.retired.length === 1 ? '' : 's'} of this period that run ${r.run_id} does not report (review status kept):`,
  );
  for (const f of result.retired) out(`  ${f.finding_id}  ${f.check_id}  ${f.severity}  ${f.subject}`);
}
