/**
 * Settlement legs of shared-order-book executions (V2.md `settlements`, SOB-3): per `exec_id`, the legs seen by the
 * end of the stream, and why its settlement was not delivery-versus-payment. Pure; fed in seq order. Memory grows with
 * executions (a few counters each, and at most MAX_KEPT legs, order ids and batch ids for the evidence).
 *
 * An execution is settled DvP when it has exactly one asset leg and one cash leg, both with mechanism `dvp`, both in
 * the same batch. Every other state gives the reasons SOB-3 lists: no asset leg, no cash leg, a leg twice (two records
 * of the same leg, even with the same event_id: each record is a movement the platform reported), a leg whose
 * mechanism is not `dvp`, legs in different batches.
 */
import type { SettlementEvent } from '../contract/recordsV2.js';

/** The legs, order ids and batch ids kept per execution for the evidence (counts are always complete). */
export const MAX_KEPT = 10;

export interface LegRecord {
  event_id: string;
  seq: number;
  ts: string;
  order_id: string;
  leg: SettlementEvent['leg'];
  qty: string;
  mechanism: SettlementEvent['mechanism'];
  batch_id: string;
  /** Where the record was read, when the caller gave it (the evidence's file:line). */
  file?: string;
  line?: number;
}

export interface ExecutionLegs {
  exec_id: string;
  /** Legs seen of each kind. */
  asset: number;
  cash: number;
  /** Legs whose mechanism is not dvp. */
  notDvp: number;
  /** Distinct batch ids in first-seen order (the first MAX_KEPT; two or more mean different batches). */
  batchIds: string[];
  /** Distinct order ids in first-seen order (the first MAX_KEPT). */
  orderIds: string[];
  /** The first MAX_KEPT legs in replay order. */
  legs: LegRecord[];
}

export type SettlementReason =
  | 'no asset leg'
  | 'no cash leg'
  | 'asset leg twice'
  | 'cash leg twice'
  | 'a leg is not dvp'
  | 'legs in different batches';

/** Every reason the execution was not settled DvP (empty: settled DvP). */
export function settlementReasons(e: Readonly<ExecutionLegs>): SettlementReason[] {
  const reasons: SettlementReason[] = [];
  if (e.asset === 0) reasons.push('no asset leg');
  if (e.cash === 0) reasons.push('no cash leg');
  if (e.asset > 1) reasons.push('asset leg twice');
  if (e.cash > 1) reasons.push('cash leg twice');
  if (e.notDvp > 0) reasons.push('a leg is not dvp');
  if (e.batchIds.length > 1) reasons.push('legs in different batches');
  return reasons;
}

export interface SettlementLegsState {
  executions: ExecutionLegs[];
}

export class SettlementLegs {
  readonly #executions = new Map<string, ExecutionLegs>();

  /** One settlement record, in seq order, and where it was read. Returns the execution's legs as they stand after it. */
  add(ev: SettlementEvent, at?: { file: string; line: number }): Readonly<ExecutionLegs> {
    let e = this.#executions.get(ev.exec_id);
    if (e === undefined) {
      e = { exec_id: ev.exec_id, asset: 0, cash: 0, notDvp: 0, batchIds: [], orderIds: [], legs: [] };
      this.#executions.set(ev.exec_id, e);
    }
    if (ev.leg === 'asset') e.asset++;
    else e.cash++;
    if (ev.mechanism !== 'dvp') e.notDvp++;
    keepDistinct(e.batchIds, ev.batch_id);
    keepDistinct(e.orderIds, ev.order_id);
    if (e.legs.length < MAX_KEPT) {
      const { event_id, seq, ts, order_id, leg, qty, mechanism, batch_id } = ev;
      const kept: LegRecord = { event_id, seq, ts, order_id, leg, qty, mechanism, batch_id };
      if (at !== undefined) {
        kept.file = at.file;
        kept.line = at.line;
      }
      e.legs.push(kept);
    }
    return e;
  }

  /** Every execution seen, in the order its first leg came (SOB-3's population at the end of the stream). */
  executions(): IterableIterator<Readonly<ExecutionLegs>> {
    return this.#executions.values();
  }

  get size(): number {
    return this.#executions.size;
  }

  saveState(): SettlementLegsState {
    return { executions: structuredClone([...this.#executions.values()]) };
  }

  /** Takes over a saveState result (after a structured-clone round trip) into a fresh tracker. */
  loadState(state: SettlementLegsState): void {
    for (const e of structuredClone(state.executions)) this.#executions.set(e.exec_id, e);
  }
}

function keepDistinct(list: string[], value: string): void {
  if (list.length < MAX_KEPT && !list.includes(value)) list.push(value);
}
