/**
 * `npm run bench` (= `node dist/bench.js`): how fast the whole audit runs, and where its time goes (issue 9).
 *
 * For each size (1M and 10M order events; `--quick`: 1M only) and each of sorted/shuffled × JSONL/CSV, it makes the
 * dataset with the project's generator (cached under .vatp-audit/bench/datasets by seed and size), then, each in a
 * child process of its own: the newline-scan floor of the same files, the stage split (read+parse, order,
 * replay+checks), and the whole run (`vatp-audit run` on the embedded stack: store and report included) with its peak
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
import { join, resolve } from 'node:path';
import { type BenchDataset, type BenchFormat, ensureDataset } from './datasets.js';
import { type ChildTask, type RunResult, runChildTask, type ScanResult, type StagesResult } from './tasks.js';

interface Args {
  quick: boolean;
  sizes: number[];
  formats: BenchFormat[];
  orders: ('sorted' | 'shuffled')[];
  seed: number;
  stages: boolean;
  run: boolean;
  regenerate: boolean;
  cpuProf: boolean;
  cacheDir: string;
  resultsDir: string;
}

export const TARGETS = {
  replayEventsPerSecond: 3_000_000,
  runJsonlEventsPerSecond: 1_000_000,
  runCsvEventsPerSecond: 1_500_000,
  shuffledOverSorted: 2.5,
  peakRssMbAt10M: 300,
};

interface DatasetResult {
  name: string;
  orders: number;
  format: BenchFormat;
  shuffled: boolean;
  counts: BenchDataset['counts'];
  bytes: number;
  generatedSeconds: number | null;
  scan: ScanResult | null;
  stages: (StagesResult & { readParseEventsPerSecond: number; replayEventsPerSecond: number }) | null;
  run: (RunResult & { eventsPerSecond: number; ratioToNewlineScan: number | null }) | null;
  error?: string;
}

interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
  note?: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    quick: false,
    sizes: [1_000_000, 10_000_000],
    formats: ['jsonl', 'csv'],
    orders: ['sorted', 'shuffled'],
    seed: 1,
    stages: true,
    run: true,
    regenerate: false,
    cpuProf: false,
    cacheDir: resolve('.vatp-audit/bench'),
    resultsDir: resolve('bench-results'),
  };
  let sizesGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--quick') a.quick = true;
    else if (arg === '--sizes') {
      a.sizes = value().split(',').map(Number);
      sizesGiven = true;
    } else if (arg === '--formats') a.formats = value().split(',') as BenchFormat[];
    else if (arg === '--orders') a.orders = value().split(',') as Args['orders'];
    else if (arg === '--seed') a.seed = Number(value());
    else if (arg === '--no-stages') a.stages = false;
    else if (arg === '--no-run') a.run = false;
    else if (arg === '--regenerate') a.regenerate = true;
    else if (arg === '--cpu-prof') a.cpuProf = true;
    else if (arg === '--cache') a.cacheDir = resolve(value());
    else if (arg === '--results') a.resultsDir = resolve(value());
    else throw new Error(`unknown option ${arg}`);
  }
  if (a.quick && !sizesGiven) a.sizes = [1_000_000];
  if (a.sizes.some((n) => !Number.isSafeInteger(n) || n <= 0)) throw new Error('--sizes: positive whole numbers');
  if (a.formats.some((f) => f !== 'jsonl' && f !== 'csv')) throw new Error('--formats: jsonl, csv');
  if (a.orders.some((o) => o !== 'sorted' && o !== 'shuffled')) throw new Error('--orders: sorted, shuffled');
  return a;
}

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
      else reject(new Error(result?.ok === false ? result.error : `child exited with code ${code}`));
    });
  });
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const rate = (n: number) => `${fmt(n / 1e6)}M/s`;

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

function printDataset(r: DatasetResult, log: (s: string) => void): void {
  const events = r.counts.orders + r.counts.trades + r.counts.collateral + r.counts.access;
  log(`\n${r.name}: ${events.toLocaleString('en')} events, ${fmt(r.bytes / 2 ** 20, 0)} MiB of event files`);
  if (r.scan) {
    log(
      `  newline scan        ${rate(r.scan.linesPerSecond)} lines (${fmt(r.scan.bytesPerSecond / 2 ** 20, 0)} MiB/s)`,
    );
  }
  if (r.stages) {
    const s = r.stages;
    log(`  read+parse          ${fmt(s.readParseSeconds)} s  ${rate(s.readParseEventsPerSecond)} (orders+trades)`);
    log(`  order               ${fmt(s.orderSeconds)} s  (pre-scan, merge or external sort)`);
    log(`  replay+checks       ${fmt(s.replaySeconds)} s  ${rate(s.replayEventsPerSecond)} on one core`);
    log(`  collateral / access ${fmt(s.collateralSeconds)} s / ${fmt(s.accessSeconds)} s (read, replay, checks)`);
  }
  if (r.run) {
    const run = r.run;
    log(
      `  whole run           ${fmt(run.wallSeconds)} s  ${rate(run.eventsPerSecond)}  peak RSS ${fmt(run.peakRssMb, 0)} MB` +
        (run.ratioToNewlineScan !== null ? `  = ${fmt(100 * run.ratioToNewlineScan, 1)} % of newline scan` : ''),
    );
    for (const [stage, sec] of Object.entries(run.stageSeconds)) log(`    ${stage.padEnd(18)}${fmt(sec)} s`);
    log(`  findings ${run.findings}, quarantined ${run.quarantined}`);
  }
  if (r.error) log(`  ERROR: ${r.error}`);
}

function checkTargets(results: DatasetResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const find = (orders: number, format: BenchFormat, shuffled: boolean) =>
    results.find((r) => r.orders === orders && r.format === format && r.shuffled === shuffled);
  const largest = Math.max(...results.map((r) => r.orders));
  const sortedJsonl = find(largest, 'jsonl', false);
  const replay = sortedJsonl?.stages?.replayEventsPerSecond;
  checks.push({
    target: `replay + all checks on parsed events >= ${rate(TARGETS.replayEventsPerSecond)} (one core)`,
    measured: replay !== undefined ? rate(replay) : 'not measured',
    met: replay !== undefined ? replay >= TARGETS.replayEventsPerSecond : null,
  });
  for (const [format, goal] of [
    ['jsonl', TARGETS.runJsonlEventsPerSecond],
    ['csv', TARGETS.runCsvEventsPerSecond],
  ] as const) {
    const r = find(largest, format, false)?.run;
    checks.push({
      target: `whole run, sorted ${format.toUpperCase()} >= ${rate(goal)}`,
      measured: r ? rate(r.eventsPerSecond) : 'not measured',
      met: r ? r.eventsPerSecond >= goal : null,
    });
  }
  for (const r of results.filter((x) => x.shuffled)) {
    const sorted = find(r.orders, r.format, false);
    if (!r.run || !sorted?.run) continue;
    const ratio = r.run.wallSeconds / sorted.run.wallSeconds;
    checks.push({
      target: `shuffled <= ${TARGETS.shuffledOverSorted}x sorted (${r.orders.toLocaleString('en')} ${r.format})`,
      measured: `${fmt(ratio)}x`,
      met: ratio <= TARGETS.shuffledOverSorted,
    });
  }
  const at10M = results.filter((r) => r.orders >= 10_000_000 && r.run);
  const peak = at10M.length > 0 ? Math.max(...at10M.map((r) => r.run!.peakRssMb)) : undefined;
  checks.push({
    target: `peak RSS <= ${TARGETS.peakRssMbAt10M} MB at 10M events`,
    measured: peak !== undefined ? `${fmt(peak, 0)} MB` : 'not measured (no 10M whole run)',
    met: peak !== undefined ? peak <= TARGETS.peakRssMbAt10M : null,
  });
  return checks;
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
        results.push(await benchDataset(ds, args, log));
      }
    }
  }
  await rm(join(args.cacheDir, 'tmp'), { recursive: true, force: true });

  log('\n=== results ===');
  for (const r of results) printDataset(r, log);
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
