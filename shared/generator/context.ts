/**
 * The generator's shared state: output writers, the venue-wide order/trade sequence and the collateral and access
 * sequences (with injected gaps), the simulated clock and the ground truth.
 */
import { TimestampFormatter } from './format.js';
import type { GroundTruth } from './groundTruth.js';
import type { Rng } from './rng.js';
import type { Cell, StreamWriter } from './writer.js';

export const PERIOD_START = '2026-02-12T00:00:00Z';
export const PERIOD_END = '2026-02-13T00:00:00Z';
export const PERIOD_NS = 86_400 * 1e9;
export const HOUR_NS = 3_600 * 1e9;

export interface Writers {
  orders: StreamWriter;
  trades: StreamWriter;
  collateral: StreamWriter;
  access: StreamWriter;
}

export class Sim {
  readonly tsf = new TimestampFormatter(PERIOD_START);
  /** Nanoseconds after the period start; never decreases. */
  now = 0;
  private seq = 0;
  private collSeq = 0;
  private accSeq = 0;
  orderEvents = 0;
  tradeEvents = 0;
  collateralEvents = 0;
  accessEvents = 0;
  /** Lowest/highest seq carried by a well-formed record, per sequence (for DQ-4 bounds). */
  readonly bounds: Record<'orders+trades' | 'collateral', { min: number; max: number } | undefined> = {
    'orders+trades': undefined,
    collateral: undefined,
  };

  constructor(
    readonly rng: Rng,
    readonly gt: GroundTruth,
    readonly w: Writers,
  ) {}

  private lastTsAt = -1;
  private lastTs = '';

  ts(offsetNs = this.now): string {
    const t = Math.min(PERIOD_NS - 1, Math.max(0, Math.round(offsetNs)));
    if (t !== this.lastTsAt) {
      this.lastTsAt = t;
      this.lastTs = this.tsf.format(t);
    }
    return this.lastTs;
  }

  /** Moves the clock forward to `t` (never backwards). */
  advanceTo(t: number): void {
    if (t > this.now) this.now = Math.min(PERIOD_NS - 1, Math.floor(t));
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** DQ-4: skips `n` seqs of the orders+trades sequence; they never appear. */
  dropSeqs(n: number): void {
    for (let i = 0; i < n; i++) this.gt.missingSeq('orders+trades', ++this.seq);
  }

  nextCollSeq(): number {
    return ++this.collSeq;
  }

  dropCollSeqs(n: number): void {
    for (let i = 0; i < n; i++) this.gt.missingSeq('collateral', ++this.collSeq);
  }

  nextAccessSeq(): number {
    return ++this.accSeq;
  }

  private see(name: 'orders+trades' | 'collateral', seq: number): void {
    const b = this.bounds[name];
    if (b === undefined) this.bounds[name] = { min: seq, max: seq };
    else {
      if (seq < b.min) b.min = seq;
      if (seq > b.max) b.max = seq;
    }
  }

  /** Writes an order event; a malformed one (`bad`) is set aside by the audit, so its seq becomes missing. */
  order(cells: Cell[], bad?: number): void {
    this.orderEvents++;
    this.record('orders+trades', cells[0] as number, bad);
    this.w.orders.write(bad === undefined ? { cells } : { cells, bad });
  }

  trade(cells: Cell[]): void {
    this.tradeEvents++;
    this.record('orders+trades', cells[0] as number, undefined);
    this.w.trades.write({ cells });
  }

  collateral(cells: Cell[], bad?: number): void {
    this.collateralEvents++;
    this.record('collateral', cells[0] as number, bad);
    this.w.collateral.write(bad === undefined ? { cells } : { cells, bad });
  }

  access(cells: Cell[], bad?: number): void {
    this.accessEvents++;
    this.w.access.write(bad === undefined ? { cells } : { cells, bad });
  }

  private record(name: 'orders+trades' | 'collateral', seq: number, bad: number | undefined): void {
    if (bad === undefined) this.see(name, seq);
    else this.gt.missingSeq(name, seq);
  }
}
