/**
 * Collateral-ledger replay (RULES.md "NRH" and "MF"): the state the NRH and MF checks judge events against. Events
 * are applied in `seq` order (DQ-2 duplicates in file/line order). Memory grows with wallets × assets, loans, their
 * open lots and accounts, never with the number of events.
 *
 * - Ledger holdings per wallet and asset: every quantity moved in by deposit/pledge/release/transfer/enforce, minus
 *   every quantity moved out by withdraw/pledge/release/transfer/enforce. They may go negative (movements of assets
 *   held before the dataset starts); a balance of zero or more is never below a negative holding.
 * - Per loan: outstanding amount (draws − repayments) and collateral lots, one per pledge for that loan; release and
 *   enforce of an asset reduce the loan's lots of that asset oldest first, never below zero (an excess is recorded,
 *   not carried). Lots that reach zero are dropped: they carry no lending value and do not back the loan.
 * - Latest price per asset: the price of its most recent valuation or pledge in replay order.
 * - Per asset, the number of open virtual-asset lots over all loans (whether the asset is held, without a visit).
 * - Defaults per loan, the latest credit limit per account, the first virtual-asset pledge per account, the latest
 *   margin call per loan.
 */

import { Exact } from '../contract/decimal.js';
import type { CollateralEvent } from '../contract/records.js';
import { parseTimestampNs } from '../contract/time.js';
import { CollateralLedgerError } from './errors.js';

type AssetClass = NonNullable<CollateralEvent['asset_class']>;

/** Where and when an event happened, for evidence and time windows. */
export interface EventMark {
  event_id: string;
  seq: number;
  ts: string;
  tsNs: bigint;
}

export interface CollateralLot {
  /** The pledge that created the lot. */
  pledge: EventMark;
  asset: string;
  /** null only if a pledge lacked its class (the contract requires it); such a lot is valued at nothing. */
  asset_class: AssetClass | null;
  /** Quantity still pledged (> 0; lots at zero are dropped). */
  qty: Exact;
  /** The haircut recorded on the pledge, as written. */
  haircut: string;
}

export interface LoanState {
  loan_id: string;
  /** Account of the first event that named the loan. */
  account_id: string | null;
  drawn: Exact;
  repaid: Exact;
  /** Draws − repayments (may be negative after an over-repayment). */
  outstanding: Exact;
  /** Open lots, oldest pledge first. */
  lots: CollateralLot[];
  /** The first default declared on the loan, if any. */
  default: EventMark | null;
  /** The latest margin call on the loan, if any. */
  lastMarginCall: EventMark | null;
}

export interface PriceMark extends EventMark {
  /** Price as written on the valuation or pledge. */
  price: string;
  source: 'valuation' | 'pledge';
}

export interface CreditLimitMark extends EventMark {
  amount: string;
}

export interface VaPledgeMark extends EventMark {
  asset: string;
  loan_id: string;
}

/** How a release or enforce reduced a loan's lots (the part beyond the lots is not carried). */
export interface LotReduction {
  reduced: Exact;
  excess: Exact;
}

const ZERO = new Exact(0);

export class CollateralLedger {
  readonly #holdings = new Map<string, Map<string, Exact>>();
  readonly #loans = new Map<string, LoanState>();
  /** Per loan, a counter moved by every change of its lots (for caches of values derived from them). */
  readonly #lotsRevision = new Map<string, number>();
  readonly #prices = new Map<string, PriceMark>();
  readonly #creditLimits = new Map<string, CreditLimitMark>();
  readonly #firstVaPledge = new Map<string, VaPledgeMark>();
  /** asset → loans holding an open lot of it (qty > 0). */
  readonly #loansByAsset = new Map<string, Set<string>>();
  /** asset → open virtual-asset lots of it (qty > 0), over every loan. */
  readonly #virtualAssetLots = new Map<string, number>();
  #lastReduction: LotReduction | null = null;
  #applied = 0;

