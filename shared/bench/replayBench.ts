/**
 * Micro-benchmark of the order-flow replay and its checks on already-parsed events: times `OrderFlowAuditor.process`
 * over a synthesized order flow (orderFlowSynthesis.ts) with every rule of the pack the order flow drives
 * (BENCH_RULES). Generation is outside the timed section.
 *
 * It prints events/s per run, the median, and a digest of the findings and population counts, so that a change that
 * makes the replay faster can be shown not to change a single verdict (same digest before and after).
 *
 * CLI: see USAGE (`npx tsx shared/bench/replayBench.ts --help`).
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { OrderFlowAuditor } from '../audit/orderFlowAuditor.js';
import { RuleSet } from '../audit/ruleSet.js';
import { declarationsOf, RULE_PACK } from '../checks/pack.js';
import { DEFAULT_PARAMETERS } from '../config/parameters.js';
import type { OrderEvent } from '../contract/records.js';
import { SYMBOL_STREAM } from '../contract/streams.js';
import { FindingCollector } from '../findings/collector.js';
import { OrderBookReplay } from '../replay/orderBook.js';
import { BenchError, BenchOptionsError } from './errors.js';
import {
  DEFAULT_REPLAY_BENCH,
  type ReplayBenchOptions,
  type SyntheticOrderFlow,
  synthesizeOrderFlow,
} from './orderFlowSynthesis.js';

/** Every rule of the pack the order flow drives: those reading no replay but the order book. */
export const BENCH_RULES = RULE_PACK.filter((d) => d.replay === null || d.replay === SYMBOL_STREAM);

/** The rules that judge the order flow itself: lifecycle, trade consistency, customer priority, MM tagging. */
export const CORE_RULES = declarationsOf(['DQ-6', 'DQ-3', 'CP-1', 'MMT-1', 'MMT-2', 'MMT-3', 'MMT-4']);

export interface ReplayRun {
  seconds: number;
  eventsPerSecond: number;
  /** CPU time of the process (all its threads, GC included) during the timed section: steadier on a shared machine. */
  cpuSeconds: number;
  eventsPerCpuSecond: number;
  digest: string;
  findings: number;
  findingsByCheck: Record<string, number>;
}

/**
 * What a pass runs: `all` (the auditor with every rule the order flow drives), `core` (the auditor with the rules that
 * judge the order flow itself: DQ-6, DQ-3, CP, MMT), `replay` (the order-book replay alone, no rules) or `read` (only reading each
 * record's main fields: the floor any consumer of an in-memory array pays), to see where time goes.
 */
export type BenchScope = 'all' | 'core' | 'replay' | 'read' | 'memory';

