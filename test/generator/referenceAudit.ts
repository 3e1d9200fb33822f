/**
 * A small, independent reading of DATA-CONTRACT.md and RULES.md (and, on a contract-2 dataset, V2.md: see
 * referenceAuditV2.ts) used only to test the generator: it parses a dataset folder (JSONL/CSV, gzip, BOM, CRLF, blank
 * lines, RFC 4180 quoting) and computes (check_id, subject, severity) for every check, so that the generator's ground
 * truth can be compared with what the spec implies. Whole files are loaded: test datasets are small. Written from
 * the spec, not from the generator's code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { compareDecimal, Exact } from '#shared/contract/decimal.js';
import {
  type AccessEvent,
  type Account,
  type CollateralEvent,
  csvRowToJson,
  type Instrument,
  type OrderEvent,
  RECORD_TYPES,
  RECORD_TYPES_V1,
  type RecordType,
  type Staff,
  type Trade,
  type Wallet,
} from '#shared/contract/records.js';
import { type MarginEvent, type SettlementEvent, schemaFor, type Venue } from '#shared/contract/recordsV2.js';
import { parseTimestampNs } from '#shared/contract/time.js';
import { auditMargin, auditSettlements, RoutedOrders, ValuationGaps } from './referenceAuditV2.js';

export interface Expected {
  check_id: string;
  subject: string;
  severity: string;
}

export interface Located<T> {
  rec: T;
  file: string;
  line: number;
}

export interface ParsedDataset {
  records: { [K in RecordType]: Located<unknown>[] };
  malformed: string[];
  /** Every file's raw (decompressed) text by relative path. */
  files: Map<string, string>;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/** RFC 4180 records: [line, cells | null (malformed)]. */
export function parseCsv(text: string): { line: number; cells: string[] | null }[] {
  const out: { line: number; cells: string[] | null }[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    // Blank line (empty or white space only) is not a record.
    let j = i;
    while (j < n && (text[j] === ' ' || text[j] === '\t' || text[j] === '\r')) j++;
    if (j >= n || text[j] === '\n') {
      if (j >= n) break;
      i = j + 1;
      line++;
      continue;
    }
    const start = line;
    const cells: string[] = [];
    let bad = false;
    let cell = '';
    let done = false;
    while (!done) {
      if (text[i] === '"') {
        i++;
        let closed = false;
        while (i < n) {
          const ch = text[i] as string;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (ch === '\n') line++;
          cell += ch;
          i++;
        }
        if (!closed) {
          out.push({ line: start, cells: null });
          return out;
        }
        const next = text[i];
        if (next === ',') {
          cells.push(cell);
          cell = '';
          i++;
          continue;
        }
        if (next === undefined || next === '\n' || (next === '\r' && (text[i + 1] === '\n' || i + 1 >= n))) {
          cells.push(cell);
          done = true;
          break;
        }
        bad = true;
        done = true;
        break;
      }
      // Unquoted cell.
      while (i < n && text[i] !== ',' && text[i] !== '\n') {
        if (text[i] === '"') bad = true;
        cell += text[i];
        i++;
      }
      if (bad) break;
      if (text[i] === ',') {
        cells.push(cell);
        cell = '';
        i++;
        continue;
      }
      cells.push(cell.endsWith('\r') ? cell.slice(0, -1) : cell);
      done = true;
    }
    // Skip to the end of the current line.
    while (i < n && text[i] !== '\n') i++;
    if (i < n) {
      i++;
      line++;
    }
    out.push({ line: start, cells: bad ? null : cells });
  }
  return out;
}

