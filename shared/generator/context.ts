/**
 * The generator's shared state: output writers, the venue-wide order/trade sequence and the collateral and access
 * sequences (with injected gaps), on contract 2 the margin and settlements sequences, the simulated clock and the
 * ground truth.
 */

import { GeneratorError } from './errors.js';
import { TimestampFormatter } from './format.js';
import type { GroundTruth, SequenceBounds, SequenceName } from './groundTruth.js';
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
  /** Absent when the dataset has no access log. */
  access: StreamWriter | undefined;
  /** Contract 2 only. */
  margin?: StreamWriter;
  settlements?: StreamWriter;
}

/** The streams of contract 2 with their own seq. */
export type StreamV2 = 'margin' | 'settlements';

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
  /** Records written to the contract-2 streams, and the last seq handed out in each. */
  readonly v2Events: Record<StreamV2, number> = { margin: 0, settlements: 0 };
  private readonly v2Seq: Record<StreamV2, number> = { margin: 0, settlements: 0 };
  /** Lowest/highest seq carried by a well-formed record, per sequence (for DQ-4 bounds). */
  readonly bounds: SequenceBounds = {};

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

  nextSeqOf(stream: StreamV2): number {
    return ++this.v2Seq[stream];
  }

  /** DQ-4: skips `n` seqs of a contract-2 stream. */
  dropSeqsOf(stream: StreamV2, n: number): void {
    for (let i = 0; i < n; i++) this.gt.missingSeq(stream, ++this.v2Seq[stream]);
  }

  /** Writes a record of a contract-2 stream (seq first); a malformed one's seq becomes missing. */
  v2Record(stream: StreamV2, cells: Cell[], bad?: number): void {
    const w = this.w[stream];
    if (w === undefined) throw new GeneratorError(`no ${stream} writer: the dataset is not contract 2`);
    this.v2Events[stream]++;
    this.record(stream, cells[0] as number, bad);
    w.write(bad === undefined ? { cells } : { cells, bad });
  }

  private see(name: SequenceName, seq: number): void {
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
    this.w.access?.write(bad === undefined ? { cells } : { cells, bad });
  }

  private record(name: SequenceName, seq: number, bad: number | undefined): void {
    if (bad === undefined) this.see(name, seq);
    else this.gt.missingSeq(name, seq);
  }
}
