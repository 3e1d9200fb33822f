import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Instrument, OrderEvent, Trade } from '#shared/contract/records.js';
import type { MarginEvent, SettlementEvent } from '#shared/contract/recordsV2.js';
import {
  type GenerateOptions,
  GeneratorOptionsError,
  GROUND_TRUTH_FILE,
  type GroundTruthEntry,
  generateDataset,
} from '#shared/generator/index.js';
import { type Located, referenceAudit } from './referenceAudit.js';

const base = mkdtempSync(join(tmpdir(), 'vatp-gen2-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let dirNo = 0;
const freshDir = () => join(base, `d${++dirNo}`);

async function gen(o: Partial<GenerateOptions> = {}) {
  const out = freshDir();
  const summary = await generateDataset({ out, seed: 42, orders: 4000, violationRate: 0.01, contract: 2, ...o });
  return { out, summary, truth: readTruth(out) };
}

function readTruth(dir: string): GroundTruthEntry[] {
  return readFileSync(join(dir, GROUND_TRUTH_FILE), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as GroundTruthEntry);
}

function hashFolder(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, `${rel}${name}/`);
      else h.update(`${rel}${name}\u0000`).update(readFileSync(p));
    }
  };
  walk(dir, '');
  return h.digest('hex');
}

const key = (e: { check_id: string; subject: string; severity: string }) => `${e.check_id} ${e.subject} ${e.severity}`;
const subjects = (truth: GroundTruthEntry[], check: string) =>
  truth.filter((e) => e.check_id === check).map((e) => e.subject);

/** The checks V2.md brings or changes. */
const V2_CHECKS = ['PERP-2', 'PERP-3', 'PERP-4', 'PERP-5', 'PERP-6', 'PERP-7', 'MF-7', 'SOB-1', 'SOB-2', 'SOB-3'];

/** Every boundary issue #20 names, as the oracle counts the records sitting exactly on it. */
const BOUNDARIES = [
  'PERP-2 not retail-approved, IOSCO index',
  'PERP-3 deposit of fiat',
  'PERP-3 deposit of hkma_stablecoin',
  'PERP-3 deposit of tokenized_deposit',
  'PERP-4 balance exactly zero after',
  'PERP-4 judged while already below zero',
  'PERP-4 profit leaving the balance below zero (not judged)',
  'PERP-5 covered exactly',
  'PERP-5 covered beyond the deficit',
  'PERP-6 fund exactly what is uncovered',
  'PERP-6 fund a cent short of what is uncovered',
  'PERP-6 adl with nothing left to cover',
  'adl ref unresolved',
  'insurance ref unresolved',
  'PERP-7 tie, amount negative',
  'PERP-7 tie, amount positive',
  'PERP-7 tie, wrongly rounded',
  'PERP-7 rate published at the funding own seq',
  'PERP-7 interval_start same instant, other text',
  'DQ-5 margin symbol of a spot instrument',
  'MF-7 valuation gap exactly the maximum',
  'MF-7 valuation gap the maximum and 1 ns',
  'MF-7 release gap the maximum and 1 ns',
  'MF-7 period-end gap exactly the maximum',
  'MF-7 period-end gap the maximum and 1 ns',
  'MF-7 negative difference',
  'SOB-1 buy pre-funded exactly',
  'SOB-1 sell pre-funded exactly',
  'SOB-1 buy one cent short',
  'SOB-1 market buy not tested',
];

