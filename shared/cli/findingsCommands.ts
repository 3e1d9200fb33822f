/**
 * `vatp-audit findings list|show|respond`: read findings from the store and record review responses.
 * `findings list --run <id> --json` prints exactly that run's findings.jsonl (same lines, same order), so the two can
 * be diffed. Unusable arguments exit 2 with a message; store failures exit 1.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { SEVERITIES } from '../contract/finding.js';
import { parseTimestampNs } from '../contract/time.js';
import { FindingNotFoundError, RunNotFoundError, StoreValidationError } from '../store/errors.js';
import { canonicalFinding, findingJsonLine } from '../store/findingJson.js';
import type { FindingsStore } from '../store/findingsStore.js';
import { FINDING_STATUSES, type FindingFilters, type StoredFinding } from '../store/types.js';

export interface FindingsCommandDeps {
  openStore: () => Promise<{ store: FindingsStore; close: () => Promise<void> }>;
  now: () => Date;
  out: (line: string) => void;
}

/** A contract timestamp, or a bare date meaning its midnight UTC. */
const instant = z
  .string()
  .transform((s) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s))
  .refine((s) => parseTimestampNs(s) !== undefined, {
    message: 'must be a date (2026-02-12) or an RFC 3339 UTC timestamp (2026-02-12T03:00:00Z)',
  });

const listOptions = z
  .object({
    run: z.string().min(1).optional(),
    check: z.string().min(1).optional(),
    account: z.string().min(1).optional(),
    severity: z.enum(SEVERITIES).optional(),
    status: z.enum(FINDING_STATUSES).optional(),
    venue: z.string().min(1).optional(),
    from: instant.optional(),
    to: instant.optional(),
    includeRetired: z.boolean().optional(),
    json: z.boolean().optional(),
  })
  .refine((o) => o.from === undefined || o.to === undefined || parseTimestampNs(o.from)! < parseTimestampNs(o.to)!, {
    message: '--from must be before --to',
    path: ['from'],
  });

const respondOptions = z.object({
  status: z.enum(FINDING_STATUSES),
  by: z.string().trim().min(1, { message: 'must name who responds' }),
  note: z.string().optional(),
  json: z.boolean().optional(),
});

export function registerFindingsCommands(program: Command, deps: FindingsCommandDeps): Command {
  const findings = program.command('findings').description('list stored findings and record review responses');

  findings
    .command('list')
    .description('list findings; with --run and --json, prints exactly that run’s findings.jsonl')
    .option('--run <run_id>', 'only the findings this run reported, as it reported them')
    .option('--check <check_id>', 'only this check')
    .option('--account <account_id>', 'only findings about this account')
    .option('--severity <severity>', `only this severity (${SEVERITIES.join(', ')})`)
    .option('--status <status>', `only this review status (${FINDING_STATUSES.join(', ')})`)
    .option('--venue <venue>', 'only this venue')
    .option('--from <time>', 'findings dated at or after (ts, else the period start)')
    .option('--to <time>', 'findings dated before')
    .option('--include-retired', 'include findings the accepted run of their period does not report (retired)')
    .option('--json', 'one JSON object a line')
    .action(async (raw: Record<string, unknown>, cmd: Command) => {
      const o = parseOrExit(listOptions, raw, cmd);
      const filters: FindingFilters = {
        ...(o.run !== undefined ? { run_id: o.run } : {}),
        ...(o.check !== undefined ? { check_id: o.check } : {}),
        ...(o.account !== undefined ? { account_id: o.account } : {}),
        ...(o.severity !== undefined ? { severity: o.severity } : {}),
        ...(o.status !== undefined ? { status: o.status } : {}),
        ...(o.venue !== undefined ? { venue: o.venue } : {}),
        ...(o.from !== undefined ? { from: o.from } : {}),
        ...(o.to !== undefined ? { to: o.to } : {}),
        ...(o.includeRetired === true ? { include_retired: true } : {}),
      };
      const found = await withStore(deps, cmd, (store) => store.listFindings(filters));
      if (o.json === true) {
        for (const f of found) deps.out(o.run !== undefined ? findingJsonLine(f) : JSON.stringify(storedJson(f)));
        return;
      }
      printTable(found, deps.out);
    });

  findings
    .command('show')
    .description('one finding with its review history')
    .argument('<finding_id>')
    .option('--json', 'as JSON')
    .action(async (findingId: string, raw: { json?: boolean }, cmd: Command) => {
      const f = await withStore(deps, cmd, async (store) => {
        const got = await store.getFinding(findingId);
        if (got === undefined) throw new FindingNotFoundError(findingId);
        return got;
      });
      if (raw.json === true) {
        deps.out(JSON.stringify(storedJson(f)));
        return;
      }
      deps.out(`${f.finding_id}  ${f.check_id}  ${f.severity}  ${f.status}${f.retired_by_run ? '  (retired)' : ''}`);
      deps.out(`  ${f.title}`);
      deps.out(`  ${f.detail}`);
      deps.out(`  venue ${f.venue}, period ${f.period_start} to ${f.period_end}, as run ${f.run_id} reported it`);
      deps.out(`  evidence ${JSON.stringify(f.evidence)}`);
      for (const h of f.history) deps.out(`  ${h.at}  ${h.by}: ${h.status}${h.note !== null ? ` — ${h.note}` : ''}`);
    });

  findings
    .command('respond')
    .description('record a review response: sets the status and appends to the history')
    .argument('<finding_id>')
    .requiredOption('--status <status>', FINDING_STATUSES.join(' | '))
    .requiredOption('--by <name>', 'who responds')
    .option('--note <text>', 'why (required for false_positive and accepted_risk)')
    .option('--json', 'print the finding after the response as JSON')
    .action(async (findingId: string, raw: Record<string, unknown>, cmd: Command) => {
      const o = parseOrExit(respondOptions, raw, cmd);
      const at = deps.now();
      const f = await withStore(deps, cmd, (store) =>
        store.respond(findingId, { status: o.status, by: o.by, note: o.note ?? null, at }),
      );
      if (o.json === true) deps.out(JSON.stringify(storedJson(f)));
      else deps.out(`${f.finding_id}: ${f.status} (response ${f.version}, by ${o.by} at ${at.toISOString()})`);
    });

  return findings;
}

