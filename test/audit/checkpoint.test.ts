/**
 * A partition split by time carries the order-flow audit state across a checkpoint. Processing items[0..k),
 * saving, a node:v8 round trip, loading into a fresh auditor and processing items[k..n) must give exactly the findings,
 * populations and quarantine of the unsplit run, for every split point and for several splits in a row; and the
 * replay restored must be the same replay (books, priorities, each level's protected orders in order).
 */
import { readFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '#shared/audit/errors.js';
import { type AuditorCheckpoint, OrderFlowAuditor, type OrderFlowQuarantine } from '#shared/audit/orderFlowAuditor.js';
import { type AuditBase, RuleSet } from '#shared/audit/ruleSet.js';
import { DEFAULT_REPLAY_BENCH, synthesizeOrderFlow } from '#shared/bench/orderFlowSynthesis.js';
import { BENCH_RULES } from '#shared/bench/replayBench.js';
import { CHECKS } from '#shared/checks/catalogue.js';
import { declarationsOf, type RuleDeclaration } from '#shared/checks/pack.js';
import type { Rule } from '#shared/checks/rule.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import type { OrderFlowItem } from '#shared/contract/events.js';
import type { AuditSink, FindingDraft } from '#shared/contract/finding.js';
import {
  type Account,
  accountSchema,
  csvRowToJson,
  type Instrument,
  instrumentSchema,
  manifestSchema,
  orderEventSchema,
  type Staff,
  staffSchema,
  tradeSchema,
  type Wallet,
  walletSchema,
} from '#shared/contract/records.js';
import { FindingCollector } from '#shared/findings/collector.js';
import { buildReferenceData, type ReferenceData } from '#shared/reference/referenceData.js';
import { WORKED_EXAMPLE } from '../fixtures/workedExample.js';
import { Flow, refData } from './flow.js';

/** A fresh auditor with the pack's rules the order flow drives (or `declarations`), then `extra`. */
function newAuditor(
  base: AuditBase,
  declarations: readonly RuleDeclaration[] = BENCH_RULES,
  extra: Rule[] = [],
  onQuarantine: (q: OrderFlowQuarantine) => void = () => {},
): OrderFlowAuditor {
  return new OrderFlowAuditor(new RuleSet(base, declarations, { replays: ['orders+trades'], extra }), onQuarantine);
}

/** A sink whose target can change: the resumed auditor's onReference reports go to a throwaway collector. */
class SwitchSink implements AuditSink {
  constructor(public target: AuditSink) {}
  report(f: FindingDraft): void {
    this.target.report(f);
  }
  examined(id: string, n?: number): void {
    this.target.examined(id, n);
  }
  notTested(id: string, reason: string, n?: number): void {
    this.target.notTested(id, reason, n);
  }
}

interface Outcome {
  findings: FindingDraft[];
  populations: Record<string, unknown>;
  quarantined: OrderFlowQuarantine[];
  replay: unknown;
}

function outcome(collector: FindingCollector, auditor: OrderFlowAuditor, quarantined: OrderFlowQuarantine[]): Outcome {
  const populations: Record<string, unknown> = {};
  for (const c of CHECKS) populations[c.id] = JSON.parse(JSON.stringify(collector.population(c.id)));
  return { findings: collector.findings(), populations, quarantined, replay: auditor.replay.saveState() };
}

/** Runs the items, checkpointing before each index in `splits` (ascending); the sink carries over (the lead's job). */
function runSplit(ref: ReferenceData, items: OrderFlowItem[], splits: number[]): Outcome {
  const collector = new FindingCollector();
  const sink = new SwitchSink(collector);
  const base: AuditBase = { ref, params: DEFAULT_PARAMETERS, sink };
  const quarantined: OrderFlowQuarantine[] = [];
  const onQuarantine = (q: OrderFlowQuarantine) => quarantined.push(q);
  let auditor = newAuditor(base, BENCH_RULES, [], onQuarantine);
  let i = 0;
  for (const k of [...splits, items.length]) {
    for (; i < k; i++) auditor.process(items[i]!);
    if (k === items.length && splits[splits.length - 1] !== k) break;
    const state = deserialize(serialize(auditor.saveState())) as AuditorCheckpoint;
    sink.target = new FindingCollector(); // the fresh auditor's onReference reports again: not part of the run
    auditor = newAuditor(base, BENCH_RULES, [], onQuarantine);
    auditor.loadState(state);
    sink.target = collector;
  }
  auditor.rules.finish();
  return outcome(collector, auditor, quarantined);
}

function splitPoints(n: number): number[][] {
  const mid = n >> 1;
  const points = [[0], [1], [mid], [n - 1], [n], [0, 0], [1, 2, 3], [mid, mid + 1, n - 1, n]];
  const every: number[] = [];
  for (let k = 0; k <= n; k += Math.max(1, Math.floor(n / 9))) every.push(k);
  points.push(every);
  return points.map((p) => p.filter((k) => k >= 0 && k <= n));
}

function readLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

function csvRows(path: string): Record<string, string>[] {
  const [header, ...rows] = readLines(path);
  const keys = header!.split(',');
  return rows.map((r) => {
    const cells = r.split(',');
    return Object.fromEntries(keys.map((k, i) => [k, cells[i] ?? '']));
  });
}

/** The worked example (test/fixtures/worked-example): its reference data and order flow in seq order. */
function workedExample(): { ref: ReferenceData; items: OrderFlowItem[] } {
  const dir = WORKED_EXAMPLE;
  const jsonl = <T>(p: string, parse: (x: unknown) => T) => readLines(`${dir}/${p}`).map((l) => parse(JSON.parse(l)));
  const accounts = jsonl<Account>('accounts/accounts.jsonl', (x) => accountSchema.parse(x));
  const instruments = jsonl<Instrument>('instruments/instruments.jsonl', (x) => instrumentSchema.parse(x));
  const wallets = jsonl<Wallet>('wallets/wallets.jsonl', (x) => walletSchema.parse(x));
  const staff = csvRows(`${dir}/staff/staff.csv`).map((r) => staffSchema.parse(csvRowToJson('staff', r)) as Staff);
  const ref = buildReferenceData({
    manifest: manifestSchema.parse(JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8'))),
    accounts: new Map(accounts.map((a) => [a.account_id, a])),
    staff: new Map(staff.map((s) => [s.user_id, s])),
    wallets: new Map(wallets.map((w) => [w.wallet_id, w])),
    instruments: new Map(instruments.map((i) => [i.symbol, i])),
    hasAccessLog: false,
  });
  const items: OrderFlowItem[] = [
    ...readLines(`${dir}/orders/orders-1.jsonl`).map((l, i) => ({
      kind: 'order' as const,
      rec: orderEventSchema.parse(JSON.parse(l)),
      file: 'orders/orders-1.jsonl',
      line: i + 1,
    })),
    ...csvRows(`${dir}/trades/trades-1.csv`).map((r, i) => ({
      kind: 'trade' as const,
      rec: tradeSchema.parse(csvRowToJson('trades', r)),
      file: 'trades/trades-1.csv',
      line: i + 2,
    })),
  ];
  items.sort((a, b) => a.rec.seq - b.rec.seq);
  return { ref, items };
}

describe('OrderFlowAuditor checkpoint', () => {
  it('the worked example: every split point gives the unsplit findings (CP-1 high on t-1)', () => {
    const { ref, items } = workedExample();
    const whole = runSplit(ref, items, []);
    expect(whole.findings.some((f) => f.check_id === 'CP-1' && f.subject === 't-1' && f.severity === 'high')).toBe(
      true,
    );
    for (let k = 0; k <= items.length; k++) expect(runSplit(ref, items, [k])).toEqual(whole);
    expect(runSplit(ref, items, [0, 1, 2, 3, 4])).toEqual(whole);
  });

  for (const seed of [1, 2, 3, 4]) {
    it(`synthesized flow (seed ${seed}, violations on): every split gives the unsplit findings and populations`, () => {
      const flow = synthesizeOrderFlow({
        ...DEFAULT_REPLAY_BENCH,
        events: 2500,
        depth: 12 * seed,
        symbols: 1 + (seed % 3),
        seed,
        violationRate: 0.05,
      });
      const whole = runSplit(flow.ref, flow.items, []);
      expect(whole.findings.length).toBeGreaterThan(10);
      for (const splits of splitPoints(flow.items.length)) {
        expect(runSplit(flow.ref, flow.items, splits), `splits ${splits.join(',')}`).toEqual(whole);
      }
    });
  }

  it('restores icebergs, amends that keep or lose their place, fills and bigint quantities exactly', () => {
    const f = new Flow();
    f.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '5', display: '1' });
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '3' });
    f.new({ id: 'c2', acct: 'C-2', side: 'sell', qty: '2' });
    f.new({ id: 'tp', acct: 'TP-1', side: 'sell', qty: '1', price: '99' });
    f.amend('c1', { qty: '4', display: '1' }); // keeps its place
    f.amend('c2', { qty: '3' }); // loses it: now behind c1 still, and after later joiners
    f.new({ id: 'c3', acct: 'C-3', side: 'sell', qty: '12345678901234567890.123456789' });
    f.new({ id: 't1', acct: 'C-2', side: 'buy', type: 'market', price: null, qty: '1', tif: 'ioc' });
    f.trade({ id: 'x1', maker: 'mm', taker: 't1', price: '100', qty: '1' });
    f.new({ id: 't2', acct: 'C-1', side: 'buy', qty: '0.5', tif: 'ioc', price: '100' });
    f.trade({ id: 'x2', maker: 'mm', taker: 't2', price: '100', qty: '0.5' });
    f.cancel('tp');
    f.trade({ id: 'x3', maker: 'mm', taker: 't1', price: '100', qty: '0.25' });
    f.amend('c3', { qty: '1.000000000001' });
    f.cancel('c9');
    const ref = refData();
    const whole = runSplit(ref, f.items, []);
    expect(whole.findings.length).toBeGreaterThan(0);
    for (let k = 0; k <= f.items.length; k++) expect(runSplit(ref, f.items, [k]), `split ${k}`).toEqual(whole);
  });

  it('refuses a rule that keeps state without saveState, naming it', () => {
    const base: AuditBase = { ref: refData(), params: DEFAULT_PARAMETERS, sink: new FindingCollector() };
    const stateful: Rule = { checks: ['FS-3'], onOrderEvent() {} };
    const auditor = newAuditor(base, [], [stateful]);
    expect(() => auditor.saveState()).toThrow(CheckpointError);
    expect(() => auditor.saveState()).toThrow(/Object\[FS-3\]/);
  });

  it('refuses a checkpoint of another rule list, another version, or into a used auditor', () => {
    const base: AuditBase = { ref: refData(), params: DEFAULT_PARAMETERS, sink: new FindingCollector() };
    const f = new Flow();
    f.new({ id: 'a', acct: 'C-1', side: 'sell', qty: '1' });
    const first = newAuditor(base);
    first.process(f.items[0]!);
    const state = deserialize(serialize(first.saveState())) as AuditorCheckpoint;
    expect(() => newAuditor(base, declarationsOf(['PERP-1', 'PERP-2'])).loadState(state)).toThrow(CheckpointError);
    expect(() => newAuditor(base, [...BENCH_RULES].reverse()).loadState(state)).toThrow(/differ from this auditor's/);
    expect(() => newAuditor(base).loadState({ ...state, version: 99 })).toThrow(CheckpointError);
    const used = newAuditor(base);
    used.process(f.items[0]!);
    expect(() => used.loadState(state)).toThrow(CheckpointError);
    const fresh = newAuditor(base);
    fresh.loadState(state);
    expect(fresh.replay.openOrder('a')?.account_id).toBe('C-1');
  });
});
