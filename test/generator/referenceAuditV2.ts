/**
 * The test oracle's reading of V2.md (contract 2), used with referenceAudit.ts to test the generator: routed orders
 * and their pre-funding and venues (SOB-1, SOB-2, DQ-5 routes), their settlement (SOB-3, DQ-5 order ids), the margin
 * ledger and its loss waterfall and funding (PERP-3..7, DQ-5 accounts, symbols and refs), and the real-time monitoring
 * of virtual-asset collateral (MF-7). Written from V2.md and its "Readings fixed", with default parameters; it shares
 * nothing with the generator or the audit but the record schemas.
 */
import { Exact } from '#shared/contract/decimal.js';
import type { OrderEvent } from '#shared/contract/records.js';
import type { MarginEvent, SettlementEvent, Venue } from '#shared/contract/recordsV2.js';
import { parseTimestampNs } from '#shared/contract/time.js';

export type Report = (check_id: string, subject: string, severity: string) => void;
/** Counts a record that sits exactly on a boundary of V2.md (so that tests can tell the near misses are there). */
export type Note = (boundary: string) => void;

interface Located<T> {
  rec: T;
  file: string;
  line: number;
}

const PERP_MARGIN_CLASSES = new Set(['fiat', 'hkma_stablecoin', 'tokenized_deposit']);
const VALUATION_MAX_GAP_NS = 15n * 60n * 1_000_000_000n;
const FUNDING_DECIMALS = 8;
const ZERO = new Exact(0);

/** seq, then file path, then line: the order records sharing a seq are processed in. */
export function inSeqOrder<T extends { seq: number }>(rows: Located<T>[]): Located<T>[] {
  return [...rows].sort(
    (a, b) => a.rec.seq - b.rec.seq || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line),
  );
}

// ---- routed orders -----------------------------------------------------------------------------------------------
/** Routed orders as the order flow goes (V2.md "orders: two new fields", SOB-1, SOB-2, DQ-5). */
export class RoutedOrders {
  /** order_id → the venue its `new` routed it to. */
  readonly routed = new Map<string, string>();

  constructor(
    private readonly venues: ReadonlyMap<string, Venue>,
    private readonly report: Report,
    private readonly note: Note,
  ) {}

  /** A `new`: whether it routes the order (then it never rests in the local book). */
  onNew(e: OrderEvent): boolean {
    if (e.event !== 'new' || e.route == null) return false;
    this.routed.set(e.order_id, e.route);
    const v = this.venues.get(e.route);
    if (v === undefined) this.report('DQ-5', e.route, 'medium');
    else if (!v.shared_book_approved || !v.fatf_member) this.report('SOB-2', e.order_id, 'high');
    this.judgePrefunding(e, e.side, e.type ?? 'limit', e.qty ?? null, e.price ?? null);
    return true;
  }

  /** An amend that was applied, with the order's quantity and price as they stand after it. */
  onAppliedAmend(e: OrderEvent, type: 'limit' | 'market', qty: string, price: string | null): void {
    if (this.routed.has(e.order_id)) this.judgePrefunding(e, e.side, type, qty, price);
  }

  /** SOB-1: held aside at least qty × price (a limit buy) or qty (a sell); a market buy is not tested. */
  private judgePrefunding(
    e: OrderEvent,
    side: 'buy' | 'sell',
    type: 'limit' | 'market',
    qty: string | null,
    price: string | null,
  ): void {
    if (side === 'buy' && type === 'market') {
      this.note('SOB-1 market buy not tested');
      return;
    }
    const need = side === 'buy' ? new Exact(qty as string).times(new Exact(price as string)) : new Exact(qty as string);
    if (e.prefunded == null || new Exact(e.prefunded).lt(need)) this.report('SOB-1', e.order_id, 'critical');
    if (e.prefunded != null && new Exact(e.prefunded).eq(need)) this.note(`SOB-1 ${side} pre-funded exactly`);
    if (e.prefunded != null && side === 'buy' && new Exact(e.prefunded).eq(need.minus('0.01')))
      this.note('SOB-1 buy one cent short');
  }

  isRouted(orderId: string): boolean {
    return this.routed.has(orderId);
  }
}

