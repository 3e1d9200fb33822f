/**
 * A contract-2 dataset whose margin ledger gives findings of every margin check (PERP-3..7), spread over a JSONL file
 * and a gzipped CSV file in shuffled line order, with a repeated seq (DQ-2), a record set aside (DQ-1) and the gap it
 * leaves (DQ-4): the worked example's reference, order flow and collateral, declared contract 2, plus `margin/`.
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { WORKED_EXAMPLE } from '../fixtures/workedExample.js';

const COLUMNS = [
  'seq',
  'ts',
  'event_id',
  'event',
  'account_id',
  'symbol',
  'asset',
  'asset_class',
  'amount',
  'position_qty',
  'mark_price',
  'rate',
  'interval_start',
  'ref',
] as const;
type Row = Partial<Record<(typeof COLUMNS)[number], string | number>>;

const I0 = '2026-02-12T08:00:00Z';
const I1 = '2026-02-12T16:00:00Z';
const perp = { symbol: 'BTC-PERP', position_qty: '1', mark_price: '100' };

/** The margin ledger, in seq order; each line says what it does to the balances, the fund and the checks. */
const ROWS: Row[] = [
  { event: 'deposit', account_id: 'C-1', asset: 'HKD', asset_class: 'fiat', amount: '1000' }, // C-1 1000
  { event: 'deposit', account_id: 'C-2', asset: 'USDT', asset_class: 'stablecoin', amount: '500' }, // PERP-3
  { event: 'insurance', amount: '200' }, // fund 200
  { event: 'funding_rate', symbol: 'BTC-PERP', interval_start: I0, rate: '0.0001' },
  {
    event: 'funding',
    account_id: 'C-1',
    ...perp,
    position_qty: '2',
    mark_price: '50000',
    interval_start: I0,
    rate: '0.0001',
    amount: '-10',
  }, // C-1 990
  {
    event: 'funding',
    account_id: 'C-2',
    ...perp,
    position_qty: '-2',
    mark_price: '50000',
    interval_start: I0,
    rate: '0.0002',
    amount: '20',
  }, // PERP-7 rate; C-2 520
  { event: 'credit', account_id: 'C-2', amount: '50' }, // PERP-4; C-2 570
  { event: 'withdraw', account_id: 'C-1', amount: '990.01' }, // PERP-4: C-1 −0.01
  { event: 'liquidation', account_id: 'C-2', ...perp, amount: '-900' }, // C-2 −330: deficit 330
  { event: 'insurance', account_id: 'C-2', ref: 'm-9', amount: '-200' }, // fund 0, uncovered 130
  { event: 'adl', account_id: 'C-1', ...perp, position_qty: '-1', amount: '100', ref: 'm-9' }, // fund 0 < 130; uncovered 30
  { event: 'adl', account_id: 'C-1', ...perp, position_qty: '-1', amount: '10', ref: 'm-9' }, // uncovered 20: PERP-5 m-9
  { event: 'insurance', amount: '50' }, // fund 50
  { event: 'liquidation', account_id: 'MM-1', ...perp, amount: '-1' }, // deficit 1
  { event: 'adl', account_id: 'C-1', ...perp, position_qty: '-1', amount: '1', ref: 'm-14' }, // PERP-6: fund 50 ≥ 1
];

/** Writes the dataset to `root`. */
export async function writeMarginDataset(root: string): Promise<void> {
  await cp(WORKED_EXAMPLE, root, { recursive: true });
  for (const other of ['README.md', 'expected-findings.jsonl']) await rm(join(root, other));
  const manifest = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(root, 'manifest.json'), JSON.stringify({ ...manifest, contract: 2 }));
  const ts = (seq: number) => `2026-02-12T09:${String(seq).padStart(2, '0')}:00Z`;
  const rows: Row[] = ROWS.map((r, i) => ({ seq: i + 1, ts: ts(i + 1), event_id: `m-${i + 1}`, ...r }));
  // seq 16 twice (DQ-2), one in each file: a profit, and a fee that leaves C-1 further below zero (PERP-4 m-16b).
  rows.push({
    seq: 16,
    ts: ts(16),
    event_id: 'm-16a',
    event: 'pnl',
    account_id: 'C-1',
    symbol: 'BTC-PERP',
    amount: '5',
  });
  rows.push({ seq: 16, ts: ts(16), event_id: 'm-16b', event: 'fee', account_id: 'C-1', amount: '1' });
  // seq 17 lacks asset_class (DQ-1, so seq 17 is a gap: DQ-4); seq 18 funds at a rate only published at its own seq.
  const noClass: Row = {
    seq: 17,
    ts: ts(17),
    event_id: 'm-17',
    event: 'deposit',
    account_id: 'C-1',
    asset: 'HKD',
    amount: '1',
  };
  const rate18: Row = {
    seq: 18,
    ts: ts(18),
    event_id: 'r-18',
    event: 'funding_rate',
    symbol: 'BTC-PERP',
    interval_start: I1,
    rate: '0.001',
  };
  const funding18: Row = {
    seq: 18,
    ts: ts(18),
    event_id: 'm-18',
    event: 'funding',
    account_id: 'C-1',
    ...perp,
    interval_start: I1,
    rate: '0.001',
    amount: '-0.1',
  }; // PERP-7 no rate; PERP-4
  const json = [...rows.filter((_, i) => i % 2 === 0), rate18].reverse();
  const csv = [funding18, ...rows.filter((_, i) => i % 2 === 1), noClass].reverse();
  await mkdir(join(root, 'margin', 'part-2'), { recursive: true });
  await writeFile(join(root, 'margin', 'part-1.jsonl'), `${json.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const lines = [COLUMNS.join(','), ...csv.map((r) => COLUMNS.map((c) => r[c] ?? '').join(','))];
  await writeFile(join(root, 'margin', 'part-2', 'ledger.csv.gz'), gzipSync(`${lines.join('\n')}\n`));
}

/** The margin checks' findings the dataset is built for (check and subject). */
export const MARGIN_FINDINGS = [
  'PERP-3 m-2',
  'PERP-4 m-16b',
  'PERP-4 m-18',
  'PERP-4 m-7',
  'PERP-4 m-8',
  'PERP-5 m-9',
  'PERP-6 m-15',
  'PERP-7 m-18',
  'PERP-7 m-6',
];

/** The margin checks, each reported by the step that replays the margin stream. */
export const MARGIN_CHECKS = ['PERP-3', 'PERP-4', 'PERP-5', 'PERP-6', 'PERP-7'];
