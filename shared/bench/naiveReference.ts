/**
 * The bench's naive reference audit: what a careful engineer would write in an afternoon to answer CP-1 and CP-2
 * (RULES.md) for one dataset, and nothing else. Every orders and trades file is read line by line (gunzip for `.gz`),
 * decoded with `JSON.parse` or a plain CSV split, checked against the contract's required fields, kept in memory,
 * sorted by (seq, file path, line), and replayed over a Map of open orders and a Map of resting orders per symbol and
 * side; each continuous trade whose maker is a resting affiliated-MM order scans the protected orders of that side.
 * Findings only: check, subject and severity.
 *
 * It is the baseline the bench divides the whole run's rate by, so it must answer the same question: a test pins its
 * CP findings to the audit's on generated datasets. Its limits are those of the naive design: memory grows with the
 * events, not the open orders; a CSV cell may not hold a line break; decimals have at most 18 fractional digits.
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { BenchError } from './errors.js';

export interface NaiveFinding {
  check_id: 'CP-1' | 'CP-2';
  subject: string;
  severity: 'critical' | 'high';
}

export interface NaiveResult {
  findings: NaiveFinding[];
  /** orders + trades lines read as records (accepted + set aside). */
  records: number;
  rejected: number;
  seconds: { read: number; sort: number; replay: number; total: number };
}

type Raw = Record<string, unknown>;

interface OrderRec {
  kind: 0;
  seq: number;
  file: number;
  line: number;
  event: string;
  id: string;
  symbol: string;
  account: string;
  side: string;
  type: string | null;
  price: bigint | null;
  qty: bigint | null;
  display: bigint | null;
  tif: string | null;
}

interface TradeRec {
  kind: 1;
  seq: number;
  file: number;
  line: number;
  id: string;
  symbol: string;
  qty: bigint;
  maker: string;
  taker: string;
  phase: string;
}

interface Order {
  id: string;
  symbol: string;
  account: string;
  side: string;
  type: string;
  /** Scaled by 10^18. */
  price: bigint | null;
  total: bigint;
  filled: bigint;
  display: bigint | null;
  priority: number;
  rests: boolean;
  protected: boolean;
  closed: boolean;
}

const SCALE = 18;
const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;
const TIMESTAMP = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?Z$/;
const ORDER_EVENTS = new Set(['new', 'amend', 'cancel', 'expire', 'reject', 'snapshot']);
const TIFS = new Set(['gtc', 'day', 'ioc', 'fok', 'post_only']);
const RESTING_TIFS = new Set(['gtc', 'day', 'post_only']);

/** A decimal as an integer scaled by 10^18. */
function scaled(text: string): bigint {
  const [whole, frac = ''] = text.split('.');
  if (frac.length > SCALE) throw new BenchError(`the naive reference reads at most ${SCALE} decimal places: ${text}`);
  return BigInt(whole! + frac.padEnd(SCALE, '0'));
}

const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isDecimal = (v: unknown): v is string => typeof v === 'string' && DECIMAL.test(v);
const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The order record the replay needs, or undefined when the line fails the contract. */
function toOrder(r: Raw, file: number, line: number): OrderRec | undefined {
  const { seq, ts, event, order_id, symbol, account_id, side, type, price, qty, display_qty, tif, mm_tag } = r;
  if (!isSeq(seq) || typeof ts !== 'string' || !TIMESTAMP.test(ts)) return undefined;
  if (typeof event !== 'string' || !ORDER_EVENTS.has(event)) return undefined;
  if (!isText(order_id) || !isText(symbol) || !isText(account_id) || (side !== 'buy' && side !== 'sell')) return;
  if (type != null && type !== 'limit' && type !== 'market') return undefined;
  if (tif != null && !(typeof tif === 'string' && TIFS.has(tif))) return undefined;
  if (mm_tag != null && typeof mm_tag !== 'boolean') return undefined;
  for (const d of [price, qty, display_qty]) if (d != null && !isDecimal(d)) return undefined;
  if (event === 'new' || event === 'snapshot') {
    if (type == null || qty == null || tif == null || mm_tag == null) return undefined;
    if (type === 'limit' ? price == null : event === 'snapshot') return undefined;
  }
  if (event === 'amend' && (qty == null || mm_tag == null)) return undefined;
  return {
    kind: 0,
    seq,
    file,
    line,
    event,
    id: order_id,
    symbol,
    account: account_id,
    side,
    type: (type as string | null | undefined) ?? null,
    price: price == null ? null : scaled(price as string),
    qty: qty == null ? null : scaled(qty as string),
    display: display_qty == null ? null : scaled(display_qty as string),
    tif: (tif as string | null | undefined) ?? null,
  };
}

