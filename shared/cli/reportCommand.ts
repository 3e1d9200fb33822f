/**
 * `vatp-audit report --venue V --from DATE --to DATE --out DIR`: the on-demand period report from the store, built
 * from the accepted run of each period in the range.
 * `vatp-audit report --run RUN_ID --out DIR`: one run's report after review (statuses, responses, sign-off).
 */
import type { Command } from 'commander';
import { parseTimestampNs } from '../contract/time.js';
import { UsageError } from '../pipeline/errors.js';
import { buildPeriodReport } from '../pipeline/periodReport.js';
import { buildRunReport } from '../pipeline/runReport.js';
import type { CliServices } from './services.js';
import { TOOL_VERSION } from './version.js';

/**
 * A bare date is a whole UTC day: `--from 2026-02-01` starts at its midnight, `--to 2026-02-28` includes that day.
 * A full RFC 3339 timestamp is taken as is (`--to` exclusive).
 */
export function rangeBound(value: string, end: boolean): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ts = `${value}T00:00:00Z`;
    const ns = parseTimestampNs(ts);
    if (ns === undefined) throw new UsageError(`not a date: ${value}`);
    if (!end) return ts;
    return new Date(Number(ns / 1_000_000n) + 86_400_000).toISOString().replace('.000Z', 'Z');
  }
  if (parseTimestampNs(value) === undefined)
    throw new UsageError(`not a date (YYYY-MM-DD) or RFC 3339 UTC timestamp: ${value}`);
  return value;
}

/**
 * The range of a period report from `--from` and `--to` (see rangeBound): a reversed or empty range is a usage error,
 * one line naming both ends.
 */
export function reportRange(from: string, to: string): { from: string; to: string } {
  const range = { from: rangeBound(from, false), to: rangeBound(to, true) };
  const start = parseTimestampNs(range.from) as bigint;
  const end = parseTimestampNs(range.to) as bigint;
  if (end < start) throw new UsageError(`--from ${from} is after --to ${to}: the range is reversed`);
  if (end === start) throw new UsageError(`--from ${from} and --to ${to} give an empty range`);
  return range;
}

export function registerReportCommand(
  program: Command,
  deps: {
    services: () => Promise<CliServices>;
    out: (line: string) => void;
    err: (line: string) => void;
    /** The report's "as of" instant; the command line's clock by default. */
    now?: () => Date;
  },
): void {
  program
    .command('report')
    .description(
      'period report from the accepted runs of a venue in a date range (for SFC submission), or one run’s report after review (--run), with a signed pack',
    )
    .option('--run <run_id>', 'one run: its findings with their current status and latest response, and its sign-off')
    .option('--venue <venue>', 'venue id of the dataset manifests')
    .option('--from <date>', 'first day (YYYY-MM-DD, UTC) or RFC 3339 timestamp')
    .option('--to <date>', 'last day, inclusive (YYYY-MM-DD) or RFC 3339 timestamp, exclusive')
    .requiredOption('--out <dir|s3://bucket/prefix>', 'where the report pack is written')
    .option('--signing-key <pem>', 'ECDSA P-256 private key (PEM); default .vatp-audit/signing-key.pem')
    .action(
      async (o: { run?: string; venue?: string; from?: string; to?: string; out: string; signingKey?: string }) => {
        try {
          if (o.run !== undefined) {
            if (o.venue !== undefined || o.from !== undefined || o.to !== undefined) {
              throw new UsageError('--run cannot be combined with --venue, --from or --to');
            }
            const s = await deps.services();
            const r = await buildRunReport(
              { runId: o.run, toolVersion: TOOL_VERSION },
              { store: await s.store(), out: s.openSink(o.out), signer: s.signer(o.signingKey) },
            );
            deps.out(
              `run report for ${r.run.run_id} (${r.run.venue}, ${r.run.period_start} .. ${r.run.period_end}): ${r.findings} finding(s), ${r.responded} with a response, ${r.draft ? 'DRAFT (not accepted)' : `accepted by ${r.run.acceptance?.by}`}`,
            );
            deps.out(`pack: ${o.out} (signing key fingerprint ${r.keyFingerprint})`);
            process.exitCode = 0;
            return;
          }
          if (o.venue === undefined || o.from === undefined || o.to === undefined) {
            throw new UsageError('give --run <run_id>, or --venue, --from and --to');
          }
          const { from, to } = reportRange(o.from, o.to);
          const s = await deps.services();
          const asOf = (deps.now ?? (() => new Date()))().toISOString();
          const result = await buildPeriodReport(
            { venue: o.venue, from, to, toolVersion: TOOL_VERSION, asOf },
            { store: await s.store(), out: s.openSink(o.out), signer: s.signer(o.signingKey) },
          );
          deps.out(
            `period report for ${o.venue}, ${from} .. ${to}: ${result.runs.length} accepted run(s), ${result.findings} finding(s), ${result.uncoveredDays} day(s) without an accepted run`,
          );
          deps.out(`pack: ${o.out} (signing key fingerprint ${result.keyFingerprint})`);
          process.exitCode = 0;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          deps.err(`vatp-audit report: ${message}`);
          process.exitCode = error instanceof UsageError ? 2 : 1;
        }
      },
    );
}
