/**
 * Seeded, streaming generator of a realistic dataset of data contract 1 (DATA-CONTRACT.md) or 2 (V2.md: perpetual
 * margin, routed orders and their settlement, real-time collateral monitoring) with injected violations of every
 * check in RULES.md (and V2.md), near misses at the boundaries V2.md draws, and the exact findings a correct audit
 * reports on it (`ground-truth.jsonl` at the dataset root, a file the audit ignores). Same options → same bytes: one
 * seeded PRNG per concern, no clock, stable iteration order; contract 1 writes exactly what it always wrote.
 *
 * `orders` is the number of order events of ordinary flow; end-of-day expiries, injected scenarios and duplicates add
 * a little, so the written count is approximate (GenerationSummary.counts.orders is exact). Trades, collateral and
 * access events scale with it. Memory is bounded by the open books and loans, never by `orders`.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AccessLog } from './access.js';
import { Collateral, VALUATION_MAX_GAP_NS } from './collateral.js';
import { PERIOD_END, PERIOD_NS, PERIOD_START, Sim, type Writers } from './context.js';
import { GeneratorOptionsError } from './errors.js';
import { GroundTruth, type GroundTruthEntry } from './groundTruth.js';
import { MarginFlow } from './marginFlow.js';
import { Market } from './market.js';
import { buildReference, OPERATOR } from './reference.js';
import { Rng } from './rng.js';
import { SharedBook } from './sharedBook.js';
import {
  ACCESS_SPEC,
  ACCOUNTS_SPEC,
  COLLATERAL_SPEC,
  INSTRUMENTS_SPEC,
  INSTRUMENTS_SPEC_V2,
  MARGIN_SPEC,
  ORDERS_SPEC,
  ORDERS_SPEC_V2,
  SETTLEMENTS_SPEC,
  STAFF_SPEC,
  TRADES_SPEC,
  VENUES_SPEC,
  WALLETS_SPEC,
} from './streams.js';
import { contractTwoInjections, INDEX_PERPETUAL, type Injection } from './v2Plan.js';
import { ValuationWatch } from './valuationWatch.js';
import { type Row, type StreamSpec, StreamWriter } from './writer.js';

export interface GenerateOptions {
  /** Dataset folder; created if needed. Record folders, manifest.json and ground-truth.jsonl in it are replaced. */
  out: string;
  seed: number;
  /** Order events of ordinary flow (approximate total, see the module comment). */
  orders: number;
  /** Injected violations per order event, spread evenly over the injection kinds; default 0.001. 0: clean data. */
  violationRate?: number;
  format?: 'jsonl' | 'csv' | 'mixed';
  gzip?: boolean;
  /** Write records out of seq order, within and across files. */
  shuffle?: boolean;
  /** Files per event stream (orders, trades, collateral, access); default one per 500,000 order events. */
  filesPerStream?: number;
  /** Number of traded symbols, 2 to 8 (default 4); the second is always a perpetual. */
  symbols?: number;
  /** Data contract of the dataset, 1 (default) or 2 (adds venues, margin, settlements, routed orders, MF-7). */
  contract?: 1 | 2;
  /** Write the access log (default true). Without it, no FS-4 or FS-5 violation is injected (they need it). */
  accessLog?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface GenerationSummary {
  out: string;
  seed: number;
  contract: 1 | 2;
  counts: {
    orders: number;
    trades: number;
    collateral: number;
    access: number;
    accounts: number;
    staff: number;
    wallets: number;
    instruments: number;
    snapshots: number;
    auctionTrades: number;
    /** Contract 2 only. */
    venues?: number;
    margin?: number;
    settlements?: number;
    routedOrders?: number;
  };
  /** Files written, relative to `out`, including manifest.json and ground-truth.jsonl. */
  files: string[];
  /** Expected findings per check id (what ground-truth.jsonl holds). */
  injected: Record<string, number>;
  groundTruthFindings: number;
}

export const GROUND_TRUTH_FILE = 'ground-truth.jsonl';
const OWNED = [
  'accounts',
  'staff',
  'wallets',
  'instruments',
  'orders',
  'trades',
  'collateral',
  'access',
  'venues',
  'margin',
  'settlements',
];

