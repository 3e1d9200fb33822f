/**
 * Population counts of the per-event rules: `sink.examined` / `sink.notTested` on every event cost a map lookup each
 * in the sink. A rule counts in a PopulationCounter instead and flushes the totals to the sink once, in its `finish`
 * (the dispatcher always calls it). The sink ends with the same numbers; reasons are flushed in the order they first
 * occurred.
 */
import type { AuditSink } from '../contract/finding.js';

export interface PopulationState {
  examined: number;
  notTested: Map<string, number>;
}

/** Population counts of one check, kept locally and handed to the sink by `flush`. */
export class PopulationCounter {
  readonly checkId: string;
  examined = 0;
  readonly #notTested = new Map<string, number>();
  /** The reason counted last and how many times since it was last settled into the map (no map access per call). */
  #lastReason: string | undefined;
  #lastCount = 0;

  constructor(checkId: string) {
    this.checkId = checkId;
  }

  notTested(reason: string): void {
    if (reason === this.#lastReason) {
      this.#lastCount++;
      return;
    }
    this.#settle();
    // Present from its first occurrence on, so that reasons keep their first-occurrence order.
    if (!this.#notTested.has(reason)) this.#notTested.set(reason, 0);
    this.#lastReason = reason;
    this.#lastCount = 1;
  }

  #settle(): void {
    if (this.#lastReason === undefined) return;
    this.#notTested.set(this.#lastReason, this.#notTested.get(this.#lastReason)! + this.#lastCount);
    this.#lastReason = undefined;
    this.#lastCount = 0;
  }

  /** The counts not flushed yet (a copy), for a checkpoint. */
  saveState(): PopulationState {
    this.#settle();
    return { examined: this.examined, notTested: new Map(this.#notTested) };
  }

  /** Replaces the counts by those of a checkpoint (reasons keep their first-occurrence order). */
  loadState(state: PopulationState): void {
    this.#lastReason = undefined;
    this.#lastCount = 0;
    this.examined = state.examined;
    this.#notTested.clear();
    for (const [reason, n] of state.notTested) this.#notTested.set(reason, n);
  }

  /** Reports the counts gathered since the last flush to the sink, then starts again from zero. */
  flush(sink: AuditSink): void {
    this.#settle();
    if (this.examined > 0) sink.examined(this.checkId, this.examined);
    for (const [reason, n] of this.#notTested) sink.notTested(this.checkId, reason, n);
    this.examined = 0;
    this.#notTested.clear();
  }
}