  /** Applies one event. Throws CollateralLedgerError when a field the event needs is missing or unreadable. */
  apply(ev: CollateralEvent): void {
    this.#lastReduction = null;
    const mark = toMark(ev);
    switch (ev.event) {
      case 'deposit':
        this.#move(ev, null, need(ev, 'to_wallet'));
        break;
      case 'withdraw':
        this.#move(ev, need(ev, 'from_wallet'), null);
        break;
      case 'transfer':
        this.#move(ev, need(ev, 'from_wallet'), need(ev, 'to_wallet'));
        break;
      case 'pledge': {
        const loanId = need(ev, 'loan_id');
        const asset = need(ev, 'asset');
        const price = need(ev, 'price');
        const haircut = need(ev, 'haircut');
        this.#move(ev, need(ev, 'from_wallet'), need(ev, 'to_wallet'));
        const loan = this.#loan(loanId, ev.account_id ?? null);
        const qty = exact(ev, 'qty');
        if (qty.gt(0)) {
          loan.lots.push({ pledge: mark, asset, asset_class: ev.asset_class ?? null, qty, haircut });
          this.#lotsChanged(loanId);
          this.#index(asset, loanId);
          if (ev.asset_class === 'virtual_asset') this.#countVirtualAssetLots(asset, 1);
        }
        this.#prices.set(asset, { ...mark, price, source: 'pledge' });
        if (ev.asset_class === 'virtual_asset' && ev.account_id != null && !this.#firstVaPledge.has(ev.account_id)) {
          this.#firstVaPledge.set(ev.account_id, { ...mark, asset, loan_id: loanId });
        }
        break;
      }
      case 'release':
      case 'enforce': {
        const loanId = need(ev, 'loan_id');
        const asset = need(ev, 'asset');
        this.#move(ev, need(ev, 'from_wallet'), need(ev, 'to_wallet'));
        const loan = this.#loan(loanId, ev.account_id ?? null);
        this.#lastReduction = this.#reduceLots(loan, asset, exact(ev, 'qty'));
        break;
      }
      case 'default': {
        const loan = this.#loan(need(ev, 'loan_id'), ev.account_id ?? null);
        if (loan.default === null) loan.default = mark;
        break;
      }
      case 'loan_draw': {
        const loan = this.#loan(need(ev, 'loan_id'), ev.account_id ?? null);
        const amount = exact(ev, 'amount');
        loan.drawn = loan.drawn.plus(amount);
        loan.outstanding = loan.outstanding.plus(amount);
        break;
      }
      case 'loan_repay': {
        const loan = this.#loan(need(ev, 'loan_id'), ev.account_id ?? null);
        const amount = exact(ev, 'amount');
        loan.repaid = loan.repaid.plus(amount);
        loan.outstanding = loan.outstanding.minus(amount);
        break;
      }
      case 'credit_limit':
        this.#creditLimits.set(need(ev, 'account_id'), { ...mark, amount: need(ev, 'amount') });
        break;
      case 'valuation':
        this.#prices.set(need(ev, 'asset'), { ...mark, price: need(ev, 'price'), source: 'valuation' });
        break;
      case 'margin_call': {
        const loan = this.#loan(need(ev, 'loan_id'), ev.account_id ?? null);
        loan.lastMarginCall = mark;
        break;
      }
      case 'encumber':
      case 'balance':
        // Neither moves assets: an encumbrance is a lien, a balance is custody's own snapshot.
        break;
    }
    this.#applied++;
  }

  /** Ledger holdings of an asset in a wallet (zero when nothing moved). */
  holding(wallet: string, asset: string): Exact {
    return this.#holdings.get(wallet)?.get(asset) ?? ZERO;
  }

  loan(loanId: string): LoanState | undefined {
    return this.#loans.get(loanId);
  }

  /** The loan's outstanding amount; zero for a loan the ledger has not seen. */
  outstanding(loanId: string): Exact {
    return this.#loans.get(loanId)?.outstanding ?? ZERO;
  }

  latestPrice(asset: string): PriceMark | undefined {
    return this.#prices.get(asset);
  }

  /** The account's latest credit limit so far. */
  creditLimit(accountId: string): CreditLimitMark | undefined {
    return this.#creditLimits.get(accountId);
  }

  /** The account's first virtual-asset pledge so far. */
  firstVaPledge(accountId: string): VaPledgeMark | undefined {
    return this.#firstVaPledge.get(accountId);
  }

  /** Whether a default on the loan was applied before now. */
  defaultOf(loanId: string): EventMark | null {
    return this.#loans.get(loanId)?.default ?? null;
  }

  /** Moves whenever the loan's lots change (pledge, release, enforce); 0 for a loan without lots so far. */
  lotsRevision(loanId: string): number {
    return this.#lotsRevision.get(loanId) ?? 0;
  }

  /** Loans that hold an open lot (qty > 0) of the asset, in the order they first pledged it. */
  loansHolding(asset: string): readonly string[] {
    const s = this.#loansByAsset.get(asset);
    return s === undefined ? [] : [...s];
  }

