/**
 * `vatp-audit report --venue V --from DATE --to DATE --out DIR`: the on-demand period report from the store, built
 * from the accepted run of each period in the range.
 * `vatp-audit report --run RUN_ID --out DIR`: one run's report after review (statuses, responses, sign-off).
 */
import type { Command } from 'commander';
import { TOOL_VERSION } from '../config/version.js';
import { reportRange } from '../pipeline/periodRange.js';
import { buildPeriodReport } from '../pipeline/periodReport.js';
import { buildRunReport } from '../pipeline/runReport.js';
import { plural } from '../report/words.js';
import { ArgumentError } from './errors.js';
import { FORCE_HELP, prepareOutput } from './outputLocation.js';
import type { CliServices } from './services.js';

// The range parsing lives with the period report, so the workbench's form reads dates the same way.
export { rangeBound, reportRange } from '../pipeline/periodRange.js';

export function registerReportCommand(
  program: Command,
  deps: {
    services: () => Promise<CliServices>;
    out: (line: string) => void;
    err: (line: string) => void;
    /** The report's "as of" instant; the command line's clock by default. */
    now?: () => Date;
    dataHome: string;
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
    .requiredOption('--out <dir|s3://bucket/prefix>', 'where the report pack is written (a new or empty location)')
    .option('--force', FORCE_HELP)
    .option('--signing-key <pem>', "ECDSA P-256 private key (PEM); default the data home's signing-key.pem")
    .action(
      async (o: {
        run?: string;
        venue?: string;
        from?: string;
        to?: string;
        out: string;
        force?: boolean;
        signingKey?: string;
      }) => {
        if (o.run !== undefined && (o.venue !== undefined || o.from !== undefined || o.to !== undefined)) {
          throw new ArgumentError('--run cannot be combined with --venue, --from or --to');
        }
        if (o.run === undefined && (o.venue === undefined || o.from === undefined || o.to === undefined)) {
          throw new ArgumentError('give --run <run_id>, or --venue, --from and --to');
        }
        const range = o.run === undefined ? reportRange(o.from!, o.to!) : undefined;
        const s = await deps.services();
        const out = await prepareOutput(s.openSink(o.out), {
          option: '--out',
          force: o.force === true,
          guarded: [{ location: deps.dataHome, what: 'the data home', noPackInside: false }],
        });
        const store = await s.store();
        const signer = s.signer(o.signingKey);
        let fingerprint: string;
        if (o.run !== undefined) {
          const r = await buildRunReport({ runId: o.run, toolVersion: TOOL_VERSION }, { store, out, signer });
          fingerprint = r.keyFingerprint;
          deps.out(
            `run report for ${r.run.run_id} (${r.run.venue}, ${r.run.period_start} .. ${r.run.period_end}): ${plural(r.findings, 'finding')}, ${plural(r.responded, 'finding')} with a response, ${r.draft ? 'DRAFT (not accepted)' : `accepted by ${r.run.acceptance?.by}`}`,
          );
        } else {
          const { from, to } = range!;
          const asOf = (deps.now ?? (() => new Date()))().toISOString();
          const result = await buildPeriodReport(
            { venue: o.venue!, from, to, toolVersion: TOOL_VERSION, asOf },
            { store, out, signer },
          );
          fingerprint = result.keyFingerprint;
          deps.out(
            `period report for ${o.venue}, ${from} .. ${to}: ${plural(result.runs.length, 'accepted run')}, ${plural(result.findings, 'finding')}, ${plural(result.uncoveredDays, 'day')} without an accepted run`,
          );
        }
        deps.out(`pack: ${o.out} (signing key fingerprint ${fingerprint})`);
      },
    );
}