/** Parsed options, or exit 2 with one line naming every unusable option. */
export function parseOrExit<T>(schema: z.ZodType<T>, raw: unknown, cmd: Command): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `--${String(i.path[0] ?? '')}: ${i.message}`).join('; ');
  return cmd.error(`error: ${problems}`, { exitCode: 2, code: 'vatp.invalidArgument' });
}

/** Runs `fn` on the store and closes it; unknown findings or runs and refused input exit 2 with the message. */
export async function withStore<T>(
  deps: Pick<FindingsCommandDeps, 'openStore'>,
  cmd: Command,
  fn: (store: FindingsStore) => Promise<T>,
): Promise<T> {
  const { store, close } = await deps.openStore();
  let result: T;
  try {
    result = await fn(store);
  } catch (err) {
    await close();
    if (err instanceof FindingNotFoundError || err instanceof RunNotFoundError || err instanceof StoreValidationError) {
      return cmd.error(`error: ${err.message}`, { exitCode: 2, code: 'vatp.invalidArgument' });
    }
    throw err;
  }
  await close();
  return result;
}

function storedJson(f: StoredFinding): Record<string, unknown> {
  return {
    ...canonicalFinding(f),
    period_start: f.period_start,
    period_end: f.period_end,
    status: f.status,
    version: f.version,
    history: f.history,
    first_run_id: f.first_run_id,
    retired_by_run: f.retired_by_run,
  };
}

function printTable(found: StoredFinding[], out: (line: string) => void): void {
  if (found.length === 0) {
    out('no findings');
    return;
  }
  const rows = found.map((f) => [
    f.check_id,
    f.severity,
    f.status + (f.retired_by_run !== null ? '*' : ''),
    f.venue,
    f.period_start.slice(0, 10),
    f.subject,
    f.account_id ?? '-',
    f.finding_id,
    f.title,
  ]);
  const header = ['CHECK', 'SEVERITY', 'STATUS', 'VENUE', 'PERIOD', 'SUBJECT', 'ACCOUNT', 'FINDING', 'TITLE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  out(line(header));
  for (const r of rows) out(line(r));
  const retired = found.some((f) => f.retired_by_run !== null)
    ? ' (* retired: the accepted run of its period does not report it)'
    : '';
  out(`${found.length} finding${found.length === 1 ? '' : 's'}${retired}`);
}
