/**
 * Adversarial JSONL lines and CSV rows for the event record types, to compare the fast parser with the plain path
 * (JSON.parse / csvRowToJson + zod). Every variant of a valid base record: each field deleted, null, or replaced by
 * values of the wrong type or form; keys reordered, spaced, repeated, escaped, unknown; broken JSON. Each corpus is of
 * a record type under a contract version (contract 2: orders with route and prefunded, margin, settlements).
 */
import { COLLATERAL_EVENTS, COLLATERAL_REQUIRED, ORDER_EVENTS } from '#shared/contract/records.js';
import { MARGIN_EVENTS, MARGIN_REQUIRED } from '#shared/contract/recordsV2.js';

export type EventType = 'orders' | 'trades' | 'collateral' | 'access' | 'margin' | 'settlements';

/** A record type under a contract version. */
export interface CorpusKind {
  type: EventType;
  contract: 1 | 2;
}

export const CORPUS_KINDS: readonly CorpusKind[] = [
  { type: 'orders', contract: 1 },
  { type: 'trades', contract: 1 },
  { type: 'collateral', contract: 1 },
  { type: 'access', contract: 1 },
  { type: 'orders', contract: 2 },
  { type: 'margin', contract: 2 },
  { type: 'settlements', contract: 2 },
];

export const kindName = (k: CorpusKind): string => (k.contract === 1 ? k.type : `${k.type}, contract 2`);

type Rec = Record<string, unknown>;

const ORDER_FULL: Rec = {
  seq: 17,
  ts: '2026-02-12T01:00:00.000001Z',
  event: 'new',
  order_id: 'o-1',
  symbol: 'BTC-USD',
  account_id: 'C-1',
  side: 'buy',
  type: 'limit',
  price: '97000.10',
  qty: '1',
  display_qty: null,
  tif: 'gtc',
  mm_tag: false,
  user_id: 'u-1',
  session_id: 's-1',
  source_ip: '203.0.113.7',
};

const TRADE: Rec = {
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
  phase: 'auction',
};

const COLLATERAL_FULL: Rec = {
  seq: 9,
  ts: '2026-02-12T02:00:00.5Z',
  event_id: 'c-1',
  event: 'pledge',
  account_id: 'C-1',
  asset: 'BTC',
  asset_class: 'virtual_asset',
  qty: '2',
  from_wallet: 'W-1',
  to_wallet: 'W-2',
  loan_id: 'L-1',
  price: '97000',
  haircut: '0.6',
  amount: '10',
  counterparty: 'E-X',
};

const ORDER_FULL_V2: Rec = { ...ORDER_FULL, route: 'V-SG', prefunded: '1940.2' };

const MARGIN_FULL: Rec = {
  seq: 11,
  ts: '2026-02-12T04:00:00.25Z',
  event_id: 'm-1',
  event: 'funding',
  account_id: 'C-1',
  symbol: 'BTC-PERP',
  asset: 'HKD',
  asset_class: 'hkma_stablecoin',
  amount: '9.70001',
  position_qty: '-0.5',
  mark_price: '97000.02',
  rate: '0.0002',
  interval_start: '2026-02-12T00:00:00Z',
  ref: 'm-0',
};

const SETTLEMENT: Rec = {
  seq: 6,
  ts: '2026-02-12T05:00:00Z',
  event_id: 's-1',
  exec_id: 'x-1',
  order_id: 'o-1',
  leg: 'cash',
  qty: '97000.5',
  mechanism: 'dvp',
  batch_id: 'b-1',
};

const ACCESS: Rec = {
  seq: 3,
  ts: '2026-02-12T03:00:00.123456789Z',
  event_id: 'a-1',
  user_id: 'u-1',
  resource: 'orderbook/BTC-USD',
  classification: 'restricted',
  action: 'read',
  granted: true,
  source_ip: '10.0.0.1',
};

/** Values that stress every field kind: wrong JSON types, decimal and timestamp forms, id lengths, text. */
export const ODD_VALUES: unknown[] = [
  0,
  1,
  -1,
  1.5,
  1e21,
  2 ** 53,
  2 ** 53 - 1,
  123456789012345,
  1234567890123456,
  '',
  ' ',
  'x',
  '0',
  '-0',
  '0.0',
  '-0.000',
  '00.10',
  '1.',
  '.5',
  '+1',
  '1e3',
  ' 1',
  '1 ',
  '-1',
  '-0.5',
  '97000.10',
  '0.00000001',
  '٣',
  'true',
  'null',
  'x'.repeat(128),
  'x'.repeat(129),
  '😀'.repeat(128),
  '😀'.repeat(129),
  'é',
  'a\u0001b',
  'a\nb',
  'a"b',
  'a\\b',
  'a\u2028b',
  '2026-02-12T01:00:00Z',
  '2026-02-12T01:00:00.Z',
  '2026-02-12T01:00:00.1234567891Z',
  '2026-02-12T01:00:60Z',
  '2026-02-29T01:00:00Z',
  '2024-02-29T23:59:59.999999999Z',
  '1900-02-29T00:00:00Z',
  '2000-02-29T00:00:00Z',
  '0050-01-01T00:00:00Z',
  '0100-01-01T00:00:00Z',
  '2026-02-12t01:00:00Z',
  '2026-02-12T01:00:00+00:00',
  '2026-02-12T1:00:00Z',
  '2026-00-12T01:00:00Z',
  '2026-02-00T01:00:00Z',
  '2026-02-12T24:00:00Z',
  'buy',
  'sell',
  'limit',
  'market',
  'gtc',
  'post_only',
  'continuous',
  'auction',
  'new',
  'amend',
  'cancel',
  'snapshot',
  'balance',
  'credit_limit',
  'restricted',
  'virtual_asset',
  'funding',
  'insurance',
  'hkma_stablecoin',
  'dvp',
  'asset',
  true,
  false,
  null,
  [],
  ['x'],
  {},
  { a: 1 },
];

