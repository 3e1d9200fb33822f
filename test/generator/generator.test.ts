import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareDecimal } from '#shared/contract/decimal.js';
import type { Instrument, OrderEvent, Trade } from '#shared/contract/records.js';
import {
  type GenerateOptions,
  GeneratorOptionsError,
  GROUND_TRUTH_FILE,
  type GroundTruthEntry,
  generateDataset,
} from '#shared/generator/index.js';
import { type Located, parseCsv, referenceAudit } from './referenceAudit.js';

const base = mkdtempSync(join(tmpdir(), 'vatp-gen-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let dirNo = 0;
const freshDir = () => join(base, `d${++dirNo}`);

async function gen(o: Partial<GenerateOptions> = {}) {
  const out = freshDir();
  const summary = await generateDataset({ out, seed: 42, orders: 4000, violationRate: 0.01, ...o });
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

const ALL_CHECKS = [
  'CP-1',
  'CP-2',
  'MMT-1',
  'MMT-2',
  'MMT-3',
  'MMT-4',
  'FS-1',
  'FS-2',
  'FS-3',
  'FS-4',
  'FS-5',
  'FS-6',
  'FS-7',
  'NRH-1',
  'NRH-2',
  'NRH-3',
  'NRH-4',
  'NRH-5',
  'MF-1',
  'MF-2',
  'MF-3',
  'MF-4',
  'MF-5',
  'MF-6',
  'PERP-1',
  'PERP-2',
  'DQ-1',
  'DQ-2',
  'DQ-3',
  'DQ-4',
  'DQ-5',
  'DQ-6',
];

describe('generateDataset', () => {
  it('is deterministic: same options give byte-identical folders (shuffled, gzipped, mixed formats too)', async () => {
    const o: Partial<GenerateOptions> = { format: 'mixed', gzip: true, shuffle: true, filesPerStream: 3 };
    const a = await gen(o);
    const b = await gen(o);
    expect(hashFolder(a.out)).toBe(hashFolder(b.out));
    expect(a.summary).toEqual({ ...b.summary, out: a.out });
  });

  it('contract 1 writes exactly the bytes it always wrote (pinned before contract 2 existed)', async () => {
    const a = await gen();
    expect(hashFolder(a.out)).toBe('c47f9b912f5b55212ddaee96a40505b884626f81c1b2365dd2dd652286f73da6');
    const b = await gen({ seed: 3, orders: 1500, violationRate: undefined, format: 'csv', filesPerStream: 2 });
    expect(hashFolder(b.out)).toBe('1a5123a575e54d709be08c1b8be418fd3336d8401d9878a7fd923eb726e9d1e6');
    expect(a.summary.contract).toBe(1);
  });

  it('different seeds give different data', async () => {
    const a = await gen({ seed: 1 });
    const b = await gen({ seed: 2 });
    expect(hashFolder(a.out)).not.toBe(hashFolder(b.out));
  });

  it('writes the contract folders, a manifest, and the ground truth sorted by check then subject', async () => {
    const { out, summary, truth } = await gen();
    for (const d of ['accounts', 'staff', 'wallets', 'instruments', 'orders', 'trades', 'collateral', 'access']) {
      expect(readdirSync(join(out, d)).length).toBeGreaterThan(0);
    }
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toEqual({
      contract: 1,
      venue: 'HKVX',
      operator_entity_id: 'E-OP',
      period_start: '2026-02-12T00:00:00Z',
      period_end: '2026-02-13T00:00:00Z',
    });
    const sorted = [...truth].sort((x, y) =>
      x.check_id !== y.check_id ? (x.check_id < y.check_id ? -1 : 1) : x.subject < y.subject ? -1 : 1,
    );
    expect(truth).toEqual(sorted);
    expect(new Set(truth.map((e) => `${e.check_id} ${e.subject}`)).size).toBe(truth.length);
    expect(summary.groundTruthFindings).toBe(truth.length);
    expect(Math.abs(summary.counts.orders - 4000)).toBeLessThan(400);
  });

  it('the ground truth holds every check of RULES.md, both CP-1 and both FS-4 severities, at a few thousand orders', async () => {
    const { truth } = await gen({ orders: 2500, violationRate: 0.001 });
    const ids = new Set(truth.map((e) => e.check_id));
    for (const c of ALL_CHECKS) expect(ids, c).toContain(c);
    const sev = (c: string) => new Set(truth.filter((e) => e.check_id === c).map((e) => e.severity));
    expect(sev('CP-1')).toEqual(new Set(['critical', 'high']));
    expect(sev('FS-4')).toEqual(new Set(['high', 'low']));
  });

  it('the ground truth is exactly what an independent reading of RULES.md finds (JSONL)', async () => {
    const { out, truth } = await gen({ orders: 8000 });
    const { findings } = referenceAudit(out);
    expect(findings.map(key)).toEqual(truth.map(key));
  });

  it.each([
    ['csv', { format: 'csv', filesPerStream: 2 }],
    ['gzip + shuffle', { gzip: true, shuffle: true, filesPerStream: 3 }],
    [
      'mixed + gzip + shuffle + 8 symbols',
      { format: 'mixed', gzip: true, shuffle: true, filesPerStream: 4, symbols: 8 },
    ],
  ] as const)('variant %s parses and matches the ground truth exactly', async (_name, o) => {
    const { out, truth } = await gen({ seed: 7, ...o });
    const { findings } = referenceAudit(out);
    expect(findings.map(key)).toEqual(truth.map(key));
  });

  it('clean data (violationRate 0) has no expected finding and none is found; every record is schema-valid', async () => {
    const { out, truth, summary } = await gen({ violationRate: 0, orders: 6000, format: 'mixed', shuffle: true });
    expect(truth).toEqual([]);
    expect(summary.injected).toEqual({});
    const { findings, parsed } = referenceAudit(out);
    expect(parsed.malformed).toEqual([]);
    expect(findings).toEqual([]);
  });

  it('every record fails the contract schema exactly when the ground truth lists its path:line as DQ-1', async () => {
    for (const format of ['jsonl', 'csv'] as const) {
      const { out, truth } = await gen({ format, filesPerStream: 2, seed: 5 });
      const { parsed } = referenceAudit(out);
      const dq1 = truth.filter((e) => e.check_id === 'DQ-1').map((e) => e.subject);
      expect([...parsed.malformed].sort()).toEqual([...dq1].sort());
      expect(dq1.length).toBeGreaterThanOrEqual(9);
    }
  });

  it('seq is unique and gap-free in orders+trades and collateral except the injected gaps and duplicates', async () => {
    const { out, truth } = await gen({ shuffle: true, filesPerStream: 3 });
    const { parsed } = referenceAudit(out);
    for (const [name, seqs] of [
      [
        'orders+trades',
        [...parsed.records.orders, ...parsed.records.trades].map((x) => (x.rec as { seq: number }).seq),
      ],
      ['collateral', parsed.records.collateral.map((x) => (x.rec as { seq: number }).seq)],
    ] as const) {
      const sorted = [...seqs].sort((a, b) => a - b);
      const gaps: string[] = [];
      const dups: string[] = [];
      for (let i = 1; i < sorted.length; i++) {
        const a = sorted[i - 1] as number;
        const b = sorted[i] as number;
        if (b === a) dups.push(`${name}:${b}`);
        if (b > a + 1) gaps.push(`${name}:${a + 1}-${b - 1}`);
      }
      const expectGaps = truth
        .filter((e) => e.check_id === 'DQ-4' && e.subject.startsWith(`${name}:`))
        .map((e) => e.subject);
      const expectDups = truth
        .filter((e) => e.check_id === 'DQ-2' && e.subject.startsWith(`${name}:`))
        .map((e) => e.subject);
      expect(gaps.sort()).toEqual(expectGaps.sort());
      expect(dups.sort()).toEqual(expectDups.sort());
      expect(gaps.length).toBeGreaterThan(0);
    }
  });

  it('simulation: each trade fills a maker resting at the trade price; the taker `new` comes first; customer priority holds in clean data', async () => {
    const { out, truth, summary } = await gen({ orders: 6000 });
    const { parsed } = referenceAudit(out);
    const dq3 = new Set(truth.filter((e) => e.check_id === 'DQ-3').map((e) => e.subject));
    const cp = new Set(truth.filter((e) => e.check_id.startsWith('CP-')).map((e) => e.subject));
    const roles = new Map(
      parsed.records.accounts.map((x) => {
        const a = x.rec as { account_id: string; role: string; entity_id: string };
        return [a.account_id, a];
      }),
    );
    type Flow = { o?: OrderEvent; t?: Trade; seq: number };
    const flow: Flow[] = [
      ...(parsed.records.orders as Located<OrderEvent>[]).map((x) => ({ o: x.rec, seq: x.rec.seq })),
      ...(parsed.records.trades as Located<Trade>[]).map((x) => ({ t: x.rec, seq: x.rec.seq })),
    ].sort((a, b) => a.seq - b.seq);
    interface O {
      e: OrderEvent;
      price: string | null;
      open: number;
      resting: boolean;
      last: string;
    }
    const orders = new Map<string, O>();
    let checked = 0;
    let mmFills = 0;
    for (const f of flow) {
      if (f.o !== undefined) {
        const e = f.o;
        const known = orders.get(e.order_id);
        if (e.event === 'new' || e.event === 'snapshot') {
          if (known !== undefined) continue;
          const rests =
            e.event === 'snapshot' || (e.type === 'limit' && ['gtc', 'day', 'post_only'].includes(e.tif ?? ''));
          orders.set(e.order_id, { e, price: e.price ?? null, open: Number(e.qty), resting: rests, last: e.event });
        } else if (known !== undefined) {
          known.last = e.event;
          if (e.event === 'amend') {
            known.price = e.price ?? known.price;
            known.open = Number(e.qty) - (Number(known.e.qty) - known.open);
            known.e = { ...known.e, qty: e.qty };
          } else known.resting = false;
        }
        continue;
      }
      const t = f.t as Trade;
      const maker = orders.get(t.maker_order_id);
      const taker = orders.get(t.taker_order_id);
      if (!dq3.has(t.trade_id)) {
        expect(maker?.resting, t.trade_id).toBe(true);
        expect(compareDecimal(maker?.price as string, t.price), t.trade_id).toBe(0);
        if (t.phase === 'continuous') expect(taker?.last, t.trade_id).toBe('new');
        checked++;
      }
      // Customer priority, independently: no visible protected order at the MM maker's price or better.
      if (
        t.phase === 'continuous' &&
        maker !== undefined &&
        roles.get(maker.e.account_id)?.role === 'affiliated_mm' &&
        !cp.has(t.trade_id)
      ) {
        mmFills++;
        const takerEntity = taker === undefined ? undefined : roles.get(taker.e.account_id)?.entity_id;
        for (const o of orders.values()) {
          if (!o.resting || o === maker || o.e.symbol !== maker.e.symbol || o.e.side !== maker.e.side) continue;
          const a = roles.get(o.e.account_id);
          if (a === undefined || (a.role !== 'client' && a.role !== 'third_party_mm')) continue;
          if (taker !== undefined && (o.e.account_id === taker.e.account_id || a.entity_id === takerEntity)) continue;
          const c = compareDecimal(o.price as string, maker.price as string);
          expect(maker.e.side === 'sell' ? c > 0 : c < 0, `${t.trade_id} vs ${o.e.order_id}`).toBe(true);
        }
      }
      for (const o of [maker, taker]) {
        if (o === undefined) continue;
        o.open -= Number(t.qty);
        if (o.open <= 1e-12) o.resting = false;
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(mmFills).toBeGreaterThan(20);
    expect(summary.counts.snapshots).toBeGreaterThan(0);
    expect(summary.counts.auctionTrades).toBeGreaterThan(0);
  });

  it('is realistic enough: a perpetual on a retail-approved asset, icebergs, IOC/FOK/market orders, amends, every account role', async () => {
    const { out } = await gen({ orders: 3000 });
    const { parsed } = referenceAudit(out);
    const inst = parsed.records.instruments.map((x) => x.rec as Instrument);
    expect(inst.some((i) => i.product === 'perpetual' && i.retail_spot_approved)).toBe(true);
    const ev = parsed.records.orders.map((x) => x.rec as OrderEvent);
    for (const kind of ['new', 'amend', 'cancel', 'expire', 'reject', 'snapshot'])
      expect(
        ev.some((e) => e.event === kind),
        kind,
      ).toBe(true);
    for (const tif of ['gtc', 'day', 'ioc', 'fok', 'post_only'])
      expect(
        ev.some((e) => e.tif === tif),
        tif,
      ).toBe(true);
    expect(ev.some((e) => e.type === 'market' && e.price == null)).toBe(true);
    expect(ev.some((e) => e.display_qty != null)).toBe(true);
    expect(ev.some((e) => e.user_id == null)).toBe(true);
    const roles = new Set(parsed.records.accounts.map((x) => (x.rec as { role: string }).role));
    expect(roles).toEqual(new Set(['client', 'affiliated_mm', 'third_party_mm', 'platform']));
    const prices = ev.map((e) => e.price).filter((p): p is string => p != null);
    expect(prices.some((p) => /\.\d*0$/.test(p))).toBe(true);
    expect(ev.every((e) => e.ts >= '2026-02-12T00:00:00Z' && e.ts < '2026-02-13T00:00:00Z')).toBe(true);
  });

  it('reports progress and rejects unusable options', async () => {
    const seen: number[] = [];
    await generateDataset({ out: freshDir(), seed: 3, orders: 1500, onProgress: (d, t) => seen.push(d / t) });
    expect(seen.at(-1)).toBe(1);
    await expect(generateDataset({ out: freshDir(), seed: 1, orders: -5 })).rejects.toBeInstanceOf(
      GeneratorOptionsError,
    );
    await expect(generateDataset({ out: freshDir(), seed: 1, orders: 10, violationRate: 2 })).rejects.toBeInstanceOf(
      GeneratorOptionsError,
    );
    await expect(generateDataset({ out: freshDir(), seed: 1, orders: 10, filesPerStream: 0 })).rejects.toBeInstanceOf(
      GeneratorOptionsError,
    );
  });
});

describe('referenceAudit CSV reader (the test oracle itself)', () => {
  it('follows RFC 4180: quoted commas, quotes and line breaks; quote errors end at the line end', () => {
    const rows = parseCsv('a,b\n"x,1","say ""hi"""\n"multi\nline",2\nbad"q,3\n"ok"x,4\n\n  \nlast,5\r\n');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x,1', 'say "hi"'] },
      { line: 3, cells: ['multi\nline', '2'] },
      { line: 5, cells: null },
      { line: 6, cells: null },
      { line: 9, cells: ['last', '5'] },
    ]);
  });
});
