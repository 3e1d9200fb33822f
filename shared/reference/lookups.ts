/**
 * Reference lookups of the rules, per event. A dozen order-flow rules look up the same account (and user, instrument)
 * of the same event one after the other; a ReferenceLookups remembers its last answer of each kind and gives it again
 * when asked about the same id. It belongs to one ReferenceData, which is built once and never changed, so a
 * remembered answer is always the map's own; ids compare by value (`===` on strings).
 *
 * The order-flow auditor owns one and hands it to the rules in their context: before each item it forgets what it
 * remembered and primes it with what the replay already looked up for the event's order, so that the rules asking
 * about that order's account or instrument need no map lookup at all.
 */
import type { Account, Instrument, Staff } from '../contract/records.js';
import type { ReferenceData } from './referenceData.js';

export class ReferenceLookups {
  readonly ref: ReferenceData;
  #accountId: string | undefined;
  #account: Account | undefined;
  #userId: string | undefined;
  #staff: Staff | undefined;
  #symbol: string | undefined;
  #instrument: Instrument | undefined;

  constructor(ref: ReferenceData) {
    this.ref = ref;
  }

  /** `ref.accounts.get(id)`, remembered for the next call with the same id. */
  account(id: string): Account | undefined {
    if (id === this.#accountId) return this.#account;
    this.#accountId = id;
    this.#account = this.ref.accounts.get(id);
    return this.#account;
  }

  /** `ref.staff.get(userId)`, remembered for the next call with the same id. */
  staff(userId: string): Staff | undefined {
    if (userId === this.#userId) return this.#staff;
    this.#userId = userId;
    this.#staff = this.ref.staff.get(userId);
    return this.#staff;
  }

  /** `ref.instruments.get(symbol)`, remembered for the next call with the same symbol. */
  instrument(symbol: string): Instrument | undefined {
    if (symbol === this.#symbol) return this.#instrument;
    this.#symbol = symbol;
    this.#instrument = this.ref.instruments.get(symbol);
    return this.#instrument;
  }

  /**
   * Remembers what the replay looked up for an order in this lookups' reference data: `account` must be the answer
   * for `accountId`, `instrument` the answer for `symbol`.
   */
  rememberOrder(
    accountId: string,
    account: Account | undefined,
    symbol: string,
    instrument: Instrument | undefined,
  ): void {
    this.#accountId = accountId;
    this.#account = account;
    this.#symbol = symbol;
    this.#instrument = instrument;
  }

  /** Forgets every remembered answer. */
  forget(): void {
    this.#accountId = undefined;
    this.#account = undefined;
    this.#userId = undefined;
    this.#staff = undefined;
    this.#symbol = undefined;
    this.#instrument = undefined;
  }
}

/** The account of an id (the replay's lookup, once per order it enters). */
export function accountOf(ref: ReferenceData, id: string): Account | undefined {
  return ref.accounts.get(id);
}

/** The instrument of a symbol (the replay's lookup, once per order it enters). */
export function instrumentOf(ref: ReferenceData, symbol: string): Instrument | undefined {
  return ref.instruments.get(symbol);
}
