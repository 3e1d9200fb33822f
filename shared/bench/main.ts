/**
 * `npm run bench` (= `node dist/bench.js`): how fast the whole audit runs, and where its time goes.
 *
 * For each size (1M and 10M order events; `--quick`: 1M only) and each of sorted/shuffled × JSONL/CSV, it makes the
 * dataset with the project's generator (cached under bench/datasets of the data home, VATP_AUDIT_HOME, by seed and
 * size), then, each in a child process of its own: the newline-scan floor of the same files, the stage split
 * (read+parse, order, replay+checks), and the whole run (`vatp-audit run` on the embedded stack: store and report included) with its peak
 * RSS. It prints events/s, wall time per stage, peak RSS, the audit's rate as a share of the newline-scan rate, and
 * which targets are met; the same figures go to bench-results/bench-<time>.json for comparisons over time.
 *
 * Options: --quick, --sizes 1000000,10000000, --formats jsonl,csv, --orders sorted,shuffled, --seed N,
 * --no-run (skip whole runs), --no-stages, --regenerate, --cpu-prof (V8 profiles of the children into
 * bench-results/profiles), --cache DIR, --results DIR.
 */
import { execFileSync, fork } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { quietSdkNodeNotice } from '../cli/sdkNotice.js';
import { type BenchDataset, ensureDataset } from './datasets.js';
import { BenchError } from './errors.js';
import { type Args, parseArgs } from './options.js';
import { checkTargets, type DatasetResult, fmt, printDataset, summaryTable, TARGETS } from './report.js';
import { type ChildTask, type RunResult, runChildTask, type ScanResult, type StagesResult } from './tasks.js';

quietSdkNodeNotice();

/** Runs one task in a fresh child process (its own heap and peak RSS) and returns what it reports. */
function inChild<T>(task: ChildTask, args: Args): Promise<T> {
  const execArgv = [...process.execArgv];
  if (args.cpuProf) execArgv.push('--cpu-prof', `--cpu-prof-dir=${join(args.resultsDir, 'profiles')}`);
  return new Promise((resolvePromise, reject) => {
    const child = fork(process.argv[1]!, ['--child', JSON.stringify(task)], { execArgv, stdio: 'inherit' });
    let result: { ok: true; value: T } | { ok: false; error: string } | undefined;
    child.on('message', (m) => {
      result = m as typeof result;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (result?.ok === true) resolvePromise(result.value);
      else reject(new BenchError(result?.ok === false ? result.error : `child exited with code ${code}`));
    });
  });
}

function machine() {
  const cpu = cpus();
  let commit: string | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch {
    commit = null;
  }
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    commit,
  };
}

async function benchDataset(ds: BenchDataset, args: Args, log: (s: string) => void): Promise<DatasetResult> {
  const tmpDir = join(args.cacheDir, 'tmp');
  await mkdir(tmpDir, { recursive: true });
  const out: DatasetResult = {
    name: ds.name,
    orders: ds.spec.orders,
    format: ds.spec.format,
    shuffled: ds.spec.shuffle,
    counts: ds.counts,
    bytes: 0,
    generatedSeconds: ds.generatedSeconds,
    scan: null,
    stages: null,
    run: null,
  };
  try {
    log(`  newline scan …`);
    out.scan = await inChild<ScanResult>({ kind: 'scan', root: ds.root }, args);
    out.bytes = out.scan.bytes;
    if (args.stages) {
      log(`  stages (read+parse, order, replay+checks) …`);
      const s = await inChild<StagesResult>({ kind: 'stages', root: ds.root, tmpDir }, args);
      out.stages = {
        ...s,
        readParseEventsPerSecond: s.orderFlowRecords / s.readParseSeconds,
        replayEventsPerSecond: s.replayed / s.replaySeconds,
      };
    }
    if (args.run) {
      log(`  whole run …`);
      const r = await inChild<RunResult>(
        {
          kind: 'run',
          root: ds.root,
          tmpDir,
          stackDir: join(args.cacheDir, 'stack'),
          outDir: join(args.cacheDir, 'packs', ds.name),
        },
        args,
      );
      const eventsPerSecond = r.eventRecords / r.wallSeconds;
      out.run = {
        ...r,
        eventsPerSecond,
        ratioToNewlineScan: out.scan ? eventsPerSecond / out.scan.linesPerSecond : null,
      };
    }
  } catch (error) {
    out.error = (error as Error).message;
    log(`  failed: ${out.error}`);
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (s: string) => process.stdout.write(`${s}\n`);
  const m = machine();
  log(`vatp-audit bench — ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GiB, node ${m.node}, commit ${m.commit ?? '?'}`);
  const started = new Date();
  const datasetsDir = join(args.cacheDir, 'datasets');
  await mkdir(datasetsDir, { recursive: true });
  const results: DatasetResult[] = [];
  for (const orders of args.sizes) {
    for (const format of args.formats) {
      for (const order of args.orders) {
        const spec = { seed: args.seed, orders, format, shuffle: order === 'shuffled' };
        const ds = await ensureDataset(datasetsDir, spec, { regenerate: args.regenerate, log });
        log(`${ds.name}${ds.generatedSeconds !== null ? ` (generated in ${fmt(ds.generatedSeconds, 1)} s)` : ''}`);
        const r = await benchDataset(ds, args, log);
        results.push(r);
        printDataset(r, log);
      }
    }
  }
  await rm(join(args.cacheDir, 'tmp'), { recursive: true, force: true });

  log('\n=== summary ===');
  log(summaryTable(results));
  const targets = checkTargets(results);
  log('\n=== targets ===');
  for (const t of targets) {
    const verdict = t.met === null ? 'n/a ' : t.met ? 'MET ' : 'MISS';
    log(`  [${verdict}] ${t.target}: ${t.measured}`);
  }
  const file = join(args.resultsDir, `bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  await mkdir(args.resultsDir, { recursive: true });
  const report = { started: started.toISOString(), machine: m, args, targets: TARGETS, results, checks: targets };
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`\nresults written to ${file}`);
  if (results.some((r) => r.error !== undefined)) process.exitCode = 1;
}

async function child(taskJson: string): Promise<void> {
  let message: unknown;
  try {
    message = { ok: true, value: await runChildTask(JSON.parse(taskJson) as ChildTask) };
  } catch (error) {
    message = { ok: false, error: (error as Error).stack ?? String(error) };
  }
  await new Promise<void>((done) => {
    if (process.send === undefined) done();
    else process.send(message, () => done());
  });
  // The embedded stack and open handles must not keep a finished child alive.
  process.disconnect?.();
  process.exit(0);
}

if (process.argv[2] === '--child') await child(process.argv[3]!);
else
  await main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