function toTrade(r: Raw, file: number, line: number): TradeRec | undefined {
  const { seq, ts, trade_id, symbol, price, qty, maker_order_id, taker_order_id, maker_mm_tag, taker_mm_tag, phase } =
    r;
  if (!isSeq(seq) || typeof ts !== 'string' || !TIMESTAMP.test(ts)) return undefined;
  if (!isText(trade_id) || !isText(symbol) || !isDecimal(price) || !isDecimal(qty)) return undefined;
  if (!isText(maker_order_id) || !isText(taker_order_id)) return undefined;
  if (typeof maker_mm_tag !== 'boolean' || typeof taker_mm_tag !== 'boolean') return undefined;
  if (phase != null && phase !== 'continuous' && phase !== 'auction') return undefined;
  return {
    kind: 1,
    seq,
    file,
    line,
    id: trade_id,
    symbol,
    qty: scaled(qty),
    maker: maker_order_id,
    taker: taker_order_id,
    phase: (phase as string | null | undefined) ?? 'continuous',
  };
}

/** One CSV line split on commas, quoted cells allowed (no line breaks inside); undefined on a quote error. */
function splitCsv(line: string): (string | null)[] | undefined {
  if (!line.includes('"')) return line.split(',').map((c) => (c === '' ? null : c));
  const cells: (string | null)[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let text = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        text += line.slice(i, q);
        if (line[q + 1] === '"') {
          text += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      cells.push(text === '' ? null : text);
      if (i === line.length) return cells;
      if (line[i] !== ',') return undefined;
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const cell = comma < 0 ? line.slice(i) : line.slice(i, comma);
      if (cell.includes('"')) return undefined;
      cells.push(cell === '' ? null : cell);
      if (comma < 0) return cells;
      i = comma + 1;
    }
  }
}

const CSV_TYPES: Record<string, 'int' | 'bool'> = {
  seq: 'int',
  mm_tag: 'bool',
  maker_mm_tag: 'bool',
  taker_mm_tag: 'bool',
  securities_margin_client: 'bool',
  retail_spot_approved: 'bool',
};

/** A CSV row as the JSON object it stands for; a cell that is not of its column's type stays text (and fails). */
function csvObject(header: string[], cells: (string | null)[]): Raw | undefined {
  if (cells.length !== header.length) return undefined;
  const out: Raw = {};
  for (let i = 0; i < header.length; i++) {
    const name = header[i]!;
    const cell = cells[i]!;
    const kind = CSV_TYPES[name];
    if (cell === null || kind === undefined) out[name] = cell;
    else if (kind === 'int') out[name] = /^\d+$/.test(cell) ? Number(cell) : cell;
    else out[name] = cell === 'true' ? true : cell === 'false' ? false : cell;
  }
  return out;
}

/** Every record of one file with its line number; undefined for a line that is not a record of the contract. */
async function* fileRecords(path: string): AsyncGenerator<[Raw | undefined, number]> {
  const bytes = createReadStream(path);
  const text = path.endsWith('.gz') ? bytes.pipe(createGunzip()) : bytes;
  const csv = path.endsWith('.csv') || path.endsWith('.csv.gz');
  const lines = createInterface({ input: text, crlfDelay: Number.POSITIVE_INFINITY });
  // A file that cannot be read to its end (truncated gzip) keeps the records read before the fault.
  text.on('error', () => lines.close());
  let header: string[] | undefined;
  let n = 0;
  try {
    for await (let line of lines) {
      n++;
      if (n === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      if (line.trim() === '') continue;
      if (csv && header === undefined) {
        header = (splitCsv(line) ?? []).map((c) => c ?? '');
        continue;
      }
      let record: Raw | undefined;
      try {
        if (csv) {
          const cells = splitCsv(line);
          record = cells === undefined ? undefined : csvObject(header!, cells);
        } else {
          const parsed: unknown = JSON.parse(line);
          record =
            parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Raw) : undefined;
        }
      } catch {
        record = undefined;
      }
      yield [record, n];
    }
  } finally {
    bytes.destroy();
  }
}

async function dataFiles(root: string, folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(join(root, folder));
  } catch {
    return [];
  }
  return names
    .filter((n) => /\.(jsonl|csv)(\.gz)?$/.test(n))
    .sort()
    .map((n) => `${folder}/${n}`);
}

async function readAccounts(root: string): Promise<Map<string, { entity: string; role: string }>> {
  const accounts = new Map<string, { entity: string; role: string }>();
  for (const rel of await dataFiles(root, 'accounts')) {
    for await (const [r] of fileRecords(join(root, rel))) {
      if (r !== undefined && isText(r.account_id) && isText(r.entity_id) && isText(r.role)) {
        accounts.set(r.account_id, { entity: r.entity_id, role: r.role });
      }
    }
  }
  return accounts;
}

