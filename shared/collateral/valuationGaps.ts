/**
 * Real-time monitoring of virtual-asset collateral (V2.md MF-7): while some loan holds a lot of virtual asset A
 * (quantity above zero, lots as in MF-3, `asset_class = virtual_asset`, eligible or not), how long A went without a
 * price observation (a `valuation` or a `pledge` of A). Pure: the caller feeds each collateral event in seq order with
 * a view of the holdings just before it (ledgerHoldings on the ledger before it applies the event), and at the end
 * the view after the last event.
 *
 * At every `valuation`, `pledge`, `release` or `enforce` of A while A is held just before it, and at the period end if A
 * is still held after the last event, the time since A's last observation is a gap; a negative difference counts as 0.
 * A's last observation is the latest one in seq order (its `ts`), not the greatest `ts` seen, and an event is measured
 * against the observation before it (then a valuation or pledge becomes the last observation). A gap strictly longer
 * than the maximum is a finding; one per asset, with its longest gap (the first of equal ones) and the loans holding A
 * then. Memory grows with assets, and with loans holding virtual assets (the population).
 *
 * Cost per measured event is constant: whether A is held is a count the ledger keeps, and the loans holding A are
 * listed only when a gap becomes A's longest. The population (loans that held virtual-asset lots) is counted at the
 * pledges that give a loan such a lot: every later state of that loan is then measured or ends at the period end.
 */
import { Exact } from '../contract/decimal.js';
import type { CollateralEvent } from '../contract/records.js';
import { parseTimestampNs } from '../contract/time.js';
import { CollateralLedgerError } from './errors.js';
import type { CollateralLedger } from './ledger.js';

/** A loan holding virtual-asset lots of one asset: its borrower and the lots' quantity (> 0). */
export interface HeldLoan {
  loan_id: string;
  /** The account of the loan (of the first event that named it), null if none named one. */
  account_id: string | null;
  qty: string;
}

/** The virtual-asset holdings at one point, as the tracker asks about them. */
export interface VirtualAssetHoldings {
  /** Whether some loan holds a virtual-asset lot (qty > 0) of the asset. */
  isHeld(asset: string): boolean;
  /** The loans holding virtual-asset lots of the asset, in the order they first pledged it (asked for a longest gap). */
  holders(asset: string): HeldLoan[];
}

/** One point of a gap: an event (its kind, id, seq, ts) or the period end (event, event_id and seq null). */
export interface GapPoint {
  event: CollateralEvent['event'] | null;
  event_id: string | null;
  seq: number | null;
  ts: string;
}

export interface MeasuredGap {
  asset: string;
  /** A's last observation. */
  from: GapPoint;
  /** The event measured, or the period end. */
  to: GapPoint;
  /** to − from in nanoseconds; 0 when negative. */
  lengthNs: bigint;
}

/** A gap with the loans holding A then (just before the event, or at the period end). */
export interface ValuationGap extends MeasuredGap {
  loans: HeldLoan[];
}

export interface AssetGaps {
  asset: string;
  /** The longest gap measured (the first of equal ones), or null when A was never measured while held. */
  longest: ValuationGap | null;
  measured: number;
  /** Gaps strictly longer than the maximum. */
  overMax: number;
}

/** The ledger's virtual-asset holdings now (the ledger as it stands when asked). */
export function ledgerHoldings(ledger: CollateralLedger): VirtualAssetHoldings {
  return {
    isHeld: (asset) => ledger.holdsVirtualAsset(asset),
    holders: (asset) => virtualAssetHolders(ledger, asset),
  };
}

/** The loans holding virtual-asset lots (qty > 0) of the asset in the ledger now. */
export function virtualAssetHolders(ledger: CollateralLedger, asset: string): HeldLoan[] {
  const out: HeldLoan[] = [];
  for (const loanId of ledger.loansHolding(asset)) {
    let qty = new Exact(0);
    for (const lot of ledger.loan(loanId)?.lots ?? []) {
      if (lot.asset === asset && lot.asset_class === 'virtual_asset' && lot.qty.gt(0)) qty = qty.plus(lot.qty);
    }
    if (qty.gt(0))
      out.push({ loan_id: loanId, account_id: ledger.loan(loanId)?.account_id ?? null, qty: qty.toString() });
  }
  return out;
}

interface Observation {
  point: GapPoint;
  tsNs: bigint;
}

export interface ValuationGapsState {
  maxGapNs: bigint;
  last: [string, Observation][];
  assets: [string, AssetGaps][];
  loans: string[];
  finished: boolean;
}

const MEASURED = new Set(['valuation', 'pledge', 'release', 'enforce']);