export function parseDataset(root: string, contract: 1 | 2 = 1): ParsedDataset {
  const records = Object.fromEntries(
    RECORD_TYPES.map((t) => [t, [] as Located<unknown>[]]),
  ) as ParsedDataset['records'];
  const TYPES: readonly RecordType[] = contract === 2 ? RECORD_TYPES : RECORD_TYPES_V1;
  const malformed: string[] = [];
  const files = new Map<string, string>();
  for (const type of TYPES) {
    let paths: string[];
    try {
      paths = listFiles(join(root, type));
    } catch {
      continue;
    }
    const schema = schemaFor(type, contract) as NonNullable<ReturnType<typeof schemaFor>>;
    for (const p of paths.map((x) => relative(root, x).split('\\').join('/')).sort()) {
      let bytes = readFileSync(join(root, p));
      if (p.endsWith('.gz')) bytes = gunzipSync(bytes);
      let text = bytes.toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      files.set(p, text);
      const accept = (obj: unknown, line: number) => {
        const r = schema.safeParse(obj);
        if (r.success) records[type].push({ rec: r.data, file: p, line });
        else malformed.push(`${p}:${line}`);
      };
      if (p.endsWith('.csv') || p.endsWith('.csv.gz')) {
        const rows = parseCsv(text);
        const header = rows.shift();
        if (header?.cells == null) throw new Error(`${p}: no header`);
        for (const row of rows) {
          if (row.cells === null || row.cells.length !== header.cells.length) {
            malformed.push(`${p}:${row.line}`);
            continue;
          }
          const obj: Record<string, string> = {};
          header.cells.forEach((h, k) => {
            obj[h] = row.cells?.[k] as string;
          });
          accept(csvRowToJson(type, obj), row.line);
        }
      } else {
        const lines = text.split('\n');
        lines.forEach((raw, k) => {
          const l = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
          if (l.trim() === '') return;
          let obj: unknown;
          try {
            obj = JSON.parse(l);
          } catch {
            malformed.push(`${p}:${k + 1}`);
            return;
          }
          if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) malformed.push(`${p}:${k + 1}`);
          else accept(obj, k + 1);
        });
      }
    }
  }
  return { records, malformed, files };
}

// ---- the checks ------------------------------------------------------------------------------------------------
const HAIRCUT_FLOOR = new Exact('0.60');
const ELIGIBLE = new Set(['BTC', 'ETH']);
const WINDOW_NS = 3_600_000_000_000n;
const DAY_NS = 86_400_000_000_000n;
const RANK: Record<string, number> = { critical: 4, high: 3, medium: 2, low: 1 };

interface Ord {
  id: string;
  symbol: string;
  account: string;
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  tif: string;
  price: string | null;
  qty: Exact;
  filled: Exact;
  disp: Exact | null;
  mmTag: boolean;
  prio: number;
  resting: boolean;
  closed: boolean;
}