/** SOB-3 per execution and DQ-5 for settlement order ids that are no routed order. */
export function auditSettlements(rows: Located<SettlementEvent>[], routed: RoutedOrders, report: Report): void {
  const legs = new Map<string, SettlementEvent[]>();
  for (const { rec: s } of inSeqOrder(rows)) {
    if (!routed.isRouted(s.order_id)) report('DQ-5', s.order_id, 'medium');
    const list = legs.get(s.exec_id) ?? [];
    list.push(s);
    legs.set(s.exec_id, list);
  }
  for (const [exec, list] of legs) {
    const assets = list.filter((l) => l.leg === 'asset').length;
    const cash = list.filter((l) => l.leg === 'cash').length;
    const dvp = list.every((l) => l.mechanism === 'dvp');
    const oneBatch = new Set(list.map((l) => l.batch_id)).size === 1;
    if (assets !== 1 || cash !== 1 || !dvp || !oneBatch) report('SOB-3', exec, 'high');
  }
}

// ---- the margin ledger -------------------------------------------------------------------------------------------
interface Liq {
  seq: number;
  account: string;
  deficit: Exact;
  covered: Exact;
}

/** PERP-3..7 and the DQ-5 cases of `margin`, replaying it in seq order (V2.md "Margin balance"). */
export function auditMargin(
  rows: Located<MarginEvent>[],
  known: { accounts: ReadonlySet<string>; symbols: ReadonlySet<string>; spot: ReadonlySet<string> },
  report: Report,
  note: Note,
): void {
  const balances = new Map<string, Exact>();
  const add = (account: string, x: Exact): Exact => {
    const b = (balances.get(account) ?? ZERO).plus(x);
    balances.set(account, b);
    return b;
  };
  let fund = ZERO;
  const liquidations = new Map<string, Liq>();
  const published: { symbol: string; interval: bigint; text: string; seq: number; rate: Exact }[] = [];
  /** PERP-4's listed events: the balance just after; notes a balance of exactly zero, and one already below zero. */
  const listed = (account: string, x: Exact): boolean => {
    const before = balances.get(account) ?? ZERO;
    const after = add(account, x);
    if (after.eq(0)) note('PERP-4 balance exactly zero after');
    if (before.lt(0)) note('PERP-4 judged while already below zero');
    return after.lt(0);
  };
  const refOf = (m: MarginEvent): Liq | undefined => {
    const l = liquidations.get(m.ref as string);
    if (l !== undefined && l.seq < m.seq) return l;
    report('DQ-5', m.ref as string, 'medium');
    note(`${m.event} ref unresolved`);
    return undefined;
  };
  for (const { rec: m } of inSeqOrder(rows)) {
    if (m.account_id != null && !known.accounts.has(m.account_id)) report('DQ-5', m.account_id, 'medium');
    if (m.symbol != null && !known.symbols.has(m.symbol)) report('DQ-5', m.symbol, 'medium');
    if (m.symbol != null && known.spot.has(m.symbol)) note('DQ-5 margin symbol of a spot instrument');
    const amount = m.amount == null ? ZERO : new Exact(m.amount);
    const account = m.account_id as string;
    if (m.event === 'deposit') {
      add(account, amount);
      note(`PERP-3 deposit of ${m.asset_class}`);
      if (!PERP_MARGIN_CLASSES.has(m.asset_class as string)) report('PERP-3', m.event_id, 'high');
    } else if (m.event === 'credit') {
      add(account, amount);
      report('PERP-4', m.event_id, 'critical');
    } else if (m.event === 'withdraw' || m.event === 'fee') {
      if (listed(account, amount.neg())) report('PERP-4', m.event_id, 'critical');
    } else if (m.event === 'pnl' || m.event === 'funding') {
      // Only a loss or a payment is PERP-4's; a profit or a receipt moves the balance unjudged.
      if (!amount.lt(0)) {
        if (add(account, amount).lt(0)) note('PERP-4 profit leaving the balance below zero (not judged)');
      } else if (listed(account, amount)) report('PERP-4', m.event_id, 'critical');
      if (m.event === 'funding') {
        const interval = parseTimestampNs(m.interval_start as string);
        const before = published.filter((p) => p.symbol === m.symbol && p.interval === interval && p.seq < m.seq);
        const latest = before.at(-1);
        if (published.some((p) => p.symbol === m.symbol && p.interval === interval && p.seq === m.seq))
          note('PERP-7 rate published at the funding own seq');
        if (latest !== undefined && latest.text !== m.interval_start)
          note('PERP-7 interval_start same instant, other text');
        const rate = new Exact(m.rate as string);
        const exact = new Exact(m.position_qty as string)
          .times(new Exact(m.mark_price as string))
          .times(rate)
          .neg();
        const expected = exact.toDecimalPlaces(FUNDING_DECIMALS, Exact.ROUND_HALF_UP);
        // A tie: exactly half a unit of the last place beyond it.
        if (exact.minus(exact.toDecimalPlaces(FUNDING_DECIMALS, Exact.ROUND_DOWN)).abs().eq('0.000000005'))
          note(
            expected.eq(amount)
              ? `PERP-7 tie, amount ${exact.lt(0) ? 'negative' : 'positive'}`
              : 'PERP-7 tie, wrongly rounded',
          );
        if (latest === undefined || !latest.rate.eq(rate) || !expected.eq(amount)) report('PERP-7', m.event_id, 'high');
      }
    } else if (m.event === 'funding_rate') {
      published.push({
        symbol: m.symbol as string,
        interval: parseTimestampNs(m.interval_start as string) as bigint,
        text: m.interval_start as string,
        seq: m.seq,
        rate: new Exact(m.rate as string),
      });
    } else if (m.event === 'liquidation') {
      const after = add(account, amount);
      if (!liquidations.has(m.event_id)) {
        liquidations.set(m.event_id, { seq: m.seq, account, deficit: after.lt(0) ? after.neg() : ZERO, covered: ZERO });
      }
    } else if (m.event === 'insurance') {
      fund = fund.plus(amount);
      if (amount.lt(0)) {
        add(account, amount.neg());
        const l = refOf(m);
        if (l !== undefined) l.covered = l.covered.plus(amount.neg());
      }
    } else if (m.event === 'adl') {
      add(account, amount.neg());
      const l = refOf(m);
      if (l !== undefined) {
        const uncovered = Exact.max(ZERO, l.deficit.minus(l.covered));
        if (fund.gte(uncovered)) report('PERP-6', m.event_id, 'high');
        if (uncovered.eq(0)) note('PERP-6 adl with nothing left to cover');
        else if (fund.eq(uncovered)) note('PERP-6 fund exactly what is uncovered');
        else if (fund.eq(uncovered.minus('0.01'))) note('PERP-6 fund a cent short of what is uncovered');
        l.covered = l.covered.plus(amount);
        add(l.account, amount);
      }
    }
  }
  for (const [id, l] of liquidations) {
    if (l.covered.lt(l.deficit)) report('PERP-5', id, 'high');
    if (l.deficit.gt(0) && l.covered.gt(l.deficit)) note('PERP-5 covered beyond the deficit');
    if (l.deficit.gt(0) && l.covered.eq(l.deficit)) note('PERP-5 covered exactly');
  }
}

