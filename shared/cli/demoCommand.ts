/**
 * `vatp-audit demo` (what `npm start` runs): generate a sample dataset, upload it to the S3 in use (the embedded one
 * by default), audit the s3:// copy, and write the evidence pack and PDF to a local folder.
 */
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ensureBucket, uploadDirectory } from '../adapters/s3/objects.js';
import { SEVERITIES } from '../contract/finding.js';
import { generateDataset } from '../generator/index.js';
import { terminalProgress } from './progressBars.js';
import { executeRun } from './runCommand.js';
import type { CliServices } from './services.js';

export interface DemoDeps {
  services: () => Promise<CliServices>;
  out: (line: string) => void;
  err: (line: string) => void;
  dataDir: string;
}

export function registerDemoCommand(program: Command, deps: DemoDeps): void {
  program
    .command('demo')
    .description('generate a sample dataset, upload it to S3 (embedded by default), audit it, write the evidence pack')
    .option('--orders <n>', 'order events to generate', (v) => Number(v), 50_000)
    .option('--seed <n>', 'generator seed', (v) => Number(v), 42)
    .option('--out <dir>', 'evidence pack folder', 'vatp-audit-demo')
    .option('--bucket <name>', 'raw-logs bucket', 'vatp-audit-raw-logs')
    .action(async (o: { orders: number; seed: number; out: string; bucket: string }) => {
      const datasetDir = join(deps.dataDir, 'demo', `dataset-seed${o.seed}-orders${o.orders}`);
      await rm(datasetDir, { recursive: true, force: true });
      const progress = terminalProgress();
      progress?.stage('generate', o.orders);
      let last = 0;
      const generated = await generateDataset({
        out: datasetDir,
        seed: o.seed,
        orders: o.orders,
        onProgress: (done) => {
          progress?.advance(done - last);
          last = done;
        },
      });
      progress?.done();
      deps.out(`generated ${datasetDir}`);
      deps.out(`  ${JSON.stringify(generated)}`);

      const services = await deps.services();
      const prefix = `venue=HKVX/seed=${o.seed}/orders=${o.orders}/`;
      await ensureBucket(services.clients.s3, o.bucket);
      await uploadDirectory(services.clients.s3, datasetDir, o.bucket, prefix);
      const input = `s3://${o.bucket}/${prefix}`;
      deps.out(`uploaded to ${input} (${services.clients.config.mode === 'embedded' ? 'embedded local S3' : 'S3'})`);

      const outDir = resolve(o.out);
      await rm(outDir, { recursive: true, force: true });
      process.exitCode = await executeRun(
        { input, out: outDir, store: true },
        { services: deps.services, out: deps.out, err: deps.err, severities: SEVERITIES },
      );
      if (process.exitCode === 0) {
        deps.out(`report: ${join(outDir, 'report.pdf')}`);
        deps.out(`verify it: npx vatp-audit verify ${outDir}`);
      }
    });
}
