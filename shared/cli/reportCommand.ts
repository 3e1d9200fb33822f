/** `vatp-audit report --venue V --from DATE --to DATE --out DIR`: the on-demand period report from the store. */
import type { Command } from 'commander';
import { parseTimestampNs } from '../contract/time.js';
import { buildPeriodReport } from '../pipeline/periodReport.js';
import { plural } from '../report/words.js';
import { ArgumentError } from './errors.js';
import { FORCE_HELP, prepareOutput } from './outputLocation.js';
import type { CliServices } from './services.js';
import { TOOL_VERSION } from './version.js';

/**
 * A bare date is a whole UTC day: `--from 2026-02-01` starts at its midnight, `--to 2026-02-28` includes that day.
 * A full RFC 3339 timestamp is taken as is (`--to` exclusive).
 */
export function rangeBound(value: string, end: boolean): string {
  const option = end ? '--to' : '--from';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ts = `${value}T00:00:00Z`;
    const ns = parseTimestampNs(ts);
    if (ns === undefined) throw new ArgumentError(`${option} ${value} is not a date`);
    if (!end) return ts;
    return new Date(Number(ns / 1_000_000n) + 86_400_000).toISOString().replace('.000Z', 'Z');
  }
  if (parseTimestampNs(value) === undefined) {
    throw new ArgumentError(`${option} ${value} is not a date (YYYY-MM-DD) or an RFC 3339 UTC timestamp`);
  }
  return value;
}

/**
 * The range `[from, to)` of period starts that `--from` and `--to` select, refused (exit 2) when either bound is
 * unreadable or the range is empty or reversed.
 */
export function reportRange(fromArg: string, toArg: string): { from: string; to: string } {
  const from = rangeBound(fromArg, false);
  const to = rangeBound(toArg, true);
  const a = parseTimestampNs(from)!;
  const b = parseTimestampNs(to)!;
  if (a > b || (a === b && fromArg !== toArg)) {
    throw new ArgumentError(`--from ${fromArg} is after --to ${toArg}: the range is reversed`);
  }
  if (a === b) throw new ArgumentError(`--from and --to are both ${fromArg}: the range is empty (--to is exclusive)`);
  return { from, to };
}

export function registerReportCommand(
  program: Command,
  deps: {
    services: () => Promise<CliServices>;
    out: (line: string) => void;
    err: (line: string) => void;
    dataHome: string;
  },
): void {
  program
    .command('report')
    .description('period report across all runs of a venue in a date range (for SFC submission), with a signed pack')
    .requiredOption('--venue <venue>', 'venue id of the dataset manifests')
    .requiredOption('--from <date>', 'first day (YYYY-MM-DD, UTC) or RFC 3339 timestamp')
    .requiredOption('--to <date>', 'last day, inclusive (YYYY-MM-DD) or RFC 3339 timestamp, exclusive')
    .requiredOption('--out <dir|s3://bucket/prefix>', 'where the report pack is written (a new or empty location)')
    .option('--force', FORCE_HELP)
    .option('--signing-key <pem>', "ECDSA P-256 private key (PEM); default the data home's signing-key.pem")
    .action(
      async (o: { venue: string; from: string; to: string; out: string; force?: boolean; signingKey?: string }) => {
        const { from, to } = reportRange(o.from, o.to);
        const s = await deps.services();
        const out = await prepareOutput(s.openSink(o.out), {
          option: '--out',
          force: o.force === true,
          guarded: [{ location: deps.dataHome, what: 'the data home', noPackInside: false }],
        });
        const result = await buildPeriodReport(
          { venue: o.venue, from, to, toolVersion: TOOL_VERSION },
          { store: await s.store(), out, signer: s.signer(o.signingKey) },
        );
        deps.out(
          `period report for ${o.venue}, ${from} .. ${to}: ${plural(result.runs.length, 'run')}, ${plural(result.findings, 'finding')}`,
        );
        deps.out(`pack: ${o.out} (signing key fingerprint ${result.keyFingerprint})`);
      },
    );
}
