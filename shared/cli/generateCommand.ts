/** `vatp-audit generate`: a seeded, deterministic sample dataset with injected violations and their ground truth. */
import { stat } from 'node:fs/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { generateDataset } from '../generator/index.js';
import { ArgumentError } from './errors.js';
import { terminalProgress } from './progressBars.js';

export function registerGenerateCommand(program: Command, deps: { out: (line: string) => void }): void {
  program
    .command('generate')
    .description(
      'write a realistic sample dataset (data contract 1 or 2) and ground-truth.jsonl of the findings it injected',
    )
    .requiredOption('--out <dir>', 'dataset folder to write')
    .option('--seed <n>', 'PRNG seed', wholeNumber, 1)
    .option('--orders <n>', 'number of order events', wholeNumber, 20_000)
    .option('--violation-rate <r>', 'injected violations per order event', rate)
    .addOption(
      new Option('--format <format>', 'record file format').choices(['jsonl', 'csv', 'mixed']).default('jsonl'),
    )
    .option('--gzip', 'gzip the record files')
    .option('--shuffle', 'write records out of seq order, within and across files')
    .option('--files-per-stream <n>', 'files per record stream', wholeNumber)
    .option(
      '--contract <n>',
      'data contract: 1, or 2 (adds venues, margin, settlements, routed orders and MF-7 monitoring)',
      contractVersion,
      1,
    )
    .option('--no-access-log', 'write no access log (FS-4 and FS-5 are then not injected)')
    .action(async (o) => {
      await assertFolderOrAbsent(o.out);
      const progress = terminalProgress();
      progress?.stage('generate', o.orders, 'records');
      let last = 0;
      const summary = await generateDataset({
        out: o.out,
        seed: o.seed,
        orders: o.orders,
        violationRate: o.violationRate,
        format: o.format,
        gzip: o.gzip === true,
        shuffle: o.shuffle === true,
        filesPerStream: o.filesPerStream,
        contract: o.contract,
        accessLog: o.accessLog !== false,
        onProgress: (done) => {
          progress?.advance(done - last);
          last = done;
        },
      });
      progress?.done();
      deps.out(`dataset written to ${o.out}`);
      deps.out(JSON.stringify(summary));
    });
}

/** `--out` of generate: a folder (its record folders are replaced) or a path that does not exist yet. */
async function assertFolderOrAbsent(path: string): Promise<void> {
  const s = await stat(path).catch(() => undefined);
  if (s !== undefined && !s.isDirectory()) throw new ArgumentError(`--out ${path} is a file, not a folder`);
}

export function wholeNumber(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

function contractVersion(v: string): 1 | 2 {
  if (v !== '1' && v !== '2') throw new InvalidArgumentError('expected 1 or 2');
  return v === '1' ? 1 : 2;
}

function rate(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a number from 0 to 1');
  return n;
}