  /** Whether some loan holds a virtual_asset lot of the asset with qty > 0 (without visiting the loans). */
  holdsVirtualAsset(asset: string): boolean {
    return (this.#virtualAssetLots.get(asset) ?? 0) > 0;
  }

  /** A loan is backed by virtual assets when it holds a virtual_asset lot with qty > 0. */
  isBackedByVirtualAssets(loanId: string): boolean {
    return this.#loans.get(loanId)?.lots.some((l) => l.asset_class === 'virtual_asset' && l.qty.gt(0)) ?? false;
  }

  /** How the last applied release/enforce reduced lots (null after any other event). */
  get lastReduction(): LotReduction | null {
    return this.#lastReduction;
  }

  /** Number of events applied. */
  get applied(): number {
    return this.#applied;
  }

  #loan(loanId: string, accountId: string | null): LoanState {
    let loan = this.#loans.get(loanId);
    if (loan === undefined) {
      loan = {
        loan_id: loanId,
        account_id: accountId,
        drawn: ZERO,
        repaid: ZERO,
        outstanding: ZERO,
        lots: [],
        default: null,
        lastMarginCall: null,
      };
      this.#loans.set(loanId, loan);
    } else if (loan.account_id === null && accountId !== null) {
      loan.account_id = accountId;
    }
    return loan;
  }

  #move(ev: CollateralEvent, from: string | null, to: string | null): void {
    const asset = need(ev, 'asset');
    const qty = exact(ev, 'qty');
    if (from !== null) this.#add(from, asset, qty.neg());
    if (to !== null) this.#add(to, asset, qty);
  }

  #add(wallet: string, asset: string, delta: Exact): void {
    let perAsset = this.#holdings.get(wallet);
    if (perAsset === undefined) {
      perAsset = new Map();
      this.#holdings.set(wallet, perAsset);
    }
    perAsset.set(asset, (perAsset.get(asset) ?? ZERO).plus(delta));
  }

  #reduceLots(loan: LoanState, asset: string, qty: Exact): LotReduction {
    let left = qty;
    for (const lot of loan.lots) {
      if (left.lte(0)) break;
      if (lot.asset !== asset) continue;
      const take = Exact.min(lot.qty, left);
      lot.qty = lot.qty.minus(take);
      left = left.minus(take);
    }
    const closed = loan.lots.filter((l) => l.asset === asset && l.asset_class === 'virtual_asset' && !l.qty.gt(0));
    if (closed.length > 0) this.#countVirtualAssetLots(asset, -closed.length);
    loan.lots = loan.lots.filter((l) => l.qty.gt(0));
    this.#lotsChanged(loan.loan_id);
    if (!loan.lots.some((l) => l.asset === asset)) this.#loansByAsset.get(asset)?.delete(loan.loan_id);
    return { reduced: qty.minus(left), excess: left };
  }

  #lotsChanged(loanId: string): void {
    this.#lotsRevision.set(loanId, (this.#lotsRevision.get(loanId) ?? 0) + 1);
  }

  #countVirtualAssetLots(asset: string, delta: number): void {
    const n = (this.#virtualAssetLots.get(asset) ?? 0) + delta;
    if (n === 0) this.#virtualAssetLots.delete(asset);
    else this.#virtualAssetLots.set(asset, n);
  }

  #index(asset: string, loanId: string): void {
    let s = this.#loansByAsset.get(asset);
    if (s === undefined) {
      s = new Set();
      this.#loansByAsset.set(asset, s);
    }
    s.add(loanId);
  }
}

type StringField = 'account_id' | 'asset' | 'from_wallet' | 'to_wallet' | 'loan_id' | 'price' | 'haircut' | 'amount';

function need(ev: CollateralEvent, field: StringField): string {
  const v = ev[field];
  if (v === undefined || v === null) throw new CollateralLedgerError(ev.event_id, `'${ev.event}' without ${field}`);
  return v;
}

function exact(ev: CollateralEvent, field: 'qty' | 'amount'): Exact {
  const v = ev[field];
  if (v === undefined || v === null) throw new CollateralLedgerError(ev.event_id, `'${ev.event}' without ${field}`);
  try {
    return new Exact(v);
  } catch (cause) {
    throw new CollateralLedgerError(ev.event_id, `${field} '${v}' is not a decimal`, { cause });
  }
}

/** The event's identity and time; throws CollateralLedgerError on an unreadable timestamp. */
export function toMark(ev: CollateralEvent): EventMark {
  const tsNs = parseTimestampNs(ev.ts);
  if (tsNs === undefined) throw new CollateralLedgerError(ev.event_id, `timestamp '${ev.ts}' is not readable`);
  return { event_id: ev.event_id, seq: ev.seq, ts: ev.ts, tsNs };
}
