/**
 * The ground truth of MF-7 on a generated contract-2 dataset, kept as the collateral stream is written (V2.md MF-7 and
 * its fixed readings): while some loan holds a lot of virtual asset A (quantity above zero, lots as in MF-3), every
 * `valuation`, `pledge`, `release` or `enforce` of A, and the period end if A is still held after the last event, is
 * measured from A's last observation (a `valuation` or `pledge`) in seq order; a negative difference counts as 0; an
 * asset whose longest gap is strictly longer than the maximum is one finding. Times are nanoseconds after the period
 * start (exact integers).
 */

const MEASURED = new Set(['valuation', 'pledge', 'release', 'enforce']);

export interface WatchedEvent {
  event: string;
  asset: string | null;
  loan: string | null;
  /** The pledge's asset_class. */
  assetClass: string | null;
  /** Quantity a pledge adds to, or a release/enforce takes from, the loan's lots of the asset (any unit). */
  units: number;
  tsNs: number;
}

export class ValuationWatch {
  /** Per asset, the ts of its last observation in seq order. */
  private readonly last = new Map<string, number>();
  /** Per asset, the quantity of virtual-asset lots each loan holds. */
  private readonly lots = new Map<string, Map<string, number>>();
  private readonly longest = new Map<string, number>();

  constructor(private readonly maxGapNs: number) {}

  held(asset: string): boolean {
    for (const q of this.lots.get(asset)?.values() ?? []) if (q > 0) return true;
    return false;
  }

  lastObservation(asset: string): number | undefined {
    return this.last.get(asset);
  }

  private measure(asset: string, tsNs: number): void {
    const from = this.last.get(asset);
    if (from === undefined) return;
    const gap = Math.max(0, tsNs - from);
    if (gap > (this.longest.get(asset) ?? -1)) this.longest.set(asset, gap);
  }

  /** One well-formed collateral event, in seq order. */
  see(e: WatchedEvent): void {
    if (!MEASURED.has(e.event) || e.asset === null) return;
    if (this.held(e.asset)) this.measure(e.asset, e.tsNs);
    if (e.event === 'valuation' || e.event === 'pledge') this.last.set(e.asset, e.tsNs);
    if (e.loan === null) return;
    let byLoan = this.lots.get(e.asset);
    if (byLoan === undefined) {
      byLoan = new Map();
      this.lots.set(e.asset, byLoan);
    }
    const q = byLoan.get(e.loan) ?? 0;
    if (e.event === 'pledge') {
      if (e.assetClass === 'virtual_asset') byLoan.set(e.loan, q + e.units);
    } else if (e.event === 'release' || e.event === 'enforce') {
      byLoan.set(e.loan, Math.max(0, q - e.units));
    }
  }

  /** The assets with a gap strictly longer than the maximum, the period-end tail included. */
  findings(periodEndNs: number): string[] {
    for (const asset of this.lots.keys()) if (this.held(asset)) this.measure(asset, periodEndNs);
    return [...this.longest].filter(([, gap]) => gap > this.maxGapNs).map(([asset]) => asset);
  }
}