/** One timed pass: a fresh auditor over the whole flow; finish() and the digest are outside the timing. */
export function runReplayOnce(flow: SyntheticOrderFlow, scope: BenchScope = 'all'): ReplayRun {
  const collector = new FindingCollector();
  const base = { ref: flow.ref, params: DEFAULT_PARAMETERS, sink: collector };
  const rules = new RuleSet(base, scope === 'all' ? BENCH_RULES : CORE_RULES, { replays: ['orders+trades'] });
  let quarantined = 0;
  const auditor = new OrderFlowAuditor(rules, () => {
    quarantined++;
  });
  const items = flow.items;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  if (scope === 'read') {
    // The floor: only read each record's fields once, as any consumer must.
    let n = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item.kind === 'order') {
        const r = item.rec;
        n += r.order_id.length + r.symbol.length + r.account_id.length + (r.qty?.length ?? 0) + (r.price?.length ?? 0);
      } else n += item.rec.trade_id.length + item.rec.maker_order_id.length + item.rec.qty.length;
    }
    quarantined = n > 0 ? 0 : 1;
  } else if (scope === 'replay') {
    const replay = new OrderBookReplay(flow.ref);
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item.kind === 'order') replay.applyOrderEvent(item.rec, item.file, item.line);
      else replay.applyTrade(item.rec);
    }
  } else for (let i = 0; i < items.length; i++) auditor.process(items[i]!);
  const t1 = process.hrtime.bigint();
  const c1 = process.cpuUsage(c0);
  rules.finish();
  const seconds = Number(t1 - t0) / 1e9;
  const cpuSeconds = (c1.user + c1.system) / 1e6;
  const findings = collector.findings();
  const hash = createHash('sha256');
  const findingsByCheck: Record<string, number> = {};
  for (const f of findings) {
    findingsByCheck[f.check_id] = (findingsByCheck[f.check_id] ?? 0) + 1;
    hash.update(JSON.stringify(f, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
    hash.update('\n');
  }
  // Populations of the checks this pass ran (not the whole catalogue, so that new checks elsewhere leave it alone).
  const checks = [...new Set(rules.rules.flatMap((r) => [...r.checks]))].sort();
  for (const id of checks) hash.update(`${id} ${JSON.stringify(collector.population(id))}\n`);
  hash.update(`quarantined ${quarantined}\n`);
  return {
    seconds,
    eventsPerSecond: items.length / seconds,
    cpuSeconds,
    eventsPerCpuSecond: items.length / cpuSeconds,
    digest: hash.digest('hex').slice(0, 16),
    findings: findings.length,
    findingsByCheck,
  };
}

export interface ReplayMemory {
  orders: number;
  /** Heap plus array buffers per order while open (resting in a book of `orders` orders), and once closed. */
  bytesPerOpenOrder: number;
  bytesPerClosedOrder: number;
}

/**
 * Memory of the replay per open and per closed order: enters `orders` resting limit orders (ids like the generator's,
 * prices over 800 levels, 2000 client accounts and 4 MM accounts), measures, cancels them all, measures again. Needs
 * a callable `gc` (the bench exposes it through v8 flags); records are built outside the measured deltas' lifetime
 * as the pipeline's parsed records are: each event's record is garbage once applied.
 */
export function measureReplayMemory(orders: number, gc: () => void): ReplayMemory {
  const flow = synthesizeOrderFlow({ ...DEFAULT_REPLAY_BENCH, events: 0, depth: 1, symbols: 1 });
  const replay = new OrderBookReplay(flow.ref);
  const used = () => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const base = used();
  const rec = (i: number, event: 'new' | 'cancel'): OrderEvent => {
    const acct = i % 3 === 0 ? `MM-${1 + (i % 4)}` : `C-${i % 2000}`;
    return {
      seq: i + (event === 'new' ? 0 : orders),
      ts: '2026-02-12T01:00:00.000000Z',
      event,
      order_id: `o-${1000000 + i}`.slice(0),
      symbol: 'BTC-USD',
      account_id: acct,
      side: i % 2 === 0 ? 'buy' : 'sell',
      type: 'limit',
      price: ((i % 2 === 0 ? 63000 : 65000) + (i % 400) / 100).toFixed(2),
      qty: '0.0125',
      display_qty: null,
      tif: 'gtc',
      mm_tag: acct.startsWith('MM'),
      user_id: null,
      session_id: null,
      source_ip: null,
    } as OrderEvent;
  };
  for (let i = 0; i < orders; i++) replay.applyOrderEvent(rec(i, 'new'), 'orders/part-0001.jsonl', i + 1);
  const open = used();
  for (let i = 0; i < orders; i++) replay.applyOrderEvent(rec(i, 'cancel'), 'orders/part-0001.jsonl', orders + i + 1);
  const closed = used();
  if (replay.openCount !== 0 || replay.closedCount !== orders)
    throw new BenchError('memory bench: unexpected replay state');
  return { orders, bytesPerOpenOrder: (open - base) / orders, bytesPerClosedOrder: (closed - base) / orders };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const USAGE = [
  'usage: npx tsx shared/bench/replayBench.ts [--events N] [--runs R] [--depth D] [--symbols S] [--seed X]',
  '         [--violations RATE] [--scope all|core|replay|read|memory]',
  'Times the order-flow replay and its checks on a synthesized in-memory flow; prints events/s per run, their median',
  'and a digest of the findings and populations. --scope memory prints bytes per open and per closed order of the',
  'replay (over --events orders, default 1M).',
  `Defaults: --events ${DEFAULT_REPLAY_BENCH.events} --runs 5 --depth ${DEFAULT_REPLAY_BENCH.depth} ` +
    `--symbols ${DEFAULT_REPLAY_BENCH.symbols} --seed ${DEFAULT_REPLAY_BENCH.seed} ` +
    `--violations ${DEFAULT_REPLAY_BENCH.violationRate} --scope all`,
].join('\n');

function parseArgs(argv: string[]): ReplayBenchOptions & { runs: number; scope: BenchScope } {
  const o = { ...DEFAULT_REPLAY_BENCH, runs: 5, scope: 'all' as BenchScope };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!.replace(/^--/, '');
    if (key === 'scope') {
      const v = argv[i + 1];
      if (v !== 'all' && v !== 'core' && v !== 'replay' && v !== 'read' && v !== 'memory') {
        throw new BenchOptionsError('--scope must be all, core, replay, read or memory');
      }
      o.scope = v;
      continue;
    }
    const value = Number(argv[i + 1]);
    if (!Number.isFinite(value)) throw new BenchOptionsError(`bad value for ${argv[i]}: ${argv[i + 1]}`);
    if (key === 'events') o.events = value;
    else if (key === 'runs') o.runs = value;
    else if (key === 'depth') o.depth = value;
    else if (key === 'symbols') o.symbols = value;
    else if (key === 'seed') o.seed = value;
    else if (key === 'violations') o.violationRate = value;
    else throw new BenchOptionsError(`unknown option ${argv[i]}`);
  }
  return o;
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  let opts: ReturnType<typeof parseArgs>;
  try {
    opts = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof BenchOptionsError)) throw error;
    console.error(`replayBench: ${error.message} (see --help)`);
    process.exitCode = 2;
    return;
  }
  if (opts.scope === 'memory') {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const n = opts.events === DEFAULT_REPLAY_BENCH.events ? 1_000_000 : opts.events;
    const m = measureReplayMemory(n, gc);
    console.log(
      `replay memory over ${m.orders} orders: ${m.bytesPerOpenOrder.toFixed(1)} bytes per open order, ` +
        `${m.bytesPerClosedOrder.toFixed(1)} bytes per closed order`,
    );
    return;
  }
  const g0 = process.hrtime.bigint();
  const flow = synthesizeOrderFlow(opts);
  const g1 = process.hrtime.bigint();
  console.log(
    `replay bench: ${flow.items.length} items (${flow.trades} trades, ${opts.symbols} symbols, depth ${opts.depth}/side), ` +
      `generated in ${(Number(g1 - g0) / 1e9).toFixed(1)} s`,
  );
  const rates: number[] = [];
  const cpuRates: number[] = [];
  let digest = '';
  for (let r = 0; r < opts.runs; r++) {
    const run = runReplayOnce(flow, opts.scope);
    rates.push(run.eventsPerSecond);
    cpuRates.push(run.eventsPerCpuSecond);
    if (r === 0) {
      digest = run.digest;
      console.log(`findings: ${run.findings} ${JSON.stringify(run.findingsByCheck)}`);
    } else if (run.digest !== digest) throw new BenchError(`run ${r} digest ${run.digest} differs from ${digest}`);
    console.log(
      `run ${r + 1}: ${(run.eventsPerSecond / 1e6).toFixed(3)}M events/s (${run.seconds.toFixed(3)} s wall, ` +
        `${run.cpuSeconds.toFixed(3)} s CPU = ${(run.eventsPerCpuSecond / 1e6).toFixed(3)}M events per CPU second)`,
    );
  }
  console.log(`digest ${digest}`);
  console.log(
    `median ${(median(rates) / 1e6).toFixed(3)}M events/s wall, ${(median(cpuRates) / 1e6).toFixed(3)}M events per ` +
      `CPU second, over ${opts.runs} runs`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
