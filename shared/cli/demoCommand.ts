/**
 * `vatp-audit demo` (what `npm start` runs): generate a sample dataset, upload it to the S3 in use (the embedded one
 * by default), audit the s3:// copy, and write the evidence pack and PDF to a local folder. It says where everything
 * is: the data home (embedded S3 and DynamoDB, signing key), the dataset, its S3 copy and the pack.
 */
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ensureBucket, uploadDirectory } from '../adapters/s3/objects.js';
import { openOutputSink } from '../adapters/s3/outputSink.js';
import { SEVERITIES } from '../contract/finding.js';
import { generateDataset } from '../generator/index.js';
import { localSigningKeyPath } from '../local/dataHome.js';
import { wholeNumber } from './generateCommand.js';
import { FORCE_HELP, prepareOutput } from './outputLocation.js';
import { terminalProgress } from './progressBars.js';
import { executeRun } from './runCommand.js';
import type { CliServices } from './services.js';

export interface DemoDeps {
  services: () => Promise<CliServices>;
  out: (line: string) => void;
  err: (line: string) => void;
  /** The data home (VATP_AUDIT_HOME): the demo's dataset is generated under it. */
  dataHome: string;
}

export function registerDemoCommand(program: Command, deps: DemoDeps): void {
  program
    .command('demo')
    .description('generate a sample dataset, upload it to S3 (embedded by default), audit it, write the evidence pack')
    .option('--orders <n>', 'order events to generate', wholeNumber, 50_000)
    .option('--seed <n>', 'generator seed', wholeNumber, 42)
    .option('--out <dir>', 'evidence pack folder (a new or empty folder)', 'vatp-audit-demo')
    .option('--force', FORCE_HELP)
    .option('--bucket <name>', 'raw-logs bucket', 'vatp-audit-raw-logs')
    .action(async (o: { orders: number; seed: number; out: string; force?: boolean; bucket: string }) => {
      const outDir = resolve(o.out);
      // Refused now rather than after generating and uploading (the run checks it again before writing).
      await prepareOutput(openOutputSink(outDir), {
        option: '--out',
        force: o.force === true,
        guarded: [{ location: deps.dataHome, what: 'the data home', noPackInside: false }],
      });
      deps.out(`data home: ${deps.dataHome} (set VATP_AUDIT_HOME to move it)`);
      const datasetDir = join(deps.dataHome, 'demo', `dataset-contract2-seed${o.seed}-orders${o.orders}`);
      await rm(datasetDir, { recursive: true, force: true });
      const progress = terminalProgress();
      progress?.stage('generate', o.orders, 'records');
      let last = 0;
      const generated = await generateDataset({
        out: datasetDir,
        seed: o.seed,
        orders: o.orders,
        // Contract 2, so the demo's report shows every family: margin, shared order books, collateral monitoring.
        contract: 2,
        onProgress: (done) => {
          progress?.advance(done - last);
          last = done;
        },
      });
      progress?.done();
      deps.out(`generated ${datasetDir}`);
      deps.out(`  ${JSON.stringify(generated)}`);

      const services = await deps.services();
      const prefix = `venue=HKVX/contract=2/seed=${o.seed}/orders=${o.orders}/`;
      await ensureBucket(services.clients.s3, o.bucket);
      await uploadDirectory(services.clients.s3, datasetDir, o.bucket, prefix);
      const input = `s3://${o.bucket}/${prefix}`;
      const embedded = services.clients.config.mode === 'embedded';
      deps.out(`uploaded to ${input} (${embedded ? `embedded local S3, under ${deps.dataHome}` : 'S3'})`);

      process.exitCode = await executeRun(
        { input, out: outDir, store: true, force: o.force },
        { services: deps.services, out: deps.out, err: deps.err, severities: SEVERITIES, dataHome: deps.dataHome },
      );
      if (process.exitCode === 0) {
        deps.out(`report: ${join(outDir, 'report.pdf')}`);
        deps.out(`verify it: npx vatp-audit verify ${outDir}`);
        if (embedded) {
          deps.out(
            `findings store: embedded DynamoDB under ${deps.dataHome}; list them with npx vatp-audit findings list`,
          );
          deps.out(`signing key: ${localSigningKeyPath(deps.dataHome)}`);
        }
      }
    });
}