function* recordVariants(base: Rec): Generator<Rec> {
  yield base;
  for (const key of Object.keys(base)) {
    const { [key]: _dropped, ...rest } = base;
    yield rest;
    for (const v of ODD_VALUES) yield { ...base, [key]: v };
  }
  yield { ...base, colour: 'blue', n: 1.5e3, nested: { a: [1, 2] }, flag: null, ok: true, list: [] };
  yield { __proto__x: 1, ...base };
  yield Object.fromEntries(Object.entries(base).reverse());
}

/** Bases per kind: the full record plus event-specific shapes (each event kind, required fields dropped). */
function bases(k: CorpusKind): Rec[] {
  const type = k.type;
  if (type === 'trades') {
    const { phase: _p, ...noPhase } = TRADE;
    return [TRADE, noPhase, { ...TRADE, phase: null }];
  }
  if (type === 'access') return [ACCESS, { ...ACCESS, user_id: null, source_ip: null }];
  if (type === 'settlements') return [SETTLEMENT, { ...SETTLEMENT, leg: 'asset', mechanism: 'free_of_payment' }];
  if (type === 'orders') {
    const full = k.contract === 1 ? ORDER_FULL : ORDER_FULL_V2;
    const out: Rec[] = [];
    for (const event of ORDER_EVENTS) {
      out.push({ ...full, event });
      out.push({ ...full, event, type: 'market', price: null });
      out.push({
        seq: 2,
        ts: ORDER_FULL.ts,
        event,
        order_id: 'o-2',
        symbol: 'ETH-USD',
        account_id: 'C-2',
        side: 'sell',
      });
      for (const f of ['type', 'qty', 'tif', 'mm_tag', 'price']) out.push({ ...full, event, [f]: null });
      // Contract 1 drops route and prefunded (a routed snapshot is valid); contract 2 reads them.
      out.push({ ...full, event, route: null, prefunded: '0' }, { ...ORDER_FULL, event, route: 'V-SG' });
    }
    return out;
  }
  if (type === 'margin') {
    const out: Rec[] = [];
    for (const event of MARGIN_EVENTS) {
      const rec: Rec = { seq: 12, ts: MARGIN_FULL.ts, event_id: `m-${event}`, event };
      for (const f of MARGIN_REQUIRED[event]) rec[f] = MARGIN_FULL[f];
      out.push(rec, { ...MARGIN_FULL, event });
      out.push({ ...rec, amount: '0' }, { ...rec, amount: '-0.00', position_qty: '-0' }, { ...rec, amount: '-5' });
    }
    const payout = { seq: 13, ts: MARGIN_FULL.ts, event_id: 'm-p', event: 'insurance', amount: '-5' };
    out.push(payout, { ...payout, account_id: 'C-1' }, { ...payout, account_id: 'C-1', ref: 'm-0' });
    return out;
  }
  const out: Rec[] = [];
  for (const event of COLLATERAL_EVENTS) {
    const rec: Rec = { seq: 5, ts: COLLATERAL_FULL.ts, event_id: `c-${event}`, event };
    for (const f of COLLATERAL_REQUIRED[event]) rec[f] = COLLATERAL_FULL[f];
    out.push(rec, { ...COLLATERAL_FULL, event });
    out.push({ ...rec, qty: '0', amount: '0' }, { ...rec, qty: '-0', amount: '0.00' }, { ...rec, haircut: '-0.5' });
  }
  return out;
}

/** Every variant of every base; `small`: of the first two bases of each event kind only (CSV: keeps tests quick). */
export function recordCorpus(k: CorpusKind, small = false): Rec[] {
  const out: Rec[] = [];
  const all = bases(k);
  const group = k.type === 'orders' ? 10 : k.type === 'collateral' || k.type === 'margin' ? 5 : all.length;
  all.forEach((b, i) => {
    if (small && i % group >= 2) return;
    for (const r of recordVariants(b)) out.push(r);
  });
  return out;
}

