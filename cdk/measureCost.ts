/**
 * Estimates the Lambda cost of an audit per billion events: generates a dataset, runs the data-heavy steps (Plan,
 * Ingest, every AuditPartition, Ledger, Aggregate) through the same functions the Lambdas call, against the embedded
 * S3 on this machine, times each, and converts to GB-seconds with the memory the stack gives each step.
 *
 *   npx tsx cdk/measureCost.ts [orders=200000]
 *
 * Caveats, printed with the result: local CPU is not a Graviton vCPU (Lambda gives one vCPU per 1,769 MB; the steps
 * are single-threaded), s3rver on loopback is not S3, and Report/Store cost per run (findings, PDF), not per event.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { uploadDirectory } from '#shared/adapters/s3/objects.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import { generateDataset } from '#shared/generator/index.js';
import { startEmbeddedStack } from '#shared/local/embeddedStack.js';
import { aggregateRun } from '#shared/pipeline/partition/aggregate.js';
import { auditPartition } from '#shared/pipeline/partition/auditPartition.js';
import { ingestOrderFlow } from '#shared/pipeline/partition/ingest.js';
import { auditLedger } from '#shared/pipeline/partition/ledger.js';
import { planRun } from '#shared/pipeline/partition/runPlan.js';
import { STEP_MEMORY_MB } from './vatpAuditStack.js';

/** Lambda Arm price per GB-second (us-east-1, first 6 billion GB-s a month); other regions differ. */
const ARM_USD_PER_GB_SECOND = 0.0000133334;

const orders = Number(process.argv[2] ?? 200_000);
const dir = await mkdtemp(join(tmpdir(), 'vatp-cost-'));
const stack = await startEmbeddedStack({ dataDir: join(dir, 'stack'), buckets: ['raw', 'work', 'evidence'] });
try {
  const data = join(dir, 'data');
  const gen = await generateDataset({ out: data, seed: 1, orders, format: 'jsonl', shuffle: true });
  const events = gen.counts.orders + gen.counts.trades + gen.counts.collateral + gen.counts.access;
  await uploadDirectory(stack.s3, data, 'raw', 'd/');
  const s3 = stack.s3;
  const timings: { step: keyof typeof STEP_MEMORY_MB; seconds: number }[] = [];
  const time = async <T>(step: keyof typeof STEP_MEMORY_MB, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await f();
    timings.push({ step, seconds: (performance.now() - t0) / 1000 });
    return r;
  };
  const state = await time('plan', () =>
    planRun(
      {
        input: 's3://raw/d/',
        out: 's3://evidence/pack/',
        parameters: DEFAULT_PARAMETERS,
        toolVersion: 'measure',
        workRoot: 's3://work/runs/',
        outFor: () => 's3://evidence/pack/',
      },
      { s3, now: () => new Date(), newId: () => 'measure' },
    ),
  );
  const tmp = join(dir, 'tmp');
  const ingest = await time('ingest', () => ingestOrderFlow(state, { s3 }, { tmpDir: tmp }));
  for (const p of ingest.partitions) await time('partition', () => auditPartition({ ...state, ...p }, { s3 }));
  await time('ledger', () => auditLedger(state, { s3 }, { tmpDir: tmp }));
  await time('aggregate', () => aggregateRun(state, { s3 }));

  let gbSeconds = 0;
  for (const t of timings) {
    const gbs = (t.seconds * STEP_MEMORY_MB[t.step]) / 1024;
    gbSeconds += gbs;
    console.log(`${t.step.padEnd(10)} ${t.seconds.toFixed(2).padStart(8)} s  ${gbs.toFixed(2).padStart(9)} GB-s`);
  }
  const perBillion = (gbSeconds / events) * 1e9;
  console.log(
    `events: ${events} (orders ${gen.counts.orders}, trades ${gen.counts.trades}, collateral ${gen.counts.collateral}, access ${gen.counts.access})`,
  );
  console.log(`partitions: ${ingest.partitions.length}`);
  console.log(`GB-s per billion events: ${perBillion.toFixed(0)}`);
  console.log(
    `Lambda compute per billion events: $${(perBillion * ARM_USD_PER_GB_SECOND).toFixed(2)} (Arm, us-east-1)`,
  );
  console.log('Measured on this machine against s3rver; Graviton vCPU speed and real S3 latency differ.');
} finally {
  await stack.stop();
  await rm(dir, { recursive: true, force: true });
}
