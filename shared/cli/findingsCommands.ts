/**
 * `vatp-audit findings list|show|respond`: read findings from the store and record review responses.
 * `findings list --run <id> --json` prints exactly that run's findings.jsonl (same lines, same order), so the two can
 * be diffed. Unusable arguments exit 2 with a message; store failures exit 1.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { SEVERITIES } from '../contract/finding.js';
import { parseTimestampNs } from '../contract/time.js';
import { FindingNotFoundError } from '../store/errors.js';
import { canonicalFinding, findingJsonLine } from '../store/findingJson.js';
import type { FindingsStore } from '../store/findingsStore.js';
import { FINDING_STATUSES, type FindingFilters, type StoredFinding } from '../store/types.js';
import { ArgumentError } from './errors.js';

export interface FindingsCommandDeps {
  openStore: () => Promise<{ store: FindingsStore; close: () => Promise<void> }>;
  now: () => Date;
  out: (line: string) => void;
}

const nonEmpty = z.string().min(1, { message: 'must not be empty' });
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (iss) => `must be one of ${values.join(', ')}, not ${JSON.stringify(iss.input)}` });

/** A contract timestamp, or a bare date meaning its midnight UTC. */
const instant = z
  .string()
  .transform((s) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s))
  .refine((s) => parseTimestampNs(s) !== undefined, {
    message: 'must be a date (2026-02-12) or an RFC 3339 UTC timestamp (2026-02-12T03:00:00Z)',
  });

const listOptions = z
  .object({
    run: nonEmpty.optional(),
    check: nonEmpty.optional(),
    account: nonEmpty.optional(),
    severity: oneOf(SEVERITIES).optional(),
    status: oneOf(FINDING_STATUSES).optional(),
    venue: nonEmpty.optional(),
    from: instant.optional(),
    to: instant.optional(),
    includeRetired: z.boolean().optional(),
    json: z.boolean().optional(),
  })
  .refine((o) => o.from === undefined || o.to === undefined || parseTimestampNs(o.from)! < parseTimestampNs(o.to)!, {
    message: 'must be before --to',
    path: ['from'],
  });

const respondOptions = z.object({
  status: oneOf(FINDING_STATUSES),
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
    .option('--include-retired', 'include findings that a later run of their period no longer reports')
    .option('--json', 'one JSON object a line')
    .action(async (raw: Record<string, unknown>) => {
      const o = parseOptions(listOptions, raw);
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
      const found = await withStore(deps, (store) => store.listFindings(filters));
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
    .action(async (findingId: string, raw: { json?: boolean }) => {
      const f = await withStore(deps, async (store) => {
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
      deps.out(`  venue ${f.venue}, period ${f.period_start} to ${f.period_end}, last run ${f.run_id}`);
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
    .action(async (findingId: string, raw: Record<string, unknown>) => {
      const o = parseOptions(respondOptions, raw);
      const at = deps.now();
      const f = await withStore(deps, (store) =>
        store.respond(findingId, { status: o.status, by: o.by, note: o.note ?? null, at }),
      );
      if (o.json === true) deps.out(JSON.stringify(storedJson(f)));
      else deps.out(`${f.finding_id}: ${f.status} (response ${f.version}, by ${o.by} at ${at.toISOString()})`);
    });

  return findings;
}

/** Parsed options, or an ArgumentError (exit 2) naming every unusable option. */
export function parseOptions<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `--${kebab(String(i.path[0] ?? ''))} ${i.message}`).join('; ');
  throw new ArgumentError(problems);
}

/** An option's name as typed (`includeRetired` → `include-retired`). */
function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Runs `fn` on the store and closes it. */
export async function withStore<T>(
  deps: Pick<FindingsCommandDeps, 'openStore'>,
  fn: (store: FindingsStore) => Promise<T>,
): Promise<T> {
  const { store, close } = await deps.openStore();
  try {
    return await fn(store);
  } finally {
    await close();
  }
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
  const retired = found.some((f) => f.retired_by_run !== null) ? ' (* retired: a later run no longer reports it)' : '';
  out(`${found.length} finding${found.length === 1 ? '' : 's'}${retired}`);
}