// ---- MF-7 ----------------------------------------------------------------------------------------------------------
/**
 * MF-7 along the collateral replay: `before` is called with each event before the replay applies it (with whether
 * its asset is held by some loan as a virtual-asset lot above zero), `end` with the assets still held.
 */
export class ValuationGaps {
  private readonly lastObserved = new Map<string, bigint>();
  private readonly longest = new Map<string, bigint>();

  constructor(private readonly note: Note) {}

  private measure(asset: string, at: bigint, where: string): void {
    const from = this.lastObserved.get(asset);
    if (from === undefined) return;
    const gap = at > from ? at - from : 0n;
    if (at < from) this.note('MF-7 negative difference');
    if (gap === VALUATION_MAX_GAP_NS) this.note(`MF-7 ${where} gap exactly the maximum`);
    if (gap === VALUATION_MAX_GAP_NS + 1n) this.note(`MF-7 ${where} gap the maximum and 1 ns`);
    if (gap > (this.longest.get(asset) ?? -1n)) this.longest.set(asset, gap);
  }

  before(event: string, asset: string | null | undefined, ts: bigint, heldBefore: boolean): void {
    if (asset == null || !['valuation', 'pledge', 'release', 'enforce'].includes(event)) return;
    if (heldBefore) this.measure(asset, ts, event);
    if (event === 'valuation' || event === 'pledge') this.lastObserved.set(asset, ts);
  }

  end(periodEnd: bigint, heldAfter: Iterable<string>, report: Report): void {
    for (const asset of heldAfter) this.measure(asset, periodEnd, 'period-end');
    for (const [asset, gap] of this.longest) if (gap > VALUATION_MAX_GAP_NS) report('MF-7', asset, 'medium');
  }
}