export function referenceAudit(root: string): {
  findings: Expected[];
  parsed: ParsedDataset;
  /** Contract 2: how many records sit exactly on each boundary of V2.md (see referenceAuditV2.ts). */
  boundaries: Record<string, number>;
} {
  const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as {
    contract: 1 | 2;
    operator_entity_id: string;
    period_end: string;
  };
  const v2 = manifest.contract === 2;
  const boundaries: Record<string, number> = {};
  const note = (b: string) => {
    boundaries[b] = (boundaries[b] ?? 0) + 1;
  };
  const parsed = parseDataset(root, manifest.contract);
  const found = new Map<string, Expected>();
  const report = (check_id: string, subject: string, severity: string) => {
    const k = `${check_id}\u0000${subject}`;
    const prev = found.get(k);
    if (prev === undefined || (RANK[severity] ?? 0) > (RANK[prev.severity] ?? 0))
      found.set(k, { check_id, subject, severity });
  };
  for (const m of parsed.malformed) report('DQ-1', m, 'medium');

  const R = parsed.records;
  const accounts = new Map((R.accounts as Located<Account>[]).map((x) => [x.rec.account_id, x.rec]));
  const staff = new Map((R.staff as Located<Staff>[]).map((x) => [x.rec.user_id, x.rec]));
  const wallets = new Map((R.wallets as Located<Wallet>[]).map((x) => [x.rec.wallet_id, x.rec]));
  const instruments = new Map((R.instruments as Located<Instrument>[]).map((x) => [x.rec.symbol, x.rec]));
  const mmEntities = new Set([...accounts.values()].filter((a) => a.role === 'affiliated_mm').map((a) => a.entity_id));
  const op = manifest.operator_entity_id;
  const isMmStaff = (u: string | null | undefined) => u != null && mmEntities.has(staff.get(u)?.entity_id ?? '\u0000');
  const isOpStaff = (u: string | null | undefined) => u != null && staff.get(u)?.entity_id === op;

  for (const s of staff.values())
    if (s.entity_id === op && s.function === 'market_making') report('FS-7', s.user_id, 'high');
  // V2.md: on contract 2, an IOSCO-compliant reference index makes up for an asset not approved for retail.
  for (const i of instruments.values()) {
    if (i.product !== 'perpetual' || i.retail_spot_approved) continue;
    if (v2 && i.reference_index_iosco === true) note('PERP-2 not retail-approved, IOSCO index');
    else report('PERP-2', i.symbol, 'high');
  }
  const venues = new Map((R.venues as Located<Venue>[]).map((x) => [x.rec.venue_id, x.rec]));
  const routed = new RoutedOrders(venues, report, note);

  const ipMm = new Set<string>();
  const ipOp = new Set<string>();
  const sessions = new Map<string, { mm: boolean; other: boolean }>();
  const noteIp = (u: string | null | undefined, ip: string | null | undefined) => {
    if (ip == null) return;
    if (isMmStaff(u)) ipMm.add(ip);
    if (isOpStaff(u)) ipOp.add(ip);
  };
  const refAccount = (id: string | null | undefined) => {
    if (id != null && !accounts.has(id)) report('DQ-5', id, 'medium');
  };
  const refWallet = (id: string | null | undefined) => {
    if (id != null && !wallets.has(id)) report('DQ-5', id, 'medium');
  };
  const refSymbol = (id: string) => {
    if (!instruments.has(id)) report('DQ-5', id, 'medium');
  };

  // ---- orders + trades -----------------------------------------------------------------------------------------
  type Flow = { kind: 'o'; x: Located<OrderEvent> } | { kind: 't'; x: Located<Trade> };
  const flow: Flow[] = [
    ...(R.orders as Located<OrderEvent>[]).map((x) => ({ kind: 'o' as const, x })),
    ...(R.trades as Located<Trade>[]).map((x) => ({ kind: 't' as const, x })),
  ];
  const key = (f: Flow) => f.x.rec.seq;
  flow.sort((a, b) => key(a) - key(b) || (a.x.file < b.x.file ? -1 : a.x.file > b.x.file ? 1 : a.x.line - b.x.line));
  seqChecks(
    'orders+trades',
    flow.map((f) => f.x.rec.seq),
    report,
  );

  const orders = new Map<string, Ord>();
  const bookOf = new Map<string, Set<Ord>>();
  const book = (s: string) => {
    let b = bookOf.get(s);
    if (b === undefined) {
      b = new Set();
      bookOf.set(s, b);
    }
    return b;
  };
  const open = (o: Ord) => o.qty.minus(o.filled);
  const leave = (o: Ord) => {
    o.resting = false;
    book(o.symbol).delete(o);
  };

  for (const f of flow) {
    if (f.kind === 'o') {
      const e = f.x.rec;
      const acct = accounts.get(e.account_id);
      refAccount(e.account_id);
      refSymbol(e.symbol);
      const role = acct?.role;
      if (role === 'affiliated_mm' && e.user_id != null) {
        const s = staff.get(e.user_id);
        if (s === undefined || s.function !== 'market_making' || !mmEntities.has(s.entity_id))
          report('FS-1', e.order_id, 'high');
      }
      if ((role === 'client' || role === 'third_party_mm' || role === 'platform') && isMmStaff(e.user_id)) {
        report('FS-2', e.order_id, 'high');
      }
      if (role === 'platform' && (e.event === 'new' || e.event === 'snapshot')) report('FS-6', e.account_id, 'high');
      if (
        instruments.get(e.symbol)?.product === 'perpetual' &&
        role === 'client' &&
        acct?.investor_class !== 'professional'
      ) {
        report('PERP-1', e.order_id, 'high');
      }
      if (e.session_id != null) {
        const s = sessions.get(e.session_id) ?? { mm: false, other: false };
        if (role === 'affiliated_mm') s.mm = true;
        else s.other = true;
        sessions.set(e.session_id, s);
      }
      noteIp(e.user_id, e.source_ip);
      const known = orders.get(e.order_id);
      if (e.event === 'new' || e.event === 'snapshot') {
        if (known !== undefined) {
          report('DQ-6', e.order_id, 'medium');
          continue;
        }
        const tag = e.mm_tag as boolean;
        if (role === 'affiliated_mm' && !tag) report('MMT-1', e.order_id, 'high');
        if ((role === 'client' || role === 'platform') && tag) report('MMT-2', e.order_id, 'medium');
        const o: Ord = {
          id: e.order_id,
          symbol: e.symbol,
          account: e.account_id,
          side: e.side,
          type: e.type as 'limit' | 'market',
          tif: e.tif as string,
          price: e.price ?? null,
          qty: new Exact(e.qty as string),
          filled: new Exact(0),
          disp: e.display_qty == null ? null : new Exact(e.display_qty),
          mmTag: tag,
          prio: e.seq,
          resting: false,
          closed: false,
        };
        orders.set(o.id, o);
        // A routed order (contract 2) is replayed, but never rests in the local book.
        const isRouted = v2 && routed.onNew(e);
        if (
          !isRouted &&
          (e.event === 'snapshot' || (o.type === 'limit' && ['gtc', 'day', 'post_only'].includes(o.tif)))
        ) {
          o.resting = true;
          book(o.symbol).add(o);
        }
        continue;
      }
      if (known === undefined || known.closed) {
        report('DQ-6', e.order_id, 'medium');
        continue;
      }
      if (e.event === 'amend') {
        const tag = e.mm_tag as boolean;
        if (role === 'affiliated_mm' && !tag) report('MMT-1', e.order_id, 'high');
        if ((role === 'client' || role === 'platform') && tag) report('MMT-2', e.order_id, 'medium');
        if (tag !== known.mmTag) report('MMT-3', e.order_id, 'medium');
        known.mmTag = tag;
        const qty = new Exact(e.qty as string);
        const priceChanged =
          known.type === 'limit' && e.price != null && compareDecimal(e.price, known.price as string) !== 0;
        if (priceChanged || qty.gt(known.qty)) known.prio = e.seq;
        if (known.type === 'limit' && e.price != null) known.price = e.price;
        known.qty = qty;
        known.disp = e.display_qty == null ? null : new Exact(e.display_qty);
        if (v2) routed.onAppliedAmend(e, known.type, e.qty as string, known.price);
        if (open(known).lte(0)) {
          leave(known);
          known.closed = true;
        }
        continue;
      }
      leave(known);
      known.closed = true;
      continue;
    }
    const t = f.x.rec;
    refSymbol(t.symbol);
    const maker = orders.get(t.maker_order_id);
    const taker = orders.get(t.taker_order_id);
    const qty = new Exact(t.qty);
    let dq3 = false;
    if (maker === undefined || !maker.resting) dq3 = true;
    if (taker === undefined || taker.closed) dq3 = true;
    if (maker !== undefined && (maker.symbol !== t.symbol || qty.gt(open(maker)))) dq3 = true;
    if (taker !== undefined && (taker.symbol !== t.symbol || qty.gt(open(taker)))) dq3 = true;
    if (maker !== undefined && maker.price !== null && compareDecimal(maker.price, t.price) !== 0) dq3 = true;
    if (routed.isRouted(t.maker_order_id) || routed.isRouted(t.taker_order_id)) dq3 = true;
    if (dq3) report('DQ-3', t.trade_id, 'high');
    if (maker !== undefined && t.maker_mm_tag !== maker.mmTag) report('MMT-4', t.trade_id, 'medium');
    if (taker !== undefined && t.taker_mm_tag !== taker.mmTag) report('MMT-4', t.trade_id, 'medium');
    if (
      t.phase === 'continuous' &&
      maker !== undefined &&
      maker.resting &&
      accounts.get(maker.account)?.role === 'affiliated_mm'
    ) {
      const takerAcct = taker === undefined ? undefined : accounts.get(taker.account);
      let same = false;
      let sameEarlier = false;
      let better = false;
      for (const o of book(maker.symbol)) {
        if (o.side !== maker.side || o === maker) continue;
        const a = accounts.get(o.account);
        if (a === undefined || (a.role !== 'client' && a.role !== 'third_party_mm')) continue;
        const vis = o.disp === null ? open(o) : Exact.min(o.disp, open(o));
        if (vis.lte(0)) continue;
        if (
          taker !== undefined &&
          (o.account === taker.account || (takerAcct !== undefined && a.entity_id === takerAcct.entity_id))
        ) {
          continue;
        }
        const c = compareDecimal(o.price as string, maker.price as string);
        if (c === 0) {
          same = true;
          if (o.prio < maker.prio) sameEarlier = true;
        } else if (maker.side === 'sell' ? c < 0 : c > 0) better = true;
      }
      if (same) report('CP-1', t.trade_id, sameEarlier ? 'critical' : 'high');
      if (better) report('CP-2', t.trade_id, 'critical');
    }
    for (const o of [maker, taker]) {
      if (o === undefined) continue;
      o.filled = o.filled.plus(qty);
      if (open(o).lte(0)) {
        leave(o);
        o.closed = true;
      }
    }
  }
  for (const [s, v] of sessions) if (v.mm && v.other) report('FS-3', s, 'high');

  // ---- access --------------------------------------------------------------------------------------------------
  const fs4 = new Map<string, boolean>();
  for (const { rec: a } of (R.access as Located<AccessEvent>[]).sort((x, y) => x.rec.seq - y.rec.seq)) {
    noteIp(a.user_id, a.source_ip);
    if (isMmStaff(a.user_id) && a.classification === 'restricted')
      fs4.set(a.event_id, (fs4.get(a.event_id) ?? false) || a.granted);
  }
  for (const [id, granted] of fs4) report('FS-4', id, granted ? 'high' : 'low');
  for (const ip of ipMm) if (ipOp.has(ip)) report('FS-5', ip, 'medium');

  // ---- collateral ----------------------------------------------------------------------------------------------
  const coll = (R.collateral as Located<CollateralEvent>[]).sort(
    (a, b) => a.rec.seq - b.rec.seq || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line),
  );
  seqChecks(
    'collateral',
    coll.map((c) => c.rec.seq),
    report,
  );
  const holdings = new Map<string, Exact>();
  const hk = (w: string, a: string) => `${w}\u0000${a}`;
  const moveQ = (w: string | null | undefined, asset: string, q: Exact) => {
    if (w == null) return;
    holdings.set(hk(w, asset), (holdings.get(hk(w, asset)) ?? new Exact(0)).plus(q));
  };
  const kind = (w: string | null | undefined) => (w == null ? undefined : wallets.get(w)?.kind);
  interface Lot {
    asset: string;
    cls: string;
    qty: Exact;
    h: Exact;
  }
  interface Loan {
    lots: Lot[];
    draws: Exact;
    repays: Exact;
    defaulted: boolean;
  }
  const loans = new Map<string, Loan>();
  const loan = (id: string) => {
    let l = loans.get(id);
    if (l === undefined) {
      l = { lots: [], draws: new Exact(0), repays: new Exact(0), defaulted: false };
      loans.set(id, l);
    }
    return l;
  };
  const latest = new Map<string, Exact>();
  const lending = (l: Loan) => {
    let v = new Exact(0);
    for (const lot of l.lots) {
      if (lot.qty.lte(0)) continue;
      const p = latest.get(lot.asset) ?? new Exact(0);
      let h: Exact;
      if (lot.cls === 'virtual_asset') h = ELIGIBLE.has(lot.asset) ? Exact.max(lot.h, HAIRCUT_FLOOR) : new Exact(1);
      else h = lot.h;
      v = v.plus(lot.qty.times(p).times(new Exact(1).minus(h)));
    }
    return v;
  };
  const outstanding = (l: Loan) => l.draws.minus(l.repays);
  const reduce = (l: Loan, asset: string, q: Exact) => {
    let left = q;
    for (const lot of l.lots) {
      if (left.lte(0)) break;
      if (lot.asset !== asset || lot.qty.lte(0)) continue;
      const take = Exact.min(lot.qty, left);
      lot.qty = lot.qty.minus(take);
      left = left.minus(take);
    }
  };
  const lastLimit = new Map<string, Exact>();
  const firstVa = new Map<string, bigint>();
  const pendingMf6: { id: string; ts: bigint; seq: number; loans: Set<string> }[] = [];
  const gaps = new ValuationGaps(note);
  const heldVa = (asset: string) =>
    [...loans.values()].some((l) => l.lots.some((x) => x.asset === asset && x.cls === 'virtual_asset' && x.qty.gt(0)));
  for (const { rec: c } of coll) {
    refAccount(c.account_id);
    refWallet(c.from_wallet);
    refWallet(c.to_wallet);
    const ts = parseTimestampNs(c.ts) as bigint;
    if (v2 && c.asset != null) gaps.before(c.event, c.asset, ts, heldVa(c.asset));
    const q = c.qty == null ? new Exact(0) : new Exact(c.qty);
    switch (c.event) {
      case 'deposit':
        moveQ(c.to_wallet, c.asset as string, q);
        break;
      case 'withdraw':
        moveQ(c.from_wallet, c.asset as string, q.neg());
        break;
      case 'pledge': {
        moveQ(c.from_wallet, c.asset as string, q.neg());
        moveQ(c.to_wallet, c.asset as string, q);
        if (kind(c.to_wallet) !== 'client_collateral') report('NRH-5', c.event_id, 'high');
        const va = c.asset_class === 'virtual_asset';
        if (va && !ELIGIBLE.has(c.asset as string)) report('MF-1', c.event_id, 'high');
        if (va && new Exact(c.haircut as string).lt(HAIRCUT_FLOOR)) report('MF-2', c.event_id, 'high');
        loan(c.loan_id as string).lots.push({
          asset: c.asset as string,
          cls: c.asset_class as string,
          qty: q,
          h: new Exact(c.haircut as string),
        });
        latest.set(c.asset as string, new Exact(c.price as string));
        if (va && !firstVa.has(c.account_id as string)) firstVa.set(c.account_id as string, ts);
        break;
      }
      case 'release': {
        moveQ(c.from_wallet, c.asset as string, q.neg());
        moveQ(c.to_wallet, c.asset as string, q);
        const w = c.to_wallet == null ? undefined : wallets.get(c.to_wallet);
        const owner = accounts.get(c.account_id as string)?.entity_id;
        if (w === undefined || w.kind !== 'client_free' || w.owner_entity_id !== owner)
          report('NRH-5', c.event_id, 'high');
        reduce(loan(c.loan_id as string), c.asset as string, q);
        break;
      }
      case 'transfer':
        moveQ(c.from_wallet, c.asset as string, q.neg());
        moveQ(c.to_wallet, c.asset as string, q);
        if (kind(c.from_wallet) === 'client_collateral' && kind(c.to_wallet) !== 'client_collateral') {
          report('NRH-1', c.event_id, 'critical');
        }
        break;
      case 'enforce':
        moveQ(c.from_wallet, c.asset as string, q.neg());
        moveQ(c.to_wallet, c.asset as string, q);
        if (!loan(c.loan_id as string).defaulted) report('NRH-2', c.event_id, 'critical');
        reduce(loan(c.loan_id as string), c.asset as string, q);
        break;
      case 'encumber':
        if (kind(c.from_wallet) === 'client_collateral') report('NRH-3', c.event_id, 'critical');
        break;
      case 'default':
        loan(c.loan_id as string).defaulted = true;
        break;
      case 'balance':
        if (kind(c.from_wallet) === 'client_collateral') {
          const h = holdings.get(hk(c.from_wallet as string, c.asset as string)) ?? new Exact(0);
          if (q.lt(h)) report('NRH-4', c.event_id, 'critical');
        }
        break;
      case 'loan_draw': {
        const l = loan(c.loan_id as string);
        l.draws = l.draws.plus(new Exact(c.amount as string));
        if (outstanding(l).gt(lending(l))) report('MF-3', c.event_id, 'high');
        const backed = l.lots.some((x) => x.cls === 'virtual_asset' && x.qty.gt(0));
        if (backed && accounts.get(c.account_id as string)?.securities_margin_client !== true)
          report('MF-4', c.event_id, 'high');
        break;
      }
      case 'loan_repay': {
        const l = loan(c.loan_id as string);
        l.repays = l.repays.plus(new Exact(c.amount as string));
        break;
      }
      case 'credit_limit': {
        const a = new Exact(c.amount as string);
        const prev = lastLimit.get(c.account_id as string);
        const first = firstVa.get(c.account_id as string);
        if (prev !== undefined && a.gt(prev) && first !== undefined && ts >= first && ts <= first + DAY_NS) {
          report('MF-5', c.event_id, 'medium');
        }
        lastLimit.set(c.account_id as string, a);
        break;
      }
      case 'valuation': {
        latest.set(c.asset as string, new Exact(c.price as string));
        const under = new Set<string>();
        for (const [id, l] of loans) {
          const holds = l.lots.some((x) => x.asset === c.asset && x.qty.gt(0));
          if (holds && outstanding(l).gt(lending(l))) under.add(id);
        }
        if (under.size > 0) pendingMf6.push({ id: c.event_id, ts, seq: c.seq, loans: under });
        break;
      }
      case 'margin_call':
        for (const p of pendingMf6) {
          if (c.seq > p.seq && ts <= p.ts + WINDOW_NS && ts >= p.ts) p.loans.delete(c.loan_id as string);
        }
        break;
    }
  }
  for (const p of pendingMf6) if (p.loans.size > 0) report('MF-6', p.id, 'medium');

  // ---- contract 2: MF-7's period-end tail, the margin ledger, settlements ----------------------------------------
  if (v2) {
    const assets = new Set([...loans.values()].flatMap((l) => l.lots.map((x) => x.asset)));
    gaps.end(parseTimestampNs(manifest.period_end) as bigint, [...assets].filter(heldVa), report);
    const margin = R.margin as Located<MarginEvent>[];
    seqChecks(
      'margin',
      margin.map((m) => m.rec.seq),
      report,
    );
    const known = {
      accounts: new Set(accounts.keys()),
      symbols: new Set(instruments.keys()),
      spot: new Set([...instruments.values()].filter((i) => i.product === 'spot').map((i) => i.symbol)),
    };
    auditMargin(margin, known, report, note);
    const settlements = R.settlements as Located<SettlementEvent>[];
    seqChecks(
      'settlements',
      settlements.map((x) => x.rec.seq),
      report,
    );
    auditSettlements(settlements, routed, report);
  }

  const findings = [...found.values()].sort((a, b) =>
    a.check_id !== b.check_id
      ? a.check_id < b.check_id
        ? -1
        : 1
      : a.subject < b.subject
        ? -1
        : a.subject > b.subject
          ? 1
          : 0,
  );
  return { findings, parsed, boundaries };
}

function seqChecks(name: string, seqs: number[], report: (c: string, s: string, v: string) => void): void {
  if (seqs.length === 0) return;
  const sorted = [...seqs].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1] as number;
    const b = sorted[i] as number;
    if (a === b) report('DQ-2', `${name}:${b}`, 'high');
    else if (b > a + 1) report('DQ-4', `${name}:${a + 1}-${b - 1}`, 'high');
  }
}