/** Text forms of one record that JSON.stringify never writes: spacing, repeated and escaped keys, broken JSON. */
export function textVariants(rec: Rec): string[] {
  const json = JSON.stringify(rec);
  const entries = Object.entries(rec);
  const pairs = entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  const first = entries[0];
  const out = [
    json,
    ` \t${json} \r`,
    `{ ${entries.map(([k, v]) => `${JSON.stringify(k)} : ${JSON.stringify(v)}`).join(' , ')} }`,
    `{\t${pairs.join(',\t')}\t}`,
    `${json}x`,
    `${json},`,
    json.slice(0, -1),
    `[${json}]`,
    `{${pairs.join(',')},}`,
    `{,${pairs.join(',')}}`,
    `{${pairs.join(',,')}}`,
    `{${pairs.join(',')}}}`,
  ];
  if (first !== undefined) {
    const [k, v] = first;
    out.push(`{${pairs.join(',')},${JSON.stringify(k)}:${JSON.stringify(v)}}`); // same value twice
    out.push(`{${pairs.join(',')},${JSON.stringify(k)}:"other"}`); // last one wins in JSON.parse
    out.push(`{${pairs.join(',')},${JSON.stringify(k)}:null}`);
    out.push(`{${pairs.join(',')},"__proto__":{"x":1}}`);
    out.push(`{${pairs.join(',')},"__proto__":"x"}`);
    const escapedKey = k.replace(/^(.)/, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    out.push(`{"${escapedKey}":${JSON.stringify(v)},${pairs.slice(1).join(',')}}`);
    if (typeof v === 'number') {
      out.push(`{"${k}":${v}.0,${pairs.slice(1).join(',')}}`);
      out.push(`{"${k}":${v}e0,${pairs.slice(1).join(',')}}`);
      out.push(`{"${k}":0${v},${pairs.slice(1).join(',')}}`);
      out.push(`{"${k}":-${v},${pairs.slice(1).join(',')}}`);
      out.push(`{"${k}":"${v}",${pairs.slice(1).join(',')}}`);
    }
  }
  for (const [k, v] of entries) {
    if (typeof v !== 'string') continue;
    const others = pairs.filter((p) => !p.startsWith(`${JSON.stringify(k)}:`));
    // The same string with an escape that JSON.parse resolves to the very same text.
    const escaped = JSON.stringify(v).replace(
      /^"(.)/,
      (_m, c: string) => `"\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    out.push(`{${others.join(',')},"${k}":${escaped}}`);
    out.push(`{${others.join(',')},"${k}":"${v}\t"}`); // raw tab inside a string: not JSON
    out.push(`{${others.join(',')},"${k}":"${v}\\/"}`);
    out.push(`{${others.join(',')},"${k}":'${v}'}`);
  }
  out.push('', '   ', '{}', 'null', '[]', '"x"', '1', '{"seq":1', '{"seq":}', '{seq:1}', '\u00a0{}');
  return out;
}

export function jsonlCorpus(k: CorpusKind): string[] {
  const lines = new Set<string>();
  for (const rec of recordCorpus(k)) lines.add(JSON.stringify(rec));
  for (const b of bases(k)) for (const t of textVariants(b)) lines.add(t);
  // A line never holds a line feed; the splitter hands over lines without it.
  return [...lines].filter((l) => !l.includes('\n'));
}

/** CSV cell text of a JSON value the way a writer would put it (null → empty cell). */
function cellOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Headers (column lists) to try for a type: in order, reversed, with unknown, missing and repeated columns. */
const FULL: Record<EventType, Rec> = {
  orders: ORDER_FULL,
  trades: TRADE,
  collateral: COLLATERAL_FULL,
  access: ACCESS,
  margin: MARGIN_FULL,
  settlements: SETTLEMENT,
};

export function csvHeaders(k: CorpusKind): string[][] {
  const cols = Object.keys(k.type === 'orders' && k.contract === 2 ? ORDER_FULL_V2 : FULL[k.type]);
  return [
    cols,
    [...cols].reverse(),
    ['note', ...cols, 'extra'],
    cols.slice(1),
    cols.filter((c) => c !== 'ts'),
    cols.filter((c) => !['source_ip', 'phase', 'counterparty', 'ref', 'route'].includes(c)),
    [...cols, cols[2]!],
    [...cols, 'note', 'note'],
  ];
}

/** Rows (cells) for a header, from the record corpus and some cell-level oddities. */
export function csvRows(k: CorpusKind, header: readonly string[]): string[][] {
  const rows: string[][] = [];
  for (const rec of recordCorpus(k, true)) {
    rows.push(header.map((h) => (h === 'note' || h === 'extra' ? 'n' : cellOf(rec[h]))));
  }
  const base = recordCorpus(k)[0]!;
  for (const odd of [
    '007',
    '0',
    '00',
    ' 7',
    '7 ',
    '+7',
    '1234567890123456',
    '9007199254740993',
    'TRUE',
    'True',
    '1',
    'yes',
    '"',
    'a,b',
    'a\nb',
    '\u0001',
  ]) {
    for (const h of header) {
      const row = header.map((c) => (c === 'note' || c === 'extra' ? '' : cellOf(base[c])));
      row[header.indexOf(h)] = odd;
      rows.push(row);
    }
  }
  return rows;
}

/** One CSV line/record from cells (quoted when needed, RFC 4180). */
export function csvLine(cells: readonly string[]): string {
  return cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
}
