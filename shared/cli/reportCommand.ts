/** `vatp-audit report --venue V --from DATE --to DATE --out DIR`: the on-demand period report from the store. */
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

export function registerReportCommand(
  program: Command,
  deps: { services: () => Promise<CliServices>; out: (line: string) => void; err: (line: string) => void },
): void {
  program
    .command('report')
    .description('period report across all runs of a venue in a date range (for SFC submission), with a signed pack')
    .requiredOption('--venue <venue>', 'venue id of the dataset manifests')
    .requiredOption('--from <date>', 'first day (YYYY-MM-DD, UTC) or RFC 3339 timestamp')
    .requiredOption('--to <date>', 'last day, inclusive (YYYY-MM-DD) or RFC 3339 timestamp, exclusive')
    .requiredOption('--out <dir|s3://bucket/prefix>', 'where the report pack is written')
    .option('--signing-key <pem>', 'ECDSA P-256 private key (PEM); default .vatp-audit/signing-key.pem')
    .action(async (o: { venue: string; from: string; to: string; out: string; signingKey?: string }) => {
      try {
        const from = rangeBound(o.from, false);
        const to = rangeBound(o.to, true);
        const s = await deps.services();
        const result = await buildPeriodReport(
          { venue: o.venue, from, to, toolVersion: TOOL_VERSION },
          { store: await s.store(), out: s.openSink(o.out), signer: s.signer(o.signingKey) },
        );
        deps.out(
          `period report for ${o.venue}, ${from} .. ${to}: ${result.runs.length} run(s), ${result.findings} finding(s)`,
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
