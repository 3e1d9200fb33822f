/**
 * `vatp-audit report --venue V --from DATE --to DATE --out DIR`: the on-demand period report from the store, built
 * from the accepted run of each period in the range.
 */
import type { Command } from 'commander';
import { TOOL_VERSION } from '../config/version.js';
import { parseTimestampNs } from '../contract/time.js';
import { UsageError } from '../pipeline/errors.js';
import { buildPeriodReport } from '../pipeline/periodReport.js';
import type { CliServices } from './services.js';

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
      'period report from the accepted runs of a venue in a date range (for SFC submission), with a signed pack',
    )
    .requiredOption('--venue <venue>', 'venue id of the dataset manifests')
    .requiredOption('--from <date>', 'first day (YYYY-MM-DD, UTC) or RFC 3339 timestamp')
    .requiredOption('--to <date>', 'last day, inclusive (YYYY-MM-DD) or RFC 3339 timestamp, exclusive')
    .requiredOption('--out <dir|s3://bucket/prefix>', 'where the report pack is written')
    .option('--signing-key <pem>', 'ECDSA P-256 private key (PEM); default .vatp-audit/signing-key.pem')
    .action(async (o: { venue: string; from: string; to: string; out: string; signingKey?: string }) => {
      try {
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
    });
}
