import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ContractVersion, RecordType } from '#shared/contract/records.js';
import { classifyLayout, type DataFile, formatOf } from '#shared/ingest/layout.js';
import { type FileStats, type QuarantineEntry, readRecords } from '#shared/ingest/readRecords.js';
import { type DatasetSource, LocalDatasetSource } from '#shared/ingest/source.js';

/** A temporary dataset folder; remove() deletes it. */
export function tempDataset(files: Record<string, string | Buffer>): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'vatp-ingest-'));
  for (const [path, content] of Object.entries(files)) {
    const abs = join(root, ...path.split('/'));
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface ReadResult<T = Record<string, unknown>> {
  accepted: { rec: T; line: number }[];
  quarantine: QuarantineEntry[];
  stats: FileStats | undefined;
}

/** Reads one file of a source through readRecords and collects everything. */
export async function readAll(source: DatasetSource, path: string, contract: ContractVersion = 1): Promise<ReadResult> {
  const type = path.split('/')[0] as RecordType;
  const format = formatOf(path);
  if (format === null) throw new Error(`no format for ${path}`);
  const size = 0;
  const file: DataFile = { path, size, record_type: type, format, contract };
  const out: ReadResult = { accepted: [], quarantine: [], stats: undefined };
  for await (const x of readRecords(source, file, {
    quarantine: (q) => out.quarantine.push(q),
    stats: (s) => {
      out.stats = s;
    },
  })) {
    out.accepted.push({ rec: x.rec as Record<string, unknown>, line: x.line });
  }
  return out;
}

/** Writes one file to a fresh dataset and reads it. */
export async function readOne(
  path: string,
  content: string | Buffer,
  contract: ContractVersion = 1,
): Promise<ReadResult> {
  const ds = tempDataset({ [path]: content });
  try {
    return await readAll(new LocalDatasetSource(ds.root), path, contract);
  } finally {
    ds.remove();
  }
}

export function layoutOf(source: DatasetSource, contract: ContractVersion = 1) {
  return source.list().then((files) => classifyLayout(files, contract));
}

export const jsonl = (...rows: unknown[]): string => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

// Valid records of every type, for tests to vary one field at a time.
export const VALID = {
  accounts: { account_id: 'C-1', entity_id: 'E-C1', role: 'client', investor_class: 'retail' },
  staff: { user_id: 'u-1', entity_id: 'E-OP', function: 'surveillance' },
  wallets: { wallet_id: 'W-1', owner_entity_id: 'E-OP', kind: 'house' },
  instruments: { symbol: 'BTC-USD', product: 'spot', reference_asset: 'BTC', retail_spot_approved: true },
  orders: {
    seq: 1,
    ts: '2026-02-12T01:00:00.000001Z',
    event: 'new',
    order_id: 'o-1',
    symbol: 'BTC-USD',
    account_id: 'C-1',
    side: 'buy',
    type: 'limit',
    price: '97000.1',
    qty: '1',
    tif: 'gtc',
    mm_tag: false,
  },
  trades: {
    seq: 4,
    ts: '2026-02-12T01:00:01Z',
    trade_id: 't-1',
    symbol: 'BTC-USD',
    price: '97000.1',
    qty: '0.4',
    maker_order_id: 'o-1',
    taker_order_id: 'o-2',
    maker_mm_tag: true,
    taker_mm_tag: false,
  },
  collateral: {
    seq: 1,
    ts: '2026-02-12T02:00:00Z',
    event_id: 'c-1',
    event: 'deposit',
    account_id: 'C-1',
    asset: 'BTC',
    asset_class: 'virtual_asset',
    qty: '2',
    to_wallet: 'W-1',
  },
  access: {
    seq: 1,
    ts: '2026-02-12T02:00:00Z',
    event_id: 'a-1',
    resource: 'orderbook',
    classification: 'restricted',
    action: 'read',
    granted: true,
  },
  venues: { venue_id: 'V-SG', jurisdiction: 'SG', fatf_member: true, shared_book_approved: true },
  margin: {
    seq: 1,
    ts: '2026-02-12T03:00:00Z',
    event_id: 'm-1',
    event: 'deposit',
    account_id: 'C-1',
    asset: 'HKD',
    asset_class: 'fiat',
    amount: '1000',
  },
  settlements: {
    seq: 1,
    ts: '2026-02-12T04:00:00Z',
    event_id: 's-1',
    exec_id: 'x-1',
    order_id: 'o-1',
    leg: 'asset',
    qty: '0.5',
    mechanism: 'dvp',
    batch_id: 'b-1',
  },
} as const satisfies Record<RecordType, Record<string, unknown>>;