export class ValuationGapTracker {
  readonly #maxGapNs: bigint;
  /** Per asset, its last observation in seq order. */
  readonly #last = new Map<string, Observation>();
  readonly #assets = new Map<string, AssetGaps>();
  /** Loans seen holding virtual-asset lots (MF-7's population). */
  readonly #loans = new Set<string>();
  #finished = false;

  constructor(maxGapNs: bigint) {
    this.#maxGapNs = maxGapNs;
  }

  /**
   * One collateral event in seq order, with the holdings just before it. Returns the gap measured at it (a valuation,
   * pledge, release or enforce of an asset held just before), or null.
   */
  observe(ev: CollateralEvent, before: VirtualAssetHoldings): MeasuredGap | null {
    if (!MEASURED.has(ev.event) || ev.asset == null) return null;
    const asset = ev.asset;
    const tsNs = parseTimestampNs(ev.ts);
    if (tsNs === undefined) throw new CollateralLedgerError(ev.event_id, `timestamp '${ev.ts}' is not readable`);
    const point: GapPoint = { event: ev.event, event_id: ev.event_id, seq: ev.seq, ts: ev.ts };
    const gaps = this.#gapsOf(asset);
    const gap = before.isHeld(asset) ? this.#measure(gaps, point, tsNs, before) : null;
    if (ev.event === 'valuation' || ev.event === 'pledge') this.#last.set(asset, { point, tsNs });
    // A virtual-asset pledge gives its loan a virtual-asset lot (the contract requires qty > 0).
    if (ev.event === 'pledge' && ev.asset_class === 'virtual_asset' && ev.loan_id != null) this.#loans.add(ev.loan_id);
    return gap;
  }

  /** At the end of the stream: the gap from each still-held asset's last observation to the period end. */
  finish(periodEnd: string, after: VirtualAssetHoldings): void {
    if (this.#finished) return;
    this.#finished = true;
    const endNs = parseTimestampNs(periodEnd);
    if (endNs === undefined) throw new CollateralLedgerError('(period end)', `'${periodEnd}' is not a timestamp`);
    const point: GapPoint = { event: null, event_id: null, seq: null, ts: periodEnd };
    for (const [asset, gaps] of this.#assets) if (after.isHeld(asset)) this.#measure(gaps, point, endNs, after);
  }

  /** Every asset seen at a measured event, in first-seen order, with its longest gap. */
  assets(): IterableIterator<Readonly<AssetGaps>> {
    return this.#assets.values();
  }

  /** Whether the asset's longest gap is strictly longer than the maximum (an MF-7 finding). */
  exceeds(gaps: Readonly<AssetGaps>): boolean {
    return gaps.longest !== null && gaps.longest.lengthNs > this.#maxGapNs;
  }

  /** Distinct loans seen holding virtual-asset lots. */
  get loansExamined(): number {
    return this.#loans.size;
  }

  saveState(): ValuationGapsState {
    return structuredClone({
      maxGapNs: this.#maxGapNs,
      last: [...this.#last],
      assets: [...this.#assets],
      loans: [...this.#loans],
      finished: this.#finished,
    });
  }

  /** Takes over a saveState result (after a structured-clone round trip) into a fresh tracker of the same maximum. */
  loadState(state: ValuationGapsState): void {
    if (state.maxGapNs !== this.#maxGapNs) {
      throw new CollateralLedgerError('(checkpoint)', 'the saved valuation-gap state has another maximum gap');
    }
    const s = structuredClone(state);
    for (const [k, v] of s.last) this.#last.set(k, v);
    for (const [k, v] of s.assets) this.#assets.set(k, v);
    for (const l of s.loans) this.#loans.add(l);
    this.#finished = s.finished;
  }

  #gapsOf(asset: string): AssetGaps {
    let g = this.#assets.get(asset);
    if (g === undefined) {
      g = { asset, longest: null, measured: 0, overMax: 0 };
      this.#assets.set(asset, g);
    }
    return g;
  }

  /** The gap from the asset's last observation to this point (none without an observation). */
  #measure(gaps: AssetGaps, to: GapPoint, toNs: bigint, holdings: VirtualAssetHoldings): MeasuredGap | null {
    const last = this.#last.get(gaps.asset);
    // Lots come from pledges, which are observations: a held asset without one has no measurable gap.
    if (last === undefined) return null;
    const diff = toNs - last.tsNs;
    const gap: MeasuredGap = { asset: gaps.asset, from: last.point, to, lengthNs: diff > 0n ? diff : 0n };
    gaps.measured++;
    if (gap.lengthNs > this.#maxGapNs) gaps.overMax++;
    if (gaps.longest === null || gap.lengthNs > gaps.longest.lengthNs) {
      gaps.longest = { ...gap, loans: holdings.holders(gaps.asset) };
    }
    return gap;
  }
}