/** The naive CP audit of the dataset under root. */
export async function naiveCustomerPriority(root: string): Promise<NaiveResult> {
  const t0 = performance.now();
  const accounts = await readAccounts(root);
  const paths = [...(await dataFiles(root, 'orders')), ...(await dataFiles(root, 'trades'))].sort((a, b) =>
    Buffer.compare(Buffer.from(a), Buffer.from(b)),
  );
  const events: (OrderRec | TradeRec)[] = [];
  let records = 0;
  let rejected = 0;
  for (let file = 0; file < paths.length; file++) {
    const rel = paths[file]!;
    const isOrders = rel.startsWith('orders/');
    for await (const [r, line] of fileRecords(join(root, rel))) {
      records++;
      const rec = r === undefined ? undefined : isOrders ? toOrder(r, file, line) : toTrade(r, file, line);
      if (rec === undefined) rejected++;
      else events.push(rec);
    }
  }
  const t1 = performance.now();
  events.sort((a, b) => a.seq - b.seq || a.file - b.file || a.line - b.line);
  const t2 = performance.now();
  const findings = replay(events, accounts);
  const t3 = performance.now();
  return {
    findings,
    records,
    rejected,
    seconds: { read: (t1 - t0) / 1000, sort: (t2 - t1) / 1000, replay: (t3 - t2) / 1000, total: (t3 - t0) / 1000 },
  };
}

function replay(events: (OrderRec | TradeRec)[], accounts: Map<string, { entity: string; role: string }>) {
  const known = new Map<string, Order>();
  /** Resting protected orders per `symbol side`: all that CP looks at. */
  const resting = new Map<string, Set<Order>>();
  const book = (o: Order) => {
    const key = `${o.symbol} ${o.side}`;
    let set = resting.get(key);
    if (set === undefined) {
      set = new Set();
      resting.set(key, set);
    }
    return set;
  };
  const isProtected = (account: string) => {
    const role = accounts.get(account)?.role;
    return role === 'client' || role === 'third_party_mm';
  };
  const close = (o: Order) => {
    o.closed = true;
    if (o.rests && o.protected) book(o).delete(o);
  };
  const fill = (o: Order, q: bigint) => {
    o.filled += q;
    if (o.total - o.filled <= 0n) close(o);
  };
  const visible = (o: Order) => {
    const open = o.total - o.filled;
    if (open <= 0n) return 0n;
    return o.display === null || o.display > open ? open : o.display;
  };
  const findings: NaiveFinding[] = [];
  for (const e of events) {
    if (e.kind === 0) {
      const before = known.get(e.id);
      if (e.event === 'new' || e.event === 'snapshot') {
        if (before !== undefined) continue;
        const price = (e.type ?? 'limit') === 'limit' ? e.price : null;
        const o: Order = {
          id: e.id,
          symbol: e.symbol,
          account: e.account,
          side: e.side,
          type: e.type ?? 'limit',
          price,
          total: e.qty!,
          filled: 0n,
          display: e.display,
          priority: e.seq,
          rests: price !== null && (e.event === 'snapshot' || RESTING_TIFS.has(e.tif ?? '')),
          protected: isProtected(e.account),
          closed: false,
        };
        known.set(o.id, o);
        if (o.rests && o.protected) book(o).add(o);
        continue;
      }
      if (before === undefined || before.closed) continue;
      if (e.event !== 'amend') {
        close(before);
        continue;
      }
      if (before.type === 'limit' && e.price === null) continue; // fails the contract: the audit sets it aside
      const price = before.type === 'limit' ? e.price : before.price;
      const moved = price !== before.price;
      const increased = e.qty! > before.total;
      before.total = e.qty!;
      before.display = e.display;
      if (moved) before.price = price;
      if (moved || increased) before.priority = e.seq;
      if (before.total - before.filled <= 0n) close(before);
      continue;
    }
    const maker = known.get(e.maker);
    const taker = known.get(e.taker);
    if (
      e.phase === 'continuous' &&
      maker !== undefined &&
      !maker.closed &&
      maker.rests &&
      maker.symbol === e.symbol &&
      accounts.get(maker.account)?.role === 'affiliated_mm'
    ) {
      const takerEntity = taker === undefined ? undefined : accounts.get(taker.account)?.entity;
      let same: 'critical' | 'high' | undefined;
      let better = false;
      for (const o of book(maker)) {
        if (visible(o) <= 0n) continue;
        if (taker !== undefined && (o.account === taker.account || accounts.get(o.account)?.entity === takerEntity)) {
          continue;
        }
        const c = o.price! - maker.price!;
        if (c === 0n) same = o.priority < maker.priority || same === 'critical' ? 'critical' : 'high';
        else if (maker.side === 'sell' ? c < 0n : c > 0n) better = true;
      }
      if (same !== undefined) findings.push({ check_id: 'CP-1', subject: e.id, severity: same });
      if (better) findings.push({ check_id: 'CP-2', subject: e.id, severity: 'critical' });
    }
    if (maker !== undefined && !maker.closed) fill(maker, e.qty);
    if (taker !== undefined && !taker.closed) fill(taker, e.qty);
  }
  return findings;
}
