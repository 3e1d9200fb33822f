/**
 * Per-event helpers of the order-flow rules (issue 9: replay + every check at millions of events per second).
 *
 * Reference lookups: a dozen rules look up the same account (and user, instrument) of the same event one after the
 * other. Each lookup function remembers its last answer and returns it again when asked about the same id in the same
 * reference map. Ids compare by value (`===` on strings), maps by identity, and reference data are built once and
 * never changed (ReferenceData), so the answer is always the map's own; the auditor also forgets every memo before
 * each item, so not even an in-place change of a map could reach past one item.
 *
 * Population counts: `sink.examined` / `sink.notTested` on every event cost a map lookup each in the sink. A rule
 * counts in a PopulationCounter instead and flushes the totals to the sink once, in its `finish` (the auditor always
 * calls it). The sink ends with the same numbers; reasons are flushed in the order they first occurred.
 */

import type { AuditSink } from '../contract/finding.js';
import type { Account, Instrument, Staff } from '../contract/records.js';
import type { ReferenceData } from '../reference/referenceData.js';

let accountsMap: ReadonlyMap<string, Account> | undefined;
let accountId: string | undefined;
let account: Account | undefined;

let staffMap: ReadonlyMap<string, Staff> | undefined;
let staffId: string | undefined;
let staffMember: Staff | undefined;

let instrumentsMap: ReadonlyMap<string, Instrument> | undefined;
let instrumentSymbol: string | undefined;
let instrument: Instrument | undefined;

/** `ref.accounts.get(id)`, remembered for the next call with the same id. */
export function accountOf(ref: ReferenceData, id: string): Account | undefined {
  const map = ref.accounts;
  if (id === accountId && map === accountsMap) return account;
  accountsMap = map;
  accountId = id;
  account = map.get(id);
  return account;
}

/** `ref.staff.get(userId)`, remembered for the next call with the same id. */
export function staffOf(ref: ReferenceData, userId: string): Staff | undefined {
  const map = ref.staff;
  if (userId === staffId && map === staffMap) return staffMember;
  staffMap = map;
  staffId = userId;
  staffMember = map.get(userId);
  return staffMember;
}

/** `ref.instruments.get(symbol)`, remembered for the next call with the same symbol. */
export function instrumentOf(ref: ReferenceData, symbol: string): Instrument | undefined {
  const map = ref.instruments;
  if (symbol === instrumentSymbol && map === instrumentsMap) return instrument;
  instrumentsMap = map;
  instrumentSymbol = symbol;
  instrument = map.get(symbol);
  return instrument;
}

/**
 * Remembers what the replay already looked up for an order (its account and instrument, in the same reference maps),
 * so that rules asking about the order of the current event need no map lookup at all. `accountId` must be the key
 * the account was looked up with (or equal to it), `account` the map's answer for it; the same for the symbol.
 */
export function rememberOrder(
  ref: ReferenceData,
  id: string,
  acct: Account | undefined,
  symbol: string,
  instr: Instrument | undefined,
): void {
  accountsMap = ref.accounts;
  accountId = id;
  account = acct;
  instrumentsMap = ref.instruments;
  instrumentSymbol = symbol;
  instrument = instr;
}

/** Forgets every remembered lookup (the auditor calls it before each item). */
export function forgetLookups(): void {
  accountsMap = undefined;
  accountId = undefined;
  account = undefined;
  staffMap = undefined;
  staffId = undefined;
  staffMember = undefined;
  instrumentsMap = undefined;
  instrumentSymbol = undefined;
  instrument = undefined;
}

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