function validate(o: GenerateOptions): void {
  if (typeof o.out !== 'string' || o.out.length === 0) throw new GeneratorOptionsError('out must be a folder path');
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw new GeneratorOptionsError('seed must be a whole number ≥ 0');
  if (!Number.isSafeInteger(o.orders) || o.orders < 0)
    throw new GeneratorOptionsError('orders must be a whole number ≥ 0');
  const r = o.violationRate;
  if (r !== undefined && !(Number.isFinite(r) && r >= 0 && r <= 1)) {
    throw new GeneratorOptionsError('violationRate must be between 0 and 1');
  }
  const f = o.filesPerStream;
  if (f !== undefined && !(Number.isSafeInteger(f) && f >= 1 && f <= 256)) {
    throw new GeneratorOptionsError('filesPerStream must be a whole number from 1 to 256');
  }
  const s = o.symbols;
  if (s !== undefined && !(Number.isSafeInteger(s) && s >= 2 && s <= 8)) {
    throw new GeneratorOptionsError('symbols must be a whole number from 2 to 8');
  }
  if (o.format !== undefined && !['jsonl', 'csv', 'mixed'].includes(o.format)) {
    throw new GeneratorOptionsError('format must be jsonl, csv or mixed');
  }
  if (o.contract !== undefined && o.contract !== 1 && o.contract !== 2) {
    throw new GeneratorOptionsError('contract must be 1 or 2');
  }
}

