/**
 * The bench harness's own logic (not the benchmark: no timing is asserted): options, the dataset cache, the figures
 * each measurement reports on a small dataset, and how targets are judged.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDataset } from '#shared/bench/datasets.js';
import { parseArgs } from '#shared/bench/options.js';
import { checkTargets, type DatasetResult, summaryTable, TARGETS } from '#shared/bench/report.js';
import { measureStore, type StoreBenchResult } from '#shared/bench/storeBench.js';
import { measureStages, newlineScan } from '#shared/bench/tasks.js';

const work = mkdtempSync(join(tmpdir(), 'vatp-bench-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('bench options', () => {
  it('defaults to 1M and 10M, both formats and orders; --quick keeps 1M only', () => {
    const d = parseArgs([], '/x', { VATP_AUDIT_HOME: '/home/u/.vatp-audit' });
    expect(d.sizes).toEqual([1_000_000, 10_000_000]);
    expect(d.formats).toEqual(['jsonl', 'csv']);
    expect(d.orders).toEqual(['sorted', 'shuffled']);
    expect(d.cacheDir).toBe('/home/u/.vatp-audit/bench');
    expect(d.resultsDir).toBe('/x/bench-results');
    expect(d.storeFindings).toBe(25_000);
    expect(parseArgs(['--store', '0', '--no-naive'], '/x')).toMatchObject({ storeFindings: 0, naive: false });
    expect(parseArgs(['--quick'], '/x').sizes).toEqual([1_000_000]);
    expect(parseArgs(['--quick', '--sizes', '5000'], '/x').sizes).toEqual([5000]);
    expect(parseArgs(['--formats', 'csv', '--orders', 'shuffled', '--no-run'], '/x')).toMatchObject({
      formats: ['csv'],
      orders: ['shuffled'],
      run: false,
      stages: true,
    });
  });

  it('refuses unknown options and bad values', () => {
    expect(() => parseArgs(['--fast'], '/x')).toThrow(/unknown option/);
    expect(() => parseArgs(['--sizes', '0'], '/x')).toThrow(/sizes/);
    expect(() => parseArgs(['--formats', 'xml'], '/x')).toThrow(/formats/);
    expect(() => parseArgs(['--seed'], '/x')).toThrow(/needs a value/);
    expect(() => parseArgs(['--store', '-1'], '/x')).toThrow(/--store/);
  });
});

describe('bench datasets and measurements', () => {
  const spec = { seed: 3, orders: 3000, format: 'jsonl' as const, shuffle: false };

  it('generates a dataset once and reuses it from the cache (marker beside it); --regenerate makes it again', async () => {
    const first = await ensureDataset(work, spec);
    expect(first.generatedSeconds).not.toBeNull();
    expect(first.counts.orders).toBeGreaterThan(2500);
    const again = await ensureDataset(work, spec);
    expect(again.generatedSeconds).toBeNull();
    expect(again.counts).toEqual(first.counts);
    expect(JSON.parse(readFileSync(`${first.root}.json`, 'utf8')).spec).toEqual(spec);
    const other = await ensureDataset(work, { ...spec, seed: 4 });
    expect(other.root).not.toBe(first.root);
    expect((await ensureDataset(work, spec, { regenerate: true })).generatedSeconds).not.toBeNull();
  }, 60_000);

  it('newline scan counts every line of the event files; stages count what the audit reads and replays', async () => {
    const ds = await ensureDataset(work, spec);
    const scan = await newlineScan(ds.root);
    const c = ds.counts;
    // One line per event record (the generator writes JSONL without blank lines), injected malformed lines included.
    expect(scan.lines).toBeGreaterThanOrEqual(c.orders + c.trades + c.collateral + c.access);
    expect(scan.files).toBeGreaterThanOrEqual(4);
    const stages = await measureStages(ds.root, work);
    expect(stages.orderFlowRecords).toBeGreaterThanOrEqual(c.orders + c.trades);
    expect(stages.replayed).toBeLessThanOrEqual(stages.orderFlowRecords);
    expect(stages.replayed).toBeGreaterThan(0.9 * (c.orders + c.trades));
    expect(stages.findings).toBeGreaterThan(0);
    for (const s of [stages.readParseSeconds, stages.replaySeconds, stages.orderSeconds]) {
      expect(s).toBeGreaterThanOrEqual(0);
    }
  }, 60_000);
});

describe('store task', () => {
  it('stores N findings of one run on a fresh embedded stack and reports findings/s', async () => {
    const r = await measureStore(120, work);
    expect(r.findings).toBe(120);
    expect(r.findingsPerSecond).toBeCloseTo(120 / r.wallSeconds);
    expect(r.recordSeconds + r.completeSeconds).toBeLessThanOrEqual(r.wallSeconds);
    expect(r.mainThreadBusy).toBeGreaterThan(0);
    expect(r.mainThreadBusy).toBeLessThanOrEqual(1);
  }, 60_000);

  it('judges 25,000 findings in 5 s from the measured rate', () => {
    const store = (findingsPerSecond: number) => ({ findingsPerSecond }) as StoreBenchResult;
    const judge = (s: StoreBenchResult | null) =>
      checkTargets([], s).find((c) => c.target.includes('findings stored'))!;
    expect(judge(store(6000))).toMatchObject({ met: true, measured: '4.2 s at 6000 findings/s' });
    expect(judge(store(300)).met).toBe(false);
    expect(judge(null).met).toBeNull();
  });
});

describe('targets', () => {
  const result = (
    orders: number,
    format: 'jsonl' | 'csv',
    shuffled: boolean,
    wall: number,
    rss = 200,
    naiveWall = 10,
  ) =>
    ({
      name: `${orders}-${format}-${shuffled}`,
      orders,
      format,
      shuffled,
      counts: { orders, trades: 0, collateral: 0, access: 0 },
      bytes: 0,
      generatedSeconds: null,
      scan: null,
      naive: { wallSeconds: naiveWall, eventsPerSecond: orders / naiveWall, cpFindings: 3, cpDigest: 'a' },
      stages: shuffled ? null : { replayEventsPerSecond: 4e6, readParseEventsPerSecond: 1e6, orderSeconds: 0.1 },
      run: {
        wallSeconds: wall,
        eventsPerSecond: orders / wall,
        peakRssMb: rss,
        ratioToNaive: naiveWall / wall,
        cpFindings: 3,
        sameCpFindingsAsNaive: !shuffled,
      },
    }) as unknown as DatasetResult;

  it('judges whole-run rates, the ratio to the naive reference, its CP findings and peak RSS at 10M', () => {
    const checks = checkTargets([
      result(1_000_000, 'jsonl', false, 1.5),
      result(1_000_000, 'jsonl', true, 5),
      result(1_000_000, 'csv', false, 1),
      result(1_000_000, 'csv', true, 3),
    ]);
    const get = (s: string) => checks.find((c) => c.target.startsWith(s))!;
    expect(get('whole run >= 0.50M/s (1,000,000 jsonl sorted)')).toMatchObject({ measured: '0.67M/s', met: true });
    expect(get('whole run >= 0.25M/s (1,000,000 jsonl shuffled)')).toMatchObject({ measured: '0.20M/s', met: false });
    expect(get('whole run >= 0.25M/s (1,000,000 csv shuffled)').met).toBe(true);
    expect(checks.some((c) => c.target.includes('csv sorted') && c.target.includes('M/s'))).toBe(false);
    const naive = checks.filter((c) => c.target.startsWith('whole run >= 5x'));
    expect(naive.map((c) => [c.measured, c.met])).toEqual([
      ['6.67x', true],
      ['2.00x', false],
      ['10.00x', true],
      ['3.33x', false],
    ]);
    expect(checks.filter((c) => c.target.startsWith('the same CP')).map((c) => c.met)).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect(get('peak RSS').met).toBeNull();
    const big = checkTargets([result(10_000_000, 'jsonl', false, 5, TARGETS.peakRssMbAt10M + 1)]);
    expect(big.find((c) => c.target.startsWith('peak RSS'))!.met).toBe(false);
  });

  it('summarises one dataset per line with the whole-run figures and both ratios', () => {
    const table = summaryTable([result(1_000_000, 'jsonl', false, 0.5), result(1_000_000, 'csv', true, 2, 250)]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^dataset\s+events.*naive.*x naive\s+RSS MB$/);
    expect(lines[1]!.split(/\s+/)).toEqual([
      '1000000-jsonl-false',
      '1,000,000',
      '-',
      '1.00M/s',
      '0.10',
      '4.00M/s',
      '0.10M/s',
      '0.50',
      '2.00M/s',
      '-',
      '20.00',
      '200',
    ]);
    expect(lines[2]).toMatch(/250$/);
  });
});