describe('generateDataset, data contract 2', () => {
  it('is deterministic, and differs from the contract-1 dataset of the same options', async () => {
    const o: Partial<GenerateOptions> = { format: 'mixed', shuffle: true, filesPerStream: 2 };
    const a = await gen(o);
    const b = await gen(o);
    expect(hashFolder(a.out)).toBe(hashFolder(b.out));
    expect(a.summary).toEqual({ ...b.summary, out: a.out });
    const one = await gen({ ...o, contract: 1 });
    expect(hashFolder(one.out)).not.toBe(hashFolder(a.out));
    expect(one.summary.contract).toBe(1);
    expect(one.summary.counts.margin).toBeUndefined();
  });

  it('writes the contract-2 manifest, folders and fields', async () => {
    const { out, summary } = await gen();
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toMatchObject({ contract: 2 });
    for (const d of ['venues', 'margin', 'settlements']) expect(readdirSync(join(out, d)).length).toBeGreaterThan(0);
    expect(summary.contract).toBe(2);
    expect(summary.counts.margin).toBeGreaterThan(250);
    expect(summary.counts.settlements).toBeGreaterThan(100);
    expect(summary.counts.routedOrders).toBeGreaterThan(50);
    const { parsed } = referenceAudit(out);
    const inst = parsed.records.instruments.map((x) => x.rec as Instrument);
    expect(inst.some((i) => i.reference_index_iosco === true && !i.retail_spot_approved)).toBe(true);
    const orders = parsed.records.orders.map((x) => x.rec as OrderEvent);
    const routedNew = orders.filter((e) => e.event === 'new' && e.route != null);
    expect(routedNew.length).toBe(summary.counts.routedOrders);
    expect(orders.some((e) => e.event === 'amend' && e.route == null && e.prefunded != null)).toBe(true);
    expect(orders.some((e) => e.event === 'snapshot' && e.route != null)).toBe(false);
    const events = new Set(parsed.records.margin.map((x) => (x.rec as MarginEvent).event));
    expect(events).toEqual(
      new Set([
        'deposit',
        'withdraw',
        'pnl',
        'fee',
        'credit',
        'funding_rate',
        'funding',
        'liquidation',
        'insurance',
        'adl',
      ]),
    );
    const mechanisms = new Set(parsed.records.settlements.map((x) => (x.rec as SettlementEvent).mechanism));
    expect(mechanisms).toEqual(new Set(['dvp', 'free_of_payment']));
  });

  it('the ground truth holds every V2 check, and the data-quality checks on the new streams', async () => {
    const { out, truth } = await gen({ orders: 3000, violationRate: 0.001 });
    const ids = new Set(truth.map((e) => e.check_id));
    for (const c of V2_CHECKS) expect(ids, c).toContain(c);
    const dq1 = subjects(truth, 'DQ-1');
    for (const folder of ['margin/', 'settlements/', 'venues/'])
      expect(
        dq1.some((s) => s.startsWith(folder)),
        folder,
      ).toBe(true);
    for (const dq of ['DQ-2', 'DQ-4'])
      for (const seq of ['margin:', 'settlements:'])
        expect(
          subjects(truth, dq).some((s) => s.startsWith(seq)),
          `${dq} ${seq}`,
        ).toBe(true);
    // DQ-5: a venue not in venues, a margin account and symbol not in the reference data, a ref naming no earlier
    // liquidation, a settlement of an order that is no routed order.
    const dq5 = subjects(truth, 'DQ-5');
    for (const prefix of ['XX-AFX-', 'C-MARGIN-UNREG-', 'UNLISTED', 'm-void-', 'o-offbook-'])
      expect(
        dq5.some((s) => s.startsWith(prefix)),
        prefix,
      ).toBe(true);
    // DQ-3: local trades naming a routed order (as maker and as taker).
    const { parsed } = referenceAudit(out);
    const routed = new Set(
      parsed.records.orders
        .map((x) => x.rec as OrderEvent)
        .filter((e) => e.route != null)
        .map((e) => e.order_id),
    );
    const trades = parsed.records.trades.map((x) => x.rec as Trade);
    const dq3 = new Set(subjects(truth, 'DQ-3'));
    const naming = trades.filter((t) => routed.has(t.maker_order_id) || routed.has(t.taker_order_id));
    expect(naming.some((t) => routed.has(t.maker_order_id))).toBe(true);
    expect(naming.some((t) => routed.has(t.taker_order_id))).toBe(true);
    for (const t of naming) expect(dq3, t.trade_id).toContain(t.trade_id);
    // MF-7: the 15 min + 1 ns gaps and the tail are findings, exactly 15 min never.
    const mf7 = subjects(truth, 'MF-7');
    for (const prefix of ['VA-GAP-', 'VA-GAPV-', 'VA-SEQ-', 'VA-TAIL-', 'VA-TAILOVER-'])
      expect(
        mf7.some((s) => s.startsWith(prefix)),
        prefix,
      ).toBe(true);
    expect(
      mf7.filter((s) => s.startsWith('VA-EDGE-') || s.startsWith('VA-TAILEDGE-') || s.startsWith('VA-BACK-')),
    ).toEqual([]);
    expect(mf7.filter((s) => ['BTC', 'ETH', 'SOL'].includes(s))).toEqual([]);
  });

  it.each([
    ['JSONL', {}],
    ['CSV, several files', { format: 'csv', filesPerStream: 3 }],
    ['gzip + shuffle', { gzip: true, shuffle: true, filesPerStream: 2, seed: 5 }],
    [
      'mixed + gzip + shuffle + 8 symbols',
      { format: 'mixed', gzip: true, shuffle: true, filesPerStream: 4, symbols: 8 },
    ],
    ['without an access log', { accessLog: false, format: 'mixed', shuffle: true, seed: 9 }],
    ['dense', { orders: 6000, violationRate: 0.1, seed: 14 }],
  ] as const)('the ground truth is exactly what an independent reading of V2.md finds: %s', async (_name, o) => {
    const { out, truth } = await gen({ seed: 7, ...o });
    const { findings, boundaries } = referenceAudit(out);
    expect(findings.map(key)).toEqual(truth.map(key));
    for (const b of BOUNDARIES) expect(boundaries[b] ?? 0, b).toBeGreaterThan(0);
  });

  it('without an access log: no access folder, no FS-4 or FS-5 injected', async () => {
    const { out, truth } = await gen({ accessLog: false });
    expect(existsSync(join(out, 'access'))).toBe(false);
    expect(truth.filter((e) => e.check_id === 'FS-4' || e.check_id === 'FS-5')).toEqual([]);
    expect(truth.some((e) => e.check_id === 'FS-3')).toBe(true);
  });

  it('clean contract-2 data has no expected finding and none is found; every record is schema-valid', async () => {
    const { out, truth, summary } = await gen({ violationRate: 0, orders: 6000, format: 'mixed', shuffle: true });
    expect(truth).toEqual([]);
    expect(summary.injected).toEqual({});
    const { findings, parsed, boundaries } = referenceAudit(out);
    expect(parsed.malformed).toEqual([]);
    expect(findings).toEqual([]);
    // The clean flow itself sits on some boundaries: balances left at exactly zero, buys pre-funded exactly.
    expect(boundaries['PERP-4 balance exactly zero after']).toBeGreaterThan(0);
    expect(boundaries['SOB-1 buy pre-funded exactly']).toBeGreaterThan(0);
  });

  it('seq is unique and gap-free in margin and settlements except the injected gaps and duplicates', async () => {
    const { out, truth } = await gen({ shuffle: true, filesPerStream: 3, violationRate: 0.05 });
    const { parsed } = referenceAudit(out);
    for (const name of ['margin', 'settlements'] as const) {
      const seqs = (parsed.records[name] as Located<{ seq: number }>[]).map((x) => x.rec.seq).sort((a, b) => a - b);
      const gaps: string[] = [];
      const dups: string[] = [];
      for (let i = 1; i < seqs.length; i++) {
        const a = seqs[i - 1] as number;
        const b = seqs[i] as number;
        if (b === a) dups.push(`${name}:${b}`);
        if (b > a + 1) gaps.push(`${name}:${a + 1}-${b - 1}`);
      }
      expect(gaps.sort()).toEqual(
        subjects(truth, 'DQ-4')
          .filter((s) => s.startsWith(`${name}:`))
          .sort(),
      );
      expect([...new Set(dups)].sort()).toEqual(
        subjects(truth, 'DQ-2')
          .filter((s) => s.startsWith(`${name}:`))
          .sort(),
      );
      expect(gaps.length).toBeGreaterThan(0);
    }
  });

  it('refuses a contract other than 1 or 2', async () => {
    await expect(
      generateDataset({ out: freshDir(), seed: 1, orders: 10, contract: 3 as unknown as 2 }),
    ).rejects.toBeInstanceOf(GeneratorOptionsError);
  });
});