export async function generateDataset(opts: GenerateOptions): Promise<GenerationSummary> {
  validate(opts);
  const n = opts.orders;
  const rate = opts.violationRate ?? 0.001;
  const format = opts.format ?? 'jsonl';
  const gzip = opts.gzip === true;
  const shuffle = opts.shuffle === true;
  const eventFiles = opts.filesPerStream ?? Math.min(32, Math.max(1, Math.ceil(n / 500_000)));
  const contract = opts.contract ?? 1;
  const v2 = contract === 2;
  const accessLog = opts.accessLog !== false;

  const root = new Rng(opts.seed, 'vatp-audit-generator');
  const simRng = root.fork('simulation');
  const refRng = root.fork('reference');
  const planRng = root.fork('plan');
  const writerRng = root.fork('writers');

  for (const d of [...OWNED, 'manifest.json', GROUND_TRUTH_FILE])
    await rm(join(opts.out, d), { recursive: true, force: true });

  const gt = new GroundTruth();
  const makeWriter = (spec: StreamSpec, index: number, files: number) =>
    new StreamWriter({
      root: opts.out,
      spec,
      streamIndex: index,
      files,
      format,
      gzip,
      shuffle,
      rng: writerRng.fork(spec.name),
      onBadLine: (path, line) => gt.add('DQ-1', `${path}:${line}`, 'medium'),
    });
  const refWriters = [ACCOUNTS_SPEC, STAFF_SPEC, WALLETS_SPEC, v2 ? INSTRUMENTS_SPEC_V2 : INSTRUMENTS_SPEC].map(
    (s, i) => makeWriter(s, i, 1),
  );
  const [accountsW, staffW, walletsW, instrumentsW] = refWriters as [
    StreamWriter,
    StreamWriter,
    StreamWriter,
    StreamWriter,
  ];
  const smallStream = Math.max(1, Math.min(eventFiles, 4));
  const writers: Writers = {
    orders: makeWriter(v2 ? ORDERS_SPEC_V2 : ORDERS_SPEC, 4, eventFiles),
    trades: makeWriter(TRADES_SPEC, 5, eventFiles),
    collateral: makeWriter(COLLATERAL_SPEC, 6, smallStream),
    access: accessLog ? makeWriter(ACCESS_SPEC, 7, smallStream) : undefined,
  };
  const venuesW = v2 ? makeWriter(VENUES_SPEC, 8, 1) : undefined;
  if (v2) {
    writers.margin = makeWriter(MARGIN_SPEC, 9, smallStream);
    writers.settlements = makeWriter(SETTLEMENTS_SPEC, 10, smallStream);
  }
  const all = [
    ...refWriters,
    ...[
      venuesW,
      writers.orders,
      writers.trades,
      writers.collateral,
      writers.access,
      writers.margin,
      writers.settlements,
    ].filter((w): w is StreamWriter => w !== undefined),
  ];
  for (const w of all) await w.open();

  const ref = buildReference(refRng, {
    clients: Math.max(40, Math.min(4000, Math.round(n / 400))),
    symbols: opts.symbols ?? 4,
  });
  const sim = new Sim(simRng, gt, writers);

  // ---- injection plan --------------------------------------------------------------------------------------
  const market = new Market(sim, ref);
  const collTarget = Math.max(400, Math.round(n / 150));
  const accessTarget = accessLog ? Math.max(300, Math.round(n / 100)) : 0;
  const watch = v2 ? new ValuationWatch(VALUATION_MAX_GAP_NS) : undefined;
  const collateral = new Collateral(sim, ref, collTarget, watch);
  const access = new AccessLog(sim, ref);
  /** Symbols of `instruments` as written (filled with the reference data below, before any margin event). */
  const instrumentNames = new Set<string>();
  const margin = v2 ? new MarginFlow(sim, ref, instrumentNames) : undefined;
  const book = v2 ? new SharedBook(sim, market, ref) : undefined;
  const accessInjections = new Set(['FS-4-high', 'FS-4-low', 'FS-5-access', 'FS-5-orders', 'DQ-1-access']);
  const contractOne: Injection[] = [
    { name: 'CP-1-high', run: () => market.injectCustomerPriority('CP-1-high') },
    { name: 'CP-1-critical', run: () => market.injectCustomerPriority('CP-1-critical') },
    { name: 'CP-2', run: () => market.injectCustomerPriority('CP-2') },
    { name: 'MMT-1', run: () => market.injectMmt1() },
    { name: 'MMT-2', run: () => market.injectMmt2() },
    { name: 'MMT-3', run: () => market.injectMmt3() },
    { name: 'MMT-4', run: () => market.injectMmt4() },
    { name: 'FS-1', run: () => market.injectFs1() },
    { name: 'FS-2', run: () => market.injectFs2() },
    { name: 'FS-3', run: () => market.injectFs3() },
    { name: 'FS-4-high', run: () => access.injectFs4(true) },
    { name: 'FS-4-low', run: () => access.injectFs4(false) },
    { name: 'FS-5-access', run: () => access.injectFs5Access() },
    {
      name: 'FS-5-orders',
      run: () => {
        const ip = access.sharedIp();
        market.injectFs5Order(ip);
        access.operatorOn(ip);
        gt.add('FS-5', ip, 'medium');
      },
    },
    { name: 'FS-6', run: () => market.injectFs6() },
    { name: 'NRH-1', run: () => collateral.injectNrh1() },
    { name: 'NRH-2', run: () => collateral.injectNrh2() },
    { name: 'NRH-3', run: () => collateral.injectNrh3() },
    { name: 'NRH-4', run: () => collateral.injectNrh4() },
    { name: 'NRH-5-pledge', run: () => collateral.injectNrh5('pledge') },
    { name: 'NRH-5-release', run: () => collateral.injectNrh5('release') },
    { name: 'MF-1', run: () => collateral.injectMf1() },
    { name: 'MF-2', run: () => collateral.injectMf2() },
    { name: 'MF-3', run: () => collateral.injectMf3() },
    { name: 'MF-4', run: () => collateral.injectMf4() },
    { name: 'MF-5', run: () => collateral.injectMf5() },
    { name: 'MF-6', run: () => collateral.injectMf6() },
    { name: 'PERP-1', run: () => market.injectPerp1() },
    { name: 'DQ-1-order', run: () => market.injectDq1Order() },
    { name: 'DQ-1-junk-orders', run: () => market.injectDq1Junk('orders') },
    { name: 'DQ-1-junk-trades', run: () => market.injectDq1Junk('trades') },
    { name: 'DQ-1-collateral', run: () => collateral.injectDq1() },
    { name: 'DQ-1-access', run: () => access.injectDq1() },
    { name: 'DQ-2-orders', run: () => market.injectDq2Order() },
    { name: 'DQ-2-collateral', run: () => collateral.injectDq2() },
    { name: 'DQ-3-price', run: () => market.injectDq3Price() },
    { name: 'DQ-3-taker', run: () => market.injectDq3UnknownTaker() },
    { name: 'DQ-4-orders', run: () => sim.dropSeqs(1 + sim.rng.int(3)) },
    { name: 'DQ-4-collateral', run: () => collateral.injectDq4() },
    { name: 'DQ-5-account', run: () => market.injectDq5Order('account') },
    { name: 'DQ-5-symbol', run: () => market.injectDq5Order('symbol') },
    { name: 'DQ-5-wallet', run: () => collateral.injectDq5Wallet() },
    { name: 'DQ-6-unknown', run: () => market.injectDq6('unknown') },
    { name: 'DQ-6-closed', run: () => market.injectDq6('closed') },
    { name: 'DQ-6-resent', run: () => market.injectDq6('resent') },
  ];
  const injections: Injection[] = [
    ...(accessLog ? contractOne : contractOne.filter((i) => !accessInjections.has(i.name))),
    ...(margin !== undefined && book !== undefined ? contractTwoInjections({ collateral, margin, book }) : []),
  ];
  const perKind = rate > 0 ? Math.max(1, Math.round((rate * n) / injections.length)) : 0;
  const schedule: { at: number; inj: Injection }[] = [];
  for (const inj of injections) {
    for (let k = 0; k < perKind; k++) schedule.push({ at: Math.floor(n * (0.05 + 0.85 * planRng.next())), inj });
  }
  schedule.sort((a, b) => a.at - b.at);
  const auctions: number[] = [];
  if (n >= 500) {
    const count = 1 + Math.floor(n / 2_000_000);
    for (let k = 0; k < count; k++) auctions.push(Math.floor(n * (0.1 + 0.8 * planRng.next())));
    auctions.sort((a, b) => a - b);
  }

  // ---- reference data ----------------------------------------------------------------------------------------
  const refCap = rate > 0 ? Math.min(3, perKind) : 0;
  for (const a of ref.accounts) {
    const smc = a.margin ? true : refRng.chance(0.2) ? null : false; // null/absent takes the default false
    accountsW.write({ cells: [a.id, a.entity, a.role, a.cls, smc] });
  }
  for (const s of ref.staff) staffW.write({ cells: [s.user, s.entity, s.fn] });
  for (let k = 1; k <= refCap; k++) {
    const user = `u-op-mm${k}`;
    staffW.write({ cells: [user, OPERATOR, 'market_making'] });
    gt.add('FS-7', user, 'high');
  }
  for (const w of ref.wallets) walletsW.write({ cells: [...w] });
  // Contract 2 adds reference_index_iosco: true on the traded perpetuals, absent (default false) elsewhere.
  const iosco = (product: string, k: number): Row['cells'] =>
    v2 ? [product === 'perpetual' ? true : k % 2 === 0 ? null : false] : [];
  ref.symbols.forEach((s, k) => {
    instrumentsW.write({ cells: [s.name, s.product, s.refAsset, s.approved, ...iosco(s.product, k)] });
    instrumentNames.add(s.name);
  });
  const unapprovedPerps = ['DOGE-PERP', 'PEPE-PERP', 'WIF-PERP'];
  for (let k = 0; k < refCap; k++) {
    const sym = unapprovedPerps[k] as string;
    instrumentsW.write({
      cells: [sym, 'perpetual', sym.replace('-PERP', ''), false, ...(v2 ? [k === 0 ? false : null] : [])],
    });
    instrumentNames.add(sym);
    gt.add('PERP-2', sym, 'high');
  }
  if (v2) {
    // Near miss of PERP-2 (changed): not retail-approved, but its index complies with IOSCO's principles.
    const p = INDEX_PERPETUAL;
    instrumentsW.write({ cells: [p.symbol, 'perpetual', p.reference, false, true] });
    instrumentNames.add(p.symbol);
    for (const row of SharedBook.venueRows(refCap > 0)) (venuesW as StreamWriter).write(row);
  }
  if (refCap > 0) {
    const junk: [StreamWriter, Row['cells']][] = [
      [accountsW, ['X-JUNK-ACC-1', 'E-JUNK', 'client', 'retail', false]],
      [staffW, ['x-junk-user-1', OPERATOR, 'engineering']],
      [walletsW, ['W-JUNK-1', OPERATOR, 'house']],
      [instrumentsW, ['JUNK-USD', 'spot', 'JUNK', true]],
    ];
    for (const [w, cells] of junk) w.write({ cells, bad: planRng.int(4) });
  }

  // ---- the period --------------------------------------------------------------------------------------------
  const manifest = {
    contract,
    venue: 'HKVX',
    operator_entity_id: OPERATOR,
    period_start: PERIOD_START,
    period_end: PERIOD_END,
  };
  market.snapshots();
  collateral.start();
  margin?.start();
  if (v2 && rate > 0) collateral.scheduleTails();
  const pColl = collTarget / Math.max(1, n);
  const pAccess = accessTarget / Math.max(1, n);
  const pMargin = Math.max(300, n / 80) / Math.max(1, n);
  const pRouted = Math.max(60, n / 150) / Math.max(1, n);
  let si = 0;
  let ai = 0;
  let iter = 0;
  const progressEvery = 8192;
  while (sim.orderEvents < n) {
    const done = sim.orderEvents;
    sim.advanceTo(60e9 + Math.floor(((PERIOD_NS - 180e9) * done) / Math.max(1, n)) + sim.rng.int(1_000_000));
    collateral.keepWatch(sim.now);
    margin?.advance();
    while (si < schedule.length && (schedule[si] as { at: number }).at <= done)
      (schedule[si++] as { inj: Injection }).inj.run();
    while (ai < auctions.length && (auctions[ai] as number) <= done) {
      market.startAuction(20 + sim.rng.int(40));
      ai++;
    }
    market.step();
    if (sim.rng.next() < pColl) collateral.step();
    if (sim.rng.next() < pAccess) access.step();
    if (margin !== undefined && sim.rng.next() < pMargin) margin.step();
    if (book !== undefined && sim.rng.next() < pRouted) book.step();
    if ((++iter & 511) === 0) {
      for (const w of all) await w.drain();
      if ((iter & (progressEvery - 1)) === 0) opts.onProgress?.(Math.min(sim.orderEvents, n), n);
    }
  }
  // Whatever the plan did not reach (tiny datasets) runs now, before the day closes.
  while (si < schedule.length) (schedule[si++] as { inj: Injection }).inj.run();
  sim.advanceTo(PERIOD_NS - 1_000_000_000);
  market.endOfDay();
  collateral.finish();
  margin?.finish();
  book?.finish();
  for (const asset of watch?.findings(PERIOD_NS) ?? []) gt.add('MF-7', asset, 'medium');
  for (const w of all) await w.close();
  opts.onProgress?.(Math.min(sim.orderEvents, n), n);

  gt.finishGaps(sim.bounds);
  const entries: GroundTruthEntry[] = gt.sorted();
  await writeFile(join(opts.out, 'manifest.json'), `${JSON.stringify(manifest)}\n`);
  await writeFile(
    join(opts.out, GROUND_TRUTH_FILE),
    entries.map((e) => JSON.stringify({ check_id: e.check_id, subject: e.subject, severity: e.severity })).join('\n') +
      (entries.length > 0 ? '\n' : ''),
  );

  return {
    out: opts.out,
    seed: opts.seed,
    contract,
    counts: {
      orders: sim.orderEvents,
      trades: sim.tradeEvents,
      collateral: sim.collateralEvents,
      access: sim.accessEvents,
      accounts: accountsW.count,
      staff: staffW.count,
      wallets: walletsW.count,
      instruments: instrumentsW.count,
      snapshots: market.counters.snapshots,
      auctionTrades: market.counters.auctionTrades,
      ...(v2
        ? {
            venues: venuesW?.count,
            margin: sim.v2Events.margin,
            settlements: sim.v2Events.settlements,
            routedOrders: market.counters.routed,
          }
        : {}),
    },
    files: ['manifest.json', GROUND_TRUTH_FILE, ...all.flatMap((w) => w.files)].sort(),
    injected: gt.countsByCheck(),
    groundTruthFindings: entries.length,
  };
}
